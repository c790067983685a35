"""Sales' domain events published in the shop's language, without lookups."""

from __future__ import annotations

import uuid

import pytest

from ddd_sim.contexts.sales.application import wiring
from ddd_sim.contexts.sales.domain import events as domain
from ddd_sim.contexts.sales.domain.lines import OrderLine
from ddd_sim.integration import events as published
from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.shared.ids import CustomerId, OrderId, ProductId
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.money import Money
from ddd_sim.shared.read_models import EventMeta

OID, CID = OrderId("ORD-001"), CustomerId("CUST-001")
TOTAL = Money.of("30.00", "EUR")
META = EventMeta(
    event_id=uuid.UUID(int=7),
    stream_id="Order-ORD-001",
    stream_version=1,
    position=7,
    sim_time=3.0,
)
LINES = (
    OrderLine(
        product_id=ProductId("PROD-001"), quantity=3, unit_price=Money.of("10", "EUR")
    ),
)

CASES: list[tuple[DomainEvent, IntegrationEvent]] = [
    (
        domain.OrderPlaced(order_id=OID, customer_id=CID, lines=LINES, total=TOTAL),
        published.OrderPlaced(
            order_id="ORD-001",
            customer_id="CUST-001",
            lines=(
                published.OrderLine(
                    product_id="PROD-001",
                    quantity=3,
                    unit_price=Money.of("10", "EUR"),
                ),
            ),
            total=TOTAL,
        ),
    ),
    (
        domain.OrderConfirmed(order_id=OID, customer_id=CID, total=TOTAL),
        published.OrderConfirmed(
            order_id="ORD-001", customer_id="CUST-001", total=TOTAL
        ),
    ),
    (
        domain.OrderShipped(order_id=OID, customer_id=CID, shipment_id="SHP-009"),
        published.OrderShipped(
            order_id="ORD-001", customer_id="CUST-001", shipment_id="SHP-009"
        ),
    ),
    (
        domain.OrderCancelled(order_id=OID, customer_id=CID, total=TOTAL, reason="r"),
        published.OrderCancelled(
            order_id="ORD-001", customer_id="CUST-001", total=TOTAL, reason="r"
        ),
    ),
    (
        domain.OrderCompleted(order_id=OID, customer_id=CID, total=TOTAL),
        published.OrderCompleted(
            order_id="ORD-001", customer_id="CUST-001", total=TOTAL
        ),
    ),
]


@pytest.mark.parametrize(("event", "expected"), CASES, ids=lambda c: type(c).__name__)
def test_each_order_event_is_published_as_its_integration_event(
    event: DomainEvent, expected: IntegrationEvent
) -> None:
    assert wiring.TRANSLATORS[event.event_type](event, META) == expected


def test_every_stored_order_event_has_a_translator() -> None:
    assert set(wiring.TRANSLATORS) == {cls.event_type for cls in wiring.EVENTS}
    assert wiring.STREAM_CATEGORIES == ("Order",)


def test_a_translator_refuses_an_event_of_another_type() -> None:
    wrong = domain.OrderConfirmed(order_id=OID, customer_id=CID, total=TOTAL)
    with pytest.raises(TypeError, match=r"expected OrderPlaced, got OrderConfirmed"):
        wiring.TRANSLATORS["OrderPlaced"](wrong, META)
