"""Runs projections from the store: each one a catch-up subscription with a checkpoint.

A projection's documents and its checkpoint are written in one transaction,
so a crash never applies an event twice or skips one.  Each projection
version has its own documents and checkpoint: registering a new version
builds it from the log beside the old one, which is what makes a diff
between handler versions possible.  Projections lag for real: they move only
when polled, can be stalled, and can be held a simulated delay behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ddd_sim.integration.translation import Translator, published_types
from ddd_sim.runtime.clock import Clock
from ddd_sim.runtime.projection_feed import (
    BatchListener,
    ProjectionConsumer,
    Rejection,
    Wire,
    checkpoint_name,
    rejections_of,
)
from ddd_sim.runtime.read_model_diff import ReadModelDiff, diff_read_models
from ddd_sim.runtime.subscriptions import CatchUpSubscription, PollResult
from ddd_sim.shared.errors import (
    ConsistencyTimeout,
    UnknownMessage,
)
from ddd_sim.shared.ports import EventStore
from ddd_sim.shared.read_models import (
    Projection,
    StoreReadModel,
    collection_name,
)
from ddd_sim.shared.serialization import EventRegistry


@dataclass(frozen=True, slots=True)
class Lag:
    """How far a projection trails the log, in events and in simulated time."""

    projection: str
    version: int
    checkpoint: int
    head: int
    sim_ms: float
    stalled: bool
    delay: float

    @property
    def events(self) -> int:
        """Committed events the projection has not read past yet."""
        return self.head - self.checkpoint


@dataclass(frozen=True, slots=True)
class RebuildReport:
    """A projection rebuilt from the log: events folded and what changed."""

    projection: str
    old_version: int
    new_version: int
    events: int
    diff: ReadModelDiff
    completed: bool


class ProjectionRunner:
    """Owns every projection's subscription, lag, stall and rebuild."""

    def __init__(
        self,
        store: EventStore,
        registry: EventRegistry,
        *,
        translators: Mapping[str, Translator] | None = None,
        wire: Wire | None = None,
        batch_size: int = 500,
    ) -> None:
        self._store = store
        self._registry = registry
        self._translators = dict(translators or {})
        self._wire = wire
        self._batch_size = batch_size
        self._consumers: dict[str, ProjectionConsumer] = {}
        self._subscriptions: dict[str, CatchUpSubscription] = {}
        self._stalled: set[str] = set()
        self._delays: dict[str, float] = {}
        self._listeners: list[BatchListener] = []

    # -- registration -----------------------------------------------------------
    def add(self, projection: Projection, *, replace: bool = False) -> None:
        """Run ``projection``; with ``replace``, a new version takes over its name."""
        name = projection.name
        if name in self._consumers and not replace:
            raise ValueError(f"projection {name} is already registered")
        self._consumers[name], self._subscriptions[name] = self._subscribe(
            projection,
            collection_name(name, projection.version),
            checkpoint_name(name, projection.version),
        )

    def _subscribe(
        self, projection: Projection, collection: str, checkpoint: str
    ) -> tuple[ProjectionConsumer, CatchUpSubscription]:
        consumer = ProjectionConsumer(
            projection,
            self._registry,
            self._translators,
            self._wire,
            collection,
            checkpoint,
        )
        if projection.source == "integration":
            types: Iterable[str] = self._feeding(projection)
        else:
            types = projection.event_types
        subscription = CatchUpSubscription(
            self._store, consumer, batch_size=self._batch_size, types=types
        )
        return consumer, subscription

    def _feeding(self, projection: Projection) -> list[str]:
        """The stored types whose translation a consumer of the language reads.

        A translator annotated with what it publishes feeds only consumers of
        those types; one that does not say feeds every consumer.
        """
        wanted = set(projection.event_types)
        feeding = []
        for stored_type, translator in sorted(self._translators.items()):
            published = published_types(translator)
            if published is None or published & wanted:
                feeding.append(stored_type)
        return feeding

    def names(self) -> list[str]:
        """Every running projection, by name."""
        return sorted(self._consumers)

    def projection(self, name: str) -> Projection:
        """The running projection called ``name``."""
        return self._consumer(name).projection

    def _consumer(self, name: str) -> ProjectionConsumer:
        try:
            return self._consumers[name]
        except KeyError:
            known = ", ".join(self.names()) or "none"
            raise UnknownMessage(
                f"unknown projection {name!r} (known: {known})"
            ) from None

    def replica(self, name: str) -> tuple[ProjectionConsumer, tuple[str, ...]]:
        """A fresh consumer of ``name``'s running version and the stored types
        feeding it: the same fold, for replaying the log outside the store."""
        running = self._consumer(name)
        projection = running.projection
        types = (
            self._feeding(projection)
            if projection.source == "integration"
            else projection.event_types
        )
        consumer = ProjectionConsumer(
            projection,
            self._registry,
            self._translators,
            self._wire,
            running.collection,
            running.name,
        )
        return consumer, tuple(types)

    def reader(self, name: str) -> StoreReadModel:
        """The documents of a projection's running version."""
        return StoreReadModel(self._store, self._consumer(name).collection)

    def rejections(self, name: str) -> list[Rejection]:
        """Events this projection refused at its boundary, oldest first."""
        self._consumer(name)
        docs = self._store.documents(rejections_of(name))
        return [
            Rejection(name, int(doc["position"]), str(doc["type"]), str(doc["reason"]))
            for _, doc in sorted(docs.items())
        ]

    def subscribe(self, listener: BatchListener) -> None:
        """Call ``listener(name, keys)`` after each batch a projection commits."""
        self._listeners.append(listener)

    # -- running ----------------------------------------------------------------
    def stall(self, name: str) -> None:
        """Stop a projection consuming until :meth:`resume`."""
        self._consumer(name)
        self._stalled.add(name)

    def resume(self, name: str) -> None:
        """Let a stalled projection consume again."""
        self._consumer(name)
        self._stalled.discard(name)

    def set_delay(self, name: str, seconds: float) -> None:
        """Hold a projection ``seconds`` of simulated time behind the log."""
        self._consumer(name)
        if seconds < 0:
            raise ValueError(f"a projection delay cannot be negative: {seconds}")
        self._delays[name] = seconds

    def checkpoint(self, name: str) -> int:
        """The last position a projection has consumed (as this runner knows it)."""
        self._consumer(name)
        return self._subscriptions[name].checkpoint

    def is_stalled(self, name: str) -> bool:
        """True while a projection is stalled."""
        return name in self._stalled

    def poll(
        self, name: str, *, now: float | None = None, max_events: int | None = None
    ) -> PollResult:
        """Let one projection catch up, unless stalled; ``now`` applies its delay."""
        consumer = self._consumer(name)
        subscription = self._subscriptions[name]
        if name in self._stalled:
            return PollResult(0, subscription.checkpoint, self._store.head_position())
        bound = None
        delay = self._delays.get(name, 0.0)
        if now is not None and delay > 0:
            bound = self._store.position_at(now - delay)
        return subscription.poll(
            max_events=max_events,
            until_position=bound,
            on_batch=lambda _page: self._notify(name, consumer),
        )

    def poll_all(self, *, now: float | None = None) -> dict[str, PollResult]:
        """Poll every projection once, in name order."""
        return {name: self.poll(name, now=now) for name in self.names()}

    def _notify(self, name: str, consumer: ProjectionConsumer) -> None:
        touched = frozenset(consumer.touched)
        consumer.touched.clear()
        self._tell(name, touched)

    # -- lag ----------------------------------------------------------------------
    def lag(self, name: str) -> Lag:
        """How far ``name`` trails the head, in events and simulated milliseconds."""
        projection = self._consumer(name).projection
        checkpoint = self._subscriptions[name].checkpoint
        head = self._store.head_position()
        sim_ms = 0.0
        if head > checkpoint:
            last = self._sim_time_at(head)
            base = self._sim_time_at(checkpoint) if checkpoint else None
            if base is None:  # nothing handled yet: count from the first pending
                base = self._sim_time_at(checkpoint + 1)
            if last is not None and base is not None:
                sim_ms = max(0.0, (last - base) * 1000.0)
        return Lag(
            name,
            projection.version,
            checkpoint,
            head,
            sim_ms,
            name in self._stalled,
            self._delays.get(name, 0.0),
        )

    def lags(self) -> list[Lag]:
        """Every projection's lag, by name."""
        return [self.lag(name) for name in self.names()]

    def _sim_time_at(self, position: int) -> float | None:
        for event in self._store.read_all(
            from_position=position, to_position=position, limit=1
        ):
            return event.metadata.sim_time
        return None

    # -- rebuilding -----------------------------------------------------------------
    def rebuild(
        self,
        name: str,
        *,
        projection: Projection | None = None,
        progress: Callable[[int, int], bool] | None = None,
    ) -> RebuildReport:
        """Fold the whole log again (optionally with a new handler version).

        The new read model is built beside the running one, then takes its
        place in one transaction, so readers never see a half-built model.
        ``progress(done, total)`` may return False to cancel: the running
        model is then untouched.  The report's diff is old versus new.
        """
        old = self._consumer(name)
        new_projection = projection or old.projection
        if new_projection.name != name:
            raise ValueError(f"{new_projection.name} cannot rebuild {name}")
        version = new_projection.version
        building = f"{collection_name(name, version)}:rebuild"
        checkpoint = f"{checkpoint_name(name, version)}:rebuild"
        self._clear(building, checkpoint)
        _, subscription = self._subscribe(new_projection, building, checkpoint)
        total = self._store.head_position()
        events = 0
        while True:
            step = subscription.poll(max_batches=1)
            events += step.handled
            if progress is not None and not progress(step.checkpoint, total):
                self._clear(building, checkpoint)
                return RebuildReport(
                    name,
                    old.projection.version,
                    version,
                    events,
                    ReadModelDiff((), (), ()),
                    completed=False,
                )
            if step.checkpoint >= step.head:
                break
        before = self._store.documents(old.collection)
        after = self._store.documents(building)
        diff = diff_read_models(before, after)
        live = collection_name(name, version)
        existing = self._store.documents(live) if live != old.collection else before
        with self._store.transaction() as tx:
            for key in existing:
                if key not in after:
                    tx.delete_document(live, key)
            for key, document in after.items():
                if existing.get(key) != document:
                    tx.put_document(live, key, document)
                tx.delete_document(building, key)
            tx.save_checkpoint(checkpoint_name(name, version), step.checkpoint)
            tx.save_checkpoint(checkpoint, 0)
        self.add(new_projection, replace=True)
        self._tell(name, frozenset(existing) | frozenset(after))
        return RebuildReport(
            name, old.projection.version, version, events, diff, completed=True
        )

    def _clear(self, collection: str, checkpoint: str) -> None:
        with self._store.transaction() as tx:
            for key in self._store.documents(collection):
                tx.delete_document(collection, key)
            tx.save_checkpoint(checkpoint, 0)

    def _tell(self, name: str, keys: frozenset[str]) -> None:
        for listener in self._listeners:
            listener(name, keys)

    def diff_versions(self, name: str, old_version: int) -> ReadModelDiff:
        """The running read model against an older version's documents."""
        consumer = self._consumer(name)
        old = self._store.documents(collection_name(name, old_version))
        return diff_read_models(old, self._store.documents(consumer.collection))

    # -- waiting for consistency ------------------------------------------------------
    def position_of(self, stream_id: str, version: int) -> int:
        """The global position of one stream version (what a command returned)."""
        for event in self._store.read_stream(
            stream_id, from_version=version, to_version=version
        ):
            return event.global_position
        raise UnknownMessage(f"stream {stream_id} has no version {version}")

    def wait_for(
        self,
        name: str,
        *,
        clock: Clock,
        timeout: float,
        position: int | None = None,
        stream_id: str | None = None,
        version: int | None = None,
        step: float = 0.05,
    ) -> Lag:
        """Block (in simulated time) until ``name`` has handled a position.

        The target is a global position, or a stream version as a command
        returned it (example 67).  Each step polls the projection (a stalled
        one does not move) and lets ``step`` seconds of ``clock`` pass; past
        ``timeout`` seconds it raises :class:`ConsistencyTimeout`.
        """
        if position is None:
            if stream_id is None or version is None:
                raise ValueError("wait for a position, or a stream and a version")
            position = self.position_of(stream_id, version)
        deadline = clock.now() + timeout
        while True:
            self.poll(name, now=clock.now())
            reached = self._subscriptions[name].checkpoint
            if reached >= position:
                return self.lag(name)
            if clock.now() >= deadline:
                target = (
                    f"{stream_id} v{version} (position {position})"
                    if stream_id is not None
                    else f"position {position}"
                )
                state = " (stalled)" if name in self._stalled else ""
                raise ConsistencyTimeout(
                    f"read model {name}{state} reached position {reached}, "
                    f"not {target}, within {timeout:g} simulated seconds"
                )
            clock.sleep(step)
