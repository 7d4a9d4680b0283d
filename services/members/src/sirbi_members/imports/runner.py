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
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert, select, update

from sirbi_members.imports.csv_rows import ParsedRow, count_rows, read_rows
from sirbi_members.imports.models import DirectoryImport, ImportStatus, RejectedRow
from sirbi_members.libraries import service as libraries
from sirbi_members.libraries.events import DirectoryImportCompleted
from sirbi_members.libraries.schemas import LibraryFields
from sirbi_members.streams import directory_outbox
from sirbi_shared.db import Database

log = logging.getLogger(__name__)

BATCH_ROWS = 1000


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
                with path.open(newline="", encoding="utf-8") as text:
                    job.total_rows = count_rows(text)
            job.status = ImportStatus.RUNNING
            country, actor, skip = job.country, job.started_by, job.rows_done
        try:
            await self._apply_file(job_id, country, actor, path, skip)
        except (csv.Error, UnicodeDecodeError) as exc:
            await self._fail(job_id, f"the file cannot be read as UTF-8 CSV: {exc}")
            return
        path.unlink(missing_ok=True)

    async def _apply_file(self, job_id: uuid.UUID, country: str, actor: str, path: Path, skip: int) -> None:
        seen: dict[str, int] = {}  # directory key -> line it first appeared on, for duplicates
        with path.open(newline="", encoding="utf-8") as text:
            rows = read_rows(country, text)
            for _ in range(skip):  # applied before a restart: only remember their keys
                row = next(rows)
                if row.key is not None:
                    seen.setdefault(row.key, row.line)
            for batch in _batches(rows, BATCH_ROWS):
                await self._apply_batch(job_id, country, actor, batch, seen)
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
        self, job_id: uuid.UUID, country: str, actor: str, batch: list[ParsedRow], seen: dict[str, int]
    ) -> None:
        good: list[LibraryFields] = []
        rejections: list[dict[str, object]] = []
        for row in batch:
            if row.fields is None or row.key is None:
                rejections.append({"import_id": job_id, "line": row.line, "reason": row.reason})
            elif row.key in seen:
                identity = row.fields.isil or row.fields.national_id
                rejections.append(
                    {
                        "import_id": job_id,
                        "line": row.line,
                        "reason": f"duplicate of line {seen[row.key]} ({identity})",
                    }
                )
            else:
                seen[row.key] = row.line
                good.append(row.fields)
        async with self.database.transaction() as session:
            created, updated = await libraries.apply_import_batch(session, country, good, actor)
            if rejections:
                await session.execute(insert(RejectedRow), rejections)
            await session.execute(
                update(DirectoryImport)
                .where(DirectoryImport.id == job_id)
                .values(
                    rows_done=DirectoryImport.rows_done + len(batch),
                    created=DirectoryImport.created + created,
                    updated=DirectoryImport.updated + updated,
                    unchanged=DirectoryImport.unchanged + (len(good) - created - updated),
                    rejected=DirectoryImport.rejected + len(rejections),
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


def _batches(rows: Iterator[ParsedRow], size: int) -> Iterator[list[ParsedRow]]:
    batch: list[ParsedRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
