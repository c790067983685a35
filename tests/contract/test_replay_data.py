"""The replay path gives exactly what read_stream gives, minus ids and metadata."""

from __future__ import annotations

import uuid

import pytest

from ddd_sim.shared.errors import UnknownEventType
from ddd_sim.shared.events import EventMetadata, NewEvent
from ddd_sim.shared.upcasting import Upcasters
from tests.conftest import StoreFactory


def _event(kind: str, version: int, payload: dict, t: float) -> NewEvent:
    return NewEvent(
        event_id=uuid.uuid4(),
        type=kind,
        schema_version=version,
        payload=payload,
        metadata=EventMetadata(sim_time=t),
    )


def test_replay_data_matches_read_stream_with_upcasts(make_store: StoreFactory) -> None:
    upcasters = Upcasters()
    upcasters.declare("Grown", 2)
    upcasters.register("Grown", 1, lambda p: {**p, "unit": "kg"})
    store = make_store(upcasters)
    store.append(
        "s-1",
        [
            _event("Grown", 1, {"n": 1}, 1.0),
            _event("Grown", 2, {"n": 2, "unit": "g"}, 2.0),
            _event("Other", 1, {"x": [1, 2]}, 3.0),
        ],
    )
    store.append("s-2", [_event("Other", 1, {"x": []}, 4.0)])
    full = [
        (e.stream_version, e.type, e.schema_version, dict(e.payload))
        for e in store.read_stream("s-1")
    ]
    assert [(v, t, s, dict(p)) for v, t, s, p in store.read_stream_data("s-1")] == full
    assert full[0] == (1, "Grown", 2, {"n": 1, "unit": "kg"})
    assert [d[0] for d in store.read_stream_data("s-1", from_version=2)] == [2, 3]
    assert [d[0] for d in store.read_stream_data("s-1", to_version=2)] == [1, 2]
    assert [d[0] for d in store.read_stream_data("s-1", until_sim_time=1.5)] == [1]
    assert [d[0] for d in store.read_stream_data("s-1", until_position=2)] == [1, 2]
    assert store.read_stream_data("nobody") == []


def test_replay_data_refuses_a_version_it_cannot_read(make_store: StoreFactory) -> None:
    upcasters = Upcasters()
    upcasters.declare("Grown", 2)
    store = make_store(upcasters)
    store.append("s-1", [_event("Grown", 3, {"n": 1}, 1.0)])
    with pytest.raises(UnknownEventType, match="Grown schema version 3"):
        store.read_stream_data("s-1")
