"""The CloudEvents 1.0 envelope and its Kafka binary-mode mapping.

In binary mode the context attributes travel as `ce_<name>` headers, `datacontenttype` as the
`content-type` header, the data as the record value, and the `partitionkey` extension as the
record key (CloudEvents Kafka protocol binding, section 3.2).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal

import uuid_utils
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

CONTENT_TYPE = "application/json"
SPEC_VERSION = "1.0"
_HEADER_PREFIX = "ce_"
# CloudEvents extension names: lower-case letters and digits only.
_EXTENSION_NAME = re.compile(r"^[a-z0-9]{1,20}$")
PARTITION_KEY = "partitionkey"
_REQUIRED = ("id", "source", "specversion", "type")
_KNOWN = {"id", "source", "specversion", "type", "subject", "time", "datacontenttype", "dataschema"}


class EnvelopeError(ValueError):
    """A Kafka record that is not a well-formed CloudEvent of ours."""


def new_event_id() -> str:
    """A time-ordered id (UUIDv7, RFC 9562) so ids sort roughly by creation time in logs and
    tables. Made in Rust from a user-space CSPRNG: bulk writes make one per row, and a system
    call for randomness each time showed in their profile."""
    return str(uuid_utils.uuid7())


def check_extension_names(extensions: Mapping[str, str]) -> None:
    for name in extensions:
        if not _EXTENSION_NAME.match(name) or name in _KNOWN:
            raise ValueError(f"invalid CloudEvents extension name {name!r}")


class CloudEvent(BaseModel):
    """One event as it travels between services."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(default_factory=new_event_id, min_length=1)
    source: str = Field(min_length=1)
    type: str = Field(min_length=1)
    specversion: Literal["1.0"] = "1.0"
    subject: str | None = None
    time: datetime = Field(default_factory=lambda: datetime.now(UTC))
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    extensions: dict[str, str] = Field(default_factory=dict)

    @field_validator("extensions")
    @classmethod
    def _extension_names(cls, value: dict[str, str]) -> dict[str, str]:
        check_extension_names(value)
        return value

    @property
    def partition_key(self) -> str | None:
        return self.extensions.get(PARTITION_KEY)

    # -- Kafka binary mode ------------------------------------------------------------------

    def kafka_headers(self) -> list[tuple[str, bytes]]:
        headers: list[tuple[str, bytes]] = [
            ("ce_specversion", self.specversion.encode()),
            ("ce_id", self.id.encode()),
            ("ce_source", self.source.encode()),
            ("ce_type", self.type.encode()),
            ("ce_time", self.time.isoformat().encode()),
            ("content-type", self.datacontenttype.encode()),
        ]
        if self.subject is not None:
            headers.append(("ce_subject", self.subject.encode()))
        if self.dataschema is not None:
            headers.append(("ce_dataschema", self.dataschema.encode()))
        # partitionkey travels as the record key, not as a header (binding, section 3.2).
        headers.extend(
            (f"{_HEADER_PREFIX}{k}", v.encode()) for k, v in self.extensions.items() if k != PARTITION_KEY
        )
        return headers

    def kafka_value(self) -> bytes:
        return json.dumps(self.data, separators=(",", ":"), default=str).encode()

    def kafka_key(self) -> bytes | None:
        key = self.partition_key
        return key.encode() if key is not None else None

    @classmethod
    def from_kafka(
        cls, headers: Iterable[tuple[str, bytes]], value: bytes | None, key: bytes | None = None
    ) -> CloudEvent:
        """Parse a binary-mode record; anything malformed raises EnvelopeError (a poison event)."""
        attributes: dict[str, str] = {}
        try:
            for name, raw in headers:
                if name == "content-type":
                    attributes["datacontenttype"] = raw.decode()
                elif name.startswith(_HEADER_PREFIX):
                    attributes[name[len(_HEADER_PREFIX) :]] = raw.decode()
            if key is not None:
                attributes[PARTITION_KEY] = key.decode()
        except UnicodeDecodeError as exc:
            raise EnvelopeError(f"header or key is not UTF-8: {exc}") from exc
        missing = [name for name in _REQUIRED if name not in attributes]
        if missing:
            raise EnvelopeError(f"not a CloudEvent: missing {', '.join('ce_' + m for m in missing)}")
        if attributes.get("datacontenttype", CONTENT_TYPE).split(";")[0].strip() != CONTENT_TYPE:
            raise EnvelopeError(f"unsupported content type {attributes['datacontenttype']!r}")
        try:
            data = json.loads(value) if value else {}
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise EnvelopeError(f"data is not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise EnvelopeError("data must be a JSON object")
        extensions = {k: v for k, v in attributes.items() if k not in _KNOWN}
        known: Mapping[str, str] = {k: v for k, v in attributes.items() if k in _KNOWN}
        try:
            return cls.model_validate(
                {**known, "datacontenttype": CONTENT_TYPE, "data": data, "extensions": extensions}
            )
        except ValidationError as exc:
            raise EnvelopeError(f"invalid CloudEvent attributes: {exc.errors(include_url=False)}") from exc
