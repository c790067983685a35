"""Sales' read models: list, detail and search, folded from the stored log."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ddd_sim.contexts.sales.application.commands import (
    CancelOrder,
    CompleteOrder,
    ConfirmOrder,
    MarkOrderShipped,
    PlaceOrder,
)
from ddd_sim.contexts.sales.application.order_detail import OrderDetailProjection
from ddd_sim.contexts.sales.application.order_search import tags_for
from ddd_sim.contexts.sales.application.queries import (
    GetOrder,
    ListOrders,
    OrderDetail,
    OrderLineView,
    OrderSummary,
    SearchOrders,
    StatusChange,
)
from ddd_sim.shared.errors import NotFound, ValidationError
from ddd_sim.shared.ids import CustomerId, OrderId, ProductId
from ddd_sim.shared.money import Money
from tests.shop.sales.sales_world import SalesWorld, line
from tests.shop.support import fold_domain

ORD1, ORD2, ORD3 = OrderId("ORD-001"), OrderId("ORD-002"), OrderId("ORD-003")
ADA, BOB = CustomerId("CUST-001"), CustomerId("CUST-002")


@pytest.fixture
def world() -> SalesWorld:
    """ORD-001 (Ada, two lines, 1010 USD) placed then cancelled; ORD-002 (Bob,
    one line) completed; ORD-003 (Ada, one line in EUR) only placed."""
    world = SalesWorld()
    world.do(  # t=10
        PlaceOrder(
            order_id=ORD1,
            customer_id=ADA,
            lines=(line("001", 2, "500.00"), line("002", 1, "10.00")),
        )
    )
    world.do(  # t=20
        PlaceOrder(order_id=ORD2, customer_id=BOB, lines=(line("003", 1, "5.00"),))
    )
    world.do(CancelOrder(order_id=ORD1, reason="payment declined"))  # t=30
    world.do(ConfirmOrder(order_id=ORD2))  # t=40
    world.do(MarkOrderShipped(order_id=ORD2, shipment_id="SHP-007"))  # t=50
    world.do(CompleteOrder(order_id=ORD2))  # t=60
    world.do(  # t=70
        PlaceOrder(
            order_id=ORD3, customer_id=ADA, lines=(line("001", 1, "99.00", "EUR"),)
        )
    )
    return world


def test_the_list_shows_a_cancelled_order_with_its_times(world: SalesWorld) -> None:
    rows = world.ask(ListOrders())
    assert rows[0] == OrderSummary(
        order_id=ORD1,
        customer_id=ADA,
        status="cancelled",
        total=Money.of("1010.00"),
        placed_at=10.0,
        updated_at=30.0,
    )
    assert [r.order_id for r in rows] == [ORD1, ORD2, ORD3]


def test_the_list_filters_by_customer_and_by_status(world: SalesWorld) -> None:
    by_ada = world.ask(ListOrders(customer_id="CUST-001"))
    assert [r.order_id for r in by_ada] == [ORD1, ORD3]
    completed = world.ask(ListOrders(status="completed"))
    assert [r.order_id for r in completed] == [ORD2]
    both = world.ask(ListOrders(customer_id="CUST-001", status="placed"))
    assert [r.order_id for r in both] == [ORD3]
    assert world.ask(ListOrders(customer_id="CUST-404")) == ()


def test_listing_by_an_unknown_status_is_refused_naming_it() -> None:
    with pytest.raises(ValidationError, match=r"unknown order status 'lost'"):
        ListOrders(status="lost")


def test_the_detail_of_a_cancelled_order(world: SalesWorld) -> None:
    assert world.ask(GetOrder(order_id=ORD1)) == OrderDetail(
        order_id=ORD1,
        customer_id=ADA,
        status="cancelled",
        lines=(
            OrderLineView(
                product_id=ProductId("PROD-001"),
                quantity=2,
                unit_price=Money.of("500"),
                line_total=Money.of("1000"),
            ),
            OrderLineView(
                product_id=ProductId("PROD-002"),
                quantity=1,
                unit_price=Money.of("10"),
                line_total=Money.of("10"),
            ),
        ),
        total=Money.of("1010"),
        history=(
            StatusChange(status="placed", at=10.0),
            StatusChange(status="cancelled", at=30.0),
        ),
        shipment_id=None,
        cancel_reason="payment declined",
    )


def test_the_detail_of_a_completed_order_keeps_its_whole_history(
    world: SalesWorld,
) -> None:
    detail = world.ask(GetOrder(order_id=ORD2))
    assert [(s.status, s.at) for s in detail.history] == [
        ("placed", 20.0),
        ("confirmed", 40.0),
        ("shipped", 50.0),
        ("completed", 60.0),
    ]
    assert (detail.status, detail.shipment_id, detail.cancel_reason) == (
        "completed",
        "SHP-007",
        None,
    )


def test_an_unknown_order_is_not_found(world: SalesWorld) -> None:
    with pytest.raises(NotFound, match=r"order ORD-404 does not exist"):
        world.ask(GetOrder(order_id=OrderId("ORD-404")))


def found(world: SalesWorld, text: str) -> list[str]:
    return [str(hit.order_id) for hit in world.ask(SearchOrders(text=text))]


def test_search_by_order_id_in_any_case(world: SalesWorld) -> None:
    assert found(world, "ord-002") == ["ORD-002"]
    assert found(world, "ORD-00") == ["ORD-001", "ORD-002", "ORD-003"]


def test_search_by_customer(world: SalesWorld) -> None:
    assert found(world, "cust-001") == ["ORD-001", "ORD-003"]


def test_search_by_tag(world: SalesWorld) -> None:
    assert found(world, "cancelled") == ["ORD-001"]
    assert found(world, "multi-item") == ["ORD-001"]
    assert found(world, "HIGH") == ["ORD-001"]
    assert found(world, "completed") == ["ORD-002"]
    assert found(world, "placed") == ["ORD-003"]
    assert found(world, "nothing-like-this") == []


def test_a_hit_carries_its_tags(world: SalesWorld) -> None:
    (hit,) = world.ask(SearchOrders(text="ORD-001"))
    assert hit.tags == ("cancelled", "high-value", "multi-item")
    assert (hit.customer_id, hit.status, hit.total) == (
        ADA,
        "cancelled",
        Money.of("1010"),
    )


def test_blank_search_text_finds_every_order(world: SalesWorld) -> None:
    assert found(world, "  ") == ["ORD-001", "ORD-002", "ORD-003"]


@pytest.mark.parametrize(
    ("status", "lines", "amount", "tags"),
    [
        ("placed", 1, "999.99", ["placed"]),
        ("placed", 1, "1000", ["high-value", "placed"]),
        ("confirmed", 2, "10", ["confirmed", "multi-item"]),
        ("cancelled", 1, "10", ["cancelled"]),
    ],
)
def test_tags_follow_status_line_count_and_total(
    status: str, lines: int, amount: str, tags: list[str]
) -> None:
    assert tags_for(status, lines, Decimal(amount)) == tags


def test_folding_the_log_again_changes_no_document(world: SalesWorld) -> None:
    first = dict(fold_domain(world.deps, OrderDetailProjection()).all())
    again = dict(fold_domain(world.deps, OrderDetailProjection()).all())
    assert again == first
    assert len(first["ORD-002"]["history"]) == 4
