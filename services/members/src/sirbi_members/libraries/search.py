"""Searching the directory: the filters shared by the paginated list and the exports, and how a
page of a text search is planned."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    func,
    literal,
    or_,
    select,
    tablesample,
    true,
    tuple_,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.util import ClauseAdapter

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

    def _span(self, cursor: str | None) -> list[ColumnElement[bool]]:
        """Where the directory-order index is walked: the country, after the cursor."""
        span = []
        if self.country:
            span.append(Library.country == self.country.strip().upper())
        after = decode_after(cursor)
        if after is not None:
            span.append(tuple_(Library.country, Library.name, Library.id) > tuple_(*after))
        return span

    def _conditions(self) -> list[ColumnElement[bool]]:
        """What a library in the span must also satisfy."""
        # LIKE, not ILIKE: search_text is lower-cased already, and the terms are made alike.
        conditions: list[ColumnElement[bool]] = [
            Library.search_text.like(f"%{_escape_like(term)}%", escape="\\") for term in self.terms()
        ]
        if self.type is not None:
            conditions.append(Library.type == str(self.type))
        if self.status is not None:
            conditions.append(Library.status == str(self.status))
        if self.admin_area and (area := _admin_area(self.admin_area)):
            # Whole levels only: "Lima" is Lima and everything in it, not "Limache".
            conditions.append(
                or_(
                    Library.admin_area == area,
                    Library.admin_area.like(f"{_escape_like(area + ADMIN_SEPARATOR)}%", escape="\\"),
                )
            )
        if self.capabilities:
            # The model's generic ARRAY has no `@>`; PostgreSQL's does (and the GIN index serves it).
            capabilities = type_coerce(Library.capabilities, ARRAY(Text))
            conditions.append(capabilities.contains(sorted({str(c) for c in self.capabilities})))
        return conditions

    def select(self) -> Select[Library]:
        """The matching libraries in directory order: country, name, id."""
        return (
            select(Library)
            .where(*self._span(None), *self._conditions())
            .order_by(Library.country, Library.name, Library.id)
        )

    def page(self, limit: int, cursor: str | None) -> Select[Library]:
        """One page: `limit + 1` rows after the cursor (the extra row tells whether more follow)."""
        return (
            select(Library)
            .where(*self._span(cursor), *self._conditions())
            .order_by(Library.country, Library.name, Library.id)
            .limit(limit + 1)
        )

    def sample(self, limit: int, cursor: str | None) -> Select[int, int, int]:
        """What a page would cost each way, measured on a fixed sample of the table's pages:
        (rows of the span sampled, matches among them, span rows sampled up to the match that
        stands for the page's last row).

        PostgreSQL's own estimate multiplies the terms' selectivities as if they were
        independent ("gabriel garcia marquez") and assumes matches are spread evenly along the
        directory order, when a place name sits in one country and a name's words in one
        alphabetical stretch ("bogota" is past 420,000 rows of AR, BO, BR and CL). A sample of
        rows in that order sees both.
        """
        sampled = tablesample(Library, func.system(SAMPLE_PERCENT), name="sampled", seed=literal(0))
        on_sample = ClauseAdapter(sampled)
        hit = on_sample.traverse(and_(true(), *self._conditions()))
        rows = (
            select(
                hit.label("hit"),
                func.count()
                .filter(hit)
                .over(order_by=(sampled.c.country, sampled.c.name, sampled.c.id))
                .label("hits_so_far"),
            )
            .where(*(on_sample.traverse(condition) for condition in self._span(cursor)))
            .subquery()
        )
        # The match standing for the page's last row: the (limit + 1)-th match scaled to the sample.
        nth = max(1, math.ceil((limit + 1) * SAMPLE_PERCENT / 100))
        walked = func.count().filter(rows.c.hits_so_far < nth) + 1
        return select(func.count(), func.count().filter(rows.c.hit), walked)


# 1% of the table's pages (SYSTEM sampling reads whole pages: ~600 of a million libraries), the
# same pages every time so that they stay in the cache and a search is always planned alike.
SAMPLE_PERCENT = 1.0
# A library walked in directory order costs a random heap fetch and the filter; a collected match
# is fetched in physical order and sorted. Measured on 1,000,000 libraries: about 2 to 1.
WALK_COST = 2.0


class Plan(StrEnum):
    WALK = "walk"  # along the (country, name, id) index, filtering, until the page is full
    COLLECT = "collect"  # every match from the trigram index, then the page's first rows sorted

    def settings(self) -> dict[str, str]:
        """The planner settings that make PostgreSQL take this plan, for one transaction."""
        if self is Plan.WALK:
            return {"enable_bitmapscan": "off", "enable_seqscan": "off"}
        return {"enable_indexscan": "off", "enable_seqscan": "off"}


def choose_plan(sampled: int, hits: int, walked: int) -> Plan:
    """The cheaper plan for a page, from `DirectoryQuery.sample`'s counts (same scale for both)."""
    if hits == 0:
        # Walking would read the whole span to find nothing; the trigram index knows at once.
        return Plan.COLLECT
    return Plan.WALK if walked * WALK_COST < hits else Plan.COLLECT


def page_cursor(library: Library) -> str:
    return next_cursor(library.country, library.name, library.id)
