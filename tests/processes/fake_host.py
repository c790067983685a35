"""A scripted ProcessHost for testing flows without the network or the engine.

Calls run the real shop's handlers on an in-memory store after a fixed
latency; a test scripts what the "network" does to the next attempts of an
operation.  Integration events are translated from the log and delivered to
subscribers (deduplicated by event id) whenever the host runs.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ddd_sim.bootstrap import build_registry, shop_contexts, wire_shop
from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.integration.delivery import Delivery, delivery_of
from ddd_sim.integration.translation import Translator
from ddd_sim.processes.host import Outcome, Request
from ddd_sim.runtime.clock import ManualClock
from ddd_sim.runtime.projection_feed import meta_of
from ddd_sim.shared.cqrs import CommandResult
from ddd_sim.shared.errors import DomainError
from ddd_sim.shared.ids import IdFactory
from ddd_sim.shared.repository import AggregateRepository

# What the scripted network does to one attempt of an operation.
#   ok        the commands run, the reply arrives
#   down      no effect, a failure reply
#   lost      the commands run, the reply is lost (the caller times out)
#   drop      the request is lost (no effect, the caller times out)
#   decline   the context refuses (a domain rejection), no effect
Behaviour = str


@dataclass(order=True)
class _Item:
    at: float
    seq: int
    action: Callable[[], None] = field(compare=False)
    owner: str = field(compare=False, default="")
    cancelled: bool = field(compare=False, default=False)

    def cancel(self) -> None:
        self.cancelled = True


class FakeHost:
    """A ProcessHost over a real in-memory shop, with a scripted network."""

    def __init__(
        self,
        *,
        latency: float = 0.01,
        timeout: float = 1.0,
        max_attempts: int = 3,
        translators: dict[str, Translator] | None = None,
        seed: int = 1,
    ) -> None:
        self.clock = ManualClock()
        self.registry = build_registry()
        self.store = open_store("memory:", upcasters=self.registry.upcasters)
        self.shop = wire_shop(self.store, self.registry, clock=self.clock, seed=seed)
        self.latency, self.timeout, self.max_attempts = latency, timeout, max_attempts
        self._queue: list[_Item] = []
        self._seq = itertools.count()
        self.script: dict[tuple[str, str], deque[Behaviour]] = defaultdict(deque)
        self.calls: list[tuple[float, str, str, str, Behaviour]] = []
        self.errors: list[tuple[str, Exception]] = []
        self.crashpoints: list[str] = []
        self._subs: list[tuple[str, tuple[str, ...], Callable[[Delivery], None]]] = []
        self._seen: set[tuple[str, Any]] = set()
        self._fed = 0
        self._translators: dict[str, Translator] = {}
        for context in shop_contexts():
            self._translators.update(context.wiring.TRANSLATORS)
        self._translators.update(translators or {})
        # the shop draws event ids from IdFactory(seed): processes need their own
        self._ids = IdFactory(seed + 1_000_003)
        self._streams: dict[str, random.Random] = {}

    # -- ProcessHost ----------------------------------------------------------
    def now(self) -> float:
        return self.clock.now()

    def call(
        self,
        source: str,
        request: Request,
        on_outcome: Callable[[Outcome], None],
        *,
        retry: bool = True,
    ) -> None:
        self._attempt(source, request, on_outcome, 1, retry)

    def schedule(
        self, at: float, action: Callable[[], None], *, owner: str, label: str
    ) -> _Item:
        item = _Item(max(at, self.now()), next(self._seq), action, owner)
        heapq.heappush(self._queue, item)
        return item

    def subscribe(
        self,
        consumer: str,
        host_context: str,
        event_types: tuple[type[IntegrationEvent], ...],
        handler: Callable[[Delivery], None],
    ) -> None:
        self._subs.append((consumer, tuple(t.event_type for t in event_types), handler))

    def repository(self, aggregate_class: type[Any]) -> AggregateRepository[Any]:
        return AggregateRepository(
            self.store, self.registry, aggregate_class, ids=self._ids
        )

    def rng(self, name: str) -> random.Random:
        return self._streams.setdefault(name, random.Random(f"fake:{name}"))

    def crashpoint(self, name: str) -> None:
        self.crashpoints.append(name)

    def record_error(self, where: str, error: Exception) -> None:
        self.errors.append((where, error))

    # -- driving --------------------------------------------------------------
    def run(self, until: float = 1_000.0) -> None:
        """Run scheduled work and deliver events until nothing is left."""
        while True:
            self._deliver_new_events()
            if not self._queue or self._queue[0].at > until:
                break
            item = heapq.heappop(self._queue)
            if item.cancelled:
                continue
            self.clock.advance_to(item.at)
            item.action()
        self._deliver_new_events()

    def crash(self, owner: str) -> None:
        """Drop every pending action of ``owner`` (its in-memory state is gone)."""
        for item in self._queue:
            if item.owner == owner:
                item.cancel()

    # -- internals ------------------------------------------------------------
    def _attempt(
        self,
        source: str,
        request: Request,
        on_outcome: Callable[[Outcome], None],
        attempt: int,
        retry: bool,
    ) -> None:
        key = (request.target, request.operation)
        behaviour = self.script[key].popleft() if self.script[key] else "ok"
        self.calls.append(
            (
                self.now(),
                request.target,
                request.operation,
                request.idempotency_key,
                behaviour,
            )
        )
        results: list[CommandResult] = []
        outcome: Outcome | None = None
        if behaviour in ("ok", "lost"):
            try:
                for command in request.commands:
                    results.append(self.shop.execute(command))
            except DomainError as error:
                outcome = Outcome(kind="rejected", attempts=attempt, detail=str(error))
        elif behaviour == "decline":
            outcome = Outcome(kind="rejected", attempts=attempt, detail="declined")
        if outcome is None:
            if behaviour == "ok":
                outcome = Outcome(
                    kind="ok",
                    attempts=attempt,
                    results=tuple(results),
                    duplicate=bool(results) and not any(r.written for r in results),
                )
            else:
                outcome = Outcome(
                    kind="failed" if behaviour == "down" else "timeout",
                    attempts=attempt,
                    detail=behaviour,
                )
        delay = self.latency if outcome.kind != "timeout" else self.timeout
        if (
            outcome.kind in ("failed", "timeout")
            and retry
            and attempt < self.max_attempts
        ):
            self.schedule(
                self.now() + delay + 0.1 * 2 ** (attempt - 1),
                lambda: self._attempt(source, request, on_outcome, attempt + 1, retry),
                owner=source,
                label=f"retry {request.operation}",
            )
            return
        final = outcome
        self.schedule(
            self.now() + delay, lambda: on_outcome(final), owner=source, label="reply"
        )

    def _deliver_new_events(self) -> None:
        for recorded in self.store.read_all(from_position=self._fed + 1):
            self._fed = recorded.global_position
            translate = self._translators.get(recorded.type)
            if translate is None:
                continue
            event = self.registry.to_domain_event(recorded)
            published = translate(event, meta_of(recorded))
            if published is None:
                continue
            delivery = delivery_of(published, recorded)
            for consumer, types, handler in self._subs:
                if (
                    published.event_type in types
                    and (consumer, recorded.event_id) not in self._seen
                ):
                    self._seen.add((consumer, recorded.event_id))
                    handler(delivery)
