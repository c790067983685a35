"""Which faults are active right now, and what they do to one message.

The board holds the faults whose window is open; the network and the engine
ask it questions ("is payment down?", "is this request dropped?").  Every
probability is drawn from the *target's* own random stream, so a fault on one
context never shifts the draws of another.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

FAULT_KINDS: tuple[str, ...] = (
    "down",
    "latency",
    "error_rate",
    "drop",
    "duplicate",
    "reorder",
    "decline",
    "no_reply",
    "crash",
    "stall_projection",
    "partition",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ActiveFault:
    """A fault whose window is open."""

    fault_id: str
    target: str
    kind: str
    until: float | None = None
    probability: float | None = None
    mean_ms: float | None = None
    jitter_ms: float | None = None
    with_context: str | None = None
    projection: str | None = None


class FaultBoard:
    """The open fault windows, by id, in the order they opened."""

    def __init__(self) -> None:
        self._active: dict[str, ActiveFault] = {}

    def activate(self, fault: ActiveFault) -> None:
        """Open a fault's window (replacing one with the same id)."""
        self._active[fault.fault_id] = fault

    def clear(self, fault_id: str) -> ActiveFault | None:
        """Close a fault's window; the fault, or None if it was not open."""
        return self._active.pop(fault_id, None)

    def active(self) -> tuple[ActiveFault, ...]:
        """Every open fault, oldest first."""
        return tuple(self._active.values())

    def _of(self, target: str, kind: str) -> list[ActiveFault]:
        return [
            f for f in self._active.values() if f.target == target and f.kind == kind
        ]

    def is_down(self, target: str) -> bool:
        """Calls to the target fail at once."""
        return bool(self._of(target, "down"))

    def partitioned(self, a: str, b: str) -> bool:
        """The two contexts cannot reach each other (either direction)."""
        return any(
            f.kind == "partition" and {f.target, f.with_context} == {a, b}
            for f in self._active.values()
        )

    def chance(self, target: str, kind: str, rng: random.Random) -> bool:
        """Whether a probabilistic fault hits this message (one draw if active)."""
        faults = self._of(target, kind)
        if not faults:
            return False
        probability = max(
            1.0 if f.probability is None else f.probability for f in faults
        )
        return rng.random() < probability

    def extra_latency(self, target: str, rng: random.Random) -> float:
        """Seconds of added latency on the target (0 without a latency fault)."""
        extra = 0.0
        for fault in self._of(target, "latency"):
            mean = (fault.mean_ms or 0.0) / 1000.0
            jitter = (fault.jitter_ms or 0.0) / 1000.0
            extra += max(0.0, mean + rng.uniform(-jitter, jitter))
        return extra

    def declines(self, target: str) -> bool:
        """The target (payment) declines charges."""
        return bool(self._of(target, "decline"))

    def stalled_projections(self) -> frozenset[str]:
        """Projections told to stop consuming."""
        return frozenset(
            f.projection
            for f in self._active.values()
            if f.kind == "stall_projection" and f.projection
        )
