"""kill -9 during ``ddd-sim run`` (and during its resumes): ``resume`` finishes.

A scenario with faults runs in a child process that is killed with SIGKILL at
a seeded moment; the resume that follows is killed again, and so on, until a
last resume runs to the end.  Just before each kill the parent reads what the
store has committed: everything it saw must still be there, unchanged, after
the resumes (nothing acknowledged is lost), and the finished run must hold
every invariant.  ``DDD_SIM_RUN_KILLS`` sets the number of kills (default 20).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from ddd_sim.bootstrap import build_registry
from ddd_sim.infrastructure.eventstore.factory import open_store
from tests.simulation.support import small_scenario

KILLS = int(os.environ.get("DDD_SIM_RUN_KILLS", "20"))
PER_RUN = 5

FAULTS = """
[[faults]]
target = "payment"
kind = "no_reply"
probability = 0.3
from = 5.0
until = 25.0

[[faults]]
target = "sales"
kind = "crash"
from = 12.0
restart_after = 2.0

[[faults]]
target = "shipping"
kind = "down"
from = 18.0
until = 24.0
"""


def _committed(path: Path) -> list[tuple[int, str, str]]:
    store = open_store(str(path), upcasters=build_registry().upcasters)
    try:
        return [
            (e.global_position, str(e.event_id), e.type)
            for e in store.read_all(raw=True)
        ]
    finally:
        store.close()


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "ddd_sim", *args]


def _start_and_kill(command: list[str], delay: float, out: Path, log: Path) -> bool:
    """Run a command, SIGKILL it after ``delay`` s; False if it finished first."""
    with out.open("w") as output, log.open("a") as errors:
        child = subprocess.Popen(command, stdout=output, stderr=errors)
        try:
            child.wait(timeout=delay)
            return False
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
            return True


@pytest.mark.slow
def test_resume_finishes_every_killed_run(tmp_path: Path) -> None:
    rng = random.Random(4_2026)
    scenario = tmp_path / "killed.toml"
    scenario.write_text(small_scenario(duration=60.0, rate=6.0, extra=FAULTS))
    kills = 0
    run = 0
    while kills < KILLS:
        run += 1
        db, out, log = (tmp_path / f"run{run}.{x}" for x in ("db", "json", "log"))
        command = _cli("run", str(scenario), "--db", str(db), "--fast", "--json")
        acknowledged: list[tuple[int, str, str]] = []
        finished = False
        for attempt in range(PER_RUN):
            if kills >= KILLS:
                break
            # the first child also pays for the interpreter's start-up
            delay = rng.uniform(1.2, 4.5) if attempt == 0 else rng.uniform(0.8, 3.5)
            killed = _start_and_kill(command, delay, out, log)
            seen = _committed(db)
            assert seen[: len(acknowledged)] == acknowledged, "a commit was lost"
            if not killed:
                finished = True
                break
            kills += 1
            acknowledged = seen
            if seen:  # killed before its first commit: nothing to resume yet
                command = _cli("resume", "--db", str(db), "--fast", "--json")
        if not finished:
            result = subprocess.run(
                command, capture_output=True, text=True, timeout=300
            )
            out.write_text(result.stdout)
            assert result.returncode == 0, result.stderr + log.read_text()
            assert _committed(db)[: len(acknowledged)] == acknowledged
        summary = json.loads(out.read_text())
        assert summary["ok"], summary
        assert summary["sagas"]["in_flight"] == 0
        assert summary["orders"]["placed"] > 0
    assert kills >= KILLS
