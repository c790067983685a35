"""How one projection is fed: decoded domain events, or the published language.

The consumer turns each stored event into what its projection reads.  A
projection of the published language gets the context's translation of the
event, carried over the wire and checked against the contract; an event
that breaks the contract is refused at the boundary and recorded, and the
projection goes on with the next one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.integration.translation import Translator
from ddd_sim.shared.errors import ContractViolation
from ddd_sim.shared.events import JsonObject, RecordedEvent
from ddd_sim.shared.read_models import (
    DocumentTransaction,
    EventMeta,
    Projection,
    TransactionReadModel,
)
from ddd_sim.shared.serialization import EventRegistry

Wire = Callable[[IntegrationEvent, EventMeta, Projection], IntegrationEvent]
"""Carries an integration event to one consumer (encode, send, decode, check)."""
BatchListener = Callable[[str, frozenset[str]], object]
"""Told after each committed batch: projection name, document keys written."""


def checkpoint_name(projection: str, version: int) -> str:
    """The checkpoint of one version of a projection."""
    return f"projection:{projection}:v{version}"


def meta_of(recorded: RecordedEvent) -> EventMeta:
    """What a projection may know about where an event came from."""
    metadata = recorded.metadata
    return EventMeta(
        event_id=recorded.event_id,
        stream_id=recorded.stream_id,
        stream_version=recorded.stream_version,
        position=recorded.global_position,
        sim_time=metadata.sim_time,
        correlation_id=metadata.correlation_id,
    )


class TouchRecorder:
    """A writer that remembers which documents a batch wrote (for caches)."""

    def __init__(self, inner: TransactionReadModel, touched: set[str]) -> None:
        self._inner = inner
        self._touched = touched

    def get(self, key: str) -> JsonObject | None:
        return self._inner.get(key)

    def put(self, key: str, document: JsonObject) -> None:
        self._touched.add(key)
        self._inner.put(key, document)

    def delete(self, key: str) -> None:
        self._touched.add(key)
        self._inner.delete(key)


def rejections_of(projection: str) -> str:
    """The document collection of the events a projection refused."""
    return f"rejected:{projection}"


@dataclass(frozen=True, slots=True)
class Rejection:
    """An event a consumer refused at its boundary, and why."""

    projection: str
    position: int
    event_type: str
    reason: str


class ProjectionConsumer:
    """Feeds one projection: decodes (and for consumers of the published
    language, translates and carries over the wire) each stored event."""

    def __init__(
        self,
        projection: Projection,
        registry: EventRegistry,
        translators: Mapping[str, Translator],
        wire: Wire | None,
        collection: str,
        name: str,
    ) -> None:
        self.projection = projection
        self.name = name
        self.collection = collection
        self._registry = registry
        self._translators = translators
        self._wire = wire
        self._wanted = frozenset(projection.event_types)
        self.touched: set[str] = set()

    def handle(self, recorded: RecordedEvent, tx: DocumentTransaction) -> None:
        meta = meta_of(recorded)
        event: Any = self._registry.to_domain_event(recorded)
        if self.projection.source == "integration":
            translate = self._translators.get(recorded.type)
            published = translate(event, meta) if translate is not None else None
            if published is None or published.event_type not in self._wanted:
                return
            try:
                event = (
                    self._wire(published, meta, self.projection)
                    if self._wire is not None
                    else published
                )
            except ContractViolation as exc:
                self._reject(tx, recorded, str(exc))
                return
        rm = TouchRecorder(TransactionReadModel(tx, self.collection), self.touched)
        self.projection.handle(event, meta, rm)

    def _reject(
        self, tx: DocumentTransaction, recorded: RecordedEvent, why: str
    ) -> None:
        """Keep the refusal with the checkpoint, so it is recorded exactly once."""
        tx.put_document(
            rejections_of(self.projection.name),
            f"{recorded.global_position:012d}",
            {
                "position": recorded.global_position,
                "type": recorded.type,
                "reason": why,
            },
        )
