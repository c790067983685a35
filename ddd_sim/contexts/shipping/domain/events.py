"""Shipment events; their names and versions are stored schema."""

from __future__ import annotations

from ddd_sim.shared.ids import OrderId
from ddd_sim.shared.messages import DomainEvent, message


@message
class ShipmentCreated(DomainEvent):
    """A shipment was booked for an order, due at ``estimated_delivery`` (sim s)."""

    shipment_id: str
    order_id: OrderId
    estimated_delivery: float


@message
class ShipmentCancelled(DomainEvent):
    """A booked shipment was called off, for a reason."""

    shipment_id: str
    order_id: OrderId
    reason: str


@message
class ShipmentDelivered(DomainEvent):
    """A shipment reached the customer."""

    shipment_id: str
    order_id: OrderId


SHIPMENT_EVENTS: tuple[type[DomainEvent], ...] = (
    ShipmentCreated,
    ShipmentCancelled,
    ShipmentDelivered,
)
"""Every event stored in a shipment's stream."""
