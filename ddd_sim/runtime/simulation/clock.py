"""The shop's clock during a simulation: the scheduler's virtual time."""

from __future__ import annotations

from ddd_sim.sim.scheduler import Scheduler


class SchedulerClock:
    """Reads the scheduler's time; sleeping runs the world forward meanwhile."""

    def __init__(self, scheduler: Scheduler) -> None:
        self._scheduler = scheduler

    def now(self) -> float:
        return self._scheduler.now

    def sleep(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"cannot sleep a negative time: {seconds}")
        self._scheduler.run_until(self._scheduler.now + seconds)
