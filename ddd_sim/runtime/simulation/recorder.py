"""Appends what the simulation itself does to the log, at the current sim time."""

from __future__ import annotations

from collections.abc import Callable

from ddd_sim.shared.events import EventMetadata
from ddd_sim.shared.ids import IdFactory
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.ports import EventStore
from ddd_sim.shared.serialization import EventRegistry
from ddd_sim.sim import records

_STREAMS: dict[type[DomainEvent], str] = {
    records.RunStarted: records.RUN_STREAM,
    records.RunResumed: records.RUN_STREAM,
    records.RunDrained: records.RUN_STREAM,
    records.FaultInjected: records.FAULT_STREAM,
    records.FaultCleared: records.FAULT_STREAM,
    records.BreakerStateChanged: records.BREAKER_STREAM,
    records.MessageDropped: records.NETWORK_STREAM,
    records.MessageDuplicated: records.NETWORK_STREAM,
    records.ContextCrashed: records.CONTEXT_STREAM,
    records.ContextRestarted: records.CONTEXT_STREAM,
    records.ProjectionsAdvanced: records.PROJECTION_STREAM,
}


class Recorder:
    """Writes simulation records into their ``Sim-…`` streams."""

    def __init__(
        self,
        store: EventStore,
        registry: EventRegistry,
        ids: IdFactory,
        now: Callable[[], float],
    ) -> None:
        self._store = store
        self._registry = registry
        self._ids = ids
        self._now = now
        self.counts: dict[str, int] = {}

    def __call__(self, event: DomainEvent) -> None:
        stream = _STREAMS[type(event)]
        new = self._registry.to_new_event(
            event,
            event_id=self._ids.new_uuid(),
            metadata=EventMetadata(sim_time=self._now()),
        )
        self._store.append(stream, [new])
        self.counts[event.event_type] = self.counts.get(event.event_type, 0) + 1
