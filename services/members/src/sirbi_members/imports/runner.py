"""Runs directory imports one after another, in the background of the members service.

A job reads its spooled file row by row and applies valid rows in batches; each batch's
libraries, events, history, rejections and the job's progress commit together. So a job the
service was stopped in the middle of resumes at its first unapplied row on the next start, and
a re-applied row would change nothing anyway (the upsert skips identical rows).
"""

from __future__ import annotations

import asyncio
import csv
import logging
import uuid
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from sqlalchemy import insert, select, update

from sirbi_members.imports.csv_rows import count_rows, read_rows
from sirbi_members.imports.models import DirectoryImport, ImportStatus, RejectedRow
from sirbi_members.libraries import service as libraries
from sirbi_members.libraries.events import DirectoryImportCompleted
from sirbi_members.libraries.schemas import LibraryFields
from sirbi_members.streams import directory_outbox
from sirbi_shared.db import Database
from sirbi_shared.turns import in_turns

log = logging.getLogger(__name__)

BATCH_ROWS = 1000
WRITERS = 2  # batches written at once


def spool_path(directory: Path, job_id: uuid.UUID) -> Path:
    return directory / f"{job_id}.csv"


class DirectoryImportRunner:
    name = "directory-imports"

    def __init__(self, database: Database, spool_dir: Path) -> None:
        self.database = database
        self.spool_dir = spool_dir
        self._queue: asyncio.Queue[uuid.UUID] = asyncio.Queue()

    def submit(self, job_id: uuid.UUID) -> None:
        self._queue.put_nowait(job_id)

    async def run(self) -> None:
        for job_id in await self._unfinished():
            self.submit(job_id)  # interrupted by a restart: carry on where they stopped
        while True:
            job_id = await self._queue.get()
            try:
                await self.process(job_id)
            except Exception as exc:
                log.exception("directory import failed", extra={"job_id": str(job_id)})
                await self._fail(job_id, f"internal error: {type(exc).__name__}")

    async def _unfinished(self) -> list[uuid.UUID]:
        async with self.database.transaction() as session:
            rows = await session.execute(
                select(DirectoryImport.id)
                .where(DirectoryImport.status.in_([ImportStatus.QUEUED, ImportStatus.RUNNING]))
                .order_by(DirectoryImport.created_at)
            )
            return list(rows.scalars())

    async def process(self, job_id: uuid.UUID) -> None:
        async with self.database.transaction() as session:
            job = await session.get(DirectoryImport, job_id, with_for_update=True)
            if job is None or job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
                return
            path = spool_path(self.spool_dir, job_id)
            if not path.exists():
                job.status, job.error = ImportStatus.FAILED, "the uploaded file is gone; upload it again"
                job.finished_at = datetime.now(UTC)
                return
            if job.total_rows is None:
                job.total_rows = await asyncio.to_thread(_count_rows, path)  # the loop stays free
            job.status = ImportStatus.RUNNING
            country, actor, skip = job.country, job.started_by, job.rows_done
        try:
            await self._apply_file(job_id, country, actor, path, skip)
        except (csv.Error, UnicodeDecodeError) as exc:
            await self._fail(job_id, f"the file cannot be read as UTF-8 CSV: {exc}")
            return
        path.unlink(missing_ok=True)

    async def _apply_file(self, job_id: uuid.UUID, country: str, actor: str, path: Path, skip: int) -> None:
        # A pipeline, so that Python and PostgreSQL work at the same time: the file is read and
        # validated a couple of batches ahead, and two batches are written at once, each in its
        # own transaction, while one's statements run in the database, the other's events are
        # built here. Batches still commit in file order (see _apply_batch).
        ready: asyncio.Queue[PreparedBatch | Exception | None] = asyncio.Queue(maxsize=2)
        writing: deque[asyncio.Task[None]] = deque()
        with path.open(newline="", encoding="utf-8") as text:
            batches = _prepared_batches(job_id, country, text, skip)
            reader = asyncio.create_task(_read_ahead(batches, ready))
            try:
                while (batch := await ready.get()) is not None:
                    if isinstance(batch, Exception):
                        raise batch  # the file could not be read on (csv.Error, UnicodeDecodeError)
                    previous = writing[-1] if writing else None
                    writing.append(
                        asyncio.create_task(self._apply_batch(job_id, country, actor, batch, after=previous))
                    )
                    if len(writing) == WRITERS:
                        await writing.popleft()
                while writing:
                    await writing.popleft()
            finally:
                reader.cancel()
                for task in writing:
                    task.cancel()
                await asyncio.gather(*writing, return_exceptions=True)  # reaped, not left dangling
        async with self.database.transaction() as session:
            job = await session.get(DirectoryImport, job_id, with_for_update=True)
            assert job is not None
            job.status = ImportStatus.COMPLETED
            job.finished_at = datetime.now(UTC)
            completed = DirectoryImportCompleted(
                job_id=job.id,
                country=job.country,
                total_rows=job.total_rows or 0,
                created=job.created,
                updated=job.updated,
                unchanged=job.unchanged,
                rejected=job.rejected,
            )
            await directory_outbox.add(session, completed, aggregate_id=str(job.id))

    async def _apply_batch(
        self,
        job_id: uuid.UUID,
        country: str,
        actor: str,
        batch: PreparedBatch,
        *,
        after: asyncio.Task[None] | None,
    ) -> None:
        """Write one batch, and commit it only once the batch before it (`after`) committed.

        So the job's `rows_done` always counts a prefix of the file, which is where a restart
        resumes; if the batch before fails, this one rolls back too. Batches of one file touch
        different libraries (duplicates are rejected), so waiting here cannot deadlock.
        """
        async with self.database.transaction() as session:
            created, updated = await libraries.apply_import_batch(session, country, batch.good, actor)
            if batch.rejections:
                await session.execute(insert(RejectedRow), batch.rejections)
            if after is not None:
                await after
            await session.execute(
                update(DirectoryImport)
                .where(DirectoryImport.id == job_id)
                .values(
                    rows_done=DirectoryImport.rows_done + batch.rows,
                    created=DirectoryImport.created + created,
                    updated=DirectoryImport.updated + updated,
                    unchanged=DirectoryImport.unchanged + (len(batch.good) - created - updated),
                    rejected=DirectoryImport.rejected + len(batch.rejections),
                )
            )

    async def _fail(self, job_id: uuid.UUID, error: str) -> None:
        async with self.database.transaction() as session:
            await session.execute(
                update(DirectoryImport)
                .where(DirectoryImport.id == job_id)
                .values(status=ImportStatus.FAILED, error=error, finished_at=datetime.now(UTC))
            )
        spool_path(self.spool_dir, job_id).unlink(missing_ok=True)


def _count_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as text:
        return count_rows(text)


@dataclass
class PreparedBatch:
    """Consecutive data rows of the file, validated: what to write, and what to report."""

    rows: int = 0
    good: list[LibraryFields] = field(default_factory=list)
    rejections: list[dict[str, object]] = field(default_factory=list)


async def _read_ahead(
    batches: AsyncIterator[PreparedBatch], ready: asyncio.Queue[PreparedBatch | Exception | None]
) -> None:
    """Hand the file's batches to the writer, a couple ahead of it; None marks the end, an
    exception a file that cannot be read on."""
    try:
        async for batch in batches:
            await ready.put(batch)
    except Exception as exc:  # handed to the writer, which fails the job with it
        await ready.put(exc)
    else:
        await ready.put(None)


async def _prepared_batches(
    job_id: uuid.UUID, country: str, text: IO[str], skip: int
) -> AsyncIterator[PreparedBatch]:
    """The file's rows after the first `skip`, validated, in batches. Rows are checked against
    each other too: a directory key seen on an earlier line makes the row a duplicate, including
    keys of rows applied before a restart."""
    seen: dict[str, int] = {}  # directory key -> line it first appeared on
    batch = PreparedBatch()
    async for index, row in in_turns(enumerate(read_rows(country, text))):
        if index < skip:  # applied before a restart: only remember their keys
            if row.key is not None:
                seen.setdefault(row.key, row.line)
            continue
        batch.rows += 1
        if row.fields is None or row.key is None:
            batch.rejections.append({"import_id": job_id, "line": row.line, "reason": row.reason})
        elif row.key in seen:
            identity = row.fields.isil or row.fields.national_id
            reason = f"duplicate of line {seen[row.key]} ({identity})"
            batch.rejections.append({"import_id": job_id, "line": row.line, "reason": reason})
        else:
            seen[row.key] = row.line
            batch.good.append(row.fields)
        if batch.rows == BATCH_ROWS:
            yield batch
            batch = PreparedBatch()
    if batch.rows:
        yield batch
