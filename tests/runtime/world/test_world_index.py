"""The world as of any position of a real run equals a naive fold from scratch."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, MutableMapping, MutableSequence, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddd_sim.runtime.world.index import CHECKPOINT_EVERY, WorldIndex
from ddd_sim.runtime.world.model import ORDER_DONE, World
from ddd_sim.shared.events import RecordedEvent
from ddd_sim.shared.ports import EventStore
from tests.runtime.world.reference import reference_world
from tests.runtime.world.runs import troubled_run

EVERY = (1, 7, 64, CHECKPOINT_EVERY)
"""Checkpoint intervals the indexes are built with: each, the default included."""
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def store() -> Iterator[EventStore]:
    sim = troubled_run("process_manager")
    yield sim.store
    sim.store.close()


@pytest.fixture(scope="module")
def events(store: EventStore) -> list[RecordedEvent]:
    return list(store.read_all())


@pytest.fixture(scope="module")
def indexes(store: EventStore) -> dict[int, WorldIndex]:
    return {
        every: WorldIndex.from_store(store, checkpoint_every=every) for every in EVERY
    }


@pytest.fixture(scope="module")
def index(indexes: dict[int, WorldIndex]) -> WorldIndex:
    return indexes[CHECKPOINT_EVERY]


def _positions(head: int) -> st.SearchStrategy[int]:
    """Any position, with the edges around checkpoints drawn more often."""
    edges = sorted(
        {0, 1, head - 1, head}
        | {e * k + d for e in EVERY[1:] for k in (1, 2) for d in (-1, 0, 1)}
    )
    return st.one_of(
        st.integers(0, head), st.sampled_from([p for p in edges if 0 <= p <= head])
    )


def test_the_run_puts_every_kind_of_record_in_the_log(
    events: list[RecordedEvent], index: WorldIndex
) -> None:
    kinds = {e.type for e in events}
    assert {
        *("TimerScheduled", "TimerFired", "TimerCancelled", "StepFailed"),
        *("StepCompensated", "ProcessCompensated", "ProcessCompleted"),
        *("WalletCharged", "WalletRefunded", "StockReleased", "OrderCancelled"),
        *("BreakerStateChanged", "FaultInjected", "FaultCleared"),
        *("ContextCrashed", "ContextRestarted", "ProjectionsAdvanced"),
    } <= kinds
    assert index.head == len(events) > 2 * CHECKPOINT_EVERY
    final = index.at(index.head)
    noops = [c for s in final.sagas for c in s.compensations if c.noop]
    assert noops  # shipments whose effect was unknown, undone as no-ops
    assert {s.kind for s in final.sagas} == {"process_manager"}


@SETTINGS
@given(data=st.data())
def test_the_world_at_any_position_equals_a_naive_fold_from_scratch(
    indexes: dict[int, WorldIndex], events: list[RecordedEvent], data: st.DataObject
) -> None:
    every = data.draw(st.sampled_from(EVERY), label="checkpoint_every")
    position = data.draw(_positions(len(events)), label="position")
    assert indexes[every].at(position).to_json() == reference_world(events, position)


@SETTINGS
@given(data=st.data())
def test_the_counts_agree_with_the_rows(
    index: WorldIndex, events: list[RecordedEvent], data: st.DataObject
) -> None:
    position = data.draw(_positions(index.head), label="position")
    world = index.at(position)
    counts, statuses = world.counts, [o.status for o in world.orders]
    ended = [s for s in world.sagas if s.ended_at is not None]
    injected = [e for e in events[:position] if e.type == "FaultInjected"]
    cleared = [e for e in events[:position] if e.type == "FaultCleared"]
    assert dataclasses.asdict(counts) == {
        "orders_placed": len(world.orders),
        "orders_completed": sum(s in ORDER_DONE for s in statuses),
        "orders_cancelled": statuses.count("cancelled"),
        "orders_in_flight": statuses.count("placed"),
        "sagas_started": len(world.sagas),
        "sagas_completed": sum(s.status == "completed" for s in ended),
        "sagas_compensated": sum(s.status != "completed" for s in ended),
        "sagas_in_flight": len(world.sagas) - len(ended),
        "faults_injected": len(injected),
        "events": position,
    }
    assert len(world.faults) == len(injected) - len(cleared)
    assert (
        counts.orders_completed + counts.orders_cancelled + counts.orders_in_flight
        == counts.orders_placed
    )


@SETTINGS
@given(data=st.data())
def test_at_time_is_the_world_at_the_stores_position_for_that_moment(
    index: WorldIndex,
    store: EventStore,
    events: list[RecordedEvent],
    data: st.DataObject,
) -> None:
    last = events[-1].metadata.sim_time
    moment = data.draw(
        st.one_of(
            st.floats(-1.0, last + 1.0, allow_nan=False),
            st.sampled_from([e.metadata.sim_time for e in events]),  # ties
        ),
        label="moment",
    )
    position = store.position_at(moment)
    assert index.position_at(moment) == position
    world = index.at_time(moment)
    # the world's clock reads the moment asked, which may fall between events
    assert world.sim_time == moment
    assert world.to_json() == index.at(position).to_json() | {"sim_time": moment}


@pytest.mark.parametrize("moment", [-1e9, -0.5, -1e-9])
def test_before_the_first_event_the_world_is_empty(
    index: WorldIndex, store: EventStore, moment: float
) -> None:
    assert store.position_at(moment) == 0
    world = index.at_time(moment)
    assert (world.position, world.sim_time) == (0, moment)
    assert (len(world.orders), len(world.stock), len(world.sagas)) == (0, 0, 0)
    assert world.to_json() == reference_world([], 0) | {"sim_time": moment}


def test_the_first_moment_holds_what_was_set_up_at_it(
    index: WorldIndex, events: list[RecordedEvent]
) -> None:
    at_zero = [e for e in events if e.metadata.sim_time == 0.0]
    world = index.at_time(0.0)
    assert world.position == len(at_zero) > 0
    assert set(world.stock) == {"PROD-001", "PROD-002"}


@settings(SETTINGS, max_examples=20)
@given(
    chunks=st.lists(st.integers(1, 300), min_size=1, max_size=30),
    every=st.integers(1, 200),
    probes=st.lists(st.integers(0, 10**6), min_size=1, max_size=6),
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
        chunk = events[start : start + size]
        assert chunked.advance(chunk) == len(chunk)
        assert chunked.head == min(start + size, len(events))
        start += size
    chunked.advance(events[start:])
    assert chunked.head == index.head
    for position in [*(p % (index.head + 1) for p in probes), index.head]:
        assert chunked.at(position).to_json() == index.at(position).to_json()


def test_advance_refuses_a_gap_after_folding_what_came_before_it(
    events: list[RecordedEvent],
) -> None:
    index = WorldIndex(checkpoint_every=4)
    index.advance(events[:10])
    before = index.at(10).to_json()
    with pytest.raises(
        ValueError, match="event at position 12 does not follow the folded head 10"
    ):
        index.advance(events[11:20])
    assert index.head == 10
    assert index.at(10).to_json() == before
    # a batch with a hole: the part before the hole is folded, then refused
    with pytest.raises(ValueError, match=r"position 17 does not follow .* head 15"):
        index.advance([*events[10:15], *events[16:20]])
    assert index.head == 15
    with pytest.raises(ValueError, match=r"position 6 does not follow .* head 15"):
        index.advance(events[5:8])  # folded already
    assert index.advance(events[15:]) == len(events) - 15
    assert index.at(15).to_json() == reference_world(events, 15)
    assert index.at(index.head).to_json() == reference_world(events, len(events))


@pytest.mark.parametrize("past_head", [None, 1, 10**6])
def test_a_position_outside_the_folded_log_is_refused_naming_its_bounds(
    index: WorldIndex, past_head: int | None
) -> None:
    position = -1 if past_head is None else index.head + past_head
    with pytest.raises(
        ValueError,
        match=rf"^position {position} is outside the folded log "
        rf"\(0 to head {index.head}\)$",
    ):
        index.at(position)


def test_an_empty_index_holds_position_zero_only() -> None:
    index = WorldIndex()
    assert index.head == 0
    assert index.at(0).to_json() == reference_world([], 0)
    with pytest.raises(ValueError, match=r"position 1 is outside .* head 0\)"):
        index.at(1)
    with pytest.raises(ValueError, match="checkpoint_every must be >= 1, got 0"):
        WorldIndex(checkpoint_every=0)


def test_a_world_has_no_way_to_be_changed(index: WorldIndex) -> None:
    world: World = index.at(index.head)
    for rows in (world.orders, world.sagas):
        assert isinstance(rows, Sequence)
        assert not isinstance(rows, MutableSequence)
        for method in ("append", "insert", "extend", "pop", "__setitem__", "sort"):
            assert not hasattr(rows, method), method
        with pytest.raises(TypeError):
            rows[0] = rows[1]  # type: ignore[index]
    for mapping in (world.stock, world.wallets, world.charges, world.breakers):
        assert isinstance(mapping, Mapping)
        assert not isinstance(mapping, MutableMapping)
        with pytest.raises(TypeError):
            mapping["x"] = None  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        world.orders[0].status = "cancelled"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        world.position = 1  # type: ignore[misc]
    saga = world.sagas[0]
    assert isinstance(saga.steps, tuple)
    assert isinstance(saga.compensations, tuple)
    assert isinstance(saga.timers, tuple)
    assert isinstance(world.faults, tuple)
    assert isinstance(world.contexts_down, frozenset)


def test_a_world_stays_as_it_was_while_more_is_folded(
    events: list[RecordedEvent],
) -> None:
    index = WorldIndex(checkpoint_every=16)
    half = len(events) // 2
    index.advance(events[:half])
    taken = [index.at(p) for p in (0, 15, 16, 17, half - 1, half)]
    before = [_frozen_view(w) for w in taken]
    index.advance(events[half:])
    assert [_frozen_view(w) for w in taken] == before
    for world in taken:
        assert world.to_json() == reference_world(events, world.position)
        assert index.at(world.position).to_json() == world.to_json()
    assert index.at(index.head).counts.orders_placed > taken[-1].counts.orders_placed


def _frozen_view(world: World) -> dict[str, Any]:
    """Everything a world shows, the ledger and the saga internals included."""
    return world.to_json() | {
        "charges": dict(world.charges),
        "rows": (tuple(world.orders), tuple(world.sagas), dict(world.stock)),
        "lengths": (len(world.orders), len(world.sagas), len(world.wallets)),
    }


def test_list_like_access_to_rows(index: WorldIndex) -> None:
    world = index.at(index.head)
    rows = list(world.orders)
    assert len(rows) == len(world.orders) > 60
    assert world.orders[-1] == rows[-1]
    assert list(world.orders[20:30]) == rows[20:30]
    assert list(world.orders[::50]) == rows[::50]
    with pytest.raises(IndexError):
        world.orders[len(rows)]
    with pytest.raises(KeyError):
        world.stock["PROD-404"]
    assert world.stock.get("PROD-404") is None
    assert {o.id: o for o in rows}[rows[3].id] == world.orders[3]
