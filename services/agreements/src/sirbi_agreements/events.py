"""The catalogue of every event the agreements service publishes (what `make docs` documents).

Importing this module registers each feature's payload models on the stream.
"""

from __future__ import annotations

from sirbi_agreements.agreements import events as _agreement_events
from sirbi_agreements.partners import events as _partner_events
from sirbi_agreements.streams import stream

__all__ = ["stream"]
_registered = (_agreement_events, _partner_events)
