"""Invariants hold at every position of a clean log and catch seeded violations."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ddd_sim.contexts.inventory.domain.events import StockReserved
from ddd_sim.contexts.payment.application.commands import ChargeWallet
from ddd_sim.contexts.payment.domain.ids import PaymentId
from ddd_sim.processes import events as pe
from ddd_sim.runtime.invariants import (
    STORE_INVARIANTS,
    WORLD_INVARIANTS,
    InvariantResult,
    check_store,
    check_world,
    versions_gapless,
)
from ddd_sim.runtime.world.index import WorldIndex
from ddd_sim.shared.events import RecordedEvent, StreamInfo
from ddd_sim.shared.ids import AccountId, OrderId, ProductId
from ddd_sim.shared.read_models import collection_name
from tests.runtime.world.fates import clean_story
from tests.runtime.world.story import Story, usd


def _world_checks(story: Story, *, drained: bool = False) -> dict[str, InvariantResult]:
    index = WorldIndex.from_store(story.store)
    return check_world(index.at(index.head), drained=drained)


def _broken(results: dict[str, InvariantResult]) -> dict[str, str]:
    return {name: r.detail for name, r in results.items() if not r.ok}


@pytest.fixture(scope="module")
def clean() -> Story:
    return clean_story(orders=12)


def test_a_clean_log_keeps_every_world_invariant_at_every_position(
    clean: Story,
) -> None:
    index = WorldIndex.from_store(clean.store, checkpoint_every=32)
    for position in range(index.head + 1):
        results = check_world(index.at(position))
        assert set(results) == set(WORLD_INVARIANTS)
        assert _broken(results) == {}, position
    assert check_world(index.at(index.head))["no_saga_in_flight"] == InvariantResult(
        True, "not drained yet"
    )


def test_the_drain_leaves_nothing_in_flight() -> None:
    assert _broken(_world_checks(clean_story(in_flight=False), drained=True)) == {}
    left = _broken(_world_checks(clean_story(orders=6), drained=True))
    assert left == {"no_saga_in_flight": "Saga-ORD-0007 is still running"}


def test_a_clean_store_keeps_the_store_invariants(clean: Story) -> None:
    results = check_store(clean.store, clean.shop)
    assert set(results) == set(STORE_INVARIANTS)
    assert all(r.ok for r in results.values()), results


def test_a_second_charge_for_one_order_is_caught() -> None:
    story = clean_story(orders=2, in_flight=False)
    story.do(
        ChargeWallet(
            account_id=AccountId("ACC-CUST-001"),
            payment_id=PaymentId("PAY-ORD-0001-again"),
            order_id=OrderId("ORD-0001"),
            amount=usd("35.00"),
            idempotency_key="ORD-0001:charge_payment:retry",
        )
    )
    broken = _broken(_world_checks(story))
    assert broken["no_double_charge"] == "ORD-0001 was charged 2 times"
    assert broken["money_conserved"].startswith("ORD-0001 is completed: 70.00 USD")


def test_stock_that_does_not_add_up_is_caught() -> None:
    story = clean_story(orders=1, in_flight=False)
    index = WorldIndex.from_store(story.store)
    s = index.at(index.head).stock["PROD-002"]
    # a reservation of 5 that took only 3 units out of available stock
    story.record(
        "Product-PROD-002",
        StockReserved(
            product_id=ProductId("PROD-002"),
            order_id=OrderId("ORD-0009"),
            quantity=5,
            available=s.available - 3,
        ),
    )
    assert _broken(_world_checks(story)) == {
        "stock_conserved": f"PROD-002: received {s.received} != available "
        f"{s.available - 3} + reserved {s.reserved + 5} + shipped {s.shipped}"
    }


def test_money_out_of_thin_air_or_kept_after_cancelling_is_caught() -> None:
    story = clean_story(orders=2, in_flight=False)
    story.raw(
        "Order-ORD-0002",
        "OrderCancelled",
        {"order_id": "ORD-0002", "customer_id": "CUST-002", "reason": "hand-written"},
    )
    assert _broken(_world_checks(story)) == {
        "money_conserved": "ORD-0002 is cancelled but keeps 55.00 USD charged"
    }
    story.raw(
        "Account-ACC-CUST-003",
        "MoneyWithdrawn",
        {"account_id": "ACC-CUST-003", "amount": {"amount": "5000", "currency": "USD"}},
    )
    assert _broken(_world_checks(story))["money_conserved"] == (
        "ACC-CUST-003: balance -3000.00 USD is negative"
    )


def _saga(story: Story, order: str, *events: tuple[type[Any], dict[str, Any]]) -> None:
    for kind, fields in events:
        story.record(f"Saga-{order}", kind(process_id=order, **fields))


def _step(
    name: str, kind: type[Any] = pe.StepSucceeded
) -> tuple[type[Any], dict[str, Any]]:
    if kind is pe.StepFailed:
        return kind, {"step": name, "attempts": 1, "reason": "down"}
    return kind, {"step": name, "attempts": 1}


def _undo(name: str) -> tuple[type[Any], dict[str, Any]]:
    undo = pe.COMPENSATIONS[name]
    return pe.StepCompensated, {"step": name, "compensation": undo, "attempts": 1}


def _started(order: str) -> tuple[type[Any], dict[str, Any]]:
    return pe.ProcessStarted, {
        "kind": "orchestrated",
        "order_id": order,
        "customer_id": "CUST-001",
        "lines": {},
        "total": usd("0.00"),
        "steps": pe.ORDER_STEPS,
    }


def _end(failed: str = "create_shipment") -> tuple[type[Any], dict[str, Any]]:
    return pe.ProcessCompensated, {"failed_step": failed, "reason": "down"}


@pytest.mark.parametrize(
    ("undone", "problem"),
    [
        (
            ["reserve_inventory", "charge_payment", "confirm_order"],
            "compensated ['reserve_inventory', 'charge_payment', 'confirm_order'], "
            "not in reverse of ['reserve_inventory', 'charge_payment']",
        ),
        (
            ["charge_payment", "charge_payment", "reserve_inventory", "confirm_order"],
            "charge_payment compensated 2 times",
        ),
        (
            ["reserve_inventory", "confirm_order"],
            "charge_payment took effect but was never compensated",
        ),
        (
            ["charge_payment", "reserve_inventory", "confirm_order", "create_shipment"],
            "cancel_shipment undid create_shipment, which never took effect",
        ),
    ],
)
def test_a_saga_that_compensates_wrongly_is_caught(
    undone: list[str], problem: str
) -> None:
    story = clean_story(orders=1, in_flight=False)
    _saga(
        story,
        "ORD-0100",
        _started("ORD-0100"),
        _step("reserve_inventory"),
        _step("charge_payment"),
        _step("create_shipment", pe.StepFailed),
        *[_undo(name) for name in undone],
        _end(),
    )
    assert _broken(_world_checks(story)) == {
        "sagas_consistent": f"Saga-ORD-0100: {problem}"
    }


def test_a_saga_completed_without_every_step_is_caught() -> None:
    story = clean_story(orders=1, in_flight=False)
    _saga(
        story,
        "ORD-0100",
        _started("ORD-0100"),
        _step("reserve_inventory"),
        _step("charge_payment", pe.StepFailed),
        (pe.ProcessCompleted, {}),
    )
    assert _broken(_world_checks(story)) == {
        "sagas_consistent": "Saga-ORD-0100: completed, but charge_payment, "
        "create_shipment, confirm_order did not succeed"
    }


class GappyStore:
    """A fake store whose stream claims a version it does not hold."""

    def __init__(self, streams: dict[str, int], events: list[str]) -> None:
        self._streams, self._events = streams, events

    def streams(self) -> list[StreamInfo]:
        return [StreamInfo(s, v, 1, 1) for s, v in sorted(self._streams.items())]

    def head_position(self) -> int:
        return len(self._events)

    def read_all(self, *, raw: bool = False) -> Iterator[RecordedEvent]:
        for stream in self._events:
            yield RecordedEvent(None, stream, 0, 0, "X", 1, {}, None)  # type: ignore[arg-type]


def test_a_version_gap_names_the_stream(clean: Story) -> None:
    assert versions_gapless(clean.store).ok
    gappy = GappyStore({"A-1": 2, "B-1": 3}, ["A-1", "B-1", "A-1", "B-1"])
    assert versions_gapless(gappy) == InvariantResult(  # type: ignore[arg-type]
        False, "B-1 is at version 3 but holds 2 events"
    )


def test_a_read_model_that_differs_from_its_rebuild_is_named() -> None:
    story = clean_story(orders=3, in_flight=False)
    story.shop.catch_up()
    name = "sales.order_list"
    collection = collection_name(name, story.shop.projections.projection(name).version)
    document = dict(story.store.documents(collection)["ORD-0001"])
    with story.store.transaction() as tx:
        tx.put_document(collection, "ORD-0001", document | {"status": "lost"})
    story.shop.projections.stall("shipping.shipments")
    result = check_store(story.store, story.shop)["read_models_equal_rebuild"]
    assert not result.ok
    assert result.detail == (
        "sales.order_list: 0 added, 0 removed, 1 changed (1 values); "
        "not compared (stalled): shipping.shipments"
    )
    # the rebuild put the right document back: now only the stalled one is left
    again = check_store(story.store, story.shop)["read_models_equal_rebuild"]
    assert again == InvariantResult(True, "not compared (stalled): shipping.shipments")
