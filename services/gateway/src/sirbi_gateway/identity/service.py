"""Identity use cases: signing in and out, refreshing, changing one's password; the secretariat
managing users and integration clients; recognising an API key."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_gateway.identity import repository
from sirbi_gateway.identity.events import (
    ClientCreated,
    ClientEvent,
    ClientRevoked,
    PasswordChanged,
    UserCreated,
    UserEvent,
    UserUpdated,
)
from sirbi_gateway.identity.models import ApiClient, RefreshToken, User
from sirbi_gateway.identity.schemas import (
    ClientPublic,
    Me,
    NewClient,
    NewUser,
    Scope,
    TokenPair,
    UserFields,
    UserState,
)
from sirbi_gateway.identity.secrets import (
    digest,
    hash_password,
    needs_rehash,
    new_token,
    password_matches,
    same_digest,
)
from sirbi_gateway.streams import outbox
from sirbi_shared.auth import Principal, Role, TokenIssuer
from sirbi_shared.changes import SYSTEM_ACTOR, publish_change
from sirbi_shared.http.problems import ProblemError
from sirbi_shared.http.versioning import check_version

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="sirbi"'}
API_KEY_PREFIX = "sk"


@dataclass(frozen=True)
class TokenPolicy:
    issuer: TokenIssuer
    refresh_lifetime: timedelta


def _invalid_credentials() -> ProblemError:
    return ProblemError(401, "invalid_credentials", "Wrong email or password.", headers=_CHALLENGE)


def _invalid_refresh() -> ProblemError:
    return ProblemError(401, "invalid_refresh_token", "Sign in again.", headers=_CHALLENGE)


def principal_of(user: User) -> Principal:
    return Principal(
        subject=str(user.id),
        roles=frozenset(Role(r) for r in user.roles),
        country=user.country,
        working_groups=frozenset(user.working_groups),
    )


def _access_token(policy: TokenPolicy, user: User) -> str:
    principal = principal_of(user)
    return policy.issuer.mint(
        principal.subject,
        sorted(principal.roles),
        country=principal.country,
        working_groups=sorted(principal.working_groups),
    )


async def _issue(session: AsyncSession, policy: TokenPolicy, user: User, family_id: uuid.UUID) -> TokenPair:
    now = datetime.now(UTC)
    refresh = new_token()
    session.add(
        RefreshToken(
            id=uuid.uuid4(),
            user_id=user.id,
            family_id=family_id,
            token_hash=digest(refresh),
            issued_at=now,
            expires_at=now + policy.refresh_lifetime,
        )
    )
    return TokenPair(
        access_token=_access_token(policy, user),
        expires_in=int(policy.issuer.lifetime.total_seconds()),
        refresh_token=refresh,
    )


async def describe_caller(session: AsyncSession, principal: Principal) -> Me:
    try:
        user = await session.get(User, uuid.UUID(principal.subject))
    except ValueError:  # an integration client's key, not a person
        user = None
    me = Me(**principal.model_dump())
    if user is None:
        return me
    return me.model_copy(update={"email": user.email, "display_name": user.display_name})


async def sign_in(session: AsyncSession, policy: TokenPolicy, email: str, password: str) -> TokenPair:
    user = await repository.user_by_email(session, email)
    # Same work and the same answer for an unknown email, a wrong password and a disabled account.
    if (
        not password_matches(user.password_hash if user else None, password)
        or user is None
        or not user.active
    ):
        raise _invalid_credentials()
    if needs_rehash(user.password_hash):  # parameters were raised since: upgrade on the way in
        user.password_hash = hash_password(password)
    return await _issue(session, policy, user, family_id=uuid.uuid4())


async def refresh(session: AsyncSession, policy: TokenPolicy, token: str) -> TokenPair | None:
    """A refresh token is good once. Presented again, it was copied: the sign-in ends everywhere
    (None: refused, with the revocation to keep)."""
    now = datetime.now(UTC)
    stored = await repository.refresh_token(session, digest(token))
    if stored is None or stored.revoked_at is not None or stored.expires_at <= now:
        raise _invalid_refresh()
    if stored.used_at is not None:
        await repository.revoke_family(session, stored.family_id, now)
        return None  # refused, but the revocation must be committed: the endpoint answers 401
    user = await repository.get_user(session, stored.user_id)
    if not user.active:
        raise _invalid_refresh()
    stored.used_at = now
    return await _issue(session, policy, user, stored.family_id)


async def sign_out(session: AsyncSession, token: str) -> None:
    """Revoke the sign-in the token belongs to (again is fine; a token never issued is a 401)."""
    stored = await repository.refresh_token(session, digest(token))
    if stored is None:
        raise _invalid_refresh()
    await repository.revoke_family(session, stored.family_id, datetime.now(UTC))


async def _user_changed(
    session: AsyncSession, user: User, event: type[UserEvent], action: str, actor: str
) -> User:
    await session.flush()
    state = UserState.of(user)
    await publish_change(
        session,
        outbox,
        event(user=state),
        aggregate_type="user",
        aggregate_id=str(user.id),
        version=user.version,
        action=action,
        actor=actor,
        state=state,
    )
    return user


async def change_password(session: AsyncSession, principal: Principal, current: str, new: str) -> None:
    """The current password stands in for If-Match: whoever knows it has the latest version."""
    user = await repository.get_user(session, uuid.UUID(principal.subject), for_update=True)
    if not password_matches(user.password_hash, current):
        raise ProblemError(403, "wrong_password", "The current password is not right.")
    now = datetime.now(UTC)
    user.password_hash = hash_password(new)
    user.version += 1
    user.updated_at = now
    await repository.revoke_user_tokens(session, user.id, now)
    await _user_changed(session, user, PasswordChanged, "password_changed", principal.subject)


def _describe(user: User, fields: UserFields) -> None:
    user.display_name = fields.display_name
    user.roles = sorted({r.value for r in fields.roles})
    user.country = fields.country
    user.working_groups = sorted({str(g) for g in fields.working_groups})
    user.active = fields.active


async def create_user(session: AsyncSession, fields: NewUser, actor: str) -> User:
    if await repository.user_by_email(session, fields.email) is not None:
        raise ProblemError(409, "user_exists", "A user with this email exists.")
    now = datetime.now(UTC)
    user = User(
        id=uuid.uuid4(),
        email=fields.email.lower(),
        password_hash=hash_password(fields.password.get_secret_value()),
        version=1,
        created_at=now,
        updated_at=now,
    )
    _describe(user, fields)
    session.add(user)
    return await _user_changed(session, user, UserCreated, "created", actor)


async def update_user(
    session: AsyncSession, user_id: uuid.UUID, fields: UserFields, expected: int, actor: str
) -> User:
    user = await repository.get_user(session, user_id, for_update=True)
    check_version(user.version, expected)
    _describe(user, fields)
    user.version += 1
    user.updated_at = datetime.now(UTC)
    if not user.active:  # a disabled account signs out everywhere
        await repository.revoke_user_tokens(session, user.id, user.updated_at)
    return await _user_changed(session, user, UserUpdated, "updated", actor)


async def ensure_first_secretariat(session: AsyncSession, email: str, password: str) -> User | None:
    """On a platform with no users yet, the secretariat account from the environment."""
    if await repository.any_user(session):
        return None
    first = NewUser(
        email=email,
        password=password,  # type: ignore[arg-type]
        display_name="Secretaría técnica",
        roles=[Role.SECRETARIAT],
    )
    return await create_user(session, first, SYSTEM_ACTOR)


async def _client_changed(
    session: AsyncSession, client: ApiClient, event: type[ClientEvent], action: str, actor: str
) -> ApiClient:
    await session.flush()
    await publish_change(
        session,
        outbox,
        event(client_id=client.id, scopes=list(client.scopes), version=client.version),
        aggregate_type="client",
        aggregate_id=str(client.id),
        version=client.version,
        action=action,
        actor=actor,
        state=ClientPublic.of(client),
    )
    return client


async def create_client(session: AsyncSession, fields: NewClient, actor: str) -> tuple[ApiClient, str]:
    """A client and its key; the key is returned this once and only its hash is kept."""
    prefix = secrets.token_hex(6)
    key = f"{API_KEY_PREFIX}_{prefix}_{new_token()}"
    now = datetime.now(UTC)
    client = ApiClient(
        id=uuid.uuid4(),
        name=fields.name,
        scopes=sorted({s.value for s in fields.scopes}),
        key_prefix=prefix,
        key_hash=digest(key),
        created_by=actor,
        version=1,
        created_at=now,
        updated_at=now,
    )
    session.add(client)
    return await _client_changed(session, client, ClientCreated, "created", actor), key


async def revoke_client(session: AsyncSession, client_id: uuid.UUID, expected: int, actor: str) -> ApiClient:
    client = await repository.get_client(session, client_id, for_update=True)
    check_version(client.version, expected)
    if client.revoked_at is not None:
        raise ProblemError(409, "client_revoked", "This client's key is already revoked.")
    client.revoked_at = datetime.now(UTC)
    client.version += 1
    client.updated_at = client.revoked_at
    return await _client_changed(session, client, ClientRevoked, "revoked", actor)


@dataclass(frozen=True)
class KeyHolder:
    client_id: uuid.UUID
    scopes: frozenset[Scope]
    last_used_at: datetime | None


async def recognise_key(session: AsyncSession, key: str) -> KeyHolder | None:
    """The client whose (unrevoked) key this is, or None."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
        return None
    client = await repository.client_by_prefix(session, parts[1])
    if client is None or client.revoked_at is not None or not same_digest(key, client.key_hash):
        return None
    return KeyHolder(client.id, frozenset(Scope(s) for s in client.scopes), client.last_used_at)
