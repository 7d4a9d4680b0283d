"""What the API says about an import job."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field, computed_field

from sirbi_members.imports.models import DirectoryImport, ImportStatus, RejectedRow


class DirectoryImportPublic(BaseModel):
    id: uuid.UUID
    country: str = Field(examples=["PE"])
    file_name: str | None = None
    status: ImportStatus
    total_rows: int | None = Field(default=None, description="Known once the job has counted the file's rows")
    rows_done: int = Field(description="Rows handled so far (imported, unchanged or rejected)")
    created: int
    updated: int
    unchanged: int
    rejected: int
    error: str | None = None
    started_by: str
    created_at: datetime
    finished_at: datetime | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def progress(self) -> float | None:
        """Share of rows done, 0..1."""
        if not self.total_rows:
            return 1.0 if self.status is ImportStatus.COMPLETED else None
        return round(self.rows_done / self.total_rows, 4)

    @classmethod
    def of(cls, job: DirectoryImport) -> DirectoryImportPublic:
        return cls.model_validate(job, from_attributes=True)


class RejectedRowPublic(BaseModel):
    line: int = Field(
        description="Line of the file where the row starts (the header is line 1)", examples=[42]
    )
    reason: str = Field(examples=["name: String should have at least 1 character"])

    @classmethod
    def of(cls, row: RejectedRow) -> RejectedRowPublic:
        return cls(line=row.line, reason=row.reason)
