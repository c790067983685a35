"""The ``shipping.shipments`` read model: one document per shipment."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.shipping.domain.events import (
    ShipmentCancelled,
    ShipmentCreated,
    ShipmentDelivered,
)
from ddd_sim.contexts.shipping.domain.shipment import ShipmentStatus
from ddd_sim.shared.read_models import (
    EventMeta,
    Projection,
    ReadModelWriter,
    already_folded,
)

SHIPMENTS = "shipping.shipments"


class ShipmentsProjection(Projection):
    """Status and times follow shipment events; redelivered events are ignored."""

    name = SHIPMENTS
    version = 1
    source = "domain"
    event_types = (
        ShipmentCreated.event_type,
        ShipmentCancelled.event_type,
        ShipmentDelivered.event_type,
    )
    description = (
        "Per shipment: order, status, estimated delivery, when created and "
        "delivered, and why it was cancelled."
    )

    def handle(self, event: Any, meta: EventMeta, rm: ReadModelWriter) -> None:
        """Fold one shipment event into that shipment's document."""
        key = event.shipment_id
        current = rm.get(key)
        if already_folded(current, meta):
            return  # seen before a crash between effect and checkpoint
        if isinstance(event, ShipmentCreated):
            doc: dict[str, Any] = {
                "shipment_id": key,
                "order_id": str(event.order_id),
                "status": ShipmentStatus.CREATED.value,
                "estimated_delivery": event.estimated_delivery,
                "created_at": meta.sim_time,
                "delivered_at": None,
                "cancel_reason": None,
            }
        elif current is None:
            return  # a step without its booking cannot be shown
        elif isinstance(event, ShipmentCancelled):
            doc = dict(current)
            doc["status"] = ShipmentStatus.CANCELLED.value
            doc["cancel_reason"] = event.reason
        else:
            doc = dict(current)
            doc["status"] = ShipmentStatus.DELIVERED.value
            doc["delivered_at"] = meta.sim_time
        doc["last_position"] = meta.position
        rm.put(key, doc)
