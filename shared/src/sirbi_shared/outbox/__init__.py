"""Transactional outbox: events written in the caller's transaction, published by a relay."""

from sirbi_shared.outbox.relay import OutboxRelay
from sirbi_shared.outbox.tables import outbox_table
from sirbi_shared.outbox.writer import Outbox

__all__ = ["Outbox", "OutboxRelay", "outbox_table"]
