"""T16/T17: hostile, damaged and foreign files get a typed error and stay untouched.

Every refusal must be the specific :mod:`ddd_sim.shared.errors` type, name the
file and the problem, come within 2 s, leave the file's bytes as they were and
leave no ``-wal``/``-shm`` beside it.  A flip inside an event payload leaves a
structurally valid file, so it must be caught by the event's checksum on read.
"""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ddd_sim.infrastructure.eventstore import sqlite_file
from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.shared.errors import (
    CorruptStore,
    ForeignDatabase,
    NotAStoreFile,
    StoreError,
    StoreTooNew,
)
from tests.reliability._hostile import (
    MAGIC,
    digest,
    marker,
    refuse,
    side_files,
)


def _rewrite(path: Path, sql: str) -> Path:
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()
    assert side_files(path) == []
    return path


GARBAGE = {
    "zero-length": (b"", NotAStoreFile, "empty"),
    "random bytes": (random.Random(16).randbytes(65536), NotAStoreFile, "not a sqlite"),
    "text file": (b"order,qty\nA-1,3\n" * 500, NotAStoreFile, "not a sqlite"),
    "bare sqlite magic": (MAGIC + b"\0" * 20, CorruptStore, "truncated"),
    "sqlite magic, random body": (
        MAGIC + random.Random(17).randbytes(16384),
        CorruptStore,
        "damaged",
    ),
}


@pytest.mark.parametrize("case", GARBAGE, ids=list(GARBAGE))
def test_garbage_is_refused(case: str, tmp_path: Path) -> None:
    content, kind, word = GARBAGE[case]
    path = tmp_path / "garbage.db"
    path.write_bytes(content)
    refuse(path, kind, word)


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "looks-like-a.db"
    folder.mkdir()
    refuse(folder, NotAStoreFile, "folder")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    "page_aligned", [False, True], ids=["mid-page", "page-boundary"]
)
def test_a_store_truncated_at_half_is_refused(
    session: Path, page_aligned: bool
) -> None:
    data = session.read_bytes()
    cut = len(data) // 2 - (len(data) // 2 % 4096 if page_aligned else 0)
    session.write_bytes(data[:cut])
    refuse(session, CorruptStore, "truncated")


def _damage_page(data: bytes, seed: int) -> bytes:
    """Overwrite or bit-flip the b-tree header of a page in the file's middle third."""
    rng = random.Random(seed)
    page_size = int.from_bytes(data[16:18], "big")
    pages = len(data) // page_size
    start = rng.randrange(pages // 3, 2 * pages // 3) * page_size
    damaged = bytearray(data)
    if seed % 2:
        damaged[start : start + page_size] = rng.randbytes(page_size)
    else:
        for offset in rng.sample(range(8), rng.randint(1, 3)):
            damaged[start + offset] ^= 1 << rng.randrange(8)
    return bytes(damaged)


@pytest.mark.parametrize("check", ["integrity_check", "quick_check"])
@pytest.mark.parametrize("seed", range(8))
def test_page_damage_is_refused_on_open(
    session: Path, seed: int, check: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if check == "quick_check":
        monkeypatch.setattr(sqlite_file, "INTEGRITY_CHECK_LIMIT", 0)
    session.write_bytes(_damage_page(session.read_bytes(), seed))
    refuse(session, CorruptStore, "damaged")


def _flip_once(path: Path, needle: bytes, offset: int, new: bytes) -> None:
    data = path.read_bytes()
    assert data.count(needle) == 1
    at = data.index(needle) + offset
    path.write_bytes(data[:at] + new + data[at + 1 :])


def _integrity(path: Path) -> list[tuple[str]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


def test_a_flipped_payload_byte_fails_its_checksum_on_read(session: Path) -> None:
    _flip_once(session, marker(42).encode(), 11, b"7")  # still valid JSON
    assert _integrity(session) == [("ok",)]  # SQLite cannot see it; the checksum must
    before = digest(session)
    store = open_store(session)
    try:
        with pytest.raises(
            CorruptStore, match=r"position 43 \(stream 'stock-1' version 11\)"
        ):
            list(store.read_all())
        with pytest.raises(CorruptStore, match="checksum"):
            store.read_stream("stock-1")
        assert len(store.read_stream("order-1")) == 60  # the rest stays readable
    finally:
        store.close()
    assert digest(session) == before
    assert side_files(session) == []


def test_a_flipped_event_type_byte_is_detected(session: Path) -> None:
    _flip_once(session, b"OddOneOutHappened", 0, b"E")
    assert _integrity(session) == [("ok",)]
    store = open_store(session)
    try:
        with pytest.raises(CorruptStore, match=r"position \d+ .*fails its checksum"):
            list(store.read_all())
    finally:
        store.close()


def test_an_event_type_that_is_not_utf8_fails_as_corrupt(session: Path) -> None:
    _flip_once(session, b"OddOneOutHappened", 0, b"\xff")
    store = open_store(session)
    try:
        # SQLite refuses the text before any row reaches us: the column is named
        with pytest.raises(CorruptStore, match=r"damaged: .*UTF-8 column 'type'"):
            list(store.read_all())
    finally:
        store.close()


@pytest.mark.parametrize("app_id", [0, 0x12345678])
def test_another_applications_database_is_refused(tmp_path: Path, app_id: int) -> None:
    path = tmp_path / "notes.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA application_id={app_id}")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO notes (body) VALUES ('buy milk')")
    conn.commit()
    conn.close()
    error = refuse(path, ForeignDatabase, "another application", "notes")
    assert f"{app_id:#x}" in str(error)


def test_an_empty_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = _rewrite(tmp_path / "empty.db", "PRAGMA user_version=0")
    assert path.stat().st_size > 0
    refuse(path, ForeignDatabase, "empty sqlite database")


def test_a_store_from_a_newer_version_is_refused(session: Path) -> None:
    _rewrite(session, "PRAGMA user_version=7")
    refuse(session, StoreTooNew, "newer", "schema 7")


def test_a_store_from_an_unknown_older_schema_is_refused(session: Path) -> None:
    _rewrite(session, "PRAGMA user_version=0")
    refuse(session, StoreError, "schema 0", "cannot migrate")


def test_a_store_missing_a_table_is_refused(session: Path) -> None:
    _rewrite(session, "DROP TABLE snapshots")
    refuse(session, CorruptStore, "missing table", "snapshots")


def test_a_store_with_a_renamed_column_is_refused(session: Path) -> None:
    _rewrite(session, "ALTER TABLE events RENAME COLUMN causation_id TO caused_by")
    refuse(session, CorruptStore, "table events lacks column", "causation_id")


def test_a_store_that_lost_a_unique_key_is_refused(session: Path) -> None:
    conn = sqlite3.connect(session)
    (ddl,) = conn.execute(
        "SELECT sql FROM sqlite_master WHERE name = 'events'"
    ).fetchone()
    weakened = ddl.replace(", \n\tCONSTRAINT uq_events_event_id UNIQUE (event_id)", "")
    assert weakened != ddl
    conn.executescript(
        f"""{weakened.replace("events", "events_new", 1)};
        INSERT INTO events_new SELECT * FROM events;
        DROP TABLE events;
        ALTER TABLE events_new RENAME TO events;"""
    )
    conn.close()
    refuse(session, CorruptStore, "lost its unique key (event_id)")


def test_a_creation_killed_midway_leaves_nothing_that_lingers(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    leftover = tmp_path / f".s.db.creating-{int(dead.stdout)}"
    leftover.write_bytes(b"SQLite format 3\x00 half made")
    store = open_store(tmp_path / "s.db")
    store.close()
    assert not leftover.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.db"]
