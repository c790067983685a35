"""Test helpers for the shop's contexts: a wired memory store and simple folds.

``make_deps()`` gives the ContextDeps a context's ``command_handlers`` need,
over an in-memory store.  ``fold_domain`` runs a domain projection over the
whole log in one transaction (what the runtime's subscriptions do batch by
batch); ``fold_integration`` runs an integration projection over a list of
integration events into a plain dict.  ``ContextWorld`` wires one context
the way bootstrap does; ``StaleFirstRead`` makes a store lose a race.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Any, ClassVar

from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.runtime.projection_feed import meta_of
from ddd_sim.shared.cqrs import CommandContext, CommandResult, ContextDeps
from ddd_sim.shared.events import EventData, JsonObject
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
            projection.handle(event, meta_of(recorded), rm)
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


class StaleFirstRead:
    """A store whose next stream read (once ``stale`` is set) sees nothing.

    It stands for the loser of a race: a handler that loaded an aggregate before
    another handler's write landed.
    """

    def __init__(self, store: Any) -> None:
        self._store = store
        self.stale = False

    def read_stream_data(self, *args: Any, **kwargs: Any) -> list[EventData]:
        if self.stale:
            self.stale = False
            return []
        return self._store.read_stream_data(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


class ContextWorld:
    """One context's command and query tables on a memory store, wired like bootstrap.

    ``do`` runs a command at ``at``, or, without one, moves the clock on by
    ``tick`` first; ``ask`` first folds the context's domain projections (unless
    ``catch_up_on_ask`` is off, for tests that fold by hand).
    """

    tick: ClassVar[float] = 0.0
    catch_up_on_ask: ClassVar[bool] = True

    def __init__(
        self,
        wiring: ModuleType,
        *,
        store: EventStore | None = None,
        deps: ContextDeps | None = None,
        snapshot_every: dict[str, int] | None = None,
        command_ports: Mapping[str, Any] | None = None,
        query_ports: Mapping[str, Any] | None = None,
    ) -> None:
        self.wiring = wiring
        if deps is None:
            deps = make_deps(
                *wiring.EVENTS,
                store=store,
                projections=wiring.PROJECTIONS,
                snapshot_every=snapshot_every,
            )
            wiring.register_upcasters(deps.registry.upcasters)
        self.deps = deps
        self.commands = wiring.command_handlers(deps, **(command_ports or {}))
        self.queries = wiring.query_handlers(deps, **(query_ports or {}))
        self.clock = 0.0

    def do(self, command: Any, at: float | None = None) -> CommandResult:
        """Run a command at ``at`` (or at the clock, moved on by ``tick``)."""
        if at is None:
            self.clock += self.tick
            at = self.clock
        handler = self.commands[type(command)]
        return handler(command, CommandContext(sim_time=at))

    def ask(self, query: Any) -> Any:
        """Run a query, after the views catch up unless ``catch_up_on_ask`` is off."""
        if self.catch_up_on_ask:
            self.refresh()
        return self.queries[type(query)](query)

    def refresh(self) -> None:
        """Fold the whole log into each of the context's domain projections."""
        for projection in self.wiring.PROJECTIONS:
            if projection.source == "domain":
                fold_domain(self.deps, projection())
