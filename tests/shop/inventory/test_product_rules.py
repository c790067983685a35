"""Product rules, given past events, when a command, then new events or an error."""

from __future__ import annotations

import pytest

from ddd_sim.contexts.inventory.application.commands import (
    ListProduct,
    ReceiveStock,
    ReserveStock,
)
from ddd_sim.contexts.inventory.application.queries import CheckAvailability
from ddd_sim.contexts.inventory.domain.events import (
    ProductListed,
    ReservedStockShipped,
    StockReceived,
    StockReleased,
    StockReserved,
)
from ddd_sim.contexts.inventory.domain.product import (
    InsufficientStock,
    Product,
    stock_is_conserved,
)
from ddd_sim.shared.errors import DomainError, ValidationError
from ddd_sim.shared.ids import OrderId, ProductId
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.money import Money

PID = ProductId("PROD-001")
ORD1 = OrderId("ORD-001")
ORD2 = OrderId("ORD-002")
PRICE = Money.of("49.99")
LISTED = ProductListed(product_id=PID, name="Widget", price=PRICE)


def given(*events: DomainEvent) -> Product:
    product = Product(str(PID))
    product.replay(events)
    return product


def received(quantity: int, available: int) -> StockReceived:
    return StockReceived(product_id=PID, quantity=quantity, available=available)


def reserved(order: OrderId, quantity: int, available: int) -> StockReserved:
    return StockReserved(
        product_id=PID, order_id=order, quantity=quantity, available=available
    )


# -- listing ------------------------------------------------------------------
def test_listing_with_initial_stock_records_the_listing_and_the_arrival() -> None:
    product = given()
    product.list_for_sale("  Widget  ", PRICE, initial_stock=10)
    assert product.pending_events == (LISTED, received(10, 10))


def test_listing_without_stock_records_only_the_listing() -> None:
    product = given()
    product.list_for_sale("Widget", PRICE)
    assert product.pending_events == (LISTED,)


def test_listing_the_same_product_again_is_a_retry_that_changes_nothing() -> None:
    product = given(LISTED, received(10, 10))
    product.list_for_sale("Widget", PRICE, initial_stock=10)
    assert product.pending_events == ()


def test_listing_a_listed_product_differently_is_refused() -> None:
    product = given(LISTED)
    with pytest.raises(DomainError, match=r"PROD-001 is already listed as 'Widget'"):
        product.list_for_sale("Gadget", PRICE)


@pytest.mark.parametrize(
    ("name", "price", "stock", "message"),
    [
        ("   ", PRICE, 0, "product name must not be blank for PROD-001"),
        ("Widget", Money.of("0"), 0, "price must be positive, got 0.00 USD"),
        ("Widget", Money.of("-1"), 0, "price must be positive, got -1.00 USD"),
        ("Widget", PRICE, -3, "quantity must be zero or more, got -3 for PROD-001"),
    ],
)
def test_bad_listings_are_refused_naming_the_value(name, price, stock, message) -> None:
    product = given()
    with pytest.raises(ValidationError, match=message):
        product.list_for_sale(name, price, initial_stock=stock)
    assert product.pending_events == ()


# -- receiving ----------------------------------------------------------------
def test_receiving_stock_adds_to_available() -> None:
    product = given(LISTED, received(5, 5))
    product.receive(7)
    assert product.pending_events == (received(7, 12),)


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (0, "quantity must be positive, got 0 for PROD-001"),
        (-2, "quantity must be positive, got -2 for PROD-001"),
        (1.5, "quantity must be a whole number, got 1.5 for PROD-001"),
        (True, "quantity must be a whole number, got True for PROD-001"),
    ],
)
def test_receiving_a_bad_quantity_is_refused(quantity, message) -> None:
    product = given(LISTED)
    with pytest.raises(ValidationError, match=message):
        product.receive(quantity)


def test_an_unlisted_product_takes_no_stock() -> None:
    with pytest.raises(DomainError, match="product PROD-001 is not listed"):
        given().receive(1)


# -- reserving ----------------------------------------------------------------
def test_reserving_sets_units_aside_for_the_order() -> None:
    product = given(LISTED, received(10, 10))
    product.reserve(ORD1, 4)
    assert product.pending_events == (reserved(ORD1, 4, 6),)
    assert (product.available, product.reserved) == (6, 4)


def test_reserving_everything_available_is_allowed() -> None:
    product = given(LISTED, received(3, 3))
    product.reserve(ORD1, 3)
    assert product.available == 0


def test_reserving_more_than_available_names_product_order_and_counts() -> None:
    product = given(LISTED, received(10, 10), reserved(ORD1, 8, 2))
    with pytest.raises(InsufficientStock) as caught:
        product.reserve(ORD2, 3)
    message = str(caught.value)
    for part in ("PROD-001", "ORD-002", "2 available", "reserve 3"):
        assert part in message
    assert (caught.value.requested, caught.value.available) == (3, 2)
    assert isinstance(caught.value, DomainError)
    assert product.pending_events == ()


def test_repeating_the_same_reservation_is_a_no_op() -> None:
    product = given(LISTED, received(10, 10), reserved(ORD1, 4, 6))
    product.reserve(ORD1, 4)
    assert product.pending_events == ()


def test_a_different_quantity_for_a_reserved_order_is_refused() -> None:
    product = given(LISTED, received(10, 10), reserved(ORD1, 4, 6))
    with pytest.raises(
        DomainError, match="ORD-001 already holds 4 of product PROD-001"
    ):
        product.reserve(ORD1, 5)


def test_an_order_can_reserve_again_after_releasing() -> None:
    release = StockReleased(product_id=PID, order_id=ORD1, quantity=4, available=10)
    product = given(LISTED, received(10, 10), reserved(ORD1, 4, 6), release)
    product.reserve(ORD1, 2)
    assert product.pending_events == (reserved(ORD1, 2, 8),)


# -- releasing ----------------------------------------------------------------
def test_releasing_gives_the_whole_reservation_back() -> None:
    product = given(LISTED, received(10, 10), reserved(ORD1, 4, 6))
    product.release(ORD1)
    assert product.pending_events == (
        StockReleased(product_id=PID, order_id=ORD1, quantity=4, available=10),
    )
    assert product.reservations == {}


def test_releasing_an_order_that_holds_nothing_is_harmless() -> None:
    product = given(LISTED, received(10, 10), reserved(ORD1, 4, 6))
    product.release(ORD2)
    assert product.pending_events == ()


def test_releasing_twice_writes_once() -> None:
    product = given(LISTED, received(10, 10), reserved(ORD1, 4, 6))
    product.release(ORD1)
    product.release(ORD1)
    assert len(product.pending_events) == 1


def test_releasing_after_shipping_is_refused() -> None:
    shipped = ReservedStockShipped(product_id=PID, order_id=ORD1, quantity=4)
    product = given(LISTED, received(10, 10), reserved(ORD1, 4, 6), shipped)
    with pytest.raises(DomainError, match="order ORD-001 already shipped 4 of product"):
        product.release(ORD1)


# -- shipping -----------------------------------------------------------------
def test_shipping_sends_the_reserved_units_out() -> None:
    product = given(LISTED, received(10, 10), reserved(ORD1, 4, 6))
    product.ship(ORD1)
    assert product.pending_events == (
        ReservedStockShipped(product_id=PID, order_id=ORD1, quantity=4),
    )
    counts = (product.received, product.available, product.reserved, product.shipped)
    assert counts == (10, 6, 0, 4)


def test_shipping_twice_writes_once() -> None:
    product = given(LISTED, received(10, 10), reserved(ORD1, 4, 6))
    product.ship(ORD1)
    product.ship(ORD1)
    assert len(product.pending_events) == 1


def test_shipping_without_a_reservation_is_refused() -> None:
    product = given(LISTED, received(10, 10))
    with pytest.raises(DomainError, match="ORD-001 holds no reservation of product"):
        product.ship(ORD1)


def test_a_shipped_order_cannot_reserve_again() -> None:
    shipped = ReservedStockShipped(product_id=PID, order_id=ORD1, quantity=4)
    product = given(LISTED, received(10, 10), reserved(ORD1, 4, 6), shipped)
    with pytest.raises(DomainError, match="ORD-001 already shipped 4"):
        product.reserve(ORD1, 4)


# -- conservation and commands ------------------------------------------------
@pytest.mark.parametrize(
    ("counts", "holds"),
    [
        ((10, 6, 0, 4), True),
        ((10, 5, 5, 0), True),
        ((0, 0, 0, 0), True),
        ((10, 6, 1, 4), False),
        ((10, 11, -1, 0), False),
    ],
)
def test_stock_is_conserved_only_when_the_counts_add_up(counts, holds) -> None:
    assert stock_is_conserved(*counts) is holds


def test_commands_refuse_bad_quantities_before_they_reach_a_product() -> None:
    with pytest.raises(ValidationError, match="got 0 for PROD-001"):
        ReceiveStock(product_id=PID, quantity=0)
    with pytest.raises(ValidationError, match="got -1 for PROD-001"):
        ReserveStock(product_id=PID, order_id=ORD1, quantity=-1)
    with pytest.raises(ValidationError, match="zero or more, got -1 for PROD-001"):
        ListProduct(product_id=PID, name="W", price=PRICE, initial_stock=-1)
    with pytest.raises(ValidationError, match="got 0 for PROD-001"):
        CheckAvailability(product_id=PID, quantity=0)
