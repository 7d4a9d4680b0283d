"""Searching the directory: the filters shared by the paginated list and the exports."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, Text, or_, select, tuple_, type_coerce
from sqlalchemy.dialects.postgresql import ARRAY

from sirbi_members.libraries.models import Capability, Library, LibraryStatus, LibraryType
from sirbi_members.libraries.schemas import search_text
from sirbi_members.listing import decode_after, next_cursor

ADMIN_SEPARATOR = " / "


def _escape_like(value: str) -> str:
    """`value` matched literally inside a LIKE pattern (escape character: backslash)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _admin_area(value: str) -> str:
    """'Lima/Lima ' and 'Lima / Lima' name the same area."""
    return ADMIN_SEPARATOR.join(part.strip() for part in value.split("/") if part.strip())


@dataclass(frozen=True)
class DirectoryQuery:
    """What a reader asks of the directory; every filter is optional and they all must hold."""

    text: str | None = None
    country: str | None = None
    type: LibraryType | None = None
    status: LibraryStatus | None = None
    admin_area: str | None = None
    capabilities: Sequence[Capability] = field(default_factory=tuple)

    def terms(self) -> list[str]:
        """The search words, lower-cased and without accents, as `Library.search_text` stores them."""
        return search_text(self.text).split() if self.text else []

    def select(self) -> Select[Library]:
        """The matching libraries in directory order: country, name, id."""
        statement = select(Library)
        for term in self.terms():
            statement = statement.where(Library.search_text.ilike(f"%{_escape_like(term)}%", escape="\\"))
        if self.country:
            statement = statement.where(Library.country == self.country.strip().upper())
        if self.type is not None:
            statement = statement.where(Library.type == str(self.type))
        if self.status is not None:
            statement = statement.where(Library.status == str(self.status))
        if self.admin_area and (area := _admin_area(self.admin_area)):
            # Whole levels only: "Lima" is Lima and everything in it, not "Limache".
            statement = statement.where(
                or_(
                    Library.admin_area == area,
                    Library.admin_area.like(f"{_escape_like(area + ADMIN_SEPARATOR)}%", escape="\\"),
                )
            )
        if self.capabilities:
            # The model's generic ARRAY has no `@>`; PostgreSQL's does (and the GIN index serves it).
            capabilities = type_coerce(Library.capabilities, ARRAY(Text))
            statement = statement.where(capabilities.contains(sorted({str(c) for c in self.capabilities})))
        return statement.order_by(Library.country, Library.name, Library.id)

    def page(self, limit: int, cursor: str | None) -> Select[Library]:
        """One page: `limit + 1` rows after the cursor (the extra row tells whether more follow)."""
        statement = self.select()
        after = decode_after(cursor)
        if after is not None:
            statement = statement.where(tuple_(Library.country, Library.name, Library.id) > tuple_(*after))
        return statement.limit(limit + 1)


def page_cursor(library: Library) -> str:
    return next_cursor(library.country, library.name, library.id)
