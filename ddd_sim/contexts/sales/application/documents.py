"""How sales' read models keep one plain JSON document per order."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.sales.domain.events import (
    OrderCancelled,
    OrderCompleted,
    OrderConfirmed,
    OrderPlaced,
    OrderShipped,
)
from ddd_sim.contexts.sales.domain.order import OrderStatus
from ddd_sim.shared.read_models import (
    EventMeta,
    Projection,
    ReadModelWriter,
    already_folded,
)

ORDER_EVENT_TYPES: tuple[str, ...] = (
    OrderPlaced.event_type,
    OrderConfirmed.event_type,
    OrderShipped.event_type,
    OrderCancelled.event_type,
    OrderCompleted.event_type,
)
"""Every order event: each read model of orders follows all of them."""

STATUS_AFTER: dict[type[Any], OrderStatus] = {
    OrderPlaced: OrderStatus.PLACED,
    OrderConfirmed: OrderStatus.CONFIRMED,
    OrderShipped: OrderStatus.SHIPPED,
    OrderCancelled: OrderStatus.CANCELLED,
    OrderCompleted: OrderStatus.COMPLETED,
}
"""The status an order is in right after each of its events."""


class OrderDocumentProjection(Projection):
    """One document per order: begun by its placement, moved on by each later step.

    A step whose placement was never seen is dropped (there is nothing to show
    it on), and a redelivered event is ignored.  Subclasses say only what the
    placement stores and what each step adds after the status is set.
    """

    source = "domain"
    event_types = ORDER_EVENT_TYPES

    def handle(self, event: Any, meta: EventMeta, rm: ReadModelWriter) -> None:
        """Fold one order event into that order's document."""
        key = str(event.order_id)
        current = rm.get(key)
        if already_folded(current, meta):
            return
        if isinstance(event, OrderPlaced):
            doc: dict[str, Any] = {
                "order_id": key,
                "customer_id": str(event.customer_id),
                **self.placed(event, meta),
            }
        elif current is None:
            return  # a step without its placement cannot be shown
        else:
            doc = dict(current)
        doc["status"] = STATUS_AFTER[type(event)].value
        self.stepped(doc, event, meta)
        doc["last_position"] = meta.position
        rm.put(key, doc)

    def placed(self, event: OrderPlaced, meta: EventMeta) -> dict[str, Any]:
        """The fields a placement adds after the order and customer ids."""
        raise NotImplementedError

    def stepped(self, doc: dict[str, Any], event: Any, meta: EventMeta) -> None:
        """Update ``doc`` after any order event, once its new status is set."""
        raise NotImplementedError
