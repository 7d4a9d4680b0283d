"""AsyncAPI 3.0 document generated from the registered event models.

`python -m sirbi_shared.events.asyncapi OUT.json module:stream ...` writes the platform's event
catalogue (what `make docs` runs); services and the gateway serve the same document.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from sirbi_shared.events.stream import EventStream

_REF = "#/components/schemas/{model}"


def _pascal(text: str) -> str:
    return "".join(part.capitalize() for part in text.replace(".", "_").replace("-", "_").split("_"))


def _ce_headers() -> dict[str, Any]:
    """The binary-mode CloudEvents headers every message carries."""
    string = {"type": "string"}
    return {
        "type": "object",
        "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "content-type"],
        "properties": {
            "ce_specversion": {"const": "1.0"},
            "ce_id": {**string, "description": "Unique per source; consumers deduplicate on (source, id)."},
            "ce_source": {**string, "description": "/sirbi/<service>"},
            "ce_type": {**string, "description": "org.sirbi.<service>.<aggregate>.<verb>.v<n>"},
            "ce_subject": {**string, "description": "The aggregate id (also the record key)."},
            "ce_time": {**string, "format": "date-time"},
            "ce_traceparent": {**string, "description": "W3C trace context of the request that caused it."},
            "content-type": {"const": "application/json"},
        },
    }


def build_document(streams: Sequence[EventStream], *, version: str = "1.0.0") -> dict[str, Any]:
    models: list[tuple[type[BaseModel], Literal["serialization"]]] = [
        (t.payload, "serialization") for stream in streams for t in stream
    ]
    keyed, definitions = models_json_schema(models, ref_template=_REF) if models else ({}, {})
    schemas: dict[str, Any] = dict(definitions.get("$defs", {}))
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {"DeadLetter": _dead_letter_message()}
    for stream in streams:
        channel_id = _pascal(stream.topic)
        channel_messages: dict[str, Any] = {}
        for event_type in stream:
            message_id = _pascal(f"{event_type.aggregate}_{event_type.verb}_v{event_type.version}")
            message_id = f"{_pascal(stream.service)}{message_id}"
            payload_ref = keyed[(event_type.payload, "serialization")]
            messages[message_id] = {
                "name": event_type.name,
                "title": event_type.name,
                "summary": event_type.description or event_type.name,
                "contentType": "application/json",
                "headers": {"$ref": "#/components/schemas/CloudEventHeaders"},
                "payload": payload_ref,
                "bindings": {
                    "kafka": {"key": {"type": "string", "description": f"{event_type.aggregate} id"}}
                },
            }
            channel_messages[message_id] = {"$ref": f"#/components/messages/{message_id}"}
        channels[channel_id] = {
            "address": stream.topic,
            "title": f"{stream.service} events",
            "description": (
                f"Every event of the {stream.service} service, keyed by aggregate id (order kept per "
                "aggregate), retained forever so a replica can be rebuilt from the beginning."
            ),
            "messages": channel_messages,
            "bindings": {
                "kafka": {"partitions": stream.partitions, "topicConfiguration": {"retention.ms": -1}}
            },
        }
        channels[f"{channel_id}Dlq"] = {
            "address": stream.dead_letter_topic,
            "title": f"{stream.service} dead letters",
            "description": "Events a consumer could not apply, with the error in sirbi_dlq_* headers.",
            "messages": {"DeadLetter": {"$ref": "#/components/messages/DeadLetter"}},
        }
        operations[f"publish{_pascal(stream.service)}Events"] = {
            "action": "send",
            "title": f"The {stream.service} service publishes",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{m}"} for m in channel_messages],
        }
    schemas["CloudEventHeaders"] = _ce_headers()
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "SIRBI platform events",
            "version": version,
            "description": (
                "CloudEvents 1.0 in Kafka binary mode: context attributes in ce_* headers, JSON data "
                "in the value, the aggregate id as the key. Generated from the event models."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {"local": {"host": "127.0.0.1:9092", "protocol": "kafka", "description": "make up"}},
        "channels": channels,
        "operations": operations,
        "components": {"schemas": dict(sorted(schemas.items())), "messages": messages},
    }


def _dead_letter_message() -> dict[str, Any]:
    string = {"type": "string"}
    return {
        "name": "DeadLetter",
        "summary": "The original record, unchanged, with why it could not be applied.",
        "headers": {
            "type": "object",
            "properties": {
                "sirbi_dlq_error": string,
                "sirbi_dlq_error_type": string,
                "sirbi_dlq_consumer": string,
                "sirbi_dlq_topic": string,
                "sirbi_dlq_partition": string,
                "sirbi_dlq_offset": string,
                "sirbi_dlq_attempts": string,
                "sirbi_dlq_failed_at": {**string, "format": "date-time"},
            },
        },
        "payload": {"description": "The original record's value (often a CloudEvent's data)."},
    }


def _load(reference: str) -> EventStream:
    module_name, _, attribute = reference.partition(":")
    stream = getattr(importlib.import_module(module_name), attribute or "stream")
    if not isinstance(stream, EventStream):
        raise TypeError(f"{reference} is not an EventStream")
    return stream


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the AsyncAPI document of the given streams.")
    parser.add_argument("output", type=Path)
    parser.add_argument("streams", nargs="+", help="module:attribute of each EventStream")
    args = parser.parse_args(argv)
    document = build_document([_load(reference) for reference in args.streams])
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
