"""Async SQLAlchemy engine and sessions; the request session commits on success."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic_core import to_json
from sqlalchemy import MetaData, Table, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase

# One naming convention so Alembic autogenerate produces stable constraint names.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    return MetaData(naming_convention=NAMING_CONVENTION)


class Base(DeclarativeBase):
    """Declarative base a service may subclass per feature; shares one metadata per service."""

    metadata = new_metadata()


def _json_text(value: Any) -> str:
    return to_json(value).decode()


def table_of(model: type[DeclarativeBase]) -> Table:
    """A mapped class's table, typed as one (SQLAlchemy types `__table__` as any FROM clause), for
    Core statements built once at import."""
    table = model.__table__
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


class Database:
    """The engine and session factory of one service database."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url: URL = make_url(url)
        self.engine: AsyncEngine = create_async_engine(
            self.url,
            pool_size=pool_size,
            max_overflow=pool_size,
            # No ping before each checkout (a round trip on every request): a connection that died
            # with a PostgreSQL restart fails its one request with a 503 (http/problems.py) and
            # the pool replaces it and every connection as old.
            pool_pre_ping=False,
            pool_recycle=1800,
            # JSON(B) parameters (event data, history states) encoded in Rust, not by `json.dumps`.
            json_serializer=_json_text,
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)

    @property
    def asyncpg_dsn(self) -> str:
        """The same database as a plain libpq DSN, for the relay's dedicated asyncpg connection."""
        return self.url.set(drivername="postgresql").render_as_string(hide_password=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in one transaction: committed when the block ends, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    async def ping(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


async def copy_rows(
    session: AsyncSession, table: Table, columns: Sequence[str], records: Iterable[Sequence[Any]]
) -> None:
    """Bulk-load rows with PostgreSQL COPY, in the session's transaction.

    For thousands of rows COPY is several times cheaper than INSERT on both sides: asyncpg
    encodes the records in binary without SQLAlchemy's per-value processing. JSON(B) values are
    passed as JSON text. `records` is consumed lazily, taking turns with other tasks.
    """
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection  # the asyncpg connection holding this transaction
    if not driver.is_in_transaction():
        # SQLAlchemy sends BEGIN with the session's first statement; a COPY sent straight to the
        # driver before any would run on its own, outside the transaction (and survive a rollback).
        await connection.execute(text("SELECT 1"))
    await driver.copy_records_to_table(
        table.name, records=records, columns=list(columns), schema_name=table.schema
    )


def lost_connection(error: BaseException) -> bool:
    """The database connection broke or could not be used (a restart, the server away): nothing
    about the statement itself, so the work is worth doing again once the database is back."""
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, OperationalError | InterfaceError)


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the constraint a statement broke (asyncpg reports it), to answer with the
    matching problem instead of checking beforehand in a round trip of its own."""
    name = getattr(error.orig, "constraint_name", None) or getattr(
        getattr(error.orig, "__cause__", None), "constraint_name", None
    )
    return name if isinstance(name, str) else None


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def _request_session(
    database: Annotated[Database, Depends(get_database)],
) -> AsyncIterator[AsyncSession]:
    async with database.transaction() as session:
        yield session


# scope="function": the commit happens before the response is sent, so a failed commit is
# answered as an error instead of a 2xx for a write that did not happen.
SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]
