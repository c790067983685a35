"""Shared fixtures: a store of every kind, PostgreSQL isolated in a schema per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.shared.ports import EventStore
from ddd_sim.shared.upcasting import Upcasters

PG_URL = os.environ.get("DDD_SIM_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_unreachable_reason() -> str | None:
    try:
        with psycopg.connect(PG_URL.replace("+psycopg", ""), connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL at {PG_URL} is unreachable ({str(exc).strip()[:120]})"


_PG_REASON = _pg_unreachable_reason()


def require_postgres() -> None:
    """Skip without a server; in CI (CI=true) a missing server is a failure."""
    if _PG_REASON is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{_PG_REASON}; CI must run the PostgreSQL tests")
    pytest.skip(_PG_REASON)


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    base = PG_URL.replace("+psycopg", "")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


StoreFactory = Callable[..., EventStore]

STORE_KINDS = [
    "memory",
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=STORE_KINDS)
def store_kind(request: pytest.FixtureRequest) -> str:
    """Which backend a contract test runs against."""
    return str(request.param)


@pytest.fixture
def make_store(
    store_kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[StoreFactory]:
    """Open (and later close) stores of this kind; a reopen sees the same data."""
    opened: list[EventStore] = []
    location: str
    memory: EventStore | None = None
    if store_kind == "postgres":
        location = request.getfixturevalue("pg_url")
    elif store_kind == "sqlite":
        location = str(tmp_path / "store.db")
    else:
        location = "memory:"

    def factory(upcasters: Upcasters | None = None) -> EventStore:
        nonlocal memory
        if store_kind == "memory":
            if memory is None:
                memory = open_store(location, upcasters=upcasters)
            return memory
        store = open_store(location, upcasters=upcasters)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store: StoreFactory) -> EventStore:
    """A fresh, empty store of the current kind."""
    return make_store()
