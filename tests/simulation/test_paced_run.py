"""The GUI's paced layer over a run: speed, pause, single steps, same result."""

from __future__ import annotations

from pathlib import Path

from ddd_sim.bootstrap import open_simulation, projection_names
from ddd_sim.runtime.simulation.driver import TickDriver
from ddd_sim.runtime.simulation.summary import log_digest
from ddd_sim.sim.pacing import PacedRunner
from ddd_sim.sim.scenario import parse_scenario
from tests.simulation.support import run_text, small_scenario

FAULTS = """
[[faults]]
target = "payment"
kind = "decline"
from = 3.0
until = 5.0
"""


class FakeWallClock:
    """Wall time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_paced_run_follows_the_wall_clock_and_ends_with_the_same_log(
    tmp_path: Path,
) -> None:
    text = small_scenario(extra=FAULTS)
    headless = run_text(tmp_path / "headless.db", text)
    expected = log_digest(headless.store)
    headless.store.close()

    scenario = parse_scenario(text, "test.toml", projections=projection_names())
    sim = open_simulation(str(tmp_path / "paced.db"), scenario)
    wall = FakeWallClock()
    runner = PacedRunner(TickDriver(sim), wall, speed=4.0)
    try:
        wall.now += 0.5
        advanced = runner.tick()
        assert 2.0 <= advanced <= 2.1  # 0.5 wall s at x4, up to the tick edge
        runner.pause()
        wall.now += 10.0
        assert runner.tick() == 0.0
        before = sim.scheduler.now
        assert runner.single_step()  # one committed tick, even while paused
        assert before < sim.scheduler.now <= before + 0.1 + 1e-9
        runner.resume()
        wall.now += 0.25
        runner.speed = 100.0
        wall.now += 1.0
        runner.tick()
        while sim.phase != "done":
            wall.now += 1.0
            runner.tick()
        assert log_digest(sim.store) == expected
    finally:
        sim.store.close()
