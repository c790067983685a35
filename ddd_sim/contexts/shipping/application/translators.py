"""Shipping's domain events translated into the shop's published language."""

from __future__ import annotations

from ddd_sim.contexts.shipping.domain import events as domain
from ddd_sim.integration import events as published
from ddd_sim.integration.translation import Translator, expect
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import EventMeta


def shipment_created(event: DomainEvent, meta: EventMeta) -> published.ShipmentCreated:
    """A booking is published with its order and estimated delivery time."""
    e = expect(event, domain.ShipmentCreated)
    return published.ShipmentCreated(
        shipment_id=e.shipment_id,
        order_id=str(e.order_id),
        estimated_delivery=e.estimated_delivery,
    )


def shipment_cancelled(
    event: DomainEvent, meta: EventMeta
) -> published.ShipmentCancelled:
    """A cancellation is published with its order and reason."""
    e = expect(event, domain.ShipmentCancelled)
    return published.ShipmentCancelled(
        shipment_id=e.shipment_id, order_id=str(e.order_id), reason=e.reason
    )


def shipment_delivered(
    event: DomainEvent, meta: EventMeta
) -> published.ShipmentDelivered:
    """A delivery is published with its order."""
    e = expect(event, domain.ShipmentDelivered)
    return published.ShipmentDelivered(
        shipment_id=e.shipment_id, order_id=str(e.order_id)
    )


TRANSLATORS: dict[str, Translator] = {
    domain.ShipmentCreated.event_type: shipment_created,
    domain.ShipmentCancelled.event_type: shipment_cancelled,
    domain.ShipmentDelivered.event_type: shipment_delivered,
}
