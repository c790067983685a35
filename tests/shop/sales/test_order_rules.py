"""Placing orders: given past events, when a command, then new events or an error."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from ddd_sim.contexts.sales.application.commands import PlaceOrder
from ddd_sim.contexts.sales.domain.events import OrderPlaced, OrderShipped
from ddd_sim.contexts.sales.domain.lines import OrderLine, OrderLineInput
from ddd_sim.contexts.sales.domain.order import (
    InvalidOrderTransition,
    Order,
    OrderAlreadyPlaced,
)
from ddd_sim.shared.errors import ValidationError
from ddd_sim.shared.ids import CustomerId, OrderId, ProductId
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.money import Money
from tests.shop.sales.sales_world import line

OID = OrderId("ORD-001")
CID = CustomerId("CUST-001")


def given(*events: DomainEvent) -> Order:
    order = Order(str(OID))
    order.replay(events)
    return order


def placed(*lines: Any) -> OrderPlaced:
    order = given()
    order.place(CID, lines)
    (event,) = order.pending_events
    assert isinstance(event, OrderPlaced)
    return event


def test_placing_records_the_checked_lines_and_their_total() -> None:
    order = given()
    order.place(CID, (line("001", 2, "19.99"), line("002", 1, "5.00")))
    assert order.pending_events == (
        OrderPlaced(
            order_id=OID,
            customer_id=CID,
            lines=(
                OrderLine(
                    product_id=ProductId("PROD-001"),
                    quantity=2,
                    unit_price=Money.of("19.99"),
                ),
                OrderLine(
                    product_id=ProductId("PROD-002"),
                    quantity=1,
                    unit_price=Money.of("5.00"),
                ),
            ),
            total=Money.of("44.98"),
        ),
    )
    assert order.status == "placed"


def test_the_total_is_exact_in_the_orders_currency() -> None:
    event = placed(line("001", 3, "0.10", "EUR"), line("002", 7, "1000", "EUR"))
    assert event.total == Money(Decimal("7000.30"), "EUR")


def test_an_order_needs_at_least_one_line() -> None:
    with pytest.raises(ValidationError, match=r"order ORD-001 needs at least one line"):
        given().place(CID, ())


@pytest.mark.parametrize(
    ("quantity", "shown"),
    [(0, "got 0"), (-2, "got -2"), (2.5, "got 2.5"), (True, "got True"), ("3", "'3'")],
)
def test_a_quantity_must_be_a_positive_whole_number(quantity: Any, shown: str) -> None:
    bad = OrderLineInput(
        product_id=ProductId("PROD-007"), quantity=quantity, unit_price=Money.of("1")
    )
    with pytest.raises(ValidationError, match=r"quantity must be") as err:
        given().place(CID, (line("001", 1, "2.00"), bad))
    assert shown in str(err.value)
    assert "PROD-007" in str(err.value)
    assert "ORD-001" in str(err.value)


@pytest.mark.parametrize("price", ["0", "-3.50"])
def test_a_unit_price_must_be_positive(price: str) -> None:
    with pytest.raises(
        ValidationError, match=rf"unit price must be positive, got {price}.* PROD-002"
    ) as err:
        given().place(CID, (line("001", 1, "2.00"), line("002", 1, price)))
    assert "ORD-001" in str(err.value)


def test_an_order_uses_one_currency() -> None:
    with pytest.raises(
        ValidationError,
        match=r"order ORD-001 must use one currency: PROD-002 is priced in EUR, "
        r"earlier lines in USD",
    ):
        given().place(CID, (line("001", 1, "2.00"), line("002", 1, "3.00", "EUR")))


def test_a_product_may_appear_on_one_line_only() -> None:
    with pytest.raises(ValidationError, match=r"order ORD-001 lists PROD-001 twice"):
        given().place(CID, (line("001", 1, "2.00"), line("001", 2, "2.00")))


def test_placing_the_same_order_twice_is_refused() -> None:
    order = given(placed(line("001", 1, "2.00")))
    with pytest.raises(OrderAlreadyPlaced, match=r"order ORD-001 is already placed"):
        order.place(CID, (line("001", 1, "2.00"),))
    assert order.pending_events == ()


def test_the_place_command_checks_its_lines_as_it_is_built() -> None:
    with pytest.raises(ValidationError, match=r"got -1 for PROD-001 in order ORD-009"):
        PlaceOrder(
            order_id=OrderId("ORD-009"),
            customer_id=CID,
            lines=(line("001", -1, "2.00"),),
        )


def test_a_cancellation_needs_a_reason() -> None:
    order = given(placed(line("001", 1, "2.00")))
    with pytest.raises(
        ValidationError, match=r"cancelling order ORD-001 needs a reason"
    ):
        order.cancel("   ")


def test_shipping_needs_a_shipment_id() -> None:
    order = given(placed(line("001", 1, "2.00")))
    order.confirm()
    with pytest.raises(
        ValidationError, match=r"shipping order ORD-001 needs a shipment"
    ):
        order.mark_shipped(" ")


def test_a_shipped_order_cannot_be_shipped_again_with_another_shipment() -> None:
    order = given(placed(line("001", 1, "2.00")))
    order.confirm()
    order.mark_shipped("SHP-001")
    with pytest.raises(
        InvalidOrderTransition,
        match=r"order ORD-001 already shipped with SHP-001, not SHP-002",
    ):
        order.mark_shipped("SHP-002")
    assert order.pending_events[-1] == OrderShipped(
        order_id=OID, customer_id=CID, shipment_id="SHP-001"
    )
