"""Open an event store from what a user types: a file path or a database URL."""

from __future__ import annotations

from pathlib import Path

from ddd_sim.infrastructure.eventstore.memory_store import InMemoryEventStore
from ddd_sim.infrastructure.eventstore.sql_store import SqlEventStore
from ddd_sim.shared.errors import StoreError
from ddd_sim.shared.ports import EventStore
from ddd_sim.shared.upcasting import Upcasters


def open_store(
    location: str | Path, *, upcasters: Upcasters | None = None, fast: bool = False
) -> EventStore:
    """``memory:``, ``postgresql://…``, ``sqlite:///path`` or a plain file path."""
    text = str(location)
    if text == "memory:":
        return InMemoryEventStore(upcasters)
    if text.startswith(("postgresql:", "postgres:", "postgresql+psycopg:")):
        from ddd_sim.infrastructure.eventstore.postgres_backend import PostgresBackend

        return SqlEventStore(PostgresBackend(text), upcasters)
    if text.startswith("sqlite:///"):
        text = text.removeprefix("sqlite:///")
    elif "://" in text:
        raise StoreError(
            f"unsupported store location {text!r}: give a file path, "
            f"sqlite:///PATH or postgresql://…"
        )
    from ddd_sim.infrastructure.eventstore.sqlite_backend import SqliteBackend

    return SqlEventStore(SqliteBackend(Path(text), fast=fast), upcasters)
