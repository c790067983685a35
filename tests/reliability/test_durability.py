"""T4: kill -9 never loses an acknowledged batch, half-writes one, or damages the file.

A child process (``_append_child.py``) appends planned batches to one SQLite
file and acknowledges each after its commit returns; the parent SIGKILLs it
at seeded random moments, reopens the file and checks it, then lets a new
child resume on the same file.  ``DDD_SIM_KILLS`` sets the number of kills
(default 20) and ``DDD_SIM_SEED`` the seed, to rerun a failure exactly.
"""

from __future__ import annotations

import contextlib
import functools
import os
import random
import selectors
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.shared.events import NewEvent
from tests.reliability._append_child import CHECKPOINT, STREAMS, Batch, payload
from tests.reliability._append_child import plan as _plan

KILLS = int(os.environ.get("DDD_SIM_KILLS", "20"))
SEED = int(os.environ.get("DDD_SIM_SEED", "4004"))
CHILD = Path(__file__).with_name("_append_child.py")
plan: Callable[[int, int], Batch] = functools.cache(_plan)
DEADLINE = 20.0
"""Seconds a child may take to reach the moment it is to be killed."""


@dataclass
class Run:
    """What the parent knows: the last batch proven committed, and its own probes."""

    path: Path
    seed: int
    committed: int = -1
    probes: list[uuid.UUID] = field(default_factory=list, repr=False)
    acks: int = 0
    unacked_commits: int = 0
    recoveries: int = 0


class Child:
    """A running ``_append_child.py`` whose ``START``/``ACK`` lines we read."""

    def __init__(self, run: Run, stderr: Path, wal_pages: int) -> None:
        self._seed = run.seed
        self._stderr_path = stderr
        self._stderr = open(stderr, "ab")  # noqa: SIM115 - closed in kill()
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(run.path), str(run.seed), str(wal_pages)],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )
        assert self.proc.stdout is not None
        self._fd = self.proc.stdout.fileno()
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._fd, selectors.EVENT_READ)
        self._buffer = b""
        self.start: int | None = None
        self.acked: list[int] = []

    def _take_lines(self, chunk: bytes) -> None:
        self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            word, number, *ids = line.decode().split()
            if word == "START":
                self.start = int(number)
            else:
                assert word == "ACK", line
                self.acked.append(int(number))
                assert [uuid.UUID(i) for i in ids] == plan(self._seed, int(number)).ids

    def wait_for_acks(self, count: int) -> None:
        """Read lines until ``count`` ACKs have arrived; fail if the child dies."""
        deadline = time.monotonic() + DEADLINE
        while len(self.acked) < count:
            left = deadline - time.monotonic()
            assert left > 0, f"child made no progress (seed {SEED})"
            if self._selector.select(left):
                chunk = os.read(self._fd, 65536)
                if not chunk:
                    self.proc.wait()
                    pytest.fail(f"child died:\n{self._stderr_path.read_text()}")
                self._take_lines(chunk)

    def kill(self) -> None:
        """SIGKILL, then read what it wrote before dying (a torn line is no ACK)."""
        self.proc.send_signal(signal.SIGKILL)  # a no-op if it already died
        self.proc.wait()
        while chunk := os.read(self._fd, 65536):
            self._take_lines(chunk)
        self._selector.close()
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        self._stderr.close()


def _expected_order(run: Run, last: int) -> list[uuid.UUID]:
    return [event_id for n in range(last + 1) for event_id in plan(run.seed, n).ids]


def verify(run: Run, path: Path, floor: int, *, probe: bool) -> int:
    """Check every invariant of a reopened file; return its last committed batch."""
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        run.recoveries += 1
    store = open_store(path)
    try:
        events = list(store.read_all())  # verifies every checksum
        assert [e.global_position for e in events] == list(range(1, len(events) + 1))
        assert store.head_position() == len(events)
        mine = [e for e in events if e.stream_id.startswith("c-")]
        last = mine[-1].payload["batch"] if mine else -1
        assert floor <= last <= floor + 1, (
            f"seed {SEED}: last committed batch {last}, acknowledged up to {floor}"
        )
        # all-or-nothing batches, commit order, nothing lost, no phantoms:
        assert [e.event_id for e in mine] == _expected_order(run, last), (
            f"seed {SEED}: the log is not batches 0..{last}, whole and in order"
        )
        for e in mine:
            batch = plan(run.seed, e.payload["batch"])
            assert e.payload == payload(batch, e.payload["index"])
        for stream in (*STREAMS, "probe"):
            in_log = [e for e in events if e.stream_id == stream]
            assert [e.stream_version for e in in_log] == list(range(1, len(in_log) + 1))
            assert store.read_stream(stream) == in_log
            assert store.stream_version(stream) == len(in_log)
        assert [e.event_id for e in events if e.stream_id == "probe"] == run.probes
        groups = [n for n in range(last + 1) if plan(run.seed, n).group]
        assert store.checkpoint(CHECKPOINT) == (groups[-1] + 1 if groups else 0)
        with contextlib.closing(sqlite3.connect(path)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        if probe:  # the recovered store takes writes again
            new = [uuid.uuid4(), uuid.uuid4()]
            result = store.append(
                "probe",
                [NewEvent(event_id=i, type="Probe", payload={}) for i in new],
                expected_version=len(run.probes),
            )
            assert result.written
            assert result.first_position == len(events) + 1
            run.probes += new
    finally:
        store.close()
    return int(last)


def _kill_round(run: Run, rng: random.Random, stderr: Path) -> int:
    """Start a child, kill it at a seeded moment; return the highest batch ACKed."""
    child = Child(run, stderr, wal_pages=rng.choice([0, 0, 8]))
    try:
        if rng.random() < 0.15:  # during start-up: import, open, WAL recovery
            time.sleep(rng.uniform(0.0, 0.4))
        else:
            child.wait_for_acks(rng.randint(1, 25))
            time.sleep(rng.choice([0.0, rng.uniform(0.0, 0.003)]))
    finally:
        child.kill()
    if child.proc.returncode != -signal.SIGKILL:
        pytest.fail(f"child failed by itself:\n{stderr.read_text()}")
    if child.start is not None:
        assert child.start == run.committed + 1, f"child resumed wrongly (seed {SEED})"
    run.acks += len(child.acked)
    return max(child.acked, default=run.committed)


@pytest.mark.slow
def test_acknowledged_batches_survive_kill_9(tmp_path: Path) -> None:
    run = Run(path=tmp_path / "session.db", seed=SEED)
    rng = random.Random(SEED)
    for kill in range(KILLS):
        floor = _kill_round(run, rng, tmp_path / "child-stderr.txt")
        if not run.path.exists():  # killed while creating the file
            assert floor == -1
            continue
        if rng.random() < 0.3:
            # check a copy of the crashed state; the next child recovers the original
            copy = tmp_path / f"copy-{kill}" / "session.db"
            copy.parent.mkdir()
            shutil.copy(run.path, copy)
            if Path(f"{run.path}-wal").exists():
                shutil.copy(f"{run.path}-wal", f"{copy}-wal")
            probes = list(run.probes)
            last = verify(run, copy, floor, probe=True)
            run.probes = probes
        else:
            last = verify(run, run.path, floor, probe=True)
        run.unacked_commits += last - floor
        run.committed = last
    verify(run, run.path, run.committed, probe=False)
    # not vacuous: real work was acknowledged, and crashed WALs were recovered
    assert run.acks >= KILLS, run
    assert run.recoveries >= KILLS // 4, run
