"""Inventory's command handlers against a store: results, retries, unknown products."""

from __future__ import annotations

import pytest

from ddd_sim.contexts.inventory.application.commands import (
    ImportLegacyProducts,
    ListProduct,
    ReceiveStock,
    ReleaseStock,
    ReserveStock,
    ShipReservedStock,
)
from ddd_sim.contexts.inventory.application.queries import PreviewLegacyImport
from ddd_sim.contexts.inventory.domain.product import InsufficientStock
from ddd_sim.shared.errors import NotFound
from ddd_sim.shared.ids import OrderId, ProductId
from ddd_sim.shared.money import Money
from tests.shop.inventory.harness import Inventory

PID = ProductId("PROD-001")
ORD = OrderId("ORD-001")


@pytest.fixture
def shop() -> Inventory:
    inventory = Inventory()
    inventory.do(ListProduct(product_id=PID, name="Widget", price=Money.of("5")))
    return inventory


def test_listing_with_stock_writes_two_events_to_the_product_stream() -> None:
    shop = Inventory()
    result = shop.do(
        ListProduct(product_id=PID, name="Widget", price=Money.of("5"), initial_stock=3)
    )
    assert (result.stream_id, result.version, result.written) == (
        "Product-PROD-001",
        2,
        True,
    )
    assert [e.type for e in shop.deps.store.read_stream(result.stream_id)] == [
        "ProductListed",
        "StockReceived",
    ]


def test_a_repeated_listing_writes_nothing_and_reports_the_current_version(
    shop: Inventory,
) -> None:
    again = shop.do(ListProduct(product_id=PID, name="Widget", price=Money.of("5")))
    assert (again.written, again.version, again.position) == (False, 1, 1)


def test_a_full_reservation_cycle_moves_units_through_every_count(
    shop: Inventory,
) -> None:
    shop.do(ReceiveStock(product_id=PID, quantity=10))
    shop.do(ReserveStock(product_id=PID, order_id=ORD, quantity=4))
    result = shop.do(ShipReservedStock(product_id=PID, order_id=ORD))
    assert (result.version, result.written) == (4, True)
    product = shop.product(PID)
    assert (product.received, product.available, product.reserved) == (10, 6, 0)
    assert product.shipped == 4


def test_retried_reserve_release_and_ship_write_nothing(shop: Inventory) -> None:
    shop.do(ReceiveStock(product_id=PID, quantity=10))
    reserve = ReserveStock(product_id=PID, order_id=ORD, quantity=4)
    assert shop.do(reserve).written
    assert not shop.do(reserve).written
    assert shop.do(ReleaseStock(product_id=PID, order_id=ORD)).written
    repeat = shop.do(ReleaseStock(product_id=PID, order_id=ORD))
    assert (repeat.written, repeat.version) == (False, 4)
    never = shop.do(ReleaseStock(product_id=PID, order_id=OrderId("ORD-404")))
    assert not never.written
    shop.do(ReserveStock(product_id=PID, order_id=ORD, quantity=2))
    assert shop.do(ShipReservedStock(product_id=PID, order_id=ORD)).written
    assert not shop.do(ShipReservedStock(product_id=PID, order_id=ORD)).written
    assert shop.deps.store.read_stream("Product-PROD-001")[-1].stream_version == 6


def test_a_refused_reservation_leaves_the_stream_untouched(shop: Inventory) -> None:
    shop.do(ReceiveStock(product_id=PID, quantity=2))
    with pytest.raises(InsufficientStock, match="cannot reserve 3 for order ORD-001"):
        shop.do(ReserveStock(product_id=PID, order_id=ORD, quantity=3))
    assert len(shop.deps.store.read_stream("Product-PROD-001")) == 2


@pytest.mark.parametrize(
    "command",
    [
        ReceiveStock(product_id=ProductId("PROD-404"), quantity=1),
        ReserveStock(product_id=ProductId("PROD-404"), order_id=ORD, quantity=1),
        ReleaseStock(product_id=ProductId("PROD-404"), order_id=ORD),
        ShipReservedStock(product_id=ProductId("PROD-404"), order_id=ORD),
    ],
)
def test_commands_for_an_unlisted_product_name_it(shop: Inventory, command) -> None:
    with pytest.raises(NotFound, match="product PROD-404 is not listed"):
        shop.do(command)


def test_the_legacy_import_is_only_wired_with_a_catalogue(shop: Inventory) -> None:
    assert ImportLegacyProducts not in shop.commands
    assert PreviewLegacyImport not in shop.queries


def test_the_command_sim_time_reaches_the_stored_events(shop: Inventory) -> None:
    recorded = shop.deps.store.read_stream("Product-PROD-001")[0]
    assert recorded.metadata.sim_time == 1.0
