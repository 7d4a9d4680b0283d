"""Directory events on `sirbi.directory.v1`, a topic of their own so a bulk import never delays
membership events. Each carries the library as it now is."""

from __future__ import annotations

import uuid

from pydantic import Field

from sirbi_members.libraries.schemas import LibraryPublic
from sirbi_members.streams import directory_stream
from sirbi_shared.events import EventPayload


class LibraryEvent(EventPayload):
    library: LibraryPublic


@directory_stream.event("library", "registered")
class LibraryRegistered(LibraryEvent):
    """A library entered the directory (by hand or by an import)."""


@directory_stream.event("library", "updated")
class LibraryUpdated(LibraryEvent):
    """A library's description changed (by hand or by an import)."""


@directory_stream.event("library", "closed")
class LibraryClosed(LibraryEvent):
    """A library closed for good."""

    reason: str


@directory_stream.event("directoryimport", "completed")
class DirectoryImportCompleted(EventPayload):
    """A national directory import finished; rows by outcome."""

    job_id: uuid.UUID
    country: str
    total_rows: int = Field(ge=0)
    created: int = Field(ge=0)
    updated: int = Field(ge=0)
    unchanged: int = Field(ge=0)
    rejected: int = Field(ge=0)


@directory_stream.event("directoryimport", "started")
class DirectoryImportStarted(EventPayload):
    """A national directory file was accepted for import."""

    job_id: uuid.UUID
    country: str
    file_name: str | None
    started_by: str
