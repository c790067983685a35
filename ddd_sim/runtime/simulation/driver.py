"""A run as the paced layer sees it: time, the next moment, one tick at a time.

The GUI's :class:`~ddd_sim.sim.pacing.PacedRunner` drives anything with
``now``, ``peek()``, ``step()`` and ``run_until(t)``; for a simulation one
step is one committed tick, so pausing or single-stepping never leaves a
half-written tick behind.
"""

from __future__ import annotations

from ddd_sim.runtime.simulation.engine import Simulation


class TickDriver:
    """Steps a simulation by committed ticks."""

    def __init__(self, simulation: Simulation) -> None:
        self.simulation = simulation

    @property
    def now(self) -> float:
        return self.simulation.scheduler.now

    def peek(self) -> float:
        """When the next thing happens (infinity once the run is done)."""
        if self.simulation.phase == "done":
            return float("inf")
        if self.simulation.resume_pending:
            return self.simulation.scheduler.now  # the resume itself is due
        return self.simulation.scheduler.peek()

    def step(self) -> bool:
        """Run and commit one tick; False once the run is done."""
        return self.simulation.step_tick()

    def run_until(self, until: float) -> int:
        """Run committed ticks until simulated time ``until``; how many ran."""
        ticks = 0
        if self.simulation.phase != "done":
            self.simulation.carry_on()  # time must not pass before the resume
        while self.simulation.phase != "done" and self.simulation.scheduler.now < until:
            if self.simulation.scheduler.peek() > until:
                # nothing due before ``until``: let time pass without a commit
                self.simulation.scheduler.run_until(until)
                break
            self.simulation.step_tick()
            ticks += 1
        return ticks
