"""Contract: appending and reading streams and the global log, on every store."""

from __future__ import annotations

import time
import uuid
from typing import Any

from ddd_sim.shared.events import EventMetadata, NewEvent, StreamInfo
from ddd_sim.shared.ports import EventStore
from tests.conftest import StoreFactory
from tests.contract.support import all_events, batch, new_event


def test_empty_store_reads_empty(store: EventStore) -> None:
    assert store.read_stream("nobody") == []
    assert list(store.read_all()) == []
    assert store.stream_version("nobody") == 0
    assert store.head_position() == 0
    assert store.position_at(1e9) == 0
    assert store.streams() == []


def test_append_returns_versions_and_positions(store: EventStore) -> None:
    first = store.append("order-1", batch(3))
    second = store.append("order-2", batch(2))
    third = store.append("order-1", batch(1))
    assert (first.first_version, first.last_version) == (1, 3)
    assert (first.first_position, first.last_position) == (1, 3)
    assert (second.first_version, second.last_version) == (1, 2)
    assert (second.first_position, second.last_position) == (4, 5)
    assert (third.first_version, third.last_version) == (4, 4)
    assert (third.first_position, third.last_position) == (6, 6)
    assert [r.written for r in (first, second, third)] == [True, True, True]
    assert first.stream_id == "order-1"


def test_read_stream_round_trips_every_field(store: EventStore) -> None:
    correlation, causation = uuid.uuid4(), uuid.uuid4()
    payload = {"text": "Zoë ✓", "nested": {"list": [1, 2.5, None, True]}, "big": 2**70}
    event = NewEvent(
        event_id=uuid.uuid4(),
        type="OrderPlaced",
        payload=payload,
        schema_version=3,
        metadata=EventMetadata(correlation, causation, sim_time=12.25),
    )
    before = time.time()
    store.append("order-1", [event])
    after = time.time()
    [got] = store.read_stream("order-1")
    assert got.event_id == event.event_id
    assert (got.stream_id, got.stream_version, got.global_position) == ("order-1", 1, 1)
    assert (got.type, got.schema_version) == ("OrderPlaced", 3)
    assert got.payload == payload
    assert got.metadata.correlation_id == correlation
    assert got.metadata.causation_id == causation
    assert got.metadata.sim_time == 12.25
    assert got.metadata.recorded_at is not None
    assert before - 1 <= got.metadata.recorded_at <= after + 1


def test_read_stream_from_and_to_version(store: EventStore) -> None:
    store.append("s-1", batch(5))
    store.append("s-2", batch(2))

    def numbers(**kwargs: Any) -> list[int]:
        return [e.payload["n"] for e in store.read_stream("s-1", **kwargs)]

    assert numbers() == [0, 1, 2, 3, 4]
    assert [e.stream_version for e in store.read_stream("s-1")] == [1, 2, 3, 4, 5]
    assert numbers(from_version=3) == [2, 3, 4]
    assert numbers(to_version=2) == [0, 1]
    assert numbers(from_version=2, to_version=4) == [1, 2, 3]
    assert numbers(from_version=4, to_version=3) == []
    assert numbers(from_version=6) == []
    assert numbers(to_version=0) == []
    assert numbers(to_version=99) == [0, 1, 2, 3, 4]


def test_read_all_in_global_order_from_and_to_position(store: EventStore) -> None:
    store.append("a-1", batch(2, start=0))
    store.append("b-1", batch(2, start=2))
    store.append("a-1", batch(2, start=4))

    def numbers(**kwargs: Any) -> list[int]:
        return [e.payload["n"] for e in store.read_all(**kwargs)]

    assert numbers() == [0, 1, 2, 3, 4, 5]
    assert [e.global_position for e in store.read_all()] == [1, 2, 3, 4, 5, 6]
    assert numbers(from_position=3) == [2, 3, 4, 5]
    assert numbers(to_position=2) == [0, 1]
    assert numbers(from_position=2, to_position=4) == [1, 2, 3]
    assert numbers(from_position=5, to_position=4) == []
    assert numbers(from_position=7) == []


def test_read_all_filters(store: EventStore) -> None:
    store.append("ab-1", [new_event("Placed", {"n": 1})])
    store.append("a_x", [new_event("Paid", {"n": 2})])
    store.append("ab-2", [new_event("Paid", {"n": 3})])
    store.append("c-1", [new_event("Placed", {"n": 4})])
    store.append("ab-1", [new_event("Shipped", {"n": 5})])

    def numbers(**kwargs: Any) -> list[int]:
        return [e.payload["n"] for e in store.read_all(**kwargs)]

    assert numbers(stream_prefix="ab-") == [1, 3, 5]
    assert numbers(stream_prefix="a_") == [2]  # not a LIKE pattern
    assert numbers(stream_prefix="zzz") == []
    assert numbers(types=["Paid"]) == [2, 3]
    assert numbers(types=("Placed", "Shipped")) == [1, 4, 5]
    assert numbers(types=[]) == []
    assert numbers(stream_prefix="ab-", types=["Paid", "Shipped"]) == [3, 5]
    assert numbers(limit=2) == [1, 2]
    assert numbers(limit=0) == []
    assert numbers(types=["Placed", "Shipped"], limit=2) == [1, 4]
    assert numbers(from_position=2, types=["Placed", "Shipped"], limit=2) == [4, 5]
    assert numbers(to_position=4, stream_prefix="ab-") == [1, 3]


def test_read_all_pages_through_a_long_log(store: EventStore) -> None:
    store.append("big", batch(2500))
    store.append("other", batch(10, "Other"))
    positions = [e.global_position for e in store.read_all()]
    assert positions == list(range(1, 2511))
    limited = [e.global_position for e in store.read_all(from_position=5, limit=2100)]
    assert limited == list(range(5, 2105))
    others = [e.global_position for e in store.read_all(types=["Other"])]
    assert others == list(range(2501, 2511))


def test_as_of_reads_by_sim_time(store: EventStore) -> None:
    store.append("s-1", [new_event(sim_time=1.0), new_event(sim_time=2.0)])
    store.append("s-2", [new_event(sim_time=2.0), new_event(sim_time=3.5)])
    store.append("s-1", [new_event(sim_time=5.0)])
    assert [e.stream_version for e in store.read_stream("s-1", until_sim_time=2.0)] == [
        1,
        2,
    ]
    assert store.read_stream("s-1", until_sim_time=0.5) == []
    assert [e.global_position for e in store.read_all(until_sim_time=3.5)] == [
        1,
        2,
        3,
        4,
    ]
    assert [e.global_position for e in store.read_all(until_sim_time=2.0)] == [1, 2, 3]
    assert store.position_at(0.5) == 0
    assert store.position_at(1.0) == 1
    assert store.position_at(2.0) == 3  # the last of the events at that time
    assert store.position_at(4.0) == 4
    assert store.position_at(99.0) == 5


def test_position_at_picks_the_latest_event_by_sim_time(store: EventStore) -> None:
    store.append("s-1", [new_event(sim_time=2.0)])
    store.append("s-2", [new_event(sim_time=1.0)])
    assert store.position_at(1.5) == 2
    assert store.position_at(2.5) == 1


def test_head_position_and_stream_version(store: EventStore) -> None:
    store.append("s-1", batch(3))
    store.append("s-2", batch(4))
    assert store.head_position() == 7
    assert store.stream_version("s-1") == 3
    assert store.stream_version("s-2") == 4
    assert store.stream_version("s-3") == 0


def test_streams_lists_heads_and_ranges_by_prefix(store: EventStore) -> None:
    store.append("order-2", batch(2))
    store.append("order-1", batch(1))
    store.append("customer-1", batch(1))
    store.append("order-2", batch(1))
    assert store.streams() == [
        StreamInfo(
            stream_id="customer-1", version=1, first_position=4, last_position=4
        ),
        StreamInfo(stream_id="order-1", version=1, first_position=3, last_position=3),
        StreamInfo(stream_id="order-2", version=3, first_position=1, last_position=5),
    ]
    assert [s.stream_id for s in store.streams(prefix="order-")] == [
        "order-1",
        "order-2",
    ]
    assert store.streams(prefix="none-") == []


def test_data_survives_reopening(make_store: StoreFactory) -> None:
    first = make_store()
    first.append("s-1", batch(3))
    with first.transaction() as tx:
        tx.append("s-2", batch(1))
        tx.save_checkpoint("projector", 4)
        tx.put_document("orders", "o-1", {"total": 5})
    before = all_events(first)
    first.close()
    second = make_store()
    assert all_events(second) == before
    assert second.head_position() == 4
    assert second.stream_version("s-1") == 3
    assert second.checkpoint("projector") == 4
    assert second.get_document("orders", "o-1") == {"total": 5}
    result = second.append("s-1", batch(1), expected_version=3)
    assert (result.first_version, result.first_position) == (4, 5)
