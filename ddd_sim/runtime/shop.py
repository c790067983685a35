"""The shop assembled: every context's handlers on the buses, its projections running.

``ShopRuntime`` is what the simulation and the GUI talk to for the CQRS side:
execute a command (and learn the stream version it wrote), ask a query
(through the cache when the query is cacheable), let read models catch up,
wait for one to reach a version, and say which context owns a stream.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Protocol

from ddd_sim.integration.translation import Translator
from ddd_sim.runtime.buses import CommandBus, QueryBus
from ddd_sim.runtime.clock import Clock
from ddd_sim.runtime.projection_feed import Wire
from ddd_sim.runtime.projections import Lag, ProjectionRunner, RebuildReport
from ddd_sim.runtime.query_cache import CachedQueries, CacheRule
from ddd_sim.runtime.subscriptions import PollResult
from ddd_sim.shared.cqrs import CommandContext, CommandResult, ContextDeps
from ddd_sim.shared.errors import UnknownMessage
from ddd_sim.shared.ids import IdFactory
from ddd_sim.shared.messages import Command, Query
from ddd_sim.shared.ports import EventStore
from ddd_sim.shared.read_models import Projection
from ddd_sim.shared.repository import AggregateCache
from ddd_sim.shared.serialization import EventRegistry


class ContextWiring(Protocol):
    """What each context's ``application/wiring.py`` module provides."""

    EVENTS: tuple[type[Any], ...]
    STREAM_CATEGORIES: tuple[str, ...]
    PROJECTIONS: tuple[type[Any], ...]
    TRANSLATORS: Mapping[str, Translator]

    def register_upcasters(self, upcasters: Any) -> None: ...

    def command_handlers(
        self, deps: ContextDeps, **ports: Any
    ) -> Mapping[Any, Any]: ...

    def query_handlers(self, deps: ContextDeps, **ports: Any) -> Mapping[Any, Any]: ...


@dataclass(frozen=True, slots=True)
class ContextModule:
    """A context's name, its wiring, and the outside systems its handlers get."""

    name: str
    wiring: ModuleType | ContextWiring
    command_ports: Mapping[str, Any] = field(default_factory=dict)
    query_ports: Mapping[str, Any] = field(default_factory=dict)


def build_registry(contexts: Iterable[ContextModule]) -> EventRegistry:
    """An event registry knowing every context's stored events and upcasters."""
    registry = EventRegistry()
    for context in contexts:
        registry.register(*context.wiring.EVENTS)
        context.wiring.register_upcasters(registry.upcasters)
    return registry


@dataclass
class ShopRuntime:
    """Commands, queries, projections and caches of the whole shop on one store."""

    store: EventStore
    registry: EventRegistry
    commands: CommandBus
    queries: QueryBus
    projections: ProjectionRunner
    cache: CachedQueries
    aggregates: AggregateCache
    """Aggregates kept between commands; a crash clears it with the query cache."""
    clock: Clock
    stream_owners: dict[str, str]
    contexts: tuple[str, ...]
    handler_versions: dict[str, dict[int, type[Projection]]]
    """Every projection's handler classes by version: the running one and retired."""

    def execute(
        self,
        command: Command,
        *,
        sim_time: float | None = None,
        correlation_id: uuid.UUID | None = None,
        causation_id: uuid.UUID | None = None,
    ) -> CommandResult:
        """Run a command now (or at ``sim_time``); returns the version written."""
        context = CommandContext(
            sim_time=self.clock.now() if sim_time is None else sim_time,
            correlation_id=correlation_id,
            causation_id=causation_id,
        )
        return self.commands.dispatch(command, context)

    def ask(self, query: Query, *, cached: bool = True) -> Any:
        """Answer a query from the read models (through the cache if allowed)."""
        return self.cache.ask(query) if cached else self.queries.ask(query)

    def catch_up(self) -> dict[str, PollResult]:
        """Let every projection that is not stalled consume what it may."""
        return self.projections.poll_all(now=self.clock.now())

    def wait_for(
        self, projection: str, result: CommandResult, *, timeout: float = 5.0
    ) -> Lag:
        """Wait (in simulated time) until ``projection`` reflects a command's write."""
        return self.projections.wait_for(
            projection, clock=self.clock, timeout=timeout, position=result.position
        )

    def rebuild(
        self,
        projection: str,
        *,
        version: int | None = None,
        progress: Callable[[int, int], bool] | None = None,
    ) -> RebuildReport:
        """Fold the log again with a handler version (default: the running one).

        Rebuilding with another version is how a fix reaches the past: the
        report's diff says what the new handler changes in the read model.
        """
        known = self.handler_versions.get(projection)
        if known is None:
            self.projections.projection(projection)  # raises, naming the known ones
            raise UnknownMessage(f"unknown projection {projection!r}")
        wanted = self.projections.projection(projection).version
        wanted = wanted if version is None else version
        if wanted not in known:
            versions = ", ".join(f"v{v}" for v in sorted(known))
            raise UnknownMessage(
                f"{projection} has no handler version {wanted} (known: {versions})"
            )
        return self.projections.rebuild(
            projection, projection=known[wanted](), progress=progress
        )

    def context_of(self, stream_id: str) -> str:
        """The context that owns a stream, by its category prefix."""
        category = stream_id.split("-", 1)[0]
        try:
            return self.stream_owners[category]
        except KeyError:
            raise UnknownMessage(
                f"no context owns stream {stream_id!r} (category {category!r})"
            ) from None


def build_shop(
    store: EventStore,
    registry: EventRegistry,
    contexts: Iterable[ContextModule],
    *,
    clock: Clock,
    wire: Wire | None = None,
    ids: IdFactory | None = None,
    snapshot_every: dict[str, int] | None = None,
    cache_ttl: float = 60.0,
    cache_rules: Mapping[type[Query], CacheRule] | None = None,
    batch_size: int = 500,
) -> ShopRuntime:
    """Wire every context onto the buses and start its projections."""
    contexts = tuple(contexts)
    translators: dict[str, Translator] = {}
    owners: dict[str, str] = {}
    for context in contexts:
        for event_type, translate in context.wiring.TRANSLATORS.items():
            if event_type in translators:
                raise ValueError(f"two contexts publish stored event {event_type}")
            translators[event_type] = translate
        for category in context.wiring.STREAM_CATEGORIES:
            if category in owners:
                raise ValueError(
                    f"stream category {category} is claimed by {owners[category]} "
                    f"and {context.name}"
                )
            owners[category] = context.name
    runner = ProjectionRunner(
        store, registry, translators=translators, wire=wire, batch_size=batch_size
    )
    versions: dict[str, dict[int, type[Projection]]] = {}
    for context in contexts:
        for projection_class in context.wiring.PROJECTIONS:
            runner.add(projection_class())
        retired = getattr(context.wiring, "RETIRED_PROJECTIONS", ())
        for projection_class in (*context.wiring.PROJECTIONS, *retired):
            by_version = versions.setdefault(projection_class.name, {})
            if projection_class.version in by_version:
                raise ValueError(
                    f"{projection_class.name} v{projection_class.version} is "
                    "declared twice"
                )
            by_version[projection_class.version] = projection_class
    aggregates = AggregateCache()
    deps = ContextDeps(
        store=store,
        registry=registry,
        ids=ids or IdFactory(),
        read_model=runner.reader,
        snapshot_every=dict(snapshot_every or {}),
        aggregates=aggregates,
    )
    commands, queries = CommandBus(), QueryBus()
    for context in contexts:
        commands.register(
            dict(context.wiring.command_handlers(deps, **context.command_ports)),
            context=context.name,
        )
        queries.register(
            dict(context.wiring.query_handlers(deps, **context.query_ports)),
            context=context.name,
        )
    cache = CachedQueries(queries, clock, ttl=cache_ttl, rules=dict(cache_rules or {}))
    runner.subscribe(cache.invalidate)
    return ShopRuntime(
        store=store,
        registry=registry,
        commands=commands,
        queries=queries,
        projections=runner,
        cache=cache,
        aggregates=aggregates,
        clock=clock,
        stream_owners=owners,
        contexts=tuple(c.name for c in contexts),
        handler_versions=versions,
    )
