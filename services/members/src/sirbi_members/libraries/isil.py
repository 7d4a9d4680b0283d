"""ISIL, the International Standard Identifier for Libraries (ISO 15511).

An ISIL is a prefix, a hyphen and a local identifier, at most 16 characters of Latin letters,
digits, hyphen, solidus and colon. A two-letter prefix is an ISO 3166-1 country code; other
prefixes (one, three or four letters) belong to non-national agencies.
"""

from __future__ import annotations

import re

import pycountry

_ISIL = re.compile(r"^(?P<prefix>[A-Za-z]{1,4})-(?P<local>[A-Za-z0-9\-/:]{1,14})$")
MAX_LENGTH = 16


class InvalidIsil(ValueError):
    pass


def validate_isil(value: str, country: str | None = None) -> str:
    """The ISIL as given, if valid (and, when its prefix is a country, of `country`)."""
    isil = value.strip()
    if len(isil) > MAX_LENGTH:
        raise InvalidIsil(f"ISIL {isil!r} is longer than {MAX_LENGTH} characters")
    match = _ISIL.match(isil)
    if match is None:
        raise InvalidIsil(f"ISIL {isil!r} is not PREFIX-identifier (letters, digits, - / : only)")
    prefix = match.group("prefix").upper()
    if len(prefix) == 2:
        if pycountry.countries.get(alpha_2=prefix) is None:
            raise InvalidIsil(f"ISIL prefix {prefix!r} is not a country code")
        if country is not None and prefix != country.upper():
            raise InvalidIsil(f"ISIL {isil!r} belongs to {prefix}, not {country.upper()}")
    return isil


def directory_key(country: str, isil: str | None, national_id: str | None) -> str:
    """ISILs compare case-insensitively; national ids are unique within their country."""
    if isil:
        return f"ISIL:{isil.upper()}"
    if national_id:
        return f"NID:{country.upper()}:{national_id.strip()}"
    raise ValueError("a library needs an ISIL or a national id")
