"""Shared pieces of the hostile-file tests: a pristine store and the refusal check."""

from __future__ import annotations

import hashlib
import random
import time
import uuid
from pathlib import Path

import pytest

from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.shared.errors import StoreError
from ddd_sim.shared.events import NewEvent, Snapshot

MAGIC = b"SQLite format 3\x00"
STREAMS = ("order-1", "order-2", "stock-1", "stock-2")


def marker(i: int) -> str:
    """The unique text in event ``i``'s payload."""
    return f"MARKER-{i:05d}-END"


def build_pristine(path: Path) -> Path:
    """A closed store of 240 events over 4 streams, a snapshot and a document.

    Event ``i`` (position ``i + 1``) carries :func:`marker` ``(i)``; event 123
    alone has the type ``OddOneOutHappened``.
    """
    rng = random.Random(7)
    store = open_store(path)
    for i in range(240):
        pad = rng.randbytes(rng.randrange(0, 400)).hex()
        kind = "OddOneOutHappened" if i == 123 else "Tick"
        event = NewEvent(
            event_id=uuid.uuid4(), type=kind, payload={"m": marker(i), "pad": pad}
        )
        store.append(STREAMS[i % 4], [event])
    with store.transaction() as tx:
        tx.save_snapshot(
            Snapshot(
                stream_id="order-1", aggregate_type="Order", version=3, state={"n": 3}
            )
        )
        tx.put_document("orders", "order-1", {"lines": 3})
    store.close()
    assert not Path(f"{path}-wal").exists()
    return path


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def side_files(path: Path) -> list[str]:
    """Names of the ``-wal``/``-shm``/``-journal`` files beside ``path``."""
    return sorted(p.name for p in path.parent.glob(f"{path.name}-*"))


def refuse(
    path: Path, kind: type[StoreError], *words: str, allow_shm: bool = False
) -> StoreError:
    """Opening raises exactly ``kind`` in < 2 s, naming file and problem; no writes."""
    before = digest(path) if path.is_file() else None
    started = time.perf_counter()
    with pytest.raises(StoreError) as caught:
        open_store(path)
    elapsed = time.perf_counter() - started
    error = caught.value
    assert type(error) is kind, f"{type(error).__name__}: {error}"
    assert str(path) in str(error)
    for word in words:
        assert word in str(error).lower(), str(error)
    assert elapsed < 2.0
    if before is not None:
        assert digest(path) == before
    assert side_files(path) == (
        [f"{path.name}-shm", f"{path.name}-wal"] if allow_shm else []
    )
    return error
