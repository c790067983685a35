"""Loads and saves event-sourced aggregates: snapshots, tail replay, as-of reads."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from ddd_sim.shared.aggregate import Aggregate
from ddd_sim.shared.errors import NotFound
from ddd_sim.shared.events import (
    AppendResult,
    EventData,
    EventMetadata,
    RecordedEvent,
    Snapshot,
)
from ddd_sim.shared.ids import IdFactory
from ddd_sim.shared.ports import EventStore
from ddd_sim.shared.serialization import EventRegistry

A = TypeVar("A", bound=Aggregate)
REPLAY_WINDOW = 1000
"""Events read and applied per step of a replay."""
T = TypeVar("T")


class AggregateCache:
    """Aggregates kept in memory between commands, by stream, least recent out first.

    A cached instance serves a load only while it is exactly what the store
    holds: no uncommitted changes and the same version as the stream's head.
    A command that failed half-way, a write rolled back or a write by anyone
    else makes those differ, and the load falls back to the store.  A crash
    of the process, or of a simulated context, clears it.
    """

    def __init__(self, capacity: int = 20_000) -> None:
        if capacity < 1:
            raise ValueError("an aggregate cache holds at least one aggregate")
        self._capacity = capacity
        self._entries: OrderedDict[str, Aggregate] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def get(self, stream_id: str, head_version: int) -> Aggregate | None:
        """The cached aggregate if it is still the stream's head, else None."""
        aggregate = self._entries.get(stream_id)
        if aggregate is None:
            self.misses += 1
            return None
        if aggregate.version != head_version or aggregate.pending_events:
            del self._entries[stream_id]
            self.misses += 1
            return None
        self._entries.move_to_end(stream_id)
        self.hits += 1
        return aggregate

    def put(self, stream_id: str, aggregate: Aggregate) -> None:
        """Remember an aggregate as loaded or as just saved."""
        self._entries[stream_id] = aggregate
        self._entries.move_to_end(stream_id)
        if len(self._entries) > self._capacity:
            self._entries.popitem(last=False)

    def discard(self, stream_id: str) -> None:
        """Forget one stream's aggregate."""
        self._entries.pop(stream_id, None)

    def clear(self) -> None:
        """Forget everything (a crash loses in-memory state)."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class AggregateNotFound(NotFound):
    """No events exist for the aggregate (at the requested point in time)."""


@dataclass(frozen=True, slots=True)
class LoadStats:
    """How the last load was served: from which snapshot, replaying how many events."""

    stream_id: str
    snapshot_version: int | None
    events_replayed: int
    version: int


@dataclass(frozen=True, slots=True)
class HistoryEntry(Generic[T]):
    """One event of a stream and a view of the aggregate right after it."""

    event: RecordedEvent
    state: T


class AggregateRepository(Generic[A]):
    """The only way aggregates of one type are read from and written to the store.

    ``snapshot_every`` (per aggregate type) stores a snapshot each time a
    version is a multiple of it, in the same transaction as the events.
    """

    def __init__(
        self,
        store: EventStore,
        registry: EventRegistry,
        aggregate_class: type[A],
        *,
        stream_prefix: str | None = None,
        snapshot_every: int | None = None,
        ids: IdFactory | None = None,
        cache: AggregateCache | None = None,
    ) -> None:
        if snapshot_every is not None and snapshot_every < 1:
            raise ValueError("snapshot_every must be a positive number of events")
        self._store = store
        self._registry = registry
        self._class = aggregate_class
        self._prefix = stream_prefix or aggregate_class.aggregate_type
        self.snapshot_every = snapshot_every
        self._ids = ids or IdFactory()
        self._cache = cache
        self.last_load: LoadStats | None = None

    @property
    def store(self) -> EventStore:
        """The store this repository reads and writes."""
        return self._store

    def stream_id(self, aggregate_id: str) -> str:
        """The stream that holds one aggregate's events."""
        return f"{self._prefix}-{aggregate_id}"

    # -- reading --------------------------------------------------------------
    def load(
        self,
        aggregate_id: str,
        *,
        at_version: int | None = None,
        at_position: int | None = None,
        at_sim_time: float | None = None,
    ) -> A:
        """The aggregate now, at a version, or as it was at a log position or time."""
        stream_id = self.stream_id(aggregate_id)
        current = at_position is None and at_sim_time is None and at_version is None
        if current and self._cache is not None:
            cached = self._cache.get(stream_id, self._store.stream_version(stream_id))
            if isinstance(cached, self._class):
                self.last_load = LoadStats(stream_id, None, 0, cached.version)
                return cached
        known: list[EventData] | None = None
        if at_position is not None or at_sim_time is not None:
            known = self._store.read_stream_data(
                stream_id,
                to_version=at_version,
                until_position=at_position,
                until_sim_time=at_sim_time,
            )
            if not known:
                when = (
                    f"position {at_position}"
                    if at_sim_time is None
                    else f"simulated time {at_sim_time}"
                )
                raise AggregateNotFound(
                    f"{self._class.aggregate_type} {aggregate_id} did not exist "
                    f"at {when}"
                )
            at_version = known[-1][0]
        snapshot = None
        if self.snapshot_every is not None:
            snapshot = self._store.load_snapshot(stream_id, at_or_below=at_version)
            if (
                snapshot is not None
                and snapshot.aggregate_type != self._class.aggregate_type
            ):
                snapshot = None
        if snapshot is not None:
            aggregate = self._class.from_snapshot(
                aggregate_id, snapshot.version, snapshot.state
            )
        else:
            aggregate = self._class(aggregate_id)
        if known is not None:
            tail = known[aggregate.version :]
            aggregate.replay(self._registry.decode_all(tail))
            replayed = len(tail)
        else:
            replayed = self._replay_tail(aggregate, stream_id, at_version)
        if aggregate.version == 0:
            raise AggregateNotFound(
                f"{self._class.aggregate_type} {aggregate_id} does not exist"
            )
        aggregate._snapshot_every = self.snapshot_every
        if current and self._cache is not None:
            self._cache.put(stream_id, aggregate)
        self.last_load = LoadStats(
            stream_id,
            snapshot.version if snapshot is not None else None,
            replayed,
            aggregate.version,
        )
        return aggregate

    def _replay_tail(self, aggregate: A, stream_id: str, to_version: int | None) -> int:
        """Apply the stream after the aggregate's version, a window at a time.

        Each window's payloads and events die young, so a long replay does not
        fill the collector's older generations (and pay for full collections).
        Versions never change once written, so windows read at different
        moments still form one prefix of the stream.
        """
        replayed = 0
        start = aggregate.version + 1
        while to_version is None or start <= to_version:
            end = start + REPLAY_WINDOW - 1
            if to_version is not None:
                end = min(end, to_version)
            window = self._store.read_stream_data(
                stream_id, from_version=start, to_version=end
            )
            aggregate.replay(self._registry.decode_all(window))
            replayed += len(window)
            if len(window) < end - start + 1:
                break
            start = end + 1
        return replayed

    def history(
        self, aggregate_id: str, view: Callable[[A], T]
    ) -> list[HistoryEntry[T]]:
        """Every event of the aggregate with ``view`` of its state after that event."""
        aggregate = self._class(aggregate_id)
        entries: list[HistoryEntry[T]] = []
        for recorded in self._store.read_stream(self.stream_id(aggregate_id)):
            aggregate.apply(self._registry.to_domain_event(recorded))
            entries.append(HistoryEntry(recorded, view(aggregate)))
        return entries

    # -- writing --------------------------------------------------------------
    def save(
        self,
        aggregate: A,
        *,
        correlation_id: uuid.UUID | None = None,
        causation_id: uuid.UUID | None = None,
        sim_time: float = 0.0,
    ) -> AppendResult | None:
        """Append the aggregate's pending events (and due snapshots) atomically."""
        expected = aggregate.committed_version
        if self.snapshot_every and aggregate._snapshot_every != self.snapshot_every:
            self._capture_snapshots(aggregate)
        pending, captured = aggregate.take_pending()
        if not pending:
            return None
        metadata = EventMetadata(
            correlation_id=correlation_id, causation_id=causation_id, sim_time=sim_time
        )
        new_events = [
            self._registry.to_new_event(
                e, event_id=self._ids.new_uuid(), metadata=metadata
            )
            for e in pending
        ]
        stream_id = self.stream_id(aggregate.id)
        if not captured:  # a lone append, which a store can do more cheaply
            result = self._store.append(stream_id, new_events, expected)
        else:
            with self._store.transaction() as tx:
                result = tx.append(stream_id, new_events, expected)
                for version, state in captured:
                    tx.save_snapshot(
                        Snapshot(
                            stream_id=stream_id,
                            aggregate_type=self._class.aggregate_type,
                            version=version,
                            state=state,
                        )
                    )
        aggregate._snapshot_every = self.snapshot_every
        if self._cache is not None:  # a later load checks it against the head
            self._cache.put(stream_id, aggregate)
        return result

    def _capture_snapshots(self, aggregate: A) -> None:
        """Recompute due snapshots of an aggregate built outside this repository."""
        if aggregate.committed_version != 0:
            return  # loaded elsewhere without a policy; snapshots resume later
        every = self.snapshot_every
        shadow = self._class(aggregate.id)
        captured = []
        for event in aggregate.pending_events:
            shadow.apply(event)
            if every and shadow.snapshot_due(every):
                captured.append((shadow.version, shadow.snapshot_state()))
        aggregate._captured = captured
