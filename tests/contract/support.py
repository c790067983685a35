"""Small builders shared by the contract and reliability tests."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from ddd_sim.shared.events import EventMetadata, NewEvent, RecordedEvent
from ddd_sim.shared.ports import EventStore


def new_event(
    type: str = "Happened",
    payload: Mapping[str, Any] | None = None,
    *,
    event_id: uuid.UUID | None = None,
    sim_time: float = 0.0,
    schema_version: int = 1,
) -> NewEvent:
    """A valid event with a fresh id unless one is given."""
    return NewEvent(
        event_id=event_id or uuid.uuid4(),
        type=type,
        payload={"n": 0} if payload is None else payload,
        schema_version=schema_version,
        metadata=EventMetadata(sim_time=sim_time),
    )


def batch(n: int, type: str = "Happened", *, start: int = 0) -> list[NewEvent]:
    """``n`` events whose payloads number them from ``start``."""
    return [new_event(type, {"n": start + i}) for i in range(n)]


def all_events(store: EventStore) -> list[RecordedEvent]:
    """The whole log, stored form."""
    return list(store.read_all(raw=True))


def log_shape(store: EventStore) -> list[tuple[int, str, int, uuid.UUID]]:
    """(position, stream, version, id) of every stored event, to compare states."""
    return [
        (e.global_position, e.stream_id, e.stream_version, e.event_id)
        for e in all_events(store)
    ]
