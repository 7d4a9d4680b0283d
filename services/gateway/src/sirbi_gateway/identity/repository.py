"""Reading and locking users, refresh tokens and clients."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sirbi_gateway.identity.models import ApiClient, RefreshToken, User
from sirbi_shared.http.problems import ProblemError


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return (await session.execute(select(User).where(User.email == email.lower()))).scalar_one_or_none()


async def get_user(session: AsyncSession, user_id: uuid.UUID, *, for_update: bool = False) -> User:
    statement = select(User).where(User.id == user_id)
    if for_update:
        statement = statement.with_for_update()
    user = (await session.execute(statement)).scalar_one_or_none()
    if user is None:
        raise ProblemError(404, "user_not_found", f"No user {user_id}.")
    return user


async def list_users(session: AsyncSession) -> list[User]:
    return list((await session.execute(select(User).order_by(User.email))).scalars())


async def any_user(session: AsyncSession) -> bool:
    return (await session.execute(select(User.id).limit(1))).first() is not None


async def refresh_token(session: AsyncSession, token_hash: str) -> RefreshToken | None:
    statement = select(RefreshToken).where(RefreshToken.token_hash == token_hash).with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def revoke_family(session: AsyncSession, family_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def revoke_user_tokens(session: AsyncSession, user_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def client_by_prefix(session: AsyncSession, prefix: str) -> ApiClient | None:
    return (
        await session.execute(select(ApiClient).where(ApiClient.key_prefix == prefix))
    ).scalar_one_or_none()


async def get_client(session: AsyncSession, client_id: uuid.UUID, *, for_update: bool = False) -> ApiClient:
    statement = select(ApiClient).where(ApiClient.id == client_id)
    if for_update:
        statement = statement.with_for_update()
    client = (await session.execute(statement)).scalar_one_or_none()
    if client is None:
        raise ProblemError(404, "client_not_found", f"No integration client {client_id}.")
    return client


async def list_clients(session: AsyncSession) -> list[ApiClient]:
    return list((await session.execute(select(ApiClient).order_by(ApiClient.created_at))).scalars())


async def mark_client_used(session: AsyncSession, client_id: uuid.UUID, now: datetime) -> None:
    await session.execute(update(ApiClient).where(ApiClient.id == client_id).values(last_used_at=now))
