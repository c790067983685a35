"""The timeout monitor (example 76): a periodic scan for abandoned processes.

Timers guard the steps a process knows to be slow; the monitor is the safety
net for everything else (a reply that never came, an event never delivered):
every ``interval`` simulated seconds it looks for instances still running,
waiting on no timer, whose last change is older than ``abandon_after``.  It
only runs while there is something to watch, so an idle world stays idle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ddd_sim.processes.host import ProcessHost, TimerHandle


@dataclass(frozen=True, slots=True)
class Watched:
    """What the monitor needs to know of one unfinished instance."""

    process_id: str
    last_change: float
    """Simulated time of its last recorded event."""
    running: bool
    """Still moving forward (not compensating)."""
    timer_pending: bool


def abandoned(
    instances: Iterable[Watched], now: float, abandon_after: float
) -> list[Watched]:
    """Running instances with no pending timer, unchanged for ``abandon_after``."""
    return [
        w
        for w in instances
        if w.running and not w.timer_pending and now - w.last_change >= abandon_after
    ]


class TimeoutMonitor:
    """Scans every ``interval`` while anything is watched; abandons the idle."""

    def __init__(
        self,
        *,
        interval: float,
        abandon_after: float,
        owner: str,
        watched: Callable[[], list[Watched]],
        abandon: Callable[[Watched], None],
    ) -> None:
        self.interval, self.abandon_after, self.owner = interval, abandon_after, owner
        self._watched, self._abandon = watched, abandon
        self._host: ProcessHost | None = None
        self._next: TimerHandle | None = None
        self.scans = 0

    def attach(self, host: ProcessHost) -> None:
        self._host = host

    def ensure_running(self) -> None:
        """Schedule the next scan unless one is already due."""
        host = self._host
        if host is None or self._next is not None:
            return
        self._next = host.schedule(
            host.now() + self.interval,
            self._scan,
            owner=self.owner,
            label="fulfilment timeout monitor",
        )

    def stop(self) -> None:
        """Forget the next scan (a crash took it)."""
        if self._next is not None:
            self._next.cancel()
            self._next = None

    def _scan(self) -> None:
        self._next = None
        host = self._host
        if host is None:
            return
        self.scans += 1
        for idle in abandoned(self._watched(), host.now(), self.abandon_after):
            self._abandon(idle)
        if self._watched():
            self.ensure_running()
