"""Transactional outbox: events written in the caller's transaction, published by a relay."""

from sirbi_shared.outbox.relay import OutboxRelay
from sirbi_shared.outbox.tables import outbox_table
from sirbi_shared.outbox.writer import ChangedRow, ChangeNotApplied, NewRow, Outbox

__all__ = ["ChangeNotApplied", "ChangedRow", "NewRow", "Outbox", "OutboxRelay", "outbox_table"]
