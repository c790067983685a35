"""A discrete-event scheduler in SimPy's shape: virtual time, never a real clock.

A heap of ``(time, priority, counter, item)``: the counter makes ties run in
the order they were scheduled, so a run is deterministic.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable

from ddd_sim.shared.courtesy import give_way


class Scheduled:
    """An action waiting in the scheduler; cancel it to skip it."""

    __slots__ = (
        "_queued_in",
        "action",
        "at",
        "cancelled",
        "label",
        "owner",
        "priority",
    )

    def __init__(
        self,
        at: float,
        priority: int,
        action: Callable[[], None],
        owner: str,
        label: str,
    ) -> None:
        self.at, self.priority, self.action = at, priority, action
        self.owner, self.label = owner, label
        self.cancelled = False
        self._queued_in: Scheduler | None = None

    def cancel(self) -> None:
        """Skip this action when its time comes (harmless once it has run)."""
        if self.cancelled:
            return
        self.cancelled = True
        if self._queued_in is not None:
            self._queued_in._live -= 1
            self._queued_in = None


class Scheduler:
    """Runs actions in simulated-time order; ``now`` moves only forward."""

    def __init__(self, start: float = 0.0) -> None:
        self._now = float(start)
        self._queue: list[tuple[float, int, int, Scheduled]] = []
        self._counter = itertools.count()
        self._live = 0
        """Queued items not cancelled: the heap also holds cancelled ones."""

    @property
    def now(self) -> float:
        """The current simulated time in seconds."""
        return self._now

    def schedule(
        self,
        at: float,
        action: Callable[[], None],
        *,
        priority: int = 1,
        owner: str = "",
        label: str = "",
    ) -> Scheduled:
        """Run ``action`` at simulated time ``at`` (not before now)."""
        if not math.isfinite(at):
            raise ValueError(f"cannot schedule at {at!r}")
        if at < self._now:
            raise ValueError(f"cannot schedule at {at} before now ({self._now})")
        item = Scheduled(at, priority, action, owner, label)
        item._queued_in = self
        self._live += 1
        heapq.heappush(self._queue, (at, priority, next(self._counter), item))
        return item

    def schedule_in(
        self,
        delay: float,
        action: Callable[[], None],
        *,
        priority: int = 1,
        owner: str = "",
        label: str = "",
    ) -> Scheduled:
        """Run ``action`` after ``delay`` simulated seconds."""
        if delay < 0:
            raise ValueError(f"a delay cannot be negative: {delay}")
        return self.schedule(
            self._now + delay, action, priority=priority, owner=owner, label=label
        )

    def _drop_cancelled(self) -> None:
        queue = self._queue
        while queue and queue[0][3].cancelled:
            heapq.heappop(queue)

    def peek(self) -> float:
        """The time of the next action (infinity when none is pending)."""
        self._drop_cancelled()
        return self._queue[0][0] if self._queue else math.inf

    def step(self) -> bool:
        """Run the next action; False when nothing is pending."""
        self._drop_cancelled()
        if not self._queue:
            return False
        at, _, _, item = heapq.heappop(self._queue)
        self._now = at
        self._run(item)
        return True

    def _run(self, item: Scheduled) -> None:
        # out of the queue before it runs, so cancelling itself counts nothing
        item._queued_in = None
        self._live -= 1
        item.action()

    def run_until(self, until: float) -> int:
        """Run every action due at or before ``until``, then set now to it."""
        if not math.isfinite(until):
            # NaN compares false with everything: it would run the whole queue
            raise ValueError(f"cannot run until {until!r}")
        if until < self._now:
            raise ValueError(f"cannot run until {until}: it is already {self._now}")
        ran = 0
        queue = self._queue
        while queue:
            at, _, _, item = queue[0]
            if at > until:
                break
            heapq.heappop(queue)
            if item.cancelled:
                continue
            self._now = at
            self._run(item)
            ran += 1
            give_way()
        self._now = until
        return ran

    def cancel_owner(self, owner: str) -> int:
        """Cancel every pending action of ``owner`` (a crashed context)."""
        count = 0
        for _, _, _, item in self._queue:
            if item.owner == owner and not item.cancelled:
                item.cancel()
                count += 1
        return count

    def pending(self, owner: str | None = None) -> int:
        """Actions still to run (of one owner, or all)."""
        if owner is None:
            return self._live
        return sum(
            1
            for _, _, _, item in self._queue
            if not item.cancelled and item.owner == owner
        )
