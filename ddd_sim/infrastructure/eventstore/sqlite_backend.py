"""SQLite backend: one writer connection with BEGIN IMMEDIATE, readers per thread."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import create_engine, event
from sqlalchemy.pool import NullPool

from ddd_sim.infrastructure.eventstore.backend import SqlBackend
from ddd_sim.infrastructure.eventstore.codec import (
    same,
    uuid_from_bytes,
    uuid_to_bytes,
)
from ddd_sim.infrastructure.eventstore.sqlite_file import (
    classify_sqlite_error,
    create_file,
    inspect_file,
)
from ddd_sim.shared.errors import StoreError

log = logging.getLogger(__name__)

SAFE_SQLITE = (3, 51, 3)
"""Older SQLite has the rare WAL-reset bug; one writer connection avoids its trigger."""


class SqliteBackend(SqlBackend):
    """A session file: WAL, ``synchronous=FULL`` unless fast mode, defensive pragmas.

    Fast mode uses ``synchronous=NORMAL``: an application crash still loses
    nothing, but a power cut or OS crash may lose the last transactions.
    """

    name = "sqlite"
    placeholder = "?"
    integrity_errors = (sqlite3.IntegrityError,)
    statement_atomic = True
    to_db_uuid = staticmethod(uuid_to_bytes)
    from_db_uuid = staticmethod(uuid_from_bytes)
    id_bytes = staticmethod(same)

    def __init__(self, path: str | Path, *, fast: bool = False) -> None:
        self.path = Path(path).expanduser().resolve()
        self.fast = fast
        if self.path.exists():
            inspect_file(self.path)
        else:
            if not self.path.parent.is_dir():
                raise StoreError(
                    f"cannot create {self.path}: its folder does not exist"
                )
            create_file(self.path)
            inspect_file(self.path)
        if sqlite3.sqlite_version_info < SAFE_SQLITE:
            log.info(
                "SQLite %s predates the WAL-reset fix (3.51.3); DDD Sim keeps one "
                "writer connection per file, which avoids its trigger",
                sqlite3.sqlite_version,
            )
        self.engine = create_engine(
            f"sqlite:///{self.path}",
            poolclass=NullPool,
            connect_args={"check_same_thread": False, "timeout": 5.0},
        )
        event.listen(self.engine, "connect", self._configure)
        self._write_lock = threading.Lock()
        self._readers: dict[int, Any] = {}
        self._readers_lock = threading.Lock()
        self._closed = False
        try:
            self._writer = self.engine.raw_connection()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {self.path} for writing: {exc}") from exc
        self._writer_conn = cast(sqlite3.Connection, self._writer.dbapi_connection)

    def _configure(self, dbapi_conn: sqlite3.Connection, _record: object) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        mode = cur.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(
                f"{self.path} cannot use write-ahead logging (journal mode {mode}); "
                f"is it on a network or read-only filesystem?"
            )
        for pragma in (
            f"synchronous={'NORMAL' if self.fast else 'FULL'}",
            "busy_timeout=5000",
            "foreign_keys=ON",
            "trusted_schema=OFF",
            "cell_size_check=ON",
            "mmap_size=0",
        ):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    def describe(self) -> str:
        return str(self.path)

    @contextmanager
    def write_transaction(self) -> Iterator[Any]:
        with self._write_lock:
            if self._closed:
                raise StoreError(f"the store {self.path} is closed")
            conn = self._writer_conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise StoreError(
                    f"{self.path} is busy: another program is writing to it ({exc})"
                ) from exc
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.DatabaseError) and not isinstance(
                    exc, sqlite3.IntegrityError
                ):
                    raise classify_sqlite_error(self.path, exc) from exc
                raise

    @contextmanager
    def reader(self) -> Iterator[Any]:
        key = threading.get_ident()
        conn = self._readers.get(key)
        if conn is None:
            with self._readers_lock:
                if self._closed:
                    raise StoreError(f"the store {self.path} is closed")
                conn = self._readers[key] = self.engine.raw_connection()
        try:
            yield conn.dbapi_connection
        except sqlite3.DatabaseError as exc:
            raise classify_sqlite_error(self.path, exc) from exc

    def backup_to(self, target: Path) -> None:
        """Copy the whole database to ``target`` with SQLite's online backup API.

        The copy is taken under the write lock, so it is one consistent
        moment of the log; it is written beside ``target`` and renamed over
        it only when complete, so a failure leaves no half-written file.
        """
        target = Path(target)
        if target.resolve() == self.path.resolve():
            raise StoreError(f"{target} is the session's own file")
        partial = target.with_name(target.name + ".partial")
        with self._write_lock:
            if self._closed:
                raise StoreError(f"the store {self.path} is closed")
            try:
                partial.unlink(missing_ok=True)
                copy = sqlite3.connect(partial)
                try:
                    self._writer_conn.backup(copy)
                finally:
                    copy.close()
                partial.replace(target)
            except (OSError, sqlite3.Error) as exc:
                partial.unlink(missing_ok=True)
                raise StoreError(f"cannot save the session to {target}: {exc}") from exc

    def lock_for_append(self, cursor: Any) -> None:
        """Nothing to do: BEGIN IMMEDIATE already made this the only writer."""

    def close(self) -> None:
        with self._write_lock, self._readers_lock:
            if self._closed:
                return
            self._closed = True
            for conn in self._readers.values():
                conn.close()
            self._readers.clear()
            try:
                self._writer_conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:  # a reader elsewhere; the WAL stays valid
                log.info("WAL checkpoint on close skipped: %s", exc)
            self._writer.close()
            self.engine.dispose()
