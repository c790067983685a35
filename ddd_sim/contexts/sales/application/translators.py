"""Sales' domain events translated into the shop's published language."""

from __future__ import annotations

from ddd_sim.contexts.sales.domain import events as domain
from ddd_sim.integration import events as published
from ddd_sim.integration.translation import Translator, expect
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import EventMeta


def order_placed(event: DomainEvent, meta: EventMeta) -> published.OrderPlaced:
    """A placement is published with every line and the total."""
    e = expect(event, domain.OrderPlaced)
    return published.OrderPlaced(
        order_id=str(e.order_id),
        customer_id=str(e.customer_id),
        lines=tuple(
            published.OrderLine(
                product_id=str(line.product_id),
                quantity=line.quantity,
                unit_price=line.unit_price,
            )
            for line in e.lines
        ),
        total=e.total,
    )


def order_confirmed(event: DomainEvent, meta: EventMeta) -> published.OrderConfirmed:
    """A confirmation is published with the customer and total."""
    e = expect(event, domain.OrderConfirmed)
    return published.OrderConfirmed(
        order_id=str(e.order_id), customer_id=str(e.customer_id), total=e.total
    )


def order_shipped(event: DomainEvent, meta: EventMeta) -> published.OrderShipped:
    """A shipping is published with the shipment it left with."""
    e = expect(event, domain.OrderShipped)
    return published.OrderShipped(
        order_id=str(e.order_id),
        customer_id=str(e.customer_id),
        shipment_id=e.shipment_id,
    )


def order_cancelled(event: DomainEvent, meta: EventMeta) -> published.OrderCancelled:
    """A cancellation is published with the total to give back and the reason."""
    e = expect(event, domain.OrderCancelled)
    return published.OrderCancelled(
        order_id=str(e.order_id),
        customer_id=str(e.customer_id),
        total=e.total,
        reason=e.reason,
    )


def order_completed(event: DomainEvent, meta: EventMeta) -> published.OrderCompleted:
    """A completion is published with the customer and total."""
    e = expect(event, domain.OrderCompleted)
    return published.OrderCompleted(
        order_id=str(e.order_id), customer_id=str(e.customer_id), total=e.total
    )


TRANSLATORS: dict[str, Translator] = {
    domain.OrderPlaced.event_type: order_placed,
    domain.OrderConfirmed.event_type: order_confirmed,
    domain.OrderShipped.event_type: order_shipped,
    domain.OrderCancelled.event_type: order_cancelled,
    domain.OrderCompleted.event_type: order_completed,
}
