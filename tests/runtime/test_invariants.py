"""Every invariant holds on finished runs, and names the offender on a damaged copy.

Corruptions are made the way a bug would make them: events appended through
the store (shaped like the run's own), a read model's document overwritten,
a row deleted from the SQLite file.  Each test works on its own copy of one
finished ``shipping_failure`` run, which has completed sagas, refunds, and
no-op compensations of shipments whose effect was unknown.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from ddd_sim.runtime.invariants import (
    STORE_INVARIANTS,
    WORLD_INVARIANTS,
    InvariantResult,
    check_store,
    check_world,
    versions_gapless,
)
from ddd_sim.runtime.world.index import WorldIndex
from ddd_sim.shared.events import RecordedEvent
from tests.runtime.world.damaged import (
    ClaimingStore,
    Copy,
    broken_only,
    clone_saga,
    copy_of,
    open_copy,
    saga_events,
    undone_in,
    unknown_shipment,
)
from tests.simulation.support import run_builtin

BUILTINS = [
    "crash_mid_saga",
    "shipping_failure",
    "payment_timeout",
    "cascading_breakers",
]


@pytest.mark.parametrize("name", BUILTINS)
def test_every_invariant_holds_on_a_finished_builtin_run(name: str) -> None:
    sim = run_builtin("memory:", name)
    try:
        index = WorldIndex.from_store(sim.store, checkpoint_every=64)
        final = index.at(index.head)
        results = check_world(final, drained=True) | check_store(sim.store, sim.shop)
        assert list(results) == [*WORLD_INVARIANTS, *STORE_INVARIANTS]
        assert broken_only(results) == {}
        assert final.counts.sagas_started == final.counts.orders_placed > 0
        # the world invariants hold at every moment, not only at the end
        for position in range(0, index.head, 23):
            assert broken_only(check_world(index.at(position))) == {}, position
    finally:
        sim.store.close()


# -- a copy of a finished run, to corrupt -------------------------------------


@pytest.fixture(scope="module")
def finished(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, list[RecordedEvent]]:
    """A finished run's SQLite file and its log (read once)."""
    path = tmp_path_factory.mktemp("finished") / "run.db"
    sim = run_builtin(path, "shipping_failure", fast=True)
    events = list(sim.store.read_all())
    sim.store.close()
    return path, events


@pytest.fixture
def copy(finished: tuple[Path, list[RecordedEvent]], tmp_path: Path) -> Iterator[Copy]:
    damaged = copy_of(*finished, tmp_path)
    yield damaged
    damaged.store.close()


def test_an_untouched_copy_keeps_every_invariant(copy: Copy) -> None:
    assert copy.broken(store=True) == {}
    assert copy.store.head_position() == len(copy.events)


# -- corruptions the world invariants must catch -------------------------------


def test_a_second_charge_for_an_order_is_caught(copy: Copy) -> None:
    completed = copy.saga("completed")
    charged = copy.first("WalletCharged", order_id=completed.order)
    again = dict(charged.payload) | {"payment_id": "PAY-AGAIN"}
    copy.append(charged.stream_id, "WalletCharged", again)
    amount = charged.payload["amount"]["amount"]
    twice = Decimal(amount) * 2
    assert copy.broken() == {
        "no_double_charge": f"{completed.order} was charged 2 times",
        "money_conserved": f"{completed.order} is confirmed: {twice} USD charged "
        f"net, the order totals {amount} USD",
    }


def test_a_refund_without_a_charge_is_caught(copy: Copy) -> None:
    order = copy.first("OrderPlaced").payload
    account = copy.first("AccountOpened", owner_id=order["customer_id"]).payload
    refund = copy.first("WalletRefunded").payload
    copy.append(
        f"Account-{account['account_id']}",
        "WalletRefunded",
        dict(refund)
        | {"order_id": "ORD-NEVER", "account_id": account["account_id"]}
        | {"customer_id": order["customer_id"]},
    )
    amount = refund["amount"]["amount"]
    assert copy.broken() == {
        "no_double_charge": f"ORD-NEVER was refunded {amount} after charges of 0",
        "money_conserved": f"ORD-NEVER: -{amount} charged for no placed order",
    }


def test_a_reservation_that_does_not_add_up_is_caught(copy: Copy) -> None:
    stock = copy.world().stock["PROD-001"]
    reserved = copy.first("StockReserved", product_id="PROD-001")
    # reserves 2 units but takes 3 out of what is available
    copy.append(
        reserved.stream_id,
        "StockReserved",
        dict(reserved.payload) | {"quantity": 2, "available": stock.available - 3},
    )
    assert copy.broken() == {
        "stock_conserved": f"PROD-001: received {stock.received} != available "
        f"{stock.available - 3} + reserved {stock.reserved + 2} + shipped "
        f"{stock.shipped}"
    }


def test_releasing_more_than_was_reserved_is_caught(copy: Copy) -> None:
    released = copy.first("StockReleased")
    product = released.payload["product_id"]
    stock = copy.world().stock[product]
    extra = stock.reserved + 1
    copy.append(
        released.stream_id,
        "StockReleased",
        dict(released.payload)
        | {"quantity": extra, "available": stock.available + extra},
    )
    assert copy.broken() == {"stock_conserved": f"{product}: reserved is negative (-1)"}


def test_a_wallet_going_negative_is_caught(copy: Copy) -> None:
    wallet = copy.world().wallets["ACC-CUST-002"]
    overdrawn = Decimal(wallet.balance) + Decimal("0.01")
    copy.append(
        f"Account-{wallet.account}",
        "MoneyWithdrawn",
        {
            "account_id": wallet.account,
            "amount": {"amount": str(overdrawn), "currency": "USD"},
        },
    )
    assert copy.broken() == {
        "money_conserved": f"{wallet.account}: balance -0.01 USD is negative"
    }


def test_a_charge_kept_on_a_cancelled_order_is_caught(copy: Copy) -> None:
    completed = copy.saga("completed")
    cancelled = copy.first("OrderCancelled").payload
    placed = copy.first("OrderPlaced", order_id=completed.order).payload
    copy.append(
        f"Order-{completed.order}",
        "OrderCancelled",
        dict(cancelled)
        | {"order_id": completed.order, "customer_id": placed["customer_id"]}
        | {"total": placed["total"], "reason": "hand-made"},
    )
    total = placed["total"]["amount"]
    assert copy.broken() == {
        "money_conserved": f"{completed.order} is cancelled but keeps {total} USD "
        "charged"
    }


def test_a_refund_of_a_confirmed_order_is_caught(copy: Copy) -> None:
    completed = copy.saga("completed")
    charged = copy.first("WalletCharged", order_id=completed.order)
    copy.append(charged.stream_id, "WalletRefunded", charged.payload)
    total = charged.payload["amount"]["amount"]
    zero = Decimal(total) - Decimal(total)
    assert copy.broken() == {
        "money_conserved": f"{completed.order} is confirmed: {zero} USD charged "
        f"net, the order totals {total} USD"
    }


# -- sagas ---------------------------------------------------------------------


def test_compensations_out_of_reverse_order_are_caught(copy: Copy) -> None:
    saga = copy.saga("compensated", refunded=True)
    order = [c.step for c in saga.compensations]
    order.remove("reserve_inventory")
    order.insert(order.index("charge_payment"), "reserve_inventory")
    clone_saga(copy, undone_in(saga_events(copy, saga), order), "ORD-CLONE")
    assert copy.broken() == {
        "sagas_consistent": f"Saga-ORD-CLONE: compensated {order}, not in reverse "
        f"of {list(saga.touched)}"
    }


def test_the_order_cancelled_before_the_end_is_caught(copy: Copy) -> None:
    saga = copy.saga("compensated", refunded=True)
    order = ["confirm_order", *(c.step for c in saga.compensations[:-1])]
    clone_saga(copy, undone_in(saga_events(copy, saga), order), "ORD-CLONE")
    assert copy.broken() == {
        "sagas_consistent": f"Saga-ORD-CLONE: compensated {order}, not in reverse "
        f"of {list(saga.touched)}"
    }


def test_a_compensation_run_twice_is_caught(copy: Copy) -> None:
    saga = copy.saga("compensated", refunded=True)
    refunded = next(
        e
        for e in saga_events(copy, saga)
        if e.type == "StepCompensated" and e.payload["step"] == "charge_payment"
    )
    copy.append(saga.id, "StepCompensated", refunded.payload)
    assert copy.broken() == {
        "sagas_consistent": f"{saga.id}: charge_payment compensated 2 times"
    }


def test_a_step_that_took_effect_and_was_never_undone_is_caught(copy: Copy) -> None:
    saga = copy.saga("compensated", refunded=True)
    events = [
        e
        for e in saga_events(copy, saga)
        if e.payload.get("step") != "charge_payment"
        or e.type not in ("CompensationStarted", "StepCompensated")
    ]
    clone_saga(copy, events, "ORD-CLONE")
    assert copy.broken() == {
        "sagas_consistent": "Saga-ORD-CLONE: charge_payment took effect but was "
        "never compensated"
    }


def test_undoing_a_step_that_never_took_effect_is_caught(copy: Copy) -> None:
    _, events = unknown_shipment(copy)
    undone = [
        dataclasses.replace(e, payload=dict(e.payload) | {"noop": False})
        if e.type == "StepCompensated" and e.payload["step"] == "create_shipment"
        else e
        for e in events
    ]
    clone_saga(copy, undone, "ORD-CLONE")
    assert copy.broken() == {
        "sagas_consistent": "Saga-ORD-CLONE: cancel_shipment undid create_shipment, "
        "which never took effect"
    }


def test_a_no_op_undo_after_the_order_was_cancelled_is_caught(copy: Copy) -> None:
    saga, events = unknown_shipment(copy)
    order = [c.step for c in saga.compensations if c.step != "create_shipment"]
    order.append("create_shipment")
    clone_saga(copy, undone_in(events, order), "ORD-CLONE")
    assert copy.broken() == {
        "sagas_consistent": f"Saga-ORD-CLONE: compensated {order}: confirm_order "
        "was not undone last"
    }


def test_a_completed_saga_that_skipped_a_step_is_caught(copy: Copy) -> None:
    saga = copy.saga("completed")
    events = [
        e for e in saga_events(copy, saga) if e.payload.get("step") != "create_shipment"
    ]
    clone_saga(copy, events, "ORD-CLONE")
    assert copy.broken() == {
        "sagas_consistent": "Saga-ORD-CLONE: completed, but create_shipment did "
        "not succeed"
    }


def test_a_completed_saga_that_compensated_something_is_caught(copy: Copy) -> None:
    saga = copy.saga("completed")
    events = saga_events(copy, saga)
    undo = [
        copy.first(kind, step="create_shipment")
        for kind in ("CompensationStarted", "StepCompensated")
    ]
    clone_saga(copy, [*events[:-1], *undo, events[-1]], "ORD-CLONE")
    assert copy.broken() == {
        "sagas_consistent": "Saga-ORD-CLONE: completed, but compensated create_shipment"
    }


def test_a_saga_left_in_flight_fails_only_once_drained(copy: Copy) -> None:
    started = copy.first("ProcessStarted")
    clone_saga(copy, [started], "ORD-STUCK")
    assert copy.broken(drained=True) == {
        "no_saga_in_flight": "Saga-ORD-STUCK is still running"
    }
    assert copy.broken(drained=False) == {}
    results = check_world(copy.world(), drained=False)
    assert results["no_saga_in_flight"] == InvariantResult(True, "not drained yet")


def test_an_order_left_placed_after_the_drain_is_caught(copy: Copy) -> None:
    placed = copy.first("OrderPlaced").payload
    copy.append(
        "Order-ORD-ORPHAN", "OrderPlaced", dict(placed) | {"order_id": "ORD-ORPHAN"}
    )
    assert copy.broken() == {
        "no_saga_in_flight": "1 orders still placed, e.g. ORD-ORPHAN"
    }


# -- the store: read models and stream versions --------------------------------


def test_tampered_read_models_are_named_with_what_differs(copy: Copy) -> None:
    orders = copy.shop.projections.reader("sales.order_list").collection
    shipments = copy.shop.projections.reader("shipping.shipments").collection
    key, document = next(iter(copy.store.documents(orders).items()))
    with copy.store.transaction() as tx:
        tx.put_document(orders, key, dict(document) | {"status": "lost"})
        tx.put_document(shipments, "SHP-FORGED", {"order_id": "ORD-FORGED"})
    assert copy.broken(store=True) == {
        "read_models_equal_rebuild": "sales.order_list: 0 added, 0 removed, "
        "1 changed (1 values); shipping.shipments: 0 added, 1 removed, 0 changed "
        "(0 values)"
    }
    # the rebuild swapped the right documents in: the damage is repaired
    assert copy.broken(store=True) == {}
    assert copy.store.get_document(orders, key) == document


def test_a_stalled_read_model_is_not_compared_and_is_named(copy: Copy) -> None:
    orders = copy.shop.projections.reader("sales.order_list").collection
    key, document = next(iter(copy.store.documents(orders).items()))
    with copy.store.transaction() as tx:
        tx.put_document(orders, key, dict(document) | {"status": "lost"})
    copy.shop.projections.stall("sales.order_list")
    result = check_store(copy.store, copy.shop)["read_models_equal_rebuild"]
    assert result == InvariantResult(True, "not compared (stalled): sales.order_list")


def test_an_event_lost_from_the_middle_of_the_log_is_caught(copy: Copy) -> None:
    placed = copy.first("OrderPlaced")
    copy.store.close()
    with sqlite3.connect(copy.path) as db:
        db.execute(
            "DELETE FROM events WHERE global_position = ?", [placed.global_position]
        )
    db.close()
    copy.store, copy.shop = open_copy(copy.path)
    # both ends are as they were: only reading the log shows the gap
    assert copy.store.head_position() == len(copy.events)
    second = next(
        e
        for e in copy.events
        if e.stream_id == placed.stream_id and e.stream_version == 2
    )
    assert versions_gapless(copy.store) == InvariantResult(
        False,
        f"{placed.stream_id}: version 2 at position {second.global_position}, "
        "expected 1",
    )


@pytest.mark.parametrize(
    ("claimed", "log", "detail"),
    [
        ({"A": 2, "B": 2}, [("A", 1), ("B", 1), ("A", 2), ("B", 2)], ""),
        (
            {"A": 2, "B": 3},
            [("A", 1), ("B", 1), ("A", 2), ("B", 2)],
            "B is at version 3 but holds 2 events",
        ),
        (
            {"A": 2, "B": 3},
            [("A", 1), ("B", 1), ("B", 3), ("A", 2)],
            "B: version 3 at position 3, expected 2",
        ),
        (
            {"A": 2},
            [("A", 2), ("A", 1)],
            "A: version 2 at position 1, expected 1",
        ),
        (
            {"A": 1},
            [("A", 1), ("A", 1)],
            "A: version 1 at position 2, expected 2",
        ),
    ],
)
def test_versions_must_run_from_one_without_a_gap_or_a_repeat(
    claimed: dict[str, int], log: list[tuple[str, int]], detail: str
) -> None:
    store = ClaimingStore(claimed, log)
    assert versions_gapless(store) == InvariantResult(  # type: ignore[arg-type]
        not detail, detail
    )
