"""Shipping's domain events translated into the shop's published language."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from ddd_sim.contexts.shipping.domain import events as domain
from ddd_sim.integration import events as published
from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import EventMeta

_E = TypeVar("_E", bound=DomainEvent)
Translator = Callable[[DomainEvent, EventMeta], IntegrationEvent | None]


def _expect(event: DomainEvent, cls: type[_E]) -> _E:
    """A translator only ever receives the stored type it is registered for."""
    if not isinstance(event, cls):
        raise TypeError(f"expected {cls.__name__}, got {type(event).__name__}")
    return event


def shipment_created(event: DomainEvent, meta: EventMeta) -> IntegrationEvent:
    """A booking is published with its order and estimated delivery time."""
    e = _expect(event, domain.ShipmentCreated)
    return published.ShipmentCreated(
        shipment_id=e.shipment_id,
        order_id=str(e.order_id),
        estimated_delivery=e.estimated_delivery,
    )


def shipment_cancelled(event: DomainEvent, meta: EventMeta) -> IntegrationEvent:
    """A cancellation is published with its order and reason."""
    e = _expect(event, domain.ShipmentCancelled)
    return published.ShipmentCancelled(
        shipment_id=e.shipment_id, order_id=str(e.order_id), reason=e.reason
    )


def shipment_delivered(event: DomainEvent, meta: EventMeta) -> IntegrationEvent:
    """A delivery is published with its order."""
    e = _expect(event, domain.ShipmentDelivered)
    return published.ShipmentDelivered(
        shipment_id=e.shipment_id, order_id=str(e.order_id)
    )


TRANSLATORS: dict[str, Translator] = {
    domain.ShipmentCreated.event_type: shipment_created,
    domain.ShipmentCancelled.event_type: shipment_cancelled,
    domain.ShipmentDelivered.event_type: shipment_delivered,
}
