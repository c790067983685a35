"""kill -9 while the shop runs: nothing acknowledged is lost, read models stay exact.

A child process runs orders through the real shop (commands and projection
batches interleaved) and is killed at a random moment, several times over
one session file.  After each kill the parent reopens the file and checks
that every acknowledged command's events are there, then lets the
projections catch up from their checkpoints and checks each one equals a
fresh fold of the whole log: a batch is either entirely applied with its
checkpoint or not at all, so nothing is skipped and nothing applied twice.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ddd_sim.bootstrap import bootstrap
from ddd_sim.runtime.clock import ManualClock

CHILD = Path(__file__).with_name("_shop_child.py")
KILLS = int(os.environ.get("DDD_SIM_SHOP_KILLS", "5"))


def _run_and_kill(path: Path, rng: random.Random, stderr: Path) -> dict[str, int]:
    """Start a child, kill it after it has done some work; its acknowledgements."""
    with (
        stderr.open("w") as errors,
        subprocess.Popen(
            [sys.executable, str(CHILD), str(path)],
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        ) as child,
    ):
        assert child.stdout is not None
        acked: dict[str, int] = {}
        started = None
        while True:
            line = child.stdout.readline()
            if not line:
                break
            word, *rest = line.split()
            if word == "START":
                started = time.monotonic()
                budget = rng.uniform(0.2, 1.2)
            elif word == "ACK":
                acked[rest[0]] = int(rest[1])
            if started is not None and time.monotonic() - started > budget:
                child.send_signal(signal.SIGKILL)
                break
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL, stderr.read_text()
    return acked


@pytest.mark.slow
def test_the_shop_survives_kill_9_with_exact_read_models(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    rng = random.Random(20261126)
    total = 0
    for _ in range(KILLS):
        acked = _run_and_kill(path, rng, tmp_path / "child-stderr.txt")
        total += len(acked)
        app = bootstrap(str(path), clock=ManualClock())
        try:
            for stream, version in acked.items():
                assert app.store.stream_version(stream) >= version, stream
            checkpoints = {
                n: app.shop.projections.lag(n).checkpoint
                for n in app.shop.projections.names()
            }
            app.shop.catch_up()
            for name in app.shop.projections.names():
                assert app.shop.projections.rejections(name) == []
                report = app.shop.projections.rebuild(name)
                assert report.diff.is_empty, (name, checkpoints[name], report.diff)
        finally:
            app.close()
    print(f"{KILLS} kills, {total} acknowledged commands")
    assert total >= KILLS * 5  # real work was acknowledged before the kills
