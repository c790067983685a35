"""Wall-clock pacing for the GUI: a thin layer over anything that steps in time.

The kernel never reads a real clock; this layer is handed one (a callable
returning seconds) and, on each :meth:`PacedRunner.tick`, runs the target
forward by the wall time elapsed since the previous tick times the speed.
It never sleeps: the caller (a GUI timer) decides when to tick.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol

MIN_SPEED = 0.25
MAX_SPEED = 100.0


class Steppable(Protocol):
    """Something that runs in simulated time: a scheduler, or a run's tick driver."""

    @property
    def now(self) -> float: ...

    def peek(self) -> float: ...

    def step(self) -> bool: ...

    def run_until(self, until: float) -> int: ...


def _checked_speed(speed: float) -> float:
    if (
        isinstance(speed, bool)
        or not isinstance(speed, int | float)
        or not MIN_SPEED <= speed <= MAX_SPEED
    ):
        raise ValueError(
            f"speed must be within [{MIN_SPEED:g}, {MAX_SPEED:g}], got {speed!r}"
        )
    return float(speed)


class PacedRunner:
    """Runs a target at ``speed`` simulated seconds per wall second, pausable."""

    def __init__(
        self,
        target: Steppable,
        wall_clock: Callable[[], float],
        speed: float = 1.0,
    ) -> None:
        self._target = target
        self._wall = wall_clock
        self._speed = _checked_speed(speed)
        self._paused = False
        self._owed = 0.0
        """Simulated seconds earned at an earlier speed, not yet run."""
        self._reference = wall_clock()

    @property
    def target(self) -> Steppable:
        return self._target

    @property
    def speed(self) -> float:
        """Simulated seconds per wall-clock second, within [0.25, 100]."""
        return self._speed

    @speed.setter
    def speed(self, value: float) -> None:
        speed = _checked_speed(value)
        if not self._paused:
            # time already elapsed was earned at the old speed: bank it
            self._owed += self._elapsed() * self._speed
        self._speed = speed

    @property
    def paused(self) -> bool:
        return self._paused

    def pause(self) -> None:
        """Stop advancing on ticks; what elapsed before the pause is kept."""
        if not self._paused:
            self._owed += self._elapsed() * self._speed
            self._paused = True

    def resume(self) -> None:
        """Advance again, counting wall time from now (a pause never jumps)."""
        if self._paused:
            self._paused = False
            self._reference = self._wall()

    def single_step(self) -> bool:
        """Run exactly the next scheduled item, paused or not; False if none."""
        return self._target.step()

    def tick(
        self, max_sim_advance: float | None = None, budget: float | None = None
    ) -> float:
        """Advance by the wall time since the last tick times speed, capped.

        Returns the simulated seconds advanced; nothing happens while paused.
        Time beyond the cap is dropped, not owed: after a long stall the run
        carries on at its pace rather than racing to catch up.  With a
        ``budget`` (wall seconds), the target is stepped and the tick ends
        once the budget is spent, the rest of the advance dropped too: a run
        heavier than real time slows down instead of taking ever longer
        ticks, so whoever calls tick gets control back (to show a frame)
        within about one step.
        """
        if max_sim_advance is not None and not max_sim_advance >= 0:
            raise ValueError(
                f"max_sim_advance must be zero or more, got {max_sim_advance!r}"
            )
        if budget is not None and not budget > 0:
            raise ValueError(f"budget must be more than zero, got {budget!r}")
        if self._paused:
            return 0.0
        advance = self._owed + self._elapsed() * self._speed
        self._owed = 0.0
        if max_sim_advance is not None:
            advance = min(advance, max_sim_advance)
        if not advance > 0 or not math.isfinite(advance):
            return 0.0
        target = self._target
        start = target.now
        goal = start + advance
        if budget is None:
            target.run_until(goal)
            return target.now - start
        deadline = self._wall() + budget
        while target.now < goal:
            if target.peek() > goal:
                target.run_until(goal)  # nothing due before the goal
                break
            if not target.step() or self._wall() >= deadline:
                break
        return target.now - start

    def _elapsed(self) -> float:
        """Wall seconds since the reference, which moves to now (never backwards)."""
        now = self._wall()
        elapsed = now - self._reference
        self._reference = now
        return elapsed if elapsed > 0 else 0.0
