"""Under any sequence of commands, received == available + reserved + shipped.

Refused commands must change nothing; the stored history must satisfy the
law at every version, and the stock view must agree with the aggregate.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddd_sim.contexts.inventory.application.commands import (
    ListProduct,
    ReceiveStock,
    ReleaseStock,
    ReserveStock,
    ShipReservedStock,
)
from ddd_sim.contexts.inventory.application.queries import GetStock
from ddd_sim.contexts.inventory.domain.product import Product
from ddd_sim.shared.errors import DomainError
from ddd_sim.shared.ids import OrderId, ProductId
from ddd_sim.shared.money import Money
from tests.shop.inventory.harness import Inventory

PID = ProductId("PROD-001")
ORDERS = [OrderId(f"ORD-00{i}") for i in range(1, 5)]

orders = st.sampled_from(ORDERS)
quantities = st.integers(min_value=-2, max_value=12)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("receive"), quantities),
        st.tuples(st.just("reserve"), orders, quantities),
        st.tuples(st.just("release"), orders),
        st.tuples(st.just("ship"), orders),
    ),
    max_size=40,
)


def run(product: Product, step: tuple) -> None:
    kind, *args = step
    if kind == "receive":
        product.receive(*args)
    elif kind == "reserve":
        product.reserve(*args)
    elif kind == "release":
        product.release(*args)
    else:
        product.ship(*args)


@settings(max_examples=300)
@given(steps=steps)
def test_the_law_holds_after_every_command_and_refusals_change_nothing(
    steps: list[tuple],
) -> None:
    product = Product(str(PID))
    product.list_for_sale("Widget", Money.of("5"), initial_stock=5)
    for step in steps:
        before = (product.version, product.snapshot_state(), product.pending_events)
        try:
            run(product, step)
        except DomainError:
            after = (product.version, product.snapshot_state(), product.pending_events)
            assert after == before
        assert product.conservation_holds()
        assert product.available >= 0
    rebuilt = Product(str(PID))
    rebuilt.replay(product.pending_events)
    assert rebuilt.snapshot_state() == product.snapshot_state()


def command_for(step: tuple):
    kind, *args = step
    if kind == "receive":
        return ReceiveStock(product_id=PID, quantity=args[0])
    if kind == "reserve":
        return ReserveStock(product_id=PID, order_id=args[0], quantity=args[1])
    if kind == "release":
        return ReleaseStock(product_id=PID, order_id=args[0])
    return ShipReservedStock(product_id=PID, order_id=args[0])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=steps)
def test_the_stored_history_and_the_view_keep_the_law(steps: list[tuple]) -> None:
    shop = Inventory(snapshot_every={"Product": 4})
    shop.do(ListProduct(product_id=PID, name="Widget", price=Money.of("5")))
    for step in steps:
        stored = len(shop.deps.store.read_stream("Product-PROD-001"))
        try:
            shop.do(command_for(step))
        except DomainError:
            assert len(shop.deps.store.read_stream("Product-PROD-001")) == stored
    history = shop.deps.repository(Product).history(
        str(PID), lambda p: p.conservation_holds()
    )
    assert all(entry.state for entry in history)
    product = shop.product(PID)
    level = shop.ask(GetStock(product_id=PID))
    assert (level.received, level.available, level.reserved, level.shipped) == (
        product.received,
        product.available,
        product.reserved,
        product.shipped,
    )
    assert level.open_reservations == len(product.reservations)
