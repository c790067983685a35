"""T16: pending, stray and foreign WALs, and fuzzed file contents.

A crash image (file plus ``-wal``) must open with every committed event; a
WAL copied from another session must be refused rather than replayed; random
or randomly damaged contents may only ever raise DDD Sim's typed errors.
"""

from __future__ import annotations

import random
import shutil
import time
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.shared.errors import CorruptStore, StoreError
from ddd_sim.shared.events import NewEvent
from ddd_sim.shared.ports import EventStore
from tests.reliability._hostile import (
    MAGIC,
    digest,
    refuse,
    side_files,
)


def _crash_image(live: Path, image: Path) -> Path:
    """Copy an open store's file and WAL (no -shm): what a kill -9 leaves on disk."""
    image.parent.mkdir()
    shutil.copy(live, image)
    shutil.copy(f"{live}-wal", f"{image}-wal")
    return image


def _grow(path: Path, events: int) -> tuple[EventStore, list[uuid.UUID]]:
    """An open store with ``events`` 2 kB events appended, most still in its WAL."""
    store = open_store(path)
    ids = [uuid.uuid4() for _ in range(events)]
    for start in range(0, events, 10):
        batch = [
            NewEvent(event_id=i, type="Grown", payload={"pad": "g" * 2000})
            for i in ids[start : start + 10]
        ]
        store.append("grown", batch)
    return store, ids


def test_a_crash_image_with_a_pending_wal_opens_with_every_event(
    session: Path, tmp_path: Path
) -> None:
    store, ids = _grow(session, 300)
    image = _crash_image(session, tmp_path / "image" / "session.db")
    store.close()
    # the WAL holds pages far beyond the main file's end; that is not truncation
    assert Path(f"{image}-wal").stat().st_size > 2 * image.stat().st_size
    reopened = open_store(image)
    try:
        events = list(reopened.read_all())
        assert len(events) == 540
        assert [e.event_id for e in events[240:]] == ids
    finally:
        reopened.close()
    assert side_files(image) == []  # recovered, checkpointed, tidied


def test_a_wal_from_another_session_is_refused(session: Path, tmp_path: Path) -> None:
    other, _ = _grow(tmp_path / "other.db", 30)
    wal = Path(f"{session}-wal")
    shutil.copy(f"{tmp_path / 'other.db'}-wal", wal)
    other.close()
    wal_before = digest(wal)
    refuse(session, CorruptStore, "does not belong", "session.db-wal", allow_shm=True)
    assert digest(wal) == wal_before
    wal.rename(tmp_path / "set-aside-wal")
    Path(f"{session}-shm").unlink()
    store = open_store(session)  # as last saved
    try:
        assert len(list(store.read_all())) == 240
    finally:
        store.close()


def test_a_wal_of_random_bytes_is_ignored(session: Path) -> None:
    Path(f"{session}-wal").write_bytes(random.Random(3).randbytes(40000))
    before = digest(session)
    store = open_store(session)
    try:
        assert len(list(store.read_all())) == 240
    finally:
        store.close()
    assert digest(session) == before
    assert side_files(session) == []


def _read_everything(store: EventStore) -> None:
    list(store.read_all())
    for info in store.streams():
        store.read_stream(info.stream_id)
    store.load_snapshot("order-1")
    store.documents("orders")


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _fuzz_file(fuzz_dir: Path, content: bytes) -> Path:
    for stale in fuzz_dir.iterdir():
        stale.unlink()
    path = fuzz_dir / "fuzz.db"
    path.write_bytes(content)
    return path


@settings(max_examples=200, deadline=None)
@given(
    content=st.one_of(
        st.binary(max_size=8192),
        st.binary(max_size=8192).map(lambda body: MAGIC + body),
        st.binary(min_size=84, max_size=8192).map(
            lambda body: MAGIC + b"\x10\0" + body
        ),
    )
)
def test_random_contents_only_raise_typed_errors(
    fuzz_dir: Path, content: bytes
) -> None:
    path = _fuzz_file(fuzz_dir, content)
    started = time.perf_counter()
    with pytest.raises(StoreError):
        open_store(path)
    assert time.perf_counter() - started < 2.0
    assert path.read_bytes() == content
    assert side_files(path) == []


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    writes=st.lists(
        st.tuples(st.integers(0, 2**31), st.integers(0, 255)), min_size=1, max_size=8
    ),
    near_front=st.booleans(),
)
@example(writes=[(699785951, 128)], near_front=False)  # damage found on read only
def test_a_randomly_damaged_store_only_raises_typed_errors(
    fuzz_dir: Path, pristine: Path, writes: list[tuple[int, int]], near_front: bool
) -> None:
    damaged = bytearray(pristine.read_bytes())
    span = 4096 if near_front else len(damaged)
    for offset, value in writes:
        damaged[offset % span] = value
    path = _fuzz_file(fuzz_dir, bytes(damaged))
    started = time.perf_counter()
    try:
        store = open_store(path)
    except StoreError:
        if path.read_bytes() != damaged:
            pytest.fail("a refused file was modified")
        assert side_files(path) == []
        assert time.perf_counter() - started < 2.0
        return
    try:
        _read_everything(store)  # not every byte matters; damage that does is named
    except StoreError:
        pass
    finally:
        store.close()
    # opened (so its -wal/-shm may stay), but never written to
    assert path.read_bytes() == damaged
