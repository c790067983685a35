"""Pacing: wall time times speed becomes simulated time; pausable; no real clock."""

from __future__ import annotations

import math
import time

import pytest

from ddd_sim.sim.pacing import MAX_SPEED, MIN_SPEED, PacedRunner, Steppable
from ddd_sim.sim.scheduler import Scheduler


class FakeWall:
    """A wall clock that moves only when told to."""

    def __init__(self, start: float = 1000.0) -> None:
        self.t = start
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def _busy_scheduler(
    every: float = 0.5, until: float = 100.0
) -> tuple[Scheduler, list[float]]:
    scheduler = Scheduler()
    ran: list[float] = []
    at = every
    while at <= until:
        scheduler.schedule(at, lambda: ran.append(scheduler.now))
        at += every
    return scheduler, ran


def test_a_scheduler_is_steppable() -> None:
    target: Steppable = Scheduler()

    assert target.now == 0.0


def test_a_tick_advances_by_the_wall_time_elapsed_times_the_speed() -> None:
    wall = FakeWall()
    scheduler, ran = _busy_scheduler()
    runner = PacedRunner(scheduler, wall, speed=4.0)

    wall.advance(0.5)
    advanced = runner.tick()

    assert advanced == pytest.approx(2.0)
    assert scheduler.now == pytest.approx(2.0)
    assert ran == [0.5, 1.0, 1.5, 2.0]


def test_consecutive_ticks_count_from_the_previous_tick() -> None:
    wall = FakeWall()
    scheduler = Scheduler()
    runner = PacedRunner(scheduler, wall)

    assert runner.tick() == 0.0
    wall.advance(0.25)
    assert runner.tick() == pytest.approx(0.25)
    wall.advance(1.0)
    assert runner.tick() == pytest.approx(1.0)
    assert scheduler.now == pytest.approx(1.25)


def test_the_cap_limits_one_tick_and_the_rest_is_not_owed() -> None:
    wall = FakeWall()
    scheduler = Scheduler()
    runner = PacedRunner(scheduler, wall, speed=10.0)

    wall.advance(60.0)  # the GUI froze for a minute
    assert runner.tick(max_sim_advance=0.5) == pytest.approx(0.5)
    wall.advance(0.1)
    assert runner.tick(max_sim_advance=5.0) == pytest.approx(1.0)
    assert scheduler.now == pytest.approx(1.5)


def test_a_budget_ends_a_heavy_tick_after_the_step_that_spent_it() -> None:
    """A run heavier than real time slows down rather than ticking for ever."""
    wall = FakeWall()
    scheduler = Scheduler()
    for i in range(1, 201):  # an item every 0.5 s, each 10 ms of wall time
        scheduler.schedule(0.5 * i, lambda: wall.advance(0.01))
    runner = PacedRunner(scheduler, wall, speed=10.0)

    wall.advance(1.0)  # 10 simulated seconds are due: 20 items, 200 ms of work
    advanced = runner.tick(budget=0.025)

    # the third item's 10 ms cross 25 ms: the tick ends after it
    assert advanced == pytest.approx(1.5)
    wall.advance(0.07)
    # the rest of the 10 s was dropped, not owed: what is due is the wall
    # time since the last tick began (30 ms of work, 70 ms after) x speed
    assert runner.tick(budget=0.025) == pytest.approx(1.0)
    assert scheduler.now == pytest.approx(2.5)


def test_with_a_budget_to_spare_a_tick_runs_as_without_one() -> None:
    runs = []
    for budget in (None, 10.0):
        wall = FakeWall()
        scheduler, ran = _busy_scheduler(every=0.3)
        runner = PacedRunner(scheduler, wall, speed=2.0)
        wall.advance(2.0)
        runs.append((runner.tick(budget=budget), scheduler.now, tuple(ran)))
    assert runs[0] == runs[1]
    assert runs[0][1] == pytest.approx(4.0)


def test_a_budget_of_nothing_is_refused() -> None:
    runner = PacedRunner(Scheduler(), FakeWall())

    with pytest.raises(ValueError, match="budget"):
        runner.tick(budget=0.0)


def test_a_negative_or_nan_cap_is_refused() -> None:
    runner = PacedRunner(Scheduler(), FakeWall())

    with pytest.raises(ValueError, match="max_sim_advance"):
        runner.tick(max_sim_advance=-1.0)
    with pytest.raises(ValueError, match="max_sim_advance"):
        runner.tick(max_sim_advance=math.nan)


def test_a_zero_cap_advances_nothing() -> None:
    wall = FakeWall()
    scheduler = Scheduler()
    runner = PacedRunner(scheduler, wall)
    wall.advance(3.0)

    assert runner.tick(max_sim_advance=0.0) == 0.0
    assert scheduler.now == 0.0


def test_nothing_advances_while_paused_and_resuming_never_jumps() -> None:
    wall = FakeWall()
    scheduler, ran = _busy_scheduler()
    runner = PacedRunner(scheduler, wall, speed=2.0)

    runner.pause()
    assert runner.paused
    wall.advance(30.0)
    assert runner.tick() == 0.0
    assert scheduler.now == 0.0
    wall.advance(30.0)
    runner.resume()
    assert not runner.paused
    assert runner.tick() == 0.0  # no wall time since resume
    wall.advance(0.5)

    assert runner.tick() == pytest.approx(1.0)
    assert ran == [0.5, 1.0]


def test_time_elapsed_before_a_pause_is_kept_for_after_it() -> None:
    wall = FakeWall()
    scheduler = Scheduler()
    runner = PacedRunner(scheduler, wall)

    wall.advance(0.2)
    runner.pause()
    wall.advance(50.0)
    runner.resume()
    wall.advance(0.3)

    assert runner.tick() == pytest.approx(0.5)


def test_pause_and_resume_twice_are_harmless() -> None:
    wall = FakeWall()
    scheduler = Scheduler()
    runner = PacedRunner(scheduler, wall)

    runner.pause()
    runner.pause()
    wall.advance(5.0)
    runner.resume()
    runner.resume()
    wall.advance(1.0)

    assert runner.tick() == pytest.approx(1.0)


def test_single_step_runs_exactly_the_next_item_even_when_paused() -> None:
    wall = FakeWall()
    scheduler, ran = _busy_scheduler(every=2.0, until=6.0)
    runner = PacedRunner(scheduler, wall)
    runner.pause()

    assert runner.single_step() is True
    assert ran == [2.0]
    assert scheduler.now == 2.0
    assert runner.single_step() is True
    assert runner.single_step() is True
    assert ran == [2.0, 4.0, 6.0]
    assert runner.single_step() is False
    assert runner.paused


def test_single_step_while_running_and_ticks_carry_on_from_there() -> None:
    wall = FakeWall()
    scheduler, ran = _busy_scheduler(every=2.0, until=10.0)
    runner = PacedRunner(scheduler, wall)

    runner.single_step()
    wall.advance(2.0)

    assert runner.tick() == pytest.approx(2.0)
    assert ran == [2.0, 4.0]


def test_changing_speed_keeps_the_time_earned_at_the_old_speed() -> None:
    wall = FakeWall()
    scheduler = Scheduler()
    runner = PacedRunner(scheduler, wall, speed=1.0)

    wall.advance(1.0)
    runner.speed = 10.0
    wall.advance(1.0)

    assert runner.tick() == pytest.approx(11.0)
    assert runner.speed == 10.0


@pytest.mark.parametrize("speed", [MIN_SPEED, 1, 3.5, MAX_SPEED])
def test_speeds_within_the_range_are_accepted(speed: float) -> None:
    wall = FakeWall()
    scheduler = Scheduler()
    runner = PacedRunner(scheduler, wall, speed=speed)
    wall.advance(2.0)

    assert runner.tick() == pytest.approx(2.0 * speed)


@pytest.mark.parametrize("speed", [0.0, 0.24, 100.5, -1.0, math.nan, math.inf])
def test_a_speed_outside_the_range_is_refused_naming_it(speed: float) -> None:
    with pytest.raises(ValueError, match=r"within \[0\.25, 100\]"):
        PacedRunner(Scheduler(), FakeWall(), speed=speed)
    runner = PacedRunner(Scheduler(), FakeWall(), speed=2.0)
    with pytest.raises(ValueError, match=r"within \[0\.25, 100\]"):
        runner.speed = speed
    assert runner.speed == 2.0


def test_a_wall_clock_going_backwards_advances_nothing() -> None:
    wall = FakeWall()
    scheduler = Scheduler()
    runner = PacedRunner(scheduler, wall)

    wall.advance(-10.0)
    assert runner.tick() == 0.0
    wall.advance(1.0)
    assert runner.tick() == pytest.approx(1.0)


class RecordingTarget:
    """A steppable fake that only records what it was asked."""

    def __init__(self) -> None:
        self.now = 0.0
        self.calls: list[tuple[str, float]] = []

    def peek(self) -> float:
        return math.inf

    def step(self) -> bool:
        self.calls.append(("step", self.now))
        return False

    def run_until(self, until: float) -> int:
        self.calls.append(("run_until", until))
        self.now = until
        return 0


def test_a_tick_asks_the_target_to_run_until_now_plus_the_advance() -> None:
    wall = FakeWall()
    target = RecordingTarget()
    target.now = 5.0
    runner = PacedRunner(target, wall, speed=0.5)

    assert runner.tick() == 0.0
    wall.advance(4.0)
    runner.tick()
    runner.pause()
    runner.single_step()

    assert target.calls == [("run_until", 7.0), ("step", 7.0)]


def test_the_runner_reads_only_the_injected_clock_and_never_sleeps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def forbidden(*_: object) -> float:
        raise AssertionError("a real clock was read")

    for name in ("time", "monotonic", "perf_counter", "sleep", "time_ns"):
        monkeypatch.setattr(time, name, forbidden)
    wall = FakeWall()
    scheduler, ran = _busy_scheduler()
    runner = PacedRunner(scheduler, wall, speed=100.0)

    for _ in range(5):
        wall.advance(0.016)
        runner.tick()
    runner.pause()
    runner.single_step()
    runner.resume()
    runner.speed = 0.25
    wall.advance(1.0)
    runner.tick(max_sim_advance=1.0)

    assert wall.reads > 0
    assert 15 <= len(ran) <= 18
