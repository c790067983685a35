"""T1: writers racing on one stream lose no update and only see WrongExpectedVersion.

Each writer loops: read the stream's version ``v``, append one event that
records ``v`` with ``expected_version=v``, retry on WrongExpectedVersion.  If
the store ever let a stale append through, some event's recorded ``v`` would
not be its own version minus one.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.shared.errors import WrongExpectedVersion
from ddd_sim.shared.events import NewEvent
from ddd_sim.shared.ports import EventStore

STREAM = "counter-1"
THREADS = 8
K = 25


def increment(store: EventStore, writer: str, landed: int) -> bool:
    """One optimistic attempt; False when another writer got there first."""
    seen = store.stream_version(STREAM)
    time.sleep(0)  # let another writer in between the read and the append
    event = NewEvent(
        event_id=uuid.uuid4(),
        type="Incremented",
        payload={"writer": writer, "seq": landed, "seen": seen},
    )
    try:
        store.append(STREAM, [event], expected_version=seen)
    except WrongExpectedVersion:
        return False
    return True


def write_until_landed(store: EventStore, writer: str, k: int) -> int:
    """Append ``k`` events through retries; returns how many attempts lost a race."""
    landed = conflicts = 0
    while landed < k:
        if increment(store, writer, landed):
            landed += 1
        else:
            conflicts += 1
    return conflicts


def assert_no_lost_update(store: EventStore, writers: list[str], k: int) -> None:
    events = store.read_stream(STREAM)
    n = len(writers) * k
    assert [e.stream_version for e in events] == list(range(1, n + 1))
    assert [e.payload["seen"] for e in events] == list(range(n))
    for writer in writers:
        mine = [e.payload["seq"] for e in events if e.payload["writer"] == writer]
        assert mine == list(range(k))
    assert store.head_position() == n


def run_threads(open_for: Callable[[int], EventStore], close: bool) -> list[str]:
    """Run THREADS writers from one barrier; none may fail, hang or never race."""
    start = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    conflicts: list[int] = []

    def work(n: int) -> None:
        store = open_for(n)
        try:
            start.wait()
            conflicts.append(write_until_landed(store, f"t{n}", K))
        except BaseException as exc:
            errors.append(exc)
        finally:
            if close:
                store.close()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    assert errors == []
    assert sum(conflicts) > 0, "the writers never raced; the test proved nothing"
    return [f"t{n}" for n in range(THREADS)]


def test_threads_sharing_one_store(store: EventStore) -> None:
    writers = run_threads(lambda _: store, close=False)
    assert_no_lost_update(store, writers, K)


def test_threads_with_their_own_sqlite_connections(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    open_store(path).close()  # create the file once, before the race
    writers = run_threads(lambda _: open_store(path), close=True)
    store = open_store(path)
    try:
        assert_no_lost_update(store, writers, K)
    finally:
        store.close()


def _process_writer(url: str, start: Any, k: int, results: Any) -> None:
    """Runs in a spawned process: its own store on the shared schema."""
    name = f"p{multiprocessing.current_process().pid}"
    try:
        store = open_store(url)
        try:
            start.wait(timeout=60)
            results.put((name, write_until_landed(store, name, k), None))
        finally:
            store.close()
    except BaseException as exc:
        results.put((name, 0, f"{type(exc).__name__}: {exc}"))


@pytest.mark.postgres
def test_processes_on_postgres(pg_url: str) -> None:
    open_store(pg_url).close()  # create the schema before the race
    ctx = multiprocessing.get_context("spawn")
    processes_n = 4
    start = ctx.Barrier(processes_n)
    results = ctx.Queue()
    processes = [
        ctx.Process(target=_process_writer, args=(pg_url, start, K, results))
        for _ in range(processes_n)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert all(p.exitcode == 0 for p in processes)
    assert [error for _, _, error in outcomes if error] == []
    assert sum(conflicts for _, conflicts, _ in outcomes) > 0
    store = open_store(pg_url)
    try:
        assert_no_lost_update(store, [name for name, _, _ in outcomes], K)
    finally:
        store.close()
