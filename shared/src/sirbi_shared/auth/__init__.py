"""Identity: JWTs signed by the gateway (Ed25519) and verified by every service."""

from sirbi_shared.auth.principal import Principal, Role
from sirbi_shared.auth.tokens import TokenIssuer, TokenVerifier, generate_key_pair

__all__ = ["Principal", "Role", "TokenIssuer", "TokenVerifier", "generate_key_pair"]
