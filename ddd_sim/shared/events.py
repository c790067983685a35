"""The stored form of events: what goes into the store and what comes back."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

JsonObject: TypeAlias = Mapping[str, Any]


class StreamState(enum.Enum):
    """Expected-version conditions that are not an exact version."""

    ANY = "any"
    NO_STREAM = "no stream"
    STREAM_EXISTS = "stream exists"

    def __str__(self) -> str:
        return self.value


ExpectedVersion: TypeAlias = int | StreamState
"""An exact stream version (0 = empty) or a :class:`StreamState`."""


@dataclass(frozen=True, slots=True)
class EventMetadata:
    """Where an event came from and when, in simulated and wall-clock time."""

    correlation_id: uuid.UUID | None = None
    causation_id: uuid.UUID | None = None
    sim_time: float = 0.0
    recorded_at: float | None = None
    """Wall-clock seconds since the epoch, set by the store at commit."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NewEvent:
    """An event to append; its payload must be JSON-compatible."""

    event_id: uuid.UUID
    type: str
    payload: JsonObject
    schema_version: int = 1
    metadata: EventMetadata = field(default_factory=EventMetadata)


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    """An event as stored, at its stream version and global position."""

    event_id: uuid.UUID
    stream_id: str
    stream_version: int
    global_position: int
    type: str
    schema_version: int
    payload: JsonObject
    metadata: EventMetadata


EventData: TypeAlias = tuple[int, str, int, JsonObject]
"""``(stream_version, type, schema_version, payload)``: what a replay needs."""


@dataclass(frozen=True, slots=True)
class AppendResult:
    """What an append wrote, or found already written when it was idempotent."""

    stream_id: str
    first_version: int
    last_version: int
    first_position: int
    last_position: int
    written: bool
    """False when every event was already stored and nothing was written."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Snapshot:
    """An aggregate's state at a stream version, serialised as JSON."""

    stream_id: str
    aggregate_type: str
    version: int
    state: JsonObject
    schema_version: int = 1


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """A stream's id, head version and how many events it holds."""

    stream_id: str
    version: int
    first_position: int
    last_position: int
