"""The ``sales.order_list`` read model: one small row per order, for lists."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.sales.application.documents import (
    ORDER_EVENT_TYPES,
    STATUS_AFTER,
    already_seen,
    money_doc,
)
from ddd_sim.contexts.sales.domain.events import OrderPlaced
from ddd_sim.shared.read_models import EventMeta, Projection, ReadModelWriter

ORDER_LIST = "sales.order_list"


class OrderListProjection(Projection):
    """Status and last change follow every order event; repeats are ignored."""

    name = ORDER_LIST
    version = 1
    source = "domain"
    event_types = ORDER_EVENT_TYPES
    description = "Per order: customer, status, total, when placed and last updated."

    def handle(self, event: Any, meta: EventMeta, rm: ReadModelWriter) -> None:
        """Fold one order event into that order's row."""
        key = str(event.order_id)
        current = rm.get(key)
        if already_seen(current, meta.position):
            return
        if isinstance(event, OrderPlaced):
            doc: dict[str, Any] = {
                "order_id": key,
                "customer_id": str(event.customer_id),
                "total": money_doc(event.total),
                "placed_at": meta.sim_time,
            }
        elif current is None:
            return  # a step without its placement cannot be shown
        else:
            doc = dict(current)
        doc["status"] = STATUS_AFTER[type(event)].value
        doc["updated_at"] = meta.sim_time
        doc["last_position"] = meta.position
        rm.put(key, doc)
