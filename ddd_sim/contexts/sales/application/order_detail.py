"""The ``sales.order_detail`` read model: lines, total and history per order."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.sales.application.documents import (
    ORDER_EVENT_TYPES,
    STATUS_AFTER,
    already_seen,
    money_doc,
)
from ddd_sim.contexts.sales.domain.events import (
    OrderCancelled,
    OrderPlaced,
    OrderShipped,
)
from ddd_sim.shared.read_models import EventMeta, Projection, ReadModelWriter

ORDER_DETAIL = "sales.order_detail"


class OrderDetailProjection(Projection):
    """Every status change is appended to the history with its simulated time."""

    name = ORDER_DETAIL
    version = 1
    source = "domain"
    event_types = ORDER_EVENT_TYPES
    description = (
        "Per order: lines with line totals, total, status, status history with "
        "simulated times, shipment id and cancel reason."
    )

    def handle(self, event: Any, meta: EventMeta, rm: ReadModelWriter) -> None:
        """Fold one order event into that order's detail document."""
        key = str(event.order_id)
        current = rm.get(key)
        if already_seen(current, meta.position):
            return
        if isinstance(event, OrderPlaced):
            doc: dict[str, Any] = {
                "order_id": key,
                "customer_id": str(event.customer_id),
                "lines": [
                    {
                        "product_id": str(line.product_id),
                        "quantity": line.quantity,
                        "unit_price": money_doc(line.unit_price),
                        "line_total": money_doc(line.line_total),
                    }
                    for line in event.lines
                ],
                "total": money_doc(event.total),
                "history": [],
                "shipment_id": None,
                "cancel_reason": None,
            }
        elif current is None:
            return  # a step without its placement cannot be shown
        else:
            doc = dict(current)
        if isinstance(event, OrderShipped):
            doc["shipment_id"] = event.shipment_id
        elif isinstance(event, OrderCancelled):
            doc["cancel_reason"] = event.reason
        status = STATUS_AFTER[type(event)].value
        doc["status"] = status
        doc["history"] = [*doc["history"], {"status": status, "at": meta.sim_time}]
        doc["last_position"] = meta.position
        rm.put(key, doc)
