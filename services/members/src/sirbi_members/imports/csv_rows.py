"""Reading a directory CSV row by row: from text to a valid `LibraryFields`, or a reason why not.

Columns (header row required, order free, unknown columns refused): isil, national_id, name,
type, admin_1 … admin_4 (the country's administrative levels, top down), address, latitude,
longitude, status, capabilities (separated by ";"). An optional `country` column must match the
import's country. Exports of the directory carry extra columns (id, version, updated_at), which
are ignored, so an export can be imported again.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import IO

from pydantic import ValidationError

from sirbi_members.libraries.isil import InvalidIsil, directory_key, validate_isil
from sirbi_members.libraries.schemas import LibraryFields

ADMIN_COLUMNS = ("admin_1", "admin_2", "admin_3", "admin_4")
KNOWN = {
    "isil",
    "national_id",
    "name",
    "type",
    *ADMIN_COLUMNS,
    "address",
    "latitude",
    "longitude",
    "status",
    "capabilities",
    "country",
}
IGNORED = {"id", "version", "updated_at"}
HEADER = [
    "isil",
    "national_id",
    "name",
    "type",
    *ADMIN_COLUMNS,
    "address",
    "latitude",
    "longitude",
    "status",
    "capabilities",
]


class InvalidHeader(ValueError):
    pass


@dataclass(frozen=True)
class ParsedRow:
    line: int
    fields: LibraryFields | None = None
    key: str | None = None
    reason: str | None = None


def check_header(columns: Sequence[str] | None) -> None:
    if not columns:
        raise InvalidHeader("the file is empty: the first line must name the columns")
    names = [c.strip().lower() for c in columns]
    unknown = sorted(set(names) - KNOWN - IGNORED)
    if unknown:
        raise InvalidHeader(f"unknown columns: {', '.join(unknown)} (known: {', '.join(HEADER)})")
    if "name" not in names:
        raise InvalidHeader("a `name` column is required")
    if "isil" not in names and "national_id" not in names:
        raise InvalidHeader("an `isil` or a `national_id` column is required")
    if len(set(names)) != len(names):
        raise InvalidHeader("a column appears twice")


def _blank(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _explain(error: ValidationError) -> str:
    parts = []
    for item in error.errors(include_url=False):
        where = ".".join(str(x) for x in item["loc"])
        parts.append(f"{where}: {item['msg']}" if where else str(item["msg"]))
    return "; ".join(parts)


class _Rejected(ValueError):
    """Why a row cannot be imported (the report's reason)."""


def _library_fields(country: str, columns: dict[str, int], values: list[str]) -> LibraryFields:
    if len(values) > len(columns):
        raise _Rejected("more values than columns")
    if len(values) < len(columns):
        raise _Rejected("fewer values than columns")

    def cell(name: str) -> str | None:
        index = columns.get(name)
        return _blank(values[index]) if index is not None else None

    row_country = cell("country")
    if row_country and row_country.upper() != country:
        raise _Rejected(f"country {row_country} differs from the import's country {country}")
    isil = cell("isil")
    if isil:
        try:
            isil = validate_isil(isil, country)
        except InvalidIsil as exc:
            raise _Rejected(str(exc)) from exc
    latitude, longitude = cell("latitude"), cell("longitude")
    if (latitude is None) != (longitude is None):
        raise _Rejected("latitude and longitude go together")
    try:
        coordinates = (
            {"latitude": float(latitude), "longitude": float(longitude)}
            if latitude is not None and longitude is not None
            else None
        )
    except ValueError as exc:
        raise _Rejected(f"latitude/longitude: {exc}") from exc
    try:
        return LibraryFields.model_validate(
            {
                "isil": isil,
                "national_id": cell("national_id"),
                "name": cell("name") or "",
                "type": cell("type") or "public",
                "admin_levels": [v for c in ADMIN_COLUMNS if (v := cell(c))],
                "address": cell("address"),
                "coordinates": coordinates,
                "status": cell("status") or "open",
                "capabilities": [c.strip() for c in (cell("capabilities") or "").split(";") if c.strip()],
            }
        )
    except ValidationError as exc:
        raise _Rejected(_explain(exc)) from exc


def parse_row(country: str, line: int, columns: dict[str, int], values: list[str]) -> ParsedRow:
    """One data row; `columns` maps the header's (normalised) names to their positions."""
    try:
        fields = _library_fields(country, columns, values)
    except _Rejected as exc:
        return ParsedRow(line, reason=str(exc))
    return ParsedRow(line, fields=fields, key=directory_key(country, fields.isil, fields.national_id))


def read_rows(country: str, text: IO[str]) -> Iterator[ParsedRow]:
    """Stream the file's data rows; line numbers are those of each row's first line in the file."""
    reader = csv.reader(text)
    header = next(reader, None)
    check_header(header)
    assert header is not None
    columns = {name.strip().lower(): index for index, name in enumerate(header)}
    previous_end = reader.line_num  # the header's last line
    for values in reader:
        if values:  # a blank line is no row (as csv.DictReader had it)
            yield parse_row(country, previous_end + 1, columns, values)
        previous_end = reader.line_num


def count_rows(text: IO[str]) -> int:
    reader = csv.reader(text)
    next(reader, None)
    return sum(1 for values in reader if values)  # blank lines are no rows, as in read_rows
