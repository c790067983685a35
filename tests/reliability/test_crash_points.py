"""A crash at each named point in the processes, then ``resume``: consistent.

``SIM_CRASH_AT=<point>:<n>`` makes the run kill itself (exit 137) the n-th
time it passes a point: before a step's call, after the call came back but
before its outcome was recorded, in the middle of a compensation, after a
process manager's timer fired.  Payment is slow, so a charge and the record
of its reply land in different commits, and shipping is down for a while, so
compensations run.  After each crash ``ddd-sim resume`` must finish the run
with every invariant holding.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.simulation.support import small_scenario

FAULTS = """
[[faults]]
target = "payment"
kind = "latency"
mean_ms = 300
jitter_ms = 100
from = 0.0

[[faults]]
target = "shipping"
kind = "down"
from = 6.0
until = 14.0

[resilience]
max_attempts = 2
failure_threshold = 1000
"""

POINTS = [
    ("orchestrated", "saga.before_call", 7),
    ("orchestrated", "saga.after_call", 5),
    ("orchestrated", "saga.after_call", 40),
    ("orchestrated", "saga.mid_compensation", 3),
    ("orchestrated", "saga.mid_compensation", 8),
    ("choreographed", "choreography.before_call", 9),
    ("choreographed", "choreography.after_call", 12),
    ("choreographed", "choreography.mid_compensation", 4),
    ("process_manager", "pm.before_call", 11),
    ("process_manager", "pm.after_timer_fired", 2),
]

PM = """
[process_manager]
payment_timeout = 1.0
inventory_timeout = 5.0
retry_delay = 1.0
"""


def _cli(*args: str, crash: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("SIM_CRASH_AT", None)
    if crash:
        env["SIM_CRASH_AT"] = crash
    return subprocess.run(
        [sys.executable, "-m", "ddd_sim", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize(("saga", "point", "nth"), POINTS)
def test_a_crash_at_a_point_then_resume_ends_consistent(
    tmp_path: Path, saga: str, point: str, nth: int
) -> None:
    scenario = tmp_path / "crash.toml"
    extra = FAULTS + (PM if saga == "process_manager" else "")
    scenario.write_text(small_scenario(saga=saga, duration=20.0, rate=3.0, extra=extra))
    db = tmp_path / "crash.db"
    crashed = _cli(
        "run", str(scenario), "--db", str(db), "--fast", crash=f"{point}:{nth}"
    )
    assert crashed.returncode == 137, crashed.stderr  # the point was reached
    resumed = _cli("resume", "--db", str(db), "--fast", "--json")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["ok"], summary.get("invariant_failures")
    assert summary["drained"]
    assert summary["sagas"]["in_flight"] == 0
