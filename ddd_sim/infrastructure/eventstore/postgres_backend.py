"""PostgreSQL backend: pooled connections, a table lock per appending transaction."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from sqlalchemy import create_engine, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from ddd_sim.infrastructure.eventstore.backend import SqlBackend
from ddd_sim.infrastructure.eventstore.codec import same, uuid_to_bytes
from ddd_sim.infrastructure.eventstore.schema import (
    REQUIRED_TABLES,
    SCHEMA_VERSION,
    metadata,
    store_info,
)
from ddd_sim.shared.errors import (
    CorruptStore,
    ForeignDatabase,
    StoreError,
    StoreTooNew,
    StoreUnavailable,
)

_INIT_LOCK = 0x44445331  # advisory lock id: one initialiser at a time


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` URLs and route them to the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


class PostgresBackend(SqlBackend):
    """A shared store on a server; several processes may write and watch it at once.

    Appending transactions take ``LOCK TABLE events IN EXCLUSIVE MODE`` (readers
    are not blocked), so positions are assigned in commit order with no gaps
    a reader could pass; ``lock_timeout`` bounds the wait.
    """

    name = "postgresql"
    placeholder = "%s"
    integrity_errors = (psycopg.errors.UniqueViolation,)
    to_db_uuid = staticmethod(same)
    from_db_uuid = staticmethod(same)
    id_bytes = staticmethod(uuid_to_bytes)

    def __init__(
        self, url: str, *, lock_timeout_ms: int = 30_000, pool_size: int = 8
    ) -> None:
        self.url = normalise_url(url)
        self._lock_timeout_ms = lock_timeout_ms
        self.engine = create_engine(
            self.url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True
        )
        try:
            self._prepare()
        except OperationalError as exc:
            self.engine.dispose()
            raise StoreUnavailable(
                f"cannot reach PostgreSQL at {self.describe()}: {exc.orig}"
            ) from exc
        except SQLAlchemyError as exc:
            self.engine.dispose()
            raise StoreError(
                f"cannot open the store at {self.describe()}: {exc}"
            ) from exc

    def describe(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    def _prepare(self) -> None:
        """Create the schema on an empty database; check stamps on an existing one."""
        from ddd_sim import __version__

        with self.engine.begin() as conn:
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_INIT_LOCK})")
            tables = set(inspect(conn).get_table_names())
            if "store_info" not in tables:
                clash = tables & REQUIRED_TABLES
                if clash:
                    raise ForeignDatabase(
                        f"{self.describe()} already has tables {sorted(clash)} that "
                        f"DDD Sim did not create; use another database or schema"
                    )
                metadata.create_all(conn)
                conn.execute(
                    store_info.insert(),
                    [
                        {"key": "application", "value": "ddd-sim"},
                        {"key": "schema_version", "value": str(SCHEMA_VERSION)},
                        {"key": "created_by", "value": __version__},
                    ],
                )
                return
            info = dict(
                conn.execute(select(store_info.c.key, store_info.c.value)).all()
            )
        if info.get("application") != "ddd-sim":
            raise ForeignDatabase(f"{self.describe()} holds another application's data")
        version = int(info.get("schema_version", "0"))
        if version > SCHEMA_VERSION:
            raise StoreTooNew(
                f"{self.describe()} was written by a newer DDD Sim "
                f"({info.get('created_by', '?')}, store schema {version}); "
                f"this version reads schema {SCHEMA_VERSION}"
            )
        missing = REQUIRED_TABLES - tables
        if missing:
            raise CorruptStore(f"{self.describe()} lacks table(s) {sorted(missing)}")

    def _lost(self, exc: psycopg.OperationalError) -> StoreUnavailable:
        return StoreUnavailable(f"lost the connection to {self.describe()}: {exc}")

    def _checkout(self) -> Any:
        """A pooled connection; an unreachable server is a StoreUnavailable."""
        try:
            return self.engine.raw_connection()
        except OperationalError as exc:
            raise StoreUnavailable(
                f"cannot reach {self.describe()}: {exc.orig}"
            ) from exc

    @contextmanager
    def write_transaction(self) -> Iterator[Any]:
        proxy = self._checkout()
        conn: Any = proxy.dbapi_connection
        try:
            yield conn
            conn.commit()
        except BaseException as exc:
            with contextlib.suppress(psycopg.Error):
                conn.rollback()
            if isinstance(exc, psycopg.OperationalError):
                raise self._lost(exc) from exc
            raise
        finally:
            proxy.close()

    @contextmanager
    def reader(self) -> Iterator[Any]:
        proxy = self._checkout()
        conn: Any = proxy.dbapi_connection
        try:
            yield conn
        except psycopg.OperationalError as exc:
            raise self._lost(exc) from exc
        finally:
            with contextlib.suppress(psycopg.Error):
                conn.rollback()
            proxy.close()

    def lock_for_append(self, cursor: Any) -> None:
        cursor.execute(f"SET LOCAL lock_timeout = {int(self._lock_timeout_ms)}")
        cursor.execute("LOCK TABLE events IN EXCLUSIVE MODE")

    def close(self) -> None:
        self.engine.dispose()
