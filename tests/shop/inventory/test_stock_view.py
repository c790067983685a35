"""The inventory.stock read model and the queries answered from it."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from ddd_sim.contexts.inventory.application.commands import (
    ListProduct,
    ReceiveStock,
    ReleaseStock,
    ReserveStock,
    ShipReservedStock,
)
from ddd_sim.contexts.inventory.application.queries import (
    Availability,
    CheckAvailability,
    GetStock,
    ListStock,
    StockLevel,
)
from ddd_sim.contexts.inventory.application.stock_projection import StockProjection
from ddd_sim.contexts.inventory.domain.events import StockReceived
from ddd_sim.shared.errors import NotFound
from ddd_sim.shared.ids import OrderId, ProductId
from ddd_sim.shared.money import Money
from ddd_sim.shared.read_models import EventMeta
from tests.shop.inventory.harness import Inventory
from tests.shop.support import DictReadModel

WIDGET = ProductId("PROD-001")
GADGET = ProductId("PROD-002")


@pytest.fixture
def shop() -> Inventory:
    inventory = Inventory()
    inventory.do(
        ListProduct(
            product_id=WIDGET, name="Widget", price=Money.of("5"), initial_stock=10
        )
    )
    inventory.do(ListProduct(product_id=GADGET, name="Gadget", price=Money.of("7")))
    inventory.do(
        ReserveStock(product_id=WIDGET, order_id=OrderId("ORD-001"), quantity=3)
    )
    inventory.do(
        ReserveStock(product_id=WIDGET, order_id=OrderId("ORD-002"), quantity=2)
    )
    inventory.do(ShipReservedStock(product_id=WIDGET, order_id=OrderId("ORD-001")))
    return inventory


def test_get_stock_reports_every_count_and_when_it_last_changed(
    shop: Inventory,
) -> None:
    assert shop.ask(GetStock(product_id=WIDGET)) == StockLevel(
        product_id=WIDGET,
        name="Widget",
        price=Money.of("5"),
        received=10,
        available=5,
        reserved=2,
        shipped=3,
        open_reservations=1,
        last_changed=5.0,
    )


def test_the_view_matches_the_aggregates_counts(shop: Inventory) -> None:
    shop.do(ReleaseStock(product_id=WIDGET, order_id=OrderId("ORD-002")))
    shop.do(ReceiveStock(product_id=GADGET, quantity=4))
    for level in shop.ask(ListStock()):
        product = shop.product(level.product_id)
        assert (level.received, level.available, level.reserved, level.shipped) == (
            product.received,
            product.available,
            product.reserved,
            product.shipped,
        )
        assert level.open_reservations == len(product.reservations)


def test_list_stock_is_ordered_by_product_and_immutable(shop: Inventory) -> None:
    levels = shop.ask(ListStock())
    assert isinstance(levels, tuple)
    assert [level.product_id for level in levels] == [WIDGET, GADGET]
    with pytest.raises(dataclasses.FrozenInstanceError):
        levels[0].available = 99


def test_an_unknown_product_is_not_found_by_name(shop: Inventory) -> None:
    with pytest.raises(NotFound, match="product PROD-404 is not listed"):
        shop.ask(GetStock(product_id=ProductId("PROD-404")))
    with pytest.raises(NotFound, match="product PROD-404 is not listed"):
        shop.ask(CheckAvailability(product_id=ProductId("PROD-404"), quantity=1))


@pytest.mark.parametrize(("quantity", "enough"), [(1, True), (5, True), (6, False)])
def test_availability_tells_sales_whether_a_quantity_can_be_had(
    shop: Inventory, quantity: int, enough: bool
) -> None:
    answer = shop.ask(CheckAvailability(product_id=WIDGET, quantity=quantity))
    assert answer == Availability(product_id=WIDGET, available=5, enough=enough)


def test_a_redelivered_event_is_counted_once() -> None:
    rm = DictReadModel()
    projection = StockProjection()
    event = StockReceived(product_id=WIDGET, quantity=4, available=4)
    meta = EventMeta(
        event_id=uuid.UUID(int=1),
        stream_id="Product-PROD-001",
        stream_version=2,
        position=7,
        sim_time=3.0,
    )
    projection.handle(event, meta, rm)
    projection.handle(event, meta, rm)
    document = rm.get("PROD-001")
    assert document is not None
    assert (document["received"], document["available"]) == (4, 4)


def test_documents_are_plain_json(shop: Inventory) -> None:
    shop.refresh()
    document = shop.deps.read_model(StockProjection.name).get("PROD-001")
    assert document is not None
    assert document["price"] == {"amount": "5.00", "currency": "USD"}
    assert document["open_reservations"] == 1
