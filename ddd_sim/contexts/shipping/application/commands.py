"""Shipping's commands; ids and lead times are checked as the command is built."""

from __future__ import annotations

from ddd_sim.contexts.shipping.domain.shipment import (
    DEFAULT_LEAD_TIME,
    require_lead_time,
    require_shipment_id,
)
from ddd_sim.shared.ids import OrderId
from ddd_sim.shared.messages import Command, message


@message
class CreateShipment(Command):
    """Book a shipment (SHP-…) for an order, due ``lead_time`` sim seconds later."""

    shipment_id: str
    order_id: OrderId
    lead_time: float = DEFAULT_LEAD_TIME

    def __post_init__(self) -> None:
        require_shipment_id(self.shipment_id)
        require_lead_time(self.shipment_id, self.lead_time)


@message
class CancelShipment(Command):
    """Call off a shipment that has not been delivered, saying why."""

    shipment_id: str
    reason: str

    def __post_init__(self) -> None:
        require_shipment_id(self.shipment_id)


@message
class DeliverShipment(Command):
    """Record that a shipment reached the customer."""

    shipment_id: str

    def __post_init__(self) -> None:
        require_shipment_id(self.shipment_id)
