"""analytics.sales: orders per day, exact revenue per currency, reserved units."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ddd_sim.contexts.analytics.application import wiring
from ddd_sim.contexts.analytics.application.queries import (
    DaySales,
    GetOrdersPerDay,
    GetSalesMetrics,
    SalesMetrics,
)
from ddd_sim.contexts.analytics.application.sales import SalesFigures
from ddd_sim.contexts.analytics.domain.figures import day_of
from ddd_sim.integration.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderPlaced,
    PaymentCaptured,
    PaymentRefunded,
    StockReleased,
    StockReserved,
)
from ddd_sim.shared.cqrs import QueryTable
from ddd_sim.shared.money import Money
from ddd_sim.shared.read_models import (
    EventMeta,
    ReadModelWriter,
    TransactionReadModel,
    collection_name,
)
from tests.shop.support import DictReadModel, make_deps

DAY = 86400.0


def fold_timed(
    rm: ReadModelWriter, timed: Iterable[tuple[float, Any]], *, first: int = 1
) -> None:
    """Fold events at given simulated times, in list order (log positions)."""
    projection = SalesFigures()
    for position, (sim_time, event) in enumerate(timed, start=first):
        meta = EventMeta(
            event_id=uuid.UUID(int=position),
            stream_id=f"published-{position}",
            stream_version=1,
            position=position,
            sim_time=sim_time,
        )
        projection.handle(event, meta, rm)


def queries_over(timed: list[tuple[float, Any]]) -> QueryTable:
    deps = make_deps(projections=wiring.PROJECTIONS)
    with deps.store.transaction() as tx:
        collection = collection_name(SalesFigures.name, SalesFigures.version)
        fold_timed(TransactionReadModel(tx, collection), timed)
    return wiring.query_handlers(deps)


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def placed(order: str, total: Money) -> OrderPlaced:
    return OrderPlaced(order_id=order, customer_id="CUST-001", lines=(), total=total)


def confirmed(order: str, total: Money) -> OrderConfirmed:
    return OrderConfirmed(order_id=order, customer_id="CUST-001", total=total)


def captured(order: str, amount: Money, payment: str = "PAY-1") -> PaymentCaptured:
    return PaymentCaptured(
        payment_id=payment,
        order_id=order,
        customer_id="CUST-001",
        amount=amount,
        method="card",
    )


def refunded(order: str, amount: Money, payment: str = "PAY-1") -> PaymentRefunded:
    return PaymentRefunded(
        payment_id=payment, order_id=order, customer_id="CUST-001", amount=amount
    )


def reserved(product: str, order: str, quantity: int) -> StockReserved:
    return StockReserved(
        product_id=product, order_id=order, quantity=quantity, available=9
    )


# Three orders over two days: ORD-002 is cancelled before it is paid, and
# 30.00 of ORD-001 is refunded on day 2.
WORKED_EXAMPLE: list[tuple[float, Any]] = [
    (100, placed("ORD-001", usd("100.00"))),
    (200, captured("ORD-001", usd("100.00"))),
    (300, confirmed("ORD-001", usd("100.00"))),
    (400, reserved("PROD-001", "ORD-001", 2)),
    (1000, placed("ORD-002", usd("50.00"))),
    (1100, reserved("PROD-002", "ORD-002", 1)),
    (DAY + 100, placed("ORD-003", usd("25.50"))),
    (
        DAY + 200,
        OrderCancelled(
            order_id="ORD-002",
            customer_id="CUST-001",
            total=usd("50.00"),
            reason="out of stock",
        ),
    ),
    (
        DAY + 300,
        StockReleased(
            product_id="PROD-002", order_id="ORD-002", quantity=1, available=9
        ),
    ),
    (DAY + 400, captured("ORD-003", usd("25.50"), "PAY-3")),
    (DAY + 500, confirmed("ORD-003", usd("25.50"))),
    (DAY + 600, reserved("PROD-001", "ORD-003", 3)),
    (DAY + 700, refunded("ORD-001", usd("30.00"))),
]


def test_the_worked_example_gives_exact_totals() -> None:
    queries = queries_over(WORKED_EXAMPLE)
    assert queries[GetSalesMetrics](GetSalesMetrics()) == SalesMetrics(
        orders_placed=3,
        orders_confirmed=2,
        orders_cancelled=1,
        cancellation_rate=Decimal("0.3333"),
        placed_value=(usd("175.50"),),
        revenue=(usd("95.50"),),
        average_order_value=(usd("58.50"),),
        units_reserved=(("PROD-001", 5), ("PROD-002", 0)),
    )


def test_the_worked_example_per_day_counts_each_fact_on_its_own_day() -> None:
    queries = queries_over(WORKED_EXAMPLE)
    assert queries[GetOrdersPerDay](GetOrdersPerDay()) == (
        DaySales(day=1, placed=2, confirmed=1, cancelled=0, revenue=(usd("100.00"),)),
        DaySales(day=2, placed=1, confirmed=1, cancelled=1, revenue=(usd("-4.50"),)),
    )


def test_documents_hold_money_as_exact_decimal_text() -> None:
    rm = DictReadModel()
    fold_timed(rm, WORKED_EXAMPLE)
    totals = rm.documents["totals"]
    assert totals["placed_value"] == {"USD": "175.50"}
    assert totals["captured"] == {"USD": "125.50"}
    assert totals["refunded"] == {"USD": "30.00"}
    assert rm.documents["day:2"]["captured"] == {"USD": "25.50"}


def test_currencies_are_never_mixed_and_averages_round_half_even() -> None:
    queries = queries_over(
        [
            (1, placed("ORD-001", Money.of("10.00", "EUR"))),
            (2, placed("ORD-002", Money.of("10.01", "EUR"))),
            (3, placed("ORD-003", usd("7.00"))),
            (4, captured("ORD-001", Money.of("10.00", "EUR"))),
            (5, refunded("ORD-009", usd("1.25"))),
        ]
    )
    metrics = queries[GetSalesMetrics](GetSalesMetrics())
    assert metrics.placed_value == (Money.of("20.01", "EUR"), usd("7.00"))
    assert metrics.average_order_value == (Money.of("10.00", "EUR"), usd("7.00"))
    assert metrics.revenue == (Money.of("10.00", "EUR"), usd("-1.25"))
    assert metrics.cancellation_rate == Decimal("0.0000")


def test_an_empty_run_has_zero_figures() -> None:
    queries = queries_over([])
    assert queries[GetOrdersPerDay](GetOrdersPerDay()) == ()
    assert queries[GetSalesMetrics](GetSalesMetrics()) == SalesMetrics(
        orders_placed=0,
        orders_confirmed=0,
        orders_cancelled=0,
        cancellation_rate=Decimal("0.0000"),
        placed_value=(),
        revenue=(),
        average_order_value=(),
        units_reserved=(),
    )


def test_an_event_delivered_again_is_not_counted_twice() -> None:
    rm = DictReadModel()
    fold_timed(rm, WORKED_EXAMPLE)
    before = dict(rm.documents)
    fold_timed(rm, WORKED_EXAMPLE[-3:], first=len(WORKED_EXAMPLE) - 2)
    assert rm.documents == before


def test_days_start_at_midnight_of_simulated_time() -> None:
    assert [day_of(t) for t in (0.0, DAY - 0.001, DAY, 2.5 * DAY)] == [1, 1, 2, 3]


MONEY_FACT = st.tuples(
    st.integers(min_value=0, max_value=9),  # day
    st.sampled_from(["captured", "refunded"]),
    st.integers(min_value=1, max_value=10**9),  # cents
    st.sampled_from(["USD", "EUR", "GBP"]),
)


@given(st.lists(MONEY_FACT, max_size=40))
def test_revenue_is_captured_less_refunded_whatever_the_order_of_days(
    facts: list[tuple[int, str, int, str]],
) -> None:
    timed: list[tuple[float, Any]] = []
    expected: dict[str, Decimal] = {}
    for i, (day, kind, cents, code) in enumerate(facts):
        money = Money(Decimal(cents).scaleb(-2), code)
        order = f"ORD-{i:03d}"
        sign = 1 if kind == "captured" else -1
        event = captured(order, money) if kind == "captured" else refunded(order, money)
        timed.append((day * DAY + i, event))
        expected[code] = expected.get(code, Decimal(0)) + sign * money.amount

    queries = queries_over(timed)
    revenue = queries[GetSalesMetrics](GetSalesMetrics()).revenue
    assert {m.currency: m.amount for m in revenue} == expected

    per_day: dict[str, Decimal] = {}
    for row in queries[GetOrdersPerDay](GetOrdersPerDay()):
        for money in row.revenue:
            per_day[money.currency] = (
                per_day.get(money.currency, Decimal(0)) + money.amount
            )
    assert per_day == expected


def test_analytics_wiring_has_no_aggregate_and_no_commands() -> None:
    assert (wiring.EVENTS, wiring.STREAM_CATEGORIES, wiring.TRANSLATORS) == ((), (), {})
    assert wiring.command_handlers(make_deps()) == {}
    assert [(p.name, p.source) for p in wiring.PROJECTIONS] == [
        ("analytics.sales", "integration")
    ]
