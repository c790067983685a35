"""The ``sales.order_search`` read model: orders with the tags they are found by."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ddd_sim.contexts.sales.application.documents import (
    ORDER_EVENT_TYPES,
    STATUS_AFTER,
    already_seen,
    money_doc,
)
from ddd_sim.contexts.sales.domain.events import OrderPlaced
from ddd_sim.contexts.sales.domain.order import OrderStatus
from ddd_sim.shared.read_models import EventMeta, Projection, ReadModelWriter

ORDER_SEARCH = "sales.order_search"
HIGH_VALUE = Decimal(1000)
"""A total at or above this, in the order's own currency, tags it high-value."""


def tags_for(status: str, line_count: int, total_amount: Decimal) -> list[str]:
    """The status, plus multi-item (2+ lines), high-value and cancelled tags."""
    tags = {status}
    if line_count >= 2:
        tags.add("multi-item")
    if total_amount >= HIGH_VALUE:
        tags.add("high-value")
    if status == OrderStatus.CANCELLED.value:
        tags.add("cancelled")
    return sorted(tags)


class OrderSearchProjection(Projection):
    """Tags are recomputed from status, line count and total after every event."""

    name = ORDER_SEARCH
    version = 1
    source = "domain"
    event_types = ORDER_EVENT_TYPES
    description = (
        "Per order: id, customer and tags (status, multi-item, high-value, "
        "cancelled) for case-insensitive search."
    )

    def handle(self, event: Any, meta: EventMeta, rm: ReadModelWriter) -> None:
        """Fold one order event into that order's search entry."""
        key = str(event.order_id)
        current = rm.get(key)
        if already_seen(current, meta.position):
            return
        if isinstance(event, OrderPlaced):
            doc: dict[str, Any] = {
                "order_id": key,
                "customer_id": str(event.customer_id),
                "total": money_doc(event.total),
                "line_count": len(event.lines),
            }
        elif current is None:
            return  # a step without its placement cannot be found
        else:
            doc = dict(current)
        doc["status"] = STATUS_AFTER[type(event)].value
        doc["tags"] = tags_for(
            doc["status"], doc["line_count"], Decimal(doc["total"]["amount"])
        )
        doc["last_position"] = meta.position
        rm.put(key, doc)
