"""The clock the runtime waits on: simulated, never the wall clock's own."""

from __future__ import annotations

from typing import Protocol


class Clock(Protocol):
    """Simulated seconds: read them, and let them pass while waiting."""

    def now(self) -> float:
        """The current simulated time in seconds."""
        ...

    def sleep(self, seconds: float) -> None:
        """Let ``seconds`` of simulated time pass (others may act meanwhile)."""
        ...


class ManualClock:
    """A clock that moves only when told to: for tests and headless runs."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def sleep(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"cannot sleep a negative time: {seconds}")
        self._now += seconds

    def advance_to(self, moment: float) -> None:
        """Jump forward to ``moment`` (never backwards)."""
        if moment < self._now:
            raise ValueError(f"time cannot go back from {self._now} to {moment}")
        self._now = moment
