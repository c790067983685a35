"""The ``inventory.stock`` read model: one document of counts per product."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.inventory.domain.events import (
    ProductListed,
    ReservedStockShipped,
    StockReceived,
    StockReleased,
    StockReserved,
)
from ddd_sim.shared.read_models import (
    EventMeta,
    Projection,
    ReadModelWriter,
    already_folded,
)

STOCK = "inventory.stock"


class StockProjection(Projection):
    """Counts follow product events; events already seen (by position) are ignored."""

    name = STOCK
    version = 1
    source = "domain"
    event_types = (
        ProductListed.event_type,
        StockReceived.event_type,
        StockReserved.event_type,
        StockReleased.event_type,
        ReservedStockShipped.event_type,
    )
    description = (
        "Per product: name, price, units received, available, reserved and "
        "shipped, open reservations, and when it last changed."
    )

    def handle(self, event: Any, meta: EventMeta, rm: ReadModelWriter) -> None:
        """Fold one product event into that product's document."""
        key = str(event.product_id)
        current = rm.get(key)
        if already_folded(current, meta):
            return  # redelivered after a crash between effect and checkpoint
        doc: dict[str, Any] = dict(current) if current else _blank(key)
        if isinstance(event, ProductListed):
            doc["name"] = event.name
            doc["price"] = event.price.to_json()
        elif isinstance(event, StockReceived):
            doc["received"] += event.quantity
            doc["available"] += event.quantity
        elif isinstance(event, StockReserved):
            doc["available"] -= event.quantity
            doc["reserved"] += event.quantity
            doc["open_reservations"] += 1
        elif isinstance(event, StockReleased):
            doc["available"] += event.quantity
            doc["reserved"] -= event.quantity
            doc["open_reservations"] -= 1
        elif isinstance(event, ReservedStockShipped):
            doc["reserved"] -= event.quantity
            doc["shipped"] += event.quantity
            doc["open_reservations"] -= 1
        doc["last_changed"] = meta.sim_time
        doc["last_position"] = meta.position
        rm.put(key, doc)


def _blank(product_id: str) -> dict[str, Any]:
    return {
        "product_id": product_id,
        "name": "",
        "price": None,
        "received": 0,
        "available": 0,
        "reserved": 0,
        "shipped": 0,
        "open_reservations": 0,
        "last_changed": 0.0,
        "last_position": 0,
    }
