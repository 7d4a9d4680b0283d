"""Async SQLAlchemy engine and sessions; the request session commits on success."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, Request
from pydantic_core import to_json
from sqlalchemy import MetaData, Table, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, ORMExecuteState, Session, UOWTransaction

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


class OneWriteSession(Session):
    """A session whose statements each commit on their own (no BEGIN and COMMIT round trips), so
    it refuses what would need a transaction to stay all or nothing: a second write, or a flush
    of the unit of work (which may send several statements). Reads are free: at PostgreSQL's READ
    COMMITTED each statement sees its own snapshot inside a transaction too. Only SELECT
    constructs count as reads: a `text()` statement counts as a write."""


class SecondWriteRefused(RuntimeError):
    """A use case wrote twice in a one-write session: it needs `Database.transaction()`."""


@event.listens_for(OneWriteSession, "do_orm_execute")
def _one_write_only(state: ORMExecuteState) -> None:
    if state.is_select:
        return
    if state.session.info.get("wrote"):
        raise SecondWriteRefused("a second write outside a transaction would not be all or nothing")
    state.session.info["wrote"] = True


@event.listens_for(OneWriteSession, "before_flush")
def _no_unit_of_work(session: Session, flush: UOWTransaction, instances: object) -> None:
    if session.new or session.dirty or session.deleted:
        raise SecondWriteRefused("a flush may send several statements: it needs a transaction")


class Database:
    """The engine and session factory of one service database."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url: URL = make_url(url)
        self.engine: AsyncEngine = create_async_engine(
            self.url,
            pool_size=pool_size,
            # A fixed pool: a request beyond `pool_size` waits for a connection instead of opening
            # one. Overflow connections are closed as they come back, so under a steady load
            # just above the pool every request paid a new connection (SCRAM authentication,
            # a new backend): writes through the gateway fell from ~530/s to ~450/s.
            max_overflow=0,
            # No ping before each checkout (a round trip on every request): a connection that died
            # with a PostgreSQL restart fails its one request with a 503 (http/problems.py) and
            # the pool replaces it and every connection as old.
            pool_pre_ping=False,
            pool_recycle=1800,
            # JSON(B) parameters (event data, history states) encoded in Rust, not by `json.dumps`.
            json_serializer=_json_text,
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        # Same pool; asyncpg's autocommit is a flag on our side of the connection, no round trip.
        self.one_write_sessions = async_sessionmaker(
            self.engine.execution_options(isolation_level="AUTOCOMMIT"),
            expire_on_commit=False,
            autoflush=False,
            sync_session_class=OneWriteSession,
        )

    @property
    def asyncpg_dsn(self) -> str:
        """The same database as a plain libpq DSN, for the relay's dedicated asyncpg connection."""
        return self.url.set(drivername="postgresql").render_as_string(hide_password=False)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session in one transaction: committed when the block ends, rolled back on error."""
        async with self.sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def one_write(self) -> AsyncIterator[AsyncSession]:
        """A session for reads and at most one write, each statement its own transaction: a write
        of one statement (the outbox's, with its record and history entry) is all or nothing by
        itself, and spares the two round trips of BEGIN and COMMIT."""
        async with self.one_write_sessions() as session, session.begin():
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


# SQLSTATEs of a server that is going away or not accepting connections yet (a restart): asyncpg
# raises them as plain server errors, which SQLAlchemy wraps as a DBAPIError of no finer class.
_SERVER_AWAY_SQLSTATES = ("57P01", "57P02", "57P03")  # admin/crash shutdown, "starting up"


def lost_connection(error: BaseException) -> bool:
    """The database connection broke or could not be used (a restart, the server away or still
    starting): nothing about the statement itself, so the work is worth doing again once the
    database is back."""
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return True
        sqlstate = getattr(error.orig, "sqlstate", None)
        if isinstance(sqlstate, str) and (sqlstate.startswith("08") or sqlstate in _SERVER_AWAY_SQLSTATES):
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


async def _one_write_session(
    database: Annotated[Database, Depends(get_database)],
) -> AsyncIterator[AsyncSession]:
    async with database.one_write() as session:
        yield session


# scope="function": the commit happens before the response is sent, so a failed commit is
# answered as an error instead of a 2xx for a write that did not happen.
SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]
# For an endpoint whose use case writes with one statement at most (ADR 0002).
OneWriteSessionDep = Annotated[AsyncSession, Depends(_one_write_session, scope="function")]
