"""Records a real run rarely writes (delivery, abandonment, deposits) reach the world.

The story (see :mod:`.fates`) writes every fate an order can have through
the shop's own command handlers, plus hand-made process and simulation
records; hand-made malformed or unknown events show how the index copes.
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddd_sim.runtime.invariants import WORLD_INVARIANTS, InvariantResult, check_world
from ddd_sim.runtime.world.index import WorldIndex
from ddd_sim.shared.errors import UnknownEventType
from ddd_sim.shared.events import EventMetadata, RecordedEvent
from tests.runtime.world.fates import clean_story
from tests.runtime.world.reference import reference_world
from tests.runtime.world.story import Story

CHECKPOINT = 16


@pytest.fixture(scope="module")
def story() -> Story:
    return clean_story(orders=14)


@pytest.fixture(scope="module")
def events(story: Story) -> list[RecordedEvent]:
    return list(story.store.read_all())


@pytest.fixture(scope="module")
def index(story: Story) -> WorldIndex:
    return WorldIndex.from_store(story.store, checkpoint_every=CHECKPOINT)


def _event(position: int, event_type: str, payload: dict[str, Any]) -> RecordedEvent:
    return RecordedEvent(
        uuid.UUID(int=position),
        "Stream-x",
        position,
        position,
        event_type,
        1,
        payload,
        EventMetadata(sim_time=float(position)),
    )


OPENED = {
    "account_id": "ACC-1",
    "owner_id": "CUST-1",
    "initial_balance": {"amount": "10.00", "currency": "USD"},
}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_the_world_at_any_position_equals_a_naive_fold_from_scratch(
    index: WorldIndex, events: list[RecordedEvent], data: st.DataObject
) -> None:
    position = data.draw(st.integers(0, index.head), label="position")
    assert index.at(position).to_json() == reference_world(events, position)


def test_every_kind_of_record_reaches_the_world(index: WorldIndex) -> None:
    world = index.at(index.head)
    sagas = {s.id: s for s in world.sagas}
    declined = sagas["Saga-ORD-0003"]
    assert declined.status == "compensated"
    assert [c.name for c in declined.compensations] == [
        "release_inventory",
        "cancel_order",
    ]
    assert declined.failed_step == "charge_payment"
    retried = sagas["Fulfilment-ORD-0005"]
    assert retried.kind == "process_manager"
    assert {t.name: t.state for t in retried.timers} == {
        "inventory": "cancelled",
        "payment": "cancelled",
        "payment_retry": "fired",
    }
    assert next(s for s in retried.steps if s.name == "charge_payment").attempts == 2
    abandoned = sagas["Fulfilment-ORD-0006"]
    assert (abandoned.status, abandoned.ended_at is not None) == ("abandoned", True)
    assert abandoned.reason == "abandoned"
    assert sagas["Saga-ORD-0015"].status == "running"  # left in flight
    assert world.counts.sagas_in_flight == 2
    assert world.counts.sagas_compensated == 6  # two of them abandoned
    assert world.counts.orders_in_flight == 2
    delivered = next(o for o in world.orders if o.id == "ORD-0001")
    assert delivered.status == "completed"
    assert world.breakers == {"payment": "half_open"}
    assert [f.fault_id for f in world.faults] == ["F-8"]  # F-4, F-12 cleared
    assert world.counts.faults_injected == 3
    assert world.contexts_down == frozenset()
    lags = {p.name: p.lag_events for p in world.projections}
    assert lags["sales.order_list"] > lags["inventory.stock"] > 0
    assert world.stock["PROD-001"].received == 45
    assert world.stock["PROD-001"].shipped > 0
    assert world.wallets["ACC-CUST-002"].balance.endswith(".50")


def test_an_abandoned_process_is_in_flight_until_its_compensation_ends(
    index: WorldIndex, events: list[RecordedEvent]
) -> None:
    stream = "Fulfilment-ORD-0006"
    given_up = next(
        e.global_position
        for e in events
        if e.stream_id == stream and e.type == "ProcessAbandoned"
    )
    ended = next(
        e.global_position
        for e in events
        if e.stream_id == stream and e.type == "ProcessCompensated"
    )
    during = index.at(given_up)
    saga = next(s for s in during.sagas if s.id == stream)
    assert (saga.status, saga.ended_at) == ("abandoned", None)
    assert "create_shipment" in saga.touched  # in flight when given up
    before = index.at(given_up - 1).counts.sagas_in_flight
    assert during.counts.sagas_in_flight == before
    after = index.at(ended).counts
    assert after.sagas_in_flight == before - 1
    assert after.sagas_compensated == index.at(ended - 1).counts.sagas_compensated + 1


def test_a_context_is_down_between_its_crash_and_its_restart(
    index: WorldIndex, events: list[RecordedEvent]
) -> None:
    crashed = next(e.global_position for e in events if e.type == "ContextCrashed")
    assert index.at(crashed).contexts_down == frozenset({"sales"})
    assert index.at(crashed - 1).contexts_down == frozenset()


def test_every_world_invariant_holds_at_every_position_of_the_story(
    events: list[RecordedEvent],
) -> None:
    index = WorldIndex(checkpoint_every=32)
    index.advance(events)
    for position in range(index.head + 1):
        results = check_world(index.at(position))
        assert set(results) == set(WORLD_INVARIANTS)
        assert {k: r.detail for k, r in results.items() if not r.ok} == {}, position
    assert check_world(index.at(index.head))["no_saga_in_flight"] == InvariantResult(
        True, "not drained yet"
    )


def test_a_malformed_event_is_named_and_leaves_the_index_as_it_was() -> None:
    index = WorldIndex()
    index.advance([_event(1, "AccountOpened", OPENED)])
    # the wallet move is folded before the ledger entry fails: both must go
    broken = {"account_id": "ACC-1", "amount": {"amount": "1.00", "currency": "USD"}}
    with pytest.raises(UnknownEventType, match="position 2: stored WalletCharged"):
        index.advance([_event(2, "WalletCharged", broken)])
    assert index.head == 1
    assert index.at(1).wallets["ACC-1"].balance == "10.00"
    charged = broken | {"order_id": "ORD-1"}
    index.advance([_event(2, "WalletCharged", charged)])
    world = index.at(2)
    assert world.wallets["ACC-1"].balance == "9.00"
    assert world.charges["ORD-1"].charges == 1


def test_unknown_types_and_unknown_rows_change_nothing() -> None:
    index = WorldIndex()
    index.advance(
        [
            _event(1, "SomethingNew", {"x": 1}),
            _event(2, "OrderConfirmed", {"order_id": "ORD-404"}),
            _event(3, "MoneyDeposited", {"account_id": "ACC-404", "amount": "5"}),
            _event(4, "StepStarted", {"step": "x", "attempt": 1}),
        ]
    )
    world = index.at(4)
    assert (len(world.orders), len(world.wallets), len(world.sagas)) == (0, 0, 0)
    assert world.counts.events == 4


def test_a_v1_deposit_counts_in_dollars() -> None:
    index = WorldIndex()
    index.advance(
        [
            _event(1, "AccountOpened", OPENED),
            _event(2, "MoneyDeposited", {"account_id": "ACC-1", "amount": "2.5"}),
        ]
    )
    assert index.at(2).wallets["ACC-1"].balance == "12.50"


def test_the_sim_clock_never_goes_back() -> None:
    index = WorldIndex()
    index.advance(
        [
            dataclasses.replace(
                _event(p, "Nothing", {}), metadata=EventMetadata(sim_time=t)
            )
            for p, t in [(1, 1.0), (2, 5.0), (3, 3.0), (4, 6.0)]
        ]
    )
    assert [index.at(p).sim_time for p in range(5)] == [0.0, 1.0, 5.0, 5.0, 6.0]
    assert index.position_at(4.0) == 1  # position 3 came after something at 5.0
    assert index.position_at(5.0) == 3
    assert index.position_at(-1.0) == 0
