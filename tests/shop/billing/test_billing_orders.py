"""billing.orders: billing's own words for orders, whatever order facts arrive in."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ddd_sim.contexts.billing.application.orders_view import BillingOrders
from ddd_sim.contexts.billing.application.queries import (
    GetOrdersForInvoicing,
    OrderForInvoicing,
)
from ddd_sim.shared.errors import ValidationError
from ddd_sim.shared.money import Money
from tests.shop.billing.billing_world import (
    BillingWorld,
    cancelled,
    captured,
    placed,
    refunded,
)
from tests.shop.support import fold_integration


def test_seed_figure_an_order_is_pending_payment_until_cancelled() -> None:
    world = BillingWorld()
    world.publish(placed("ORD-001", "CUST-001", "150.00"))

    assert world.ask(GetOrdersForInvoicing(customer_id="CUST-001")) == (
        OrderForInvoicing(
            order_id="ORD-001",
            customer_id="CUST-001",
            amount=Money.of("150.00", "USD"),
            status="pending_payment",
            placed_at=1.0,
        ),
    )

    world.publish(cancelled("ORD-001"))
    assert world.ask(GetOrdersForInvoicing(customer_id="CUST-001")) == ()


def test_only_the_named_customers_pending_orders_are_listed_oldest_first() -> None:
    world = BillingWorld()
    world.publish(
        placed("ORD-002", "CUST-001", "20.00"),
        placed("ORD-003", "CUST-002", "30.00"),
        placed("ORD-001", "CUST-001", "10.00"),
        placed("ORD-004", "CUST-001", "40.00"),
        captured("ORD-004", "CUST-001", "40.00"),
    )
    listed = world.ask(GetOrdersForInvoicing(customer_id="CUST-001"))
    assert [o.order_id for o in listed] == ["ORD-002", "ORD-001"]
    assert world.ask(GetOrdersForInvoicing(customer_id="CUST-009")) == ()


def test_a_malformed_customer_id_is_refused_by_name() -> None:
    with pytest.raises(ValidationError, match="CustomerId must start with CUST-"):
        BillingWorld().ask(GetOrdersForInvoicing(customer_id="ORD-001"))


@pytest.mark.parametrize(
    ("events", "status"),
    [
        ([placed("ORD-001")], "pending_payment"),
        ([placed("ORD-001"), captured("ORD-001")], "paid"),
        ([placed("ORD-001"), cancelled("ORD-001")], "cancelled"),
        ([placed("ORD-001"), captured("ORD-001"), cancelled("ORD-001")], "cancelled"),
        (
            [
                placed("ORD-001"),
                captured("ORD-001"),
                cancelled("ORD-001"),
                refunded("ORD-001"),
            ],
            "refunded",
        ),
        ([placed("ORD-001"), captured("ORD-001"), refunded("ORD-001")], "refunded"),
    ],
    ids=[
        "placed",
        "paid",
        "cancelled",
        "paid-then-cancelled",
        "cancelled-then-refunded",
        "refunded",
    ],
)
def test_each_fact_moves_the_order_to_billings_status(
    events: list[object], status: str
) -> None:
    rm = fold_integration(BillingOrders(), events)
    assert rm.documents["ORD-001"]["status"] == status


def test_a_capture_before_the_order_is_recorded_and_reconciled_on_arrival() -> None:
    world = BillingWorld()
    world.publish(captured("ORD-007", "CUST-003", "99.00"))

    early = world.order("ORD-007")
    assert early["status"] == "paid"
    assert early["placed"] is False
    assert early["total"] is None
    assert early["customer_id"] == "CUST-003"

    world.publish(placed("ORD-007", "CUST-003", "99.00"))
    late = world.order("ORD-007")
    assert late["status"] == "paid"  # placing never undoes the payment seen first
    assert late["placed"] is True
    assert late["total"] == {"amount": "99.00", "currency": "USD"}
    assert world.ask(GetOrdersForInvoicing(customer_id="CUST-003")) == ()


def test_a_redelivered_fact_changes_nothing() -> None:
    once = fold_integration(BillingOrders(), [placed("ORD-001"), captured("ORD-001")])
    twice = fold_integration(
        BillingOrders(),
        [placed("ORD-001"), captured("ORD-001"), captured("ORD-001")],
    )
    assert (
        twice.documents["ORD-001"]["captures"] == once.documents["ORD-001"]["captures"]
    )
    assert twice.documents["ORD-001"]["status"] == "paid"


LIFE = [
    placed("ORD-001"),
    captured("ORD-001"),
    cancelled("ORD-001"),
    refunded("ORD-001"),
]


@pytest.mark.parametrize("size", [1, 2, 3, 4])
def test_the_status_does_not_depend_on_arrival_order(size: int) -> None:
    for chosen in itertools.combinations(LIFE, size):
        statuses = {
            fold_integration(BillingOrders(), order).documents["ORD-001"]["status"]
            for order in itertools.permutations(chosen)
        }
        assert len(statuses) == 1, chosen


@given(st.permutations(LIFE))
def test_any_arrival_order_of_a_whole_life_ends_refunded(events: list[object]) -> None:
    doc = fold_integration(BillingOrders(), events).documents["ORD-001"]
    assert doc["status"] == "refunded"
    assert doc["total"] == {"amount": "150.00", "currency": "USD"}
