"""Recognising a DDD Sim SQLite file before trusting it, and creating new ones.

Every check reads; none writes.  A file that fails gets a typed error whose
text says what is wrong in words a user understands.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import urllib.parse
from pathlib import Path

from ddd_sim.infrastructure.eventstore.schema import (
    APPLICATION_ID,
    REQUIRED_TABLES,
    SCHEMA_VERSION,
)
from ddd_sim.shared.errors import (
    CorruptStore,
    ForeignDatabase,
    NotAStoreFile,
    StoreError,
    StoreTooNew,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
QUICK_CHECK_LIMIT = 512 * 1024 * 1024
"""Files up to this size get a full ``PRAGMA quick_check`` on open."""


def _read_only_uri(path: Path) -> str:
    return f"file:{urllib.parse.quote(str(path))}?mode=ro"


def check_header(path: Path) -> None:
    """Reject what is plainly not ours from the file's first 100 bytes alone."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise StoreError(f"cannot open {path}: {exc.strerror}") from exc
    if not stat.S_ISREG(info.st_mode):
        raise NotAStoreFile(f"{path} is not a regular file")
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
    page_count = int.from_bytes(header[28:32], "big")
    header_valid = header[92:96] == header[24:28]
    wal = Path(f"{path}-wal")
    wal_pending = wal.exists() and wal.stat().st_size > 0
    if header_valid and not wal_pending and page_count * page_size > info.st_size:
        raise CorruptStore(
            f"{path} is truncated: it holds {info.st_size} bytes of the "
            f"{page_count * page_size} its header promises"
        )


def inspect_file(path: Path) -> None:
    """Check a file is an undamaged DDD Sim session this version can read."""
    check_header(path)
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True, timeout=5.0)
    except sqlite3.Error as exc:
        raise CorruptStore(f"{path} cannot be opened as a database: {exc}") from exc
    try:
        conn.execute("PRAGMA trusted_schema=OFF")
        conn.execute("PRAGMA cell_size_check=ON")
        conn.execute("PRAGMA mmap_size=0")
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if app_id != APPLICATION_ID:
            what = ", ".join(sorted(tables)[:5]) or "no tables"
            raise ForeignDatabase(
                f"{path} is a SQLite database made by another application "
                f"(application id {app_id:#x}, {what}); it is not a DDD Sim session"
            )
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
        if os.stat(path).st_size <= QUICK_CHECK_LIMIT:
            problems = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
            if problems != ["ok"]:
                raise CorruptStore(f"{path} is damaged: {'; '.join(problems)}")
        missing = REQUIRED_TABLES - tables
        if missing:
            raise CorruptStore(f"{path} is damaged: missing table(s) {', '.join(sorted(missing))}")
    except sqlite3.DatabaseError as exc:
        raise CorruptStore(f"{path} is damaged: {exc}") from exc
    finally:
        conn.close()


def create_file(path: Path) -> None:
    """Create a stamped, empty store atomically: a crash leaves no half-made file.

    The stamps go in before WAL mode so the main file's header carries them.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from ddd_sim.infrastructure.eventstore.schema import metadata, store_info
    from ddd_sim import __version__

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
