"""The ``sales.order_search`` read model: orders with the tags they are found by."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ddd_sim.contexts.sales.application.documents import (
    OrderDocumentProjection,
)
from ddd_sim.contexts.sales.domain.events import OrderPlaced
from ddd_sim.contexts.sales.domain.order import OrderStatus
from ddd_sim.shared.read_models import EventMeta

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


class OrderSearchProjection(OrderDocumentProjection):
    """Tags are recomputed from status, line count and total after every event."""

    name = ORDER_SEARCH
    version = 1
    description = (
        "Per order: id, customer and tags (status, multi-item, high-value, "
        "cancelled) for case-insensitive search."
    )

    def placed(self, event: OrderPlaced, meta: EventMeta) -> dict[str, Any]:
        """The total and the number of lines, which the tags depend on."""
        return {"total": event.total.to_json(), "line_count": len(event.lines)}

    def stepped(self, doc: dict[str, Any], event: Any, meta: EventMeta) -> None:
        """Recompute the tags for the new status."""
        doc["tags"] = tags_for(
            doc["status"], doc["line_count"], Decimal(doc["total"]["amount"])
        )
