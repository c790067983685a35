"""The ``sales.order_detail`` read model: lines, total and history per order."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.sales.application.documents import (
    OrderDocumentProjection,
)
from ddd_sim.contexts.sales.domain.events import (
    OrderCancelled,
    OrderPlaced,
    OrderShipped,
)
from ddd_sim.shared.read_models import EventMeta

ORDER_DETAIL = "sales.order_detail"


class OrderDetailProjection(OrderDocumentProjection):
    """Every status change is appended to the history with its simulated time."""

    name = ORDER_DETAIL
    version = 1
    description = (
        "Per order: lines with line totals, total, status, status history with "
        "simulated times, shipment id and cancel reason."
    )

    def placed(self, event: OrderPlaced, meta: EventMeta) -> dict[str, Any]:
        """Lines with their totals; no history, shipment or cancel reason yet."""
        return {
            "lines": [
                {
                    "product_id": str(line.product_id),
                    "quantity": line.quantity,
                    "unit_price": line.unit_price.to_json(),
                    "line_total": line.line_total.to_json(),
                }
                for line in event.lines
            ],
            "total": event.total.to_json(),
            "history": [],
            "shipment_id": None,
            "cancel_reason": None,
        }

    def stepped(self, doc: dict[str, Any], event: Any, meta: EventMeta) -> None:
        """Record the shipment or the cancel reason, and the status in the history."""
        if isinstance(event, OrderShipped):
            doc["shipment_id"] = event.shipment_id
        elif isinstance(event, OrderCancelled):
            doc["cancel_reason"] = event.reason
        entry = {"status": doc["status"], "at": meta.sim_time}
        doc["history"] = [*doc["history"], entry]
