"""Recognising a DDD Sim SQLite file before trusting it, and creating new ones.

Every check reads; none writes, and none leaves ``-wal``/``-shm`` files behind
beside a file it rejects.  A file that fails gets a typed error whose text
says what is wrong in words a user understands.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import struct
import urllib.parse
from pathlib import Path
from typing import Any

from sqlalchemy import PrimaryKeyConstraint, UniqueConstraint

from ddd_sim.infrastructure.eventstore.codec import row_checksum
from ddd_sim.infrastructure.eventstore.schema import (
    APPLICATION_ID,
    REQUIRED_TABLES,
    SCHEMA_VERSION,
    metadata,
)
from ddd_sim.shared.errors import (
    CorruptStore,
    ForeignDatabase,
    NotAStoreFile,
    StoreError,
    StoreTooNew,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
INTEGRITY_CHECK_LIMIT = 32 * 1024 * 1024
"""Files up to this size get a full ``PRAGMA integrity_check`` on open (it also
compares every index with its table, which ``quick_check`` skips)."""
QUICK_CHECK_LIMIT = 512 * 1024 * 1024
"""Files up to this size get at least ``PRAGMA quick_check`` on open."""
_WARM_CHUNK = 1024 * 1024
_CORRUPTION_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


def _side_file(path: Path, suffix: str) -> Path:
    return Path(f"{path}{suffix}")


def _wal_pending(path: Path) -> bool:
    try:
        return _side_file(path, "-wal").stat().st_size > 0
    except OSError:
        return False


def _read_only_uri(path: Path, *, main_only: bool = False) -> str:
    """A read-only URI; ``immutable`` when no journal is pending.

    A plain read-only connection to a WAL file creates ``-wal`` and ``-shm``
    beside it and cannot delete them again, so rejecting a file would litter
    the user's folder.  Without a ``-wal`` or ``-journal`` nothing is pending
    and no DDD Sim process has the file open, so reading it as immutable is
    exact and touches nothing.  With one, SQLite must see it to read the
    committed state (the file after a crash).
    """
    quoted = urllib.parse.quote(str(path))
    pending = any(_side_file(path, s).exists() for s in ("-wal", "-journal"))
    immutable = main_only or not pending
    return f"file:{quoted}?mode=ro" + ("&immutable=1" if immutable else "")


def classify_sqlite_error(path: Path, exc: sqlite3.Error) -> StoreError:
    """Damage as :class:`CorruptStore`; anything else (busy, I/O) as a StoreError.

    Also for readers of an open store: a damaged file can surface as
    ``malformed``, ``not a database`` or as text that is not UTF-8.
    """
    code = (getattr(exc, "sqlite_errorcode", None) or -1) & 0xFF
    text = str(exc)
    if code in _CORRUPTION_CODES or "malformed" in text or "decode to UTF-8" in text:
        return CorruptStore(f"{path} is damaged: {exc}")
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return StoreError(f"{path} is locked by another program: {exc}")
    return StoreError(f"cannot read {path}: {exc}")


def check_header(path: Path) -> None:
    """Reject what is plainly not ours from the file's first 100 bytes alone."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise StoreError(f"cannot open {path}: {exc.strerror}") from exc
    if stat.S_ISDIR(info.st_mode):
        raise NotAStoreFile(f"{path} is a folder, not a DDD Sim session file")
    if not stat.S_ISREG(info.st_mode):
        raise NotAStoreFile(
            f"{path} is not a regular file (a device, pipe or socket); "
            f"it is not a DDD Sim session"
        )
    if info.st_size == 0:
        raise NotAStoreFile(f"{path} is empty (0 bytes); it is not a DDD Sim session")
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror}") from exc
    if not header.startswith(SQLITE_MAGIC):
        raise NotAStoreFile(
            f"{path} is not a DDD Sim session: it is not a SQLite database at all"
        )
    if len(header) < 100:
        raise CorruptStore(f"{path} is truncated: only {len(header)} bytes of header")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise CorruptStore(
            f"{path} is damaged: its header gives an impossible page size ({page_size})"
        )
    if _wal_pending(path):
        return  # a crash left committed pages in the WAL; SQLite recovers them
    if info.st_size % page_size:
        raise CorruptStore(
            f"{path} is truncated or damaged: its {info.st_size} bytes are not a "
            f"whole number of {page_size}-byte pages"
        )
    page_count = int.from_bytes(header[28:32], "big")
    header_valid = page_count > 0 and header[92:96] == header[24:28]
    if header_valid and page_count * page_size > info.st_size:
        raise CorruptStore(
            f"{path} is truncated: it holds {info.st_size} bytes of the "
            f"{page_count * page_size} its header promises"
        )


def _warm_cache(path: Path, size: int) -> None:
    """Read the file front to back once so the structure check finds it in memory.

    The checks walk b-trees page by page; on a cold cache that is random I/O
    (measured: 1.4 s for 120 MB) while one sequential read costs 0.1-0.2 s.
    """
    with contextlib.suppress(OSError), open(path, "rb", buffering=0) as handle:
        buffer = bytearray(_WARM_CHUNK)
        remaining = size
        while remaining > 0 and handle.readinto(buffer):
            remaining -= _WARM_CHUNK


def _check_structure(conn: sqlite3.Connection, path: Path) -> None:
    """``integrity_check`` for small files, ``quick_check`` for large, none for huge."""
    size = os.stat(path).st_size
    wal = _side_file(path, "-wal")
    with contextlib.suppress(OSError):
        size += wal.stat().st_size
    if size > QUICK_CHECK_LIMIT:
        return
    _warm_cache(path, size)
    pragma = "integrity_check" if size <= INTEGRITY_CHECK_LIMIT else "quick_check"
    problems = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}(5)")]
    if problems != ["ok"]:
        raise CorruptStore(f"{path} is damaged: {'; '.join(problems)}")


_LAST_EVENT = (
    "SELECT global_position, event_id, stream_id, version, type, schema_version, "
    "payload, checksum, correlation_id, causation_id, sim_time, recorded_at "
    "FROM events ORDER BY global_position DESC LIMIT 1"
)


def _verifies(row: tuple[Any, ...]) -> bool:
    """True when a raw row (text read as bytes) matches its whole-row checksum."""
    pos, eid, sid, ver, typ, sv, payload, digest, corr, caus, sim, rec = row
    try:
        expected = row_checksum(
            pos, eid, sid.decode(), ver, typ.decode(), sv, payload,
            corr, caus, sim, rec,
        )  # fmt: skip
    except (AttributeError, TypeError, ValueError, struct.error):
        return False
    return bool(expected == digest)


def _check_wal_extends_file(conn: sqlite3.Connection, path: Path) -> None:
    """A pending WAL must continue the log beside it, not replace it.

    SQLite replays any well-formed ``-wal`` it finds, even one copied from
    another session, and would silently swap in that session's pages.  The
    log is append-only, so the main file's last event must still be there,
    unchanged, once the WAL is applied.  When the main file alone cannot be
    read (a crash mid-checkpoint leaves it half-updated) or its last row does
    not verify, there is nothing trustworthy to compare, and the WAL stands.
    """
    try:
        main = sqlite3.connect(_read_only_uri(path, main_only=True), uri=True)
    except sqlite3.Error:
        return
    main.text_factory = bytes
    try:
        row = main.execute(_LAST_EVENT).fetchone()
    except sqlite3.Error:
        return
    finally:
        main.close()
    if row is None or not _verifies(tuple(row)):
        return
    position, event_id, digest = row[0], row[1], row[7]
    found = conn.execute(
        "SELECT event_id, checksum FROM events WHERE global_position = ?", [position]
    ).fetchone()
    if found is None or tuple(found) != (event_id, digest):
        raise CorruptStore(
            f"{path} cannot be opened safely: the file {path.name}-wal beside it "
            f"does not belong to it (it would replace event {position}). Move "
            f"{path.name}-wal elsewhere to open the session as last saved"
        )


def _check_tables(conn: sqlite3.Connection, path: Path) -> None:
    """Every table has its columns and its unique keys (the store's guards).

    A damaged ``CREATE TABLE`` text can rename a column or drop a key and
    still pass SQLite's own checks; reads would then fail later, or appends
    lose their protection against duplicates and version races.
    """
    for table in metadata.sorted_tables:
        info = conn.execute(
            "SELECT * FROM pragma_table_info(?)", [table.name]
        ).fetchall()
        columns = {str(row[1]) for row in info}
        lacking = [c.name for c in table.columns if c.name not in columns]
        if lacking:
            raise CorruptStore(
                f"{path} is damaged: table {table.name} lacks column(s) "
                f"{', '.join(lacking)}"
            )
        keys = {tuple(str(r[1]) for r in sorted(info, key=lambda r: r[5]) if r[5])}
        indexes = conn.execute(
            'SELECT name FROM pragma_index_list(?) WHERE "unique"', [table.name]
        ).fetchall()
        for (index,) in indexes:
            rows = conn.execute(
                "SELECT name FROM pragma_index_info(?) ORDER BY seqno", [index]
            ).fetchall()
            keys.add(tuple(str(r[0]) for r in rows))
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint | PrimaryKeyConstraint):
                key = tuple(c.name for c in constraint.columns)
                if key not in keys:
                    raise CorruptStore(
                        f"{path} is damaged: table {table.name} lost its unique "
                        f"key ({', '.join(key)})"
                    )


def _lenient_text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _describe_foreign(path: Path, app_id: int, tables: set[str]) -> str:
    if not tables:
        return f"{path} is an empty SQLite database (no tables), not a DDD Sim session"
    shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
    return (
        f"{path} is a SQLite database made by another application "
        f"(application id {app_id:#x}; tables {shown}); it is not a DDD Sim session"
    )


def inspect_file(path: Path) -> None:
    """Check a file is an undamaged DDD Sim session this version can read."""
    check_header(path)
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True, timeout=5.0)
    except sqlite3.Error as exc:
        raise classify_sqlite_error(path, exc) from exc
    conn.text_factory = _lenient_text  # a damaged name must not stop the diagnosis
    try:
        conn.execute("PRAGMA trusted_schema=OFF")
        conn.execute("PRAGMA cell_size_check=ON")
        conn.execute("PRAGMA mmap_size=0")
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        user_version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {
            str(r[0])
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        if app_id != APPLICATION_ID:
            raise ForeignDatabase(_describe_foreign(path, app_id, tables))
        if user_version > SCHEMA_VERSION:
            raise StoreTooNew(
                f"{path} was written by a newer DDD Sim (store schema {user_version}); "
                f"this version reads schema {SCHEMA_VERSION} and older. "
                f"Open it with a newer DDD Sim"
            )
        if user_version < SCHEMA_VERSION:
            raise StoreError(
                f"{path} has store schema {user_version}, which this version "
                f"cannot migrate (it knows schema {SCHEMA_VERSION})"
            )
        missing = REQUIRED_TABLES - tables
        if missing:
            raise CorruptStore(
                f"{path} is damaged: missing table(s) {', '.join(sorted(missing))}"
            )
        _check_structure(conn, path)
        _check_tables(conn, path)
        if _wal_pending(path):
            _check_wal_extends_file(conn, path)
    except sqlite3.Error as exc:
        raise classify_sqlite_error(path, exc) from exc
    except UnicodeDecodeError as exc:  # SQLite quoted damaged schema text in an error
        raise CorruptStore(
            f"{path} is damaged: its schema holds text that is not UTF-8"
        ) from exc
    finally:
        conn.close()


def _remove_abandoned_creations(path: Path) -> None:
    """Delete half-made files of ``path`` left by creators that were killed."""
    for leftover in path.parent.glob(f".{path.name}.creating-*"):
        pid_text = leftover.name.rsplit("-", 1)[-1]
        if not pid_text.isdigit() or int(pid_text) == os.getpid():
            continue
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                leftover.unlink()
        except OSError:
            continue  # alive under another user: not ours to touch


def create_file(path: Path) -> None:
    """Create a stamped, empty store atomically: a crash leaves no half-made file.

    The stamps go in before WAL mode so the main file's header carries them.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from ddd_sim import __version__
    from ddd_sim.infrastructure.eventstore.schema import metadata, store_info

    _remove_abandoned_creations(path)
    temp = path.with_name(f".{path.name}.creating-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
    engine = create_engine(f"sqlite:///{temp}", poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"PRAGMA application_id={APPLICATION_ID}")
            conn.exec_driver_sql(f"PRAGMA user_version={SCHEMA_VERSION}")
            metadata.create_all(conn)
            conn.execute(
                store_info.insert(),
                [
                    {"key": "application", "value": "ddd-sim"},
                    {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                    {"key": "created_by", "value": __version__},
                ],
            )
    finally:
        engine.dispose()
    with open(temp, "rb") as handle:
        os.fsync(handle.fileno())
    try:
        os.link(temp, path)  # fails if someone created the file meanwhile
    except FileExistsError:
        pass
    except OSError:  # a filesystem without hard links
        if not path.exists():
            os.replace(temp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
