"""The world as of any position: the index agrees with a naive fold from scratch."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddd_sim.runtime.world.index import WorldIndex
from ddd_sim.runtime.world.model import World
from ddd_sim.shared.errors import UnknownEventType
from ddd_sim.shared.events import EventMetadata, RecordedEvent
from tests.runtime.world.fates import clean_story
from tests.runtime.world.reference import reference_world
from tests.runtime.world.story import Story

CHECKPOINT = 16
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


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


@SETTINGS
@given(data=st.data())
def test_the_world_at_any_position_equals_a_fold_from_scratch(
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
    assert sagas["Saga-ORD-0015"].status == "running"  # left in flight
    assert world.counts.sagas_in_flight == 2
    assert world.counts.sagas_compensated == 6  # two of them abandoned
    assert world.counts.orders_in_flight == 2
    assert world.breakers == {"payment": "half_open"}
    assert [f.fault_id for f in world.faults] == ["F-8"]  # F-4, F-12 cleared
    assert world.counts.faults_injected == 3
    assert world.contexts_down == frozenset()
    lags = {p.name: p.lag_events for p in world.projections}
    assert lags["sales.order_list"] > lags["inventory.stock"] > 0
    assert world.stock["PROD-001"].received == 45
    assert world.wallets["ACC-CUST-002"].balance.endswith(".50")


def test_a_context_is_down_between_its_crash_and_its_restart(
    index: WorldIndex, events: list[RecordedEvent]
) -> None:
    crashed = next(e.global_position for e in events if e.type == "ContextCrashed")
    assert index.at(crashed).contexts_down == frozenset({"sales"})
    assert index.at(crashed - 1).contexts_down == frozenset()


def test_position_zero_is_the_empty_world(index: WorldIndex) -> None:
    world = index.at(0)
    assert (world.position, world.sim_time, len(world.orders)) == (0, 0.0, 0)
    assert not world.stock
    assert not world.wallets
    assert not world.sagas
    assert world.counts.events == 0


@pytest.mark.parametrize("position", [-1, 10**6])
def test_a_position_outside_the_log_is_refused_naming_the_head(
    index: WorldIndex, position: int
) -> None:
    with pytest.raises(ValueError, match=f"head {index.head}"):
        index.at(position)


@SETTINGS
@given(data=st.data())
def test_at_time_is_the_world_at_the_last_position_by_then(
    index: WorldIndex, events: list[RecordedEvent], data: st.DataObject
) -> None:
    last = events[-1].metadata.sim_time
    moment = data.draw(st.floats(-1.0, last + 1.0, allow_nan=False), label="moment")
    position = index.position_at(moment)
    assert all(e.metadata.sim_time <= moment for e in events[:position])
    assert position == len(events) or events[position].metadata.sim_time > moment
    world = index.at_time(moment)
    assert world.sim_time == moment
    expected = index.at(position).to_json() | {"sim_time": moment}
    assert world.to_json() == expected


@SETTINGS
@given(
    chunks=st.lists(st.integers(1, 60), min_size=1, max_size=40),
    every=st.integers(1, 70),
    probes=st.lists(st.integers(0, 10**6), min_size=1, max_size=8),
)
def test_folding_in_chunks_equals_folding_at_once(
    index: WorldIndex,
    events: list[RecordedEvent],
    chunks: list[int],
    every: int,
    probes: list[int],
) -> None:
    chunked = WorldIndex(checkpoint_every=every)
    start = 0
    for size in chunks:
        assert chunked.advance(events[start : start + size]) == len(
            events[start : start + size]
        )
        start += size
    chunked.advance(events[start:])
    assert chunked.head == index.head
    for probe in [*probes, index.head]:
        position = probe % (index.head + 1)
        assert chunked.at(position).to_json() == index.at(position).to_json()


def test_a_world_stays_as_it_was_while_more_is_folded(
    events: list[RecordedEvent],
) -> None:
    index = WorldIndex(checkpoint_every=8)
    index.advance(events[:150])
    worlds = [index.at(p) for p in (0, 7, 8, 9, 149, 150)]
    before = [w.to_json() for w in worlds]
    index.advance(events[150:])
    assert [w.to_json() for w in worlds] == before
    assert [index.at(w.position).to_json() for w in worlds] == before


def test_catch_up_folds_only_what_the_store_added(story: Story) -> None:
    seen: list[tuple[int, int]] = []
    index = WorldIndex.from_store(
        story.store, batch=50, progress=lambda done, head: seen.append((done, head))
    )
    head = story.store.head_position()
    assert seen[-1] == (head, head)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert len(seen) >= head // 50
    assert index.catch_up(story.store) == 0


def test_positions_must_follow_on_from_the_head() -> None:
    index = WorldIndex()
    with pytest.raises(ValueError, match="does not follow the folded head 0"):
        index.advance([_event(2, "Nothing", {})])
    index.advance([_event(1, "Nothing", {})])
    with pytest.raises(ValueError, match="position 1 does not follow"):
        index.advance([_event(1, "Nothing", {})])
    assert index.head == 1


def test_a_malformed_event_is_named_and_leaves_the_index_as_it_was() -> None:
    index = WorldIndex()
    opened = {
        "account_id": "ACC-1",
        "owner_id": "CUST-1",
        "initial_balance": {"amount": "10.00", "currency": "USD"},
    }
    index.advance([_event(1, "AccountOpened", opened)])
    # the wallet move is folded before the ledger entry fails: both must go
    broken = {"account_id": "ACC-1", "amount": {"amount": "1.00", "currency": "USD"}}
    with pytest.raises(UnknownEventType, match="position 2: stored WalletCharged"):
        index.advance([_event(2, "WalletCharged", broken)])
    assert index.head == 1
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
    opened = {
        "account_id": "ACC-1",
        "owner_id": "CUST-1",
        "initial_balance": {"amount": "10.00", "currency": "USD"},
    }
    index.advance(
        [
            _event(1, "AccountOpened", opened),
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


def test_a_world_is_read_only(index: WorldIndex) -> None:
    world: World = index.at(index.head)
    assert isinstance(world.orders, Sequence)
    assert isinstance(world.stock, Mapping)
    assert not hasattr(world.orders, "append")
    assert not hasattr(world.stock, "__setitem__")
    with pytest.raises(TypeError):
        world.breakers["payment"] = "closed"  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        world.orders[0].status = "cancelled"  # type: ignore[misc]
    assert world.orders[-1] == list(world.orders)[-1]
    assert list(world.orders[1:3]) == list(world.orders)[1:3]
    with pytest.raises(IndexError):
        world.orders[len(world.orders)]
    with pytest.raises(KeyError):
        world.stock["PROD-404"]
