"""The simulated network: every request and reply between contexts travels it.

A request takes a one-way latency to arrive and its reply another to come
back.  Faults act on the way: a partition or a ``drop`` loses the request (the
caller times out), ``reorder`` holds it back at random, a context that is
``down`` (or restarting after a crash) answers with a failure, ``error_rate``
fails it without effect, ``duplicate`` runs it twice, and ``no_reply`` lets it
take effect but loses the reply.  Draws come from the target's own random
stream; what the network loses or duplicates is recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from ddd_sim.shared.messages import DomainEvent
from ddd_sim.sim.faults import FaultBoard
from ddd_sim.sim.records import MessageDropped, MessageDuplicated
from ddd_sim.sim.rng import RandomStreams

ReplyKind = Literal["ok", "rejected", "failed"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Reply:
    """What the target answered: done, refused by a rule, or failed."""

    kind: ReplyKind
    detail: str = ""
    results: tuple[Any, ...] = field(default_factory=tuple)
    duplicate: bool = False


class _Scheduler(Protocol):
    @property
    def now(self) -> float: ...

    def schedule(
        self,
        at: float,
        action: Callable[[], None],
        *,
        priority: int = 1,
        owner: str = "",
        label: str = "",
    ) -> Any: ...


REORDER_FACTOR = 5.0
"""A reordered message is held back up to this many base latencies."""
DUPLICATE_GAP = 0.001
"""Seconds between a request and its duplicate."""


class Network:
    """Carries requests to contexts and replies back, through the active faults."""

    def __init__(
        self,
        scheduler: _Scheduler,
        streams: RandomStreams,
        faults: FaultBoard,
        *,
        latency_ms: float,
        jitter_ms: float,
        is_up: Callable[[str], bool],
        record: Callable[[DomainEvent], None],
    ) -> None:
        self._scheduler = scheduler
        self._streams = streams
        self.faults = faults
        self._latency = latency_ms / 1000.0
        self._jitter = jitter_ms / 1000.0
        self._is_up = is_up
        self._record = record
        self.sent = 0
        self.lost = 0

    def latency(self, target: str) -> float:
        """One trip's latency to (or from) a target: base, jitter, latency faults."""
        rng = self._streams.stream(f"net.{target}")
        base = self._latency + rng.uniform(-self._jitter, self._jitter)
        return max(0.0, base) + self.faults.extra_latency(target, rng)

    def exchange(
        self,
        source: str,
        target: str,
        operation: str,
        key: str,
        handler: Callable[[], Reply],
        on_reply: Callable[[Reply], None],
    ) -> None:
        """Send a request; ``handler`` runs at the target, ``on_reply`` back home.

        Either may never happen: a lost request or reply is silence, and the
        caller's own timeout decides what that means.  A context that is down
        (crashed, restarting) sends nothing and hears no reply: its in-memory
        work was lost with it.
        """
        if not self._is_up(source):
            return
        self.sent += 1
        now = self._scheduler.now
        if source == target:
            self._scheduler.schedule(
                now, lambda: on_reply(handler()), owner=source, label=operation
            )
            return
        rng = self._streams.stream(f"net.{target}")
        if self.faults.partitioned(source, target):
            self._lose(source, target, operation, key, "partition")
            return
        if self.faults.chance(target, "drop", rng):
            self._lose(source, target, operation, key, "drop")
            return
        delay = self.latency(target)
        if self.faults.chance(target, "reorder", rng):
            delay += rng.uniform(0.0, REORDER_FACTOR * max(self._latency, 0.001))

        def arrive() -> None:
            reply = self._serve(source, target, operation, key, handler)
            if reply is None:
                return
            back = self.latency(target)
            self._scheduler.schedule(
                self._scheduler.now + back,
                lambda: self._deliver_reply(source, reply, on_reply),
                owner=source,
                label=f"reply {operation}",
            )

        self._scheduler.schedule(now + delay, arrive, label=operation)

    def _serve(
        self,
        source: str,
        target: str,
        operation: str,
        key: str,
        handler: Callable[[], Reply],
    ) -> Reply | None:
        rng = self._streams.stream(f"net.{target}")
        if not self._is_up(target) or self.faults.is_down(target):
            return Reply(kind="failed", detail=f"{target} is down")
        if self.faults.chance(target, "error_rate", rng):
            return Reply(kind="failed", detail=f"{target} answered 503 (error_rate)")
        reply = handler()
        if self.faults.chance(target, "duplicate", rng):
            self._record(
                MessageDuplicated(
                    source=source, target=target, operation=operation, key=key
                )
            )
            self._scheduler.schedule(
                self._scheduler.now + DUPLICATE_GAP,
                lambda: self._duplicate(target, handler),
                label=f"duplicate {operation}",
            )
        if self.faults.chance(target, "no_reply", rng):
            self._lose(source, target, operation, key, "no_reply")
            return None
        return reply

    def _deliver_reply(
        self, source: str, reply: Reply, on_reply: Callable[[Reply], None]
    ) -> None:
        # the caller crashed after this reply set off: nobody waits for it
        if self._is_up(source):
            on_reply(reply)

    def _duplicate(self, target: str, handler: Callable[[], Reply]) -> None:
        if self._is_up(target) and not self.faults.is_down(target):
            handler()

    def _lose(
        self, source: str, target: str, operation: str, key: str, why: str
    ) -> None:
        self.lost += 1
        self._record(
            MessageDropped(
                source=source, target=target, operation=operation, reason=why, key=key
            )
        )
