"""Shipping's queries and the immutable results they return."""

from __future__ import annotations

from ddd_sim.shared.ids import OrderId
from ddd_sim.shared.messages import Query, message


@message
class GetShipment(Query):
    """One shipment."""

    shipment_id: str


@message
class ListShipments(Query):
    """Shipments, oldest first, optionally only those of one order."""

    order_id: str | None = None


@message
class ShipmentView:
    """A shipment as the read model last saw it (times in simulated seconds)."""

    shipment_id: str
    order_id: OrderId
    status: str
    estimated_delivery: float
    created_at: float
    delivered_at: float | None
    cancel_reason: str | None
