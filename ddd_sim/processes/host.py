"""What a process may ask of the world it runs in, and what comes back.

The simulation engine implements :class:`ProcessHost`.  A process never
touches the network, the store's transactions or the scheduler directly: it
asks the host to *call* a context (through the simulated network, the
circuit breaker and the retry policy), to *schedule* an action in simulated
time, or to *subscribe* to integration events (delivered at least once by the
outbox dispatcher; the host drops repeats of an event id a consumer has
already handled, recording that in the same transaction as the effects).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeAlias

from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.integration.delivery import Delivery
from ddd_sim.shared.cqrs import CommandResult
from ddd_sim.shared.messages import Command
from ddd_sim.shared.repository import AggregateRepository

OutcomeKind: TypeAlias = Literal[
    "ok",  # every command took effect (or had already: see ``duplicate``)
    "rejected",  # the context refused (a domain rule): no effect, do not retry
    "failed",  # the call failed without effect (down, error) after all retries
    "timeout",  # no reply after all retries: the effect is unknown
    "circuit_open",  # the breaker refused the call: nothing was sent
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Request:
    """Commands for one context's open host service, run there in order.

    ``idempotency_key`` is ``<process id>:<step>``: every attempt of a step
    carries the same key, so a retry or a duplicated message is harmless.
    If one command is refused, the later ones are not run.  ``resent`` marks
    a step sent again after a restart: the earlier life's attempt may have
    taken effect, whatever this one hears.
    """

    target: str
    operation: str
    commands: tuple[Command, ...]
    idempotency_key: str
    correlation_id: uuid.UUID | None = None
    causation_id: uuid.UUID | None = None
    resent: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """How a call ended, as the caller learnt it."""

    kind: OutcomeKind
    attempts: int
    detail: str = ""
    results: tuple[CommandResult, ...] = field(default_factory=tuple)
    duplicate: bool = False
    """True when the context had already done it (an idempotent repeat)."""

    @property
    def ok(self) -> bool:
        return self.kind == "ok"

    @property
    def effect_unknown(self) -> bool:
        """The call may have taken effect: compensate it to be safe."""
        return self.kind == "timeout"


class TimerHandle(Protocol):
    """A scheduled action that may still be cancelled."""

    def cancel(self) -> None: ...


class ProcessHost(Protocol):
    """The world a process runs in (implemented by the simulation engine)."""

    def now(self) -> float:
        """Simulated seconds."""
        ...

    def call(
        self,
        source: str,
        request: Request,
        on_outcome: Callable[[Outcome], None],
        *,
        retry: bool = True,
    ) -> None:
        """Send a request over the network; ``on_outcome`` runs once, later."""
        ...

    def schedule(
        self, at: float, action: Callable[[], None], *, owner: str, label: str
    ) -> TimerHandle:
        """Run ``action`` at simulated time ``at`` unless ``owner`` crashes first."""
        ...

    def subscribe(
        self,
        consumer: str,
        host_context: str,
        event_types: tuple[type[IntegrationEvent], ...],
        handler: Callable[[Delivery], None],
    ) -> None:
        """Receive those integration events, at least once, deduplicated by id."""
        ...

    def repository(self, aggregate_class: type[Any]) -> AggregateRepository[Any]:
        """Load and save a process's own event-sourced state."""
        ...

    def rng(self, name: str) -> random.Random:
        """A seeded random stream of this subsystem's own."""
        ...

    def crashpoint(self, name: str) -> None:
        """A place where a test may kill the process (a no-op otherwise)."""
        ...

    def record_error(self, where: str, error: Exception) -> None:
        """Report an unexpected failure without stopping the simulation."""
        ...


class OrderFlow(Protocol):
    """One way of running orders to completion: a saga mode."""

    mode: str

    def attach(self, host: ProcessHost) -> None:
        """Subscribe to what the flow reacts to (called once at start-up)."""
        ...

    def recover(self) -> None:
        """After a start or a crash: reload unfinished work from the store."""
        ...

    def crash(self) -> None:
        """Forget every in-memory instance (the host drops their timers)."""
        ...

    def in_flight(self) -> int:
        """Instances started and not yet finished."""
        ...


ActionFactory: TypeAlias = Callable[[], None]
