"""Long-lived products load from snapshots exactly as from a full replay."""

from __future__ import annotations

from ddd_sim.contexts.inventory.application.commands import (
    ListProduct,
    ReceiveStock,
    ReleaseStock,
    ReserveStock,
    ShipReservedStock,
)
from ddd_sim.contexts.inventory.domain.product import Product
from ddd_sim.shared.ids import OrderId, ProductId
from ddd_sim.shared.money import Money
from ddd_sim.shared.repository import AggregateRepository
from tests.shop.inventory.harness import Inventory

PID = ProductId("PROD-001")


def busy_product(shop: Inventory) -> None:
    shop.do(ListProduct(product_id=PID, name="Widget", price=Money.of("5.25")))
    for i in range(1, 8):
        order = OrderId(f"ORD-{i:03d}")
        shop.do(ReceiveStock(product_id=PID, quantity=i))
        shop.do(ReserveStock(product_id=PID, order_id=order, quantity=i))
        if i % 3 == 0:
            shop.do(ReleaseStock(product_id=PID, order_id=order))
        elif i % 3 == 1:
            shop.do(ShipReservedStock(product_id=PID, order_id=order))


def test_a_load_from_a_snapshot_equals_a_full_replay() -> None:
    shop = Inventory(snapshot_every={"Product": 6})
    busy_product(shop)
    with_snapshots = shop.deps.repository(Product)
    from_snapshot = with_snapshots.load(str(PID))
    assert with_snapshots.last_load is not None
    assert with_snapshots.last_load.snapshot_version == 18
    assert with_snapshots.last_load.events_replayed == 2
    assert from_snapshot.version == 20

    replaying = AggregateRepository(shop.deps.store, shop.deps.registry, Product)
    replayed = replaying.load(str(PID))
    assert replaying.last_load is not None
    assert replaying.last_load.snapshot_version is None
    assert from_snapshot.version == replayed.version
    assert from_snapshot.snapshot_state() == replayed.snapshot_state()
    assert from_snapshot.price == Money.of("5.25")
    assert from_snapshot.conservation_holds()


def test_a_product_restored_from_its_snapshot_keeps_deciding_the_same_way() -> None:
    shop = Inventory(snapshot_every={"Product": 5})
    busy_product(shop)
    product = shop.product(PID)
    clone = Product.from_snapshot(str(PID), product.version, product.snapshot_state())
    # ORD-002 still holds stock, ORD-003 released it, ORD-001 has shipped
    for p in (product, clone):
        p.reserve(OrderId("ORD-002"), 2)
        p.release(OrderId("ORD-003"))
        p.ship(OrderId("ORD-001"))
        p.ship(OrderId("ORD-002"))
    assert clone.pending_events == product.pending_events
    assert len(clone.pending_events) == 1


def test_snapshot_state_is_plain_json() -> None:
    shop = Inventory()
    busy_product(shop)
    state = shop.product(PID).snapshot_state()
    assert state["price"] == {"amount": "5.25", "currency": "USD"}
    assert state["reservations"] == {"ORD-002": 2, "ORD-005": 5}
    assert state["shipments"] == {"ORD-001": 1, "ORD-004": 4, "ORD-007": 7}


def test_a_growing_product_is_snapshotted_less_often_as_it_grows() -> None:
    """Snapshot cost per event stays bounded: the interval doubles with the state."""
    shop = Inventory(snapshot_every={"Product": 20})
    shop.do(ListProduct(product_id=PID, name="Widget", price=Money.of("5.25")))
    shop.do(ReceiveStock(product_id=PID, quantity=1_000_000))
    for i in range(1, 1001):  # each order: reserve, then ship (two events)
        order = OrderId(f"ORD-{i:05d}")
        shop.do(ReserveStock(product_id=PID, order_id=order, quantity=1))
        shop.do(ShipReservedStock(product_id=PID, order_id=order))
    store = shop.deps.store
    versions = []
    for version in range(20, 2003, 20):
        snapshot = store.load_snapshot("Product-PROD-001", at_or_below=version)
        if snapshot is not None and snapshot.version == version:
            versions.append(version)
    # entries (orders shipped) ≈ version / 2: every 20 events below 200 entries,
    # every 40 below 400, every 80 below 800, then every 160
    expected = list(range(20, 420, 20))
    expected += list(range(440, 820, 40))
    expected += list(range(880, 1620, 80))
    expected += list(range(1760, 2003, 160))
    assert versions == expected

    replaying = AggregateRepository(store, shop.deps.registry, Product)
    with_snapshots = shop.deps.repository(Product)
    loaded = with_snapshots.load(str(PID))
    assert with_snapshots.last_load is not None
    assert with_snapshots.last_load.snapshot_version == expected[-1]
    assert loaded.snapshot_state() == replaying.load(str(PID)).snapshot_state()
