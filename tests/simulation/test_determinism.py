"""The same scenario and seed give the same log, byte for byte; the core never
reads a wall clock or the global random generator while a run goes on."""

from __future__ import annotations

import datetime
import random
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ddd_sim.runtime.simulation.summary import log_digest
from tests.simulation.support import run_text, small_scenario

FAULTS = """
[[faults]]
target = "payment"
kind = "error_rate"
probability = 0.3
from = 2.0
until = 6.0

[[faults]]
target = "inventory"
kind = "duplicate"
probability = 0.5
from = 1.0

[[faults]]
target = "shipping"
kind = "latency"
mean_ms = 400
jitter_ms = 200
from = 3.0
until = 8.0
"""


def _digest(tmp_path: Path, name: str, **options: Any) -> str:
    sim = run_text(tmp_path / f"{name}.db", small_scenario(extra=FAULTS, **options))
    try:
        return log_digest(sim.store)
    finally:
        sim.store.close()


def test_same_seed_gives_a_byte_identical_log(tmp_path: Path) -> None:
    assert _digest(tmp_path, "a", seed=11) == _digest(tmp_path, "b", seed=11)


def test_another_seed_gives_another_log(tmp_path: Path) -> None:
    assert _digest(tmp_path, "a", seed=11) != _digest(tmp_path, "b", seed=12)


CORE = (
    "ddd_sim.shared",
    "ddd_sim.sim",
    "ddd_sim.contexts",
    "ddd_sim.processes",
    "ddd_sim.runtime",
    "ddd_sim.integration",
)


class WallClockRead(AssertionError):
    """The core read a wall clock or the global random generator."""


def _caller_is_core() -> str | None:
    frame = sys._getframe(2)
    name = frame.f_globals.get("__name__", "")
    return name if name.startswith(CORE) else None


def _guard(original: Any, what: str) -> Any:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        caller = _caller_is_core()
        if caller is not None:
            raise WallClockRead(f"{caller} called {what} during a simulation run")
        return original(*args, **kwargs)

    return guarded


class _GuardedDatetime(datetime.datetime):
    @classmethod
    def now(cls, tz: Any = None) -> Any:  # type: ignore[override]
        caller = _caller_is_core()
        if caller is not None:
            raise WallClockRead(f"{caller} called datetime.now during a run")
        return super().now(tz)


def test_a_run_never_reads_the_wall_clock_or_global_random(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("time", "monotonic", "perf_counter", "time_ns"):
        monkeypatch.setattr(time, name, _guard(getattr(time, name), f"time.{name}"))
    for name in (
        "random",
        "randint",
        "choice",
        "uniform",
        "shuffle",
        "sample",
        "getrandbits",
        "expovariate",
        "gauss",
    ):
        monkeypatch.setattr(
            random, name, _guard(getattr(random, name), f"random.{name}")
        )
    monkeypatch.setattr(datetime, "datetime", _GuardedDatetime)
    sim = run_text(tmp_path / "guarded.db", small_scenario(extra=FAULTS, seed=5))
    try:
        assert sim.phase == "done"
        assert sim.store.head_position() > 100
    finally:
        sim.store.close()
