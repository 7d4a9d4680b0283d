"""How a delivery is signed (Standard Webhooks): HMAC-SHA256 with the subscription's key over
`{webhook-id}.{webhook-timestamp}.{body}`, sent as `webhook-signature: v1,<base64 digest>`.

The body is the event in CloudEvents structured mode (JSON), so a receiver gets the envelope and
the data in one document.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's marker, not a secret
_KEY_BYTES = 32


def new_secret() -> str:
    """A fresh signing secret as Standard Webhooks writes it: `whsec_` + base64 of a random key."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(_KEY_BYTES)).decode()


def cloudevent_body(
    *, event_id: str, source: str, type_: str, time: datetime, subject: str | None, data: dict[str, Any]
) -> str:
    envelope = {
        "specversion": "1.0",
        "id": event_id,
        "source": source,
        "type": type_,
        "time": time.isoformat(),
        "subject": subject,
        "datacontenttype": "application/json",
        "data": data,
    }
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False)


def signed_headers(secrets: Sequence[str], message_id: str, body: str, at: datetime) -> dict[str, str]:
    """The headers of one attempt; the timestamp is the attempt's, the id the message's. One
    signature per secret, space-separated as the convention has it: a receiver accepts the
    message if any of them verifies with the secret it holds."""
    return {
        "content-type": "application/cloudevents+json; charset=utf-8",  # structured mode
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(Webhook(secret).sign(message_id, at, body) for secret in secrets),
    }
