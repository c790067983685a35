"""Under any sequence of order commands, some refused, the order stays whole.

After every command the stored order has legal lines whose total is their
sum, a status reached only by a legal step, and refused commands write
nothing; at the end the detail view agrees with the aggregate.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ddd_sim.contexts.sales.application.commands import (
    CancelOrder,
    CompleteOrder,
    ConfirmOrder,
    MarkOrderShipped,
    PlaceOrder,
)
from ddd_sim.contexts.sales.application.queries import GetOrder
from ddd_sim.contexts.sales.domain.order import Order
from ddd_sim.shared.errors import DomainError, NotFound
from ddd_sim.shared.ids import CustomerId, OrderId
from ddd_sim.shared.money import Money
from tests.shop.sales.sales_world import SalesWorld, line

OID = OrderId("ORD-001")
CID = CustomerId("CUST-001")
LEGAL_STEPS = {
    (None, "placed"),
    ("placed", "confirmed"),
    ("placed", "cancelled"),
    ("confirmed", "shipped"),
    ("confirmed", "cancelled"),
    ("shipped", "completed"),
}

any_lines = st.lists(
    st.builds(
        line,
        st.sampled_from(["001", "002", "003"]),
        st.integers(min_value=-1, max_value=4),
        st.sampled_from(["-1", "0", "0.01", "9.99", "500"]),
        st.sampled_from(["USD", "USD", "EUR"]),
    ),
    max_size=4,
)
good_lines = st.sampled_from(["USD", "EUR"]).flatmap(
    lambda currency: st.lists(
        st.builds(
            line,
            st.sampled_from(["001", "002", "003"]),
            st.integers(min_value=1, max_value=4),
            st.sampled_from(["0.01", "9.99", "500"]),
            st.just(currency),
        ),
        min_size=1,
        max_size=3,
        unique_by=lambda ln: ln.product_id,
    )
)
place = st.tuples(st.just("place"), st.one_of(good_lines, any_lines))
step = st.one_of(
    place,
    st.just(("confirm",)),
    st.tuples(st.just("ship"), st.sampled_from(["SHP-001", "SHP-002", " "])),
    st.tuples(st.just("cancel"), st.sampled_from(["too slow", ""])),
    st.just(("complete",)),
)
# most runs start with a good placement, so later steps meet a live order
commands = st.tuples(
    st.one_of(st.tuples(st.just("place"), good_lines).map(lambda p: [p]), st.just([])),
    st.lists(step, max_size=12),
).map(lambda parts: parts[0] + parts[1])


def build(step: tuple[Any, ...]) -> Any:
    kind = step[0]
    if kind == "place":
        return PlaceOrder(order_id=OID, customer_id=CID, lines=tuple(step[1]))
    if kind == "confirm":
        return ConfirmOrder(order_id=OID)
    if kind == "ship":
        return MarkOrderShipped(order_id=OID, shipment_id=step[1])
    if kind == "cancel":
        return CancelOrder(order_id=OID, reason=step[1])
    return CompleteOrder(order_id=OID)


def stored(world: SalesWorld) -> Order | None:
    try:
        return world.order(OID)
    except NotFound:
        return None


def state(order: Order | None) -> tuple[Any, ...]:
    if order is None:
        return (None,)
    return (
        order.version,
        order.status,
        order.lines,
        order.total,
        order.shipment_id,
        order.cancel_reason,
    )


def assert_whole(order: Order) -> None:
    """Every rule a placed order must keep, checked on its public state."""
    assert order.lines, "a placed order has lines"
    currencies = {ln.unit_price.currency for ln in order.lines}
    assert len(currencies) == 1
    (currency,) = currencies
    products = [ln.product_id for ln in order.lines]
    assert len(products) == len(set(products))
    for ln in order.lines:
        assert type(ln.quantity) is int
        assert ln.quantity > 0
        assert ln.unit_price.is_positive
    expected = sum(
        (ln.unit_price.amount * ln.quantity for ln in order.lines), Decimal(0)
    )
    assert order.total == Money(expected, currency)
    shipped = order.status in ("shipped", "completed")
    assert (order.shipment_id is not None) == shipped
    assert (order.cancel_reason is not None) == (order.status == "cancelled")


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(steps=commands)
def test_any_command_sequence_leaves_a_whole_order(
    steps: list[tuple[Any, ...]],
) -> None:
    world = SalesWorld()
    for step in steps:
        before = stored(world)
        try:
            result = world.do(build(step))
        except DomainError:
            assert state(stored(world)) == state(before), (
                f"{step} wrote despite refusal"
            )
            continue
        after = stored(world)
        assert after is not None
        assert result.version == after.version
        assert_whole(after)
        previous = before.status if before is not None else None
        if result.written:
            assert (previous, after.status) in LEGAL_STEPS
        else:
            assert state(after) == state(before)
    final = stored(world)
    event(f"ended {final.status if final is not None else 'unplaced'}")
    if final is not None:
        detail = world.ask(GetOrder(order_id=OID))
        assert (detail.status, detail.total, len(detail.history)) == (
            final.status,
            final.total,
            final.version,
        )
        assert (
            sum((v.line_total for v in detail.lines), Money.zero(detail.total.currency))
            == detail.total
        )


@given(
    quantities=st.lists(
        st.integers(min_value=1, max_value=10_000), min_size=1, max_size=6
    ),
    cents=st.integers(min_value=1, max_value=10_000_000),
)
def test_the_total_is_the_exact_sum_of_the_lines(
    quantities: list[int], cents: int
) -> None:
    order = Order(str(OID))
    price = Money(Decimal(cents).scaleb(-2), "USD")
    order.place(
        CID,
        tuple(
            line(f"{i:03d}", quantity, str(price.amount))
            for i, quantity in enumerate(quantities, start=1)
        ),
    )
    assert order.total == Money(price.amount * sum(quantities), "USD")
