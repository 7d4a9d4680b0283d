"""The gateway database's declarative base: one metadata for every feature's tables."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from sirbi_shared.db import new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()
