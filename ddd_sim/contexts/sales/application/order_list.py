"""The ``sales.order_list`` read model: one small row per order, for lists."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.sales.application.documents import (
    OrderDocumentProjection,
)
from ddd_sim.contexts.sales.domain.events import OrderPlaced
from ddd_sim.shared.read_models import EventMeta

ORDER_LIST = "sales.order_list"


class OrderListProjection(OrderDocumentProjection):
    """Status and last change follow every order event; repeats are ignored."""

    name = ORDER_LIST
    version = 1
    description = "Per order: customer, status, total, when placed and last updated."

    def placed(self, event: OrderPlaced, meta: EventMeta) -> dict[str, Any]:
        """The total and when the order was placed."""
        return {"total": event.total.to_json(), "placed_at": meta.sim_time}

    def stepped(self, doc: dict[str, Any], event: Any, meta: EventMeta) -> None:
        """The row remembers when it last changed."""
        doc["updated_at"] = meta.sim_time
