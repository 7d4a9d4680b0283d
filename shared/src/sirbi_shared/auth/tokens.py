"""Signing and verifying access tokens.

EdDSA (Ed25519) keeps signing with the gateway alone: services hold only the public key, so a
compromised service cannot mint tokens for the others.
"""

from __future__ import annotations

import functools
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError

from sirbi_shared.auth.principal import Principal, Role

ALGORITHM = "EdDSA"
# Clocks of the gateway and the services may differ by a few seconds.
_LEEWAY_SECONDS = 5


class InvalidToken(Exception):
    """The token is missing a claim, expired, not ours, or tampered with."""


def generate_key_pair() -> tuple[bytes, bytes]:
    """A new Ed25519 key pair as (private PEM, public PEM)."""
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


def write_key_pair(folder: Path) -> None:
    private_pem, public_pem = generate_key_pair()
    folder.mkdir(parents=True, exist_ok=True)
    private = folder / "jwt-private.pem"
    private.write_bytes(private_pem)
    private.chmod(0o600)
    (folder / "jwt-public.pem").write_bytes(public_pem)


class TokenVerifier:
    """Checks a token's signature and claims.

    Verified tokens are remembered (up to `remembered` of them) until they expire: a client sends
    the same token with every request for its few minutes of life, and checking an Ed25519
    signature again each time was a tenth of a proxied request's cost. A token's signature cannot
    change, so only its expiry is checked again on a hit; a rejected token is never remembered.
    """

    def __init__(
        self,
        public_key_pem: bytes,
        *,
        issuer: str = "sirbi-gateway",
        audience: str = "sirbi",
        remembered: int = 4096,
    ) -> None:
        self._key = serialization.load_pem_public_key(public_key_pem)
        self.issuer = issuer
        self.audience = audience
        self._checked = functools.lru_cache(maxsize=remembered)(self._check)

    @classmethod
    def from_file(cls, path: Path, **kwargs: Any) -> TokenVerifier:
        return cls(path.read_bytes(), **kwargs)

    def verify(self, token: str) -> Principal:
        principal, expires_at = self._checked(token)
        if time.time() > expires_at + _LEEWAY_SECONDS:
            raise InvalidToken("Signature has expired")
        return principal

    def _check(self, token: str) -> tuple[Principal, float]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key,  # type: ignore[arg-type]
                algorithms=[ALGORITHM],
                issuer=self.issuer,
                audience=self.audience,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=_LEEWAY_SECONDS,
            )
            principal = Principal(
                subject=claims["sub"],
                roles=frozenset(Role(r) for r in claims.get("roles", [])),
                country=claims.get("country"),
                working_groups=frozenset(claims.get("working_groups", [])),
            )
            return principal, float(claims["exp"])
        except (jwt.PyJWTError, ValueError, ValidationError) as exc:
            raise InvalidToken(str(exc)) from exc


class TokenIssuer:
    """Mints access tokens: the gateway's sign-in, and tests (`TokenIssuer.for_tests()`)."""

    def __init__(
        self,
        private_key_pem: bytes,
        *,
        issuer: str = "sirbi-gateway",
        audience: str = "sirbi",
        lifetime: timedelta = timedelta(minutes=15),
    ) -> None:
        self._key = serialization.load_pem_private_key(private_key_pem, password=None)
        self.public_key_pem = self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.issuer = issuer
        self.audience = audience
        self.lifetime = lifetime

    @classmethod
    def for_tests(cls) -> TokenIssuer:
        """An issuer with a fresh key pair; give its `verifier()` to the app under test."""
        private_pem, _ = generate_key_pair()
        return cls(private_pem)

    def verifier(self) -> TokenVerifier:
        return TokenVerifier(self.public_key_pem, issuer=self.issuer, audience=self.audience)

    def mint(
        self,
        subject: str,
        roles: list[Role] | tuple[Role, ...] = (),
        *,
        country: str | None = None,
        working_groups: list[str] | tuple[str, ...] = (),
        lifetime: timedelta | None = None,
    ) -> str:
        now = datetime.now(UTC)
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "iat": now,
            "exp": now + (lifetime or self.lifetime),
            "jti": uuid.uuid4().hex,
            "roles": [str(r) for r in roles],
            "working_groups": list(working_groups),
        }
        if country is not None:
            claims["country"] = country
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)  # type: ignore[arg-type]
