"""Inventory's domain events translated into the shop's published language."""

from __future__ import annotations

from ddd_sim.contexts.inventory.domain import events as domain
from ddd_sim.integration import events as published
from ddd_sim.integration.translation import Translator, expect
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import EventMeta


def product_listed(event: DomainEvent, meta: EventMeta) -> published.ProductListed:
    """A listing is published with its name and list price."""
    e = expect(event, domain.ProductListed)
    return published.ProductListed(
        product_id=str(e.product_id), name=e.name, price=e.price
    )


def stock_received(event: DomainEvent, meta: EventMeta) -> published.StockReceived:
    """An arrival is published with the available count after it."""
    e = expect(event, domain.StockReceived)
    return published.StockReceived(
        product_id=str(e.product_id), quantity=e.quantity, available=e.available
    )


def stock_reserved(event: DomainEvent, meta: EventMeta) -> published.StockReserved:
    """A reservation is published with the order and the available count after it."""
    e = expect(event, domain.StockReserved)
    return published.StockReserved(
        product_id=str(e.product_id),
        order_id=str(e.order_id),
        quantity=e.quantity,
        available=e.available,
    )


def stock_released(event: DomainEvent, meta: EventMeta) -> published.StockReleased:
    """A release is published with the order and the available count after it."""
    e = expect(event, domain.StockReleased)
    return published.StockReleased(
        product_id=str(e.product_id),
        order_id=str(e.order_id),
        quantity=e.quantity,
        available=e.available,
    )


def stock_shipped(event: DomainEvent, meta: EventMeta) -> published.StockShipped:
    """Reserved units leaving the warehouse are published as shipped stock."""
    e = expect(event, domain.ReservedStockShipped)
    return published.StockShipped(
        product_id=str(e.product_id), order_id=str(e.order_id), quantity=e.quantity
    )


TRANSLATORS: dict[str, Translator] = {
    domain.ProductListed.event_type: product_listed,
    domain.StockReceived.event_type: stock_received,
    domain.StockReserved.event_type: stock_reserved,
    domain.StockReleased.event_type: stock_released,
    domain.ReservedStockShipped.event_type: stock_shipped,
}
