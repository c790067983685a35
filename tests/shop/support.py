"""Test helpers for the shop's contexts: a wired memory store and simple folds.

``make_deps()`` gives the ContextDeps a context's ``command_handlers`` need,
over an in-memory store.  ``fold_domain`` runs a domain projection over the
whole log in one transaction (what the runtime's subscriptions do batch by
batch); ``fold_integration`` runs an integration projection over a list of
integration events into a plain dict.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.shared.cqrs import ContextDeps
from ddd_sim.shared.events import JsonObject
from ddd_sim.shared.ids import IdFactory
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.ports import EventStore
from ddd_sim.shared.read_models import (
    EventMeta,
    Projection,
    StoreReadModel,
    TransactionReadModel,
    collection_name,
)
from ddd_sim.shared.serialization import EventRegistry


def make_deps(
    *event_classes: type[DomainEvent],
    store: EventStore | None = None,
    projections: Iterable[type[Projection]] = (),
    snapshot_every: dict[str, int] | None = None,
) -> ContextDeps:
    """ContextDeps over a fresh memory store with ``event_classes`` registered."""
    registry = EventRegistry()
    registry.register(*event_classes)
    store = store or open_store("memory:", upcasters=registry.upcasters)
    versions = {p.name: p.version for p in projections}

    def read_model(name: str) -> StoreReadModel:
        return StoreReadModel(store, collection_name(name, versions.get(name, 1)))

    return ContextDeps(
        store=store,
        registry=registry,
        ids=IdFactory(seed=1),
        read_model=read_model,
        snapshot_every=snapshot_every or {},
    )


def fold_domain(deps: ContextDeps, projection: Projection) -> StoreReadModel:
    """Apply every stored event the projection handles; return its documents."""
    collection = collection_name(projection.name, projection.version)
    types = set(projection.event_types)
    with deps.store.transaction() as tx:
        rm = TransactionReadModel(tx, collection)
        for recorded in deps.store.read_all():
            if recorded.type not in types:
                continue
            event = deps.registry.to_domain_event(recorded)
            meta = EventMeta(
                event_id=recorded.event_id,
                stream_id=recorded.stream_id,
                stream_version=recorded.stream_version,
                position=recorded.global_position,
                sim_time=recorded.metadata.sim_time,
                correlation_id=recorded.metadata.correlation_id,
            )
            projection.handle(event, meta, rm)
    return StoreReadModel(deps.store, collection)


class DictReadModel:
    """A read model held in a dict: reader and writer at once."""

    def __init__(self) -> None:
        self.documents: dict[str, JsonObject] = {}

    def get(self, key: str) -> JsonObject | None:
        return self.documents.get(key)

    def put(self, key: str, document: JsonObject) -> None:
        self.documents[key] = document

    def delete(self, key: str) -> None:
        self.documents.pop(key, None)

    def all(self) -> Mapping[str, JsonObject]:
        return dict(self.documents)


def fold_integration(
    projection: Projection,
    events: Iterable[Any],
    *,
    rm: DictReadModel | None = None,
    start_time: float = 0.0,
) -> DictReadModel:
    """Apply integration events in order (one simulated second apart)."""
    rm = rm or DictReadModel()
    for i, event in enumerate(events, start=1):
        meta = EventMeta(
            event_id=uuid.UUID(int=i),
            stream_id=f"test-{i}",
            stream_version=1,
            position=i,
            sim_time=start_time + i,
        )
        projection.handle(event, meta, rm)
    return rm
