"""What the SQL event store needs from a database: connections, locks, id codecs."""

from __future__ import annotations

import abc
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy.engine import Engine


class SqlBackend(abc.ABC):
    """One database engine seen through raw DBAPI connections on the hot paths.

    SQLAlchemy owns engines, pools, connect-time settings and the schema; the
    event store's hot paths speak plain SQL through the DBAPI because Core's
    per-row processing would cost more than the whole decode budget.
    """

    name: str
    placeholder: str
    integrity_errors: tuple[type[BaseException], ...]
    statement_atomic: bool = False
    """True when a failed statement leaves the transaction usable (SQLite)."""
    engine: Engine

    def sql(self, text: str) -> str:
        """SQL written with ``?`` placeholders, in this driver's paramstyle."""
        return text if self.placeholder == "?" else text.replace("?", self.placeholder)

    to_db_uuid: Callable[[uuid.UUID | None], Any]
    """A UUID as this database stores it (a plain function: it runs per row)."""
    from_db_uuid: Callable[[Any], uuid.UUID | None]
    """A stored id as a UUID."""
    id_bytes: Callable[[Any], bytes | None]
    """A stored id's 16 bytes, as the row checksum covers them."""

    @abc.abstractmethod
    def write_transaction(self) -> AbstractContextManager[Any]:
        """A DBAPI connection inside a write transaction, committed on clean exit."""

    @abc.abstractmethod
    def reader(self) -> AbstractContextManager[Any]:
        """A DBAPI connection for one consistent read statement."""

    @abc.abstractmethod
    def lock_for_append(self, cursor: Any) -> None:
        """Serialise appenders so global position order equals commit order."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release every connection."""

    def describe(self) -> str:
        """A short human description (file path or server) for messages."""
        return self.name

    def iterate(self, cursor: Any, size: int) -> Iterator[list[Any]]:
        """Fetch a cursor's rows in batches."""
        while True:
            rows = cursor.fetchmany(size)
            if not rows:
                return
            yield rows
