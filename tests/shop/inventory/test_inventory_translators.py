"""Inventory's domain events become the published language's inventory events."""

from __future__ import annotations

import uuid

import pytest

from ddd_sim.contexts.inventory.application import wiring
from ddd_sim.contexts.inventory.domain import events as domain
from ddd_sim.integration import events as published
from ddd_sim.shared.ids import OrderId, ProductId
from ddd_sim.shared.money import Money
from ddd_sim.shared.read_models import EventMeta

PID = ProductId("PROD-001")
ORD = OrderId("ORD-001")
META = EventMeta(
    event_id=uuid.UUID(int=1),
    stream_id="Product-PROD-001",
    stream_version=1,
    position=1,
    sim_time=0.0,
)


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (
            domain.ProductListed(product_id=PID, name="Widget", price=Money.of("5")),
            published.ProductListed(
                product_id="PROD-001", name="Widget", price=Money.of("5")
            ),
        ),
        (
            domain.StockReceived(product_id=PID, quantity=4, available=9),
            published.StockReceived(product_id="PROD-001", quantity=4, available=9),
        ),
        (
            domain.StockReserved(product_id=PID, order_id=ORD, quantity=3, available=6),
            published.StockReserved(
                product_id="PROD-001", order_id="ORD-001", quantity=3, available=6
            ),
        ),
        (
            domain.StockReleased(product_id=PID, order_id=ORD, quantity=3, available=9),
            published.StockReleased(
                product_id="PROD-001", order_id="ORD-001", quantity=3, available=9
            ),
        ),
        (
            domain.ReservedStockShipped(product_id=PID, order_id=ORD, quantity=3),
            published.StockShipped(
                product_id="PROD-001", order_id="ORD-001", quantity=3
            ),
        ),
    ],
)
def test_each_product_event_is_published_with_the_count_after_it(
    event, expected
) -> None:
    assert wiring.TRANSLATORS[event.event_type](event, META) == expected


def test_every_stored_event_has_a_translator() -> None:
    assert set(wiring.TRANSLATORS) == {cls.event_type for cls in wiring.EVENTS}


def test_a_translator_refuses_an_event_of_another_type() -> None:
    wrong = domain.StockReceived(product_id=PID, quantity=1, available=1)
    with pytest.raises(TypeError, match="expected ProductListed, got StockReceived"):
        wiring.TRANSLATORS["ProductListed"](wrong, META)
