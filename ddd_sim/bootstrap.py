"""The composition root: the one place that wires stores, registries and contexts."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from ddd_sim.contexts.payment.domain.account import Account
from ddd_sim.contexts.payment.domain.events import ACCOUNT_EVENTS, register_upcasters
from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.shared.ports import EventStore
from ddd_sim.shared.repository import AggregateRepository
from ddd_sim.shared.serialization import EventRegistry

SNAPSHOT_EVERY = {Account.aggregate_type: 100}
"""Snapshot frequency per aggregate type, in events."""


def default_store_location() -> Path:
    """Where the session file lives when the user names none."""
    return platformdirs.user_data_path("ddd-sim", appauthor=False) / "session.db"


def build_registry() -> EventRegistry:
    """Every event class the app knows, with its upcasters."""
    registry = EventRegistry()
    registry.register(*ACCOUNT_EVENTS)
    register_upcasters(registry.upcasters)
    return registry


@dataclass
class App:
    """The wired application: a store, its registry and the repositories on it."""

    store: EventStore
    registry: EventRegistry
    accounts: AggregateRepository[Account]
    location: str
    durability: str
    """What survives a crash: shown to the user beside the store's name."""

    def close(self) -> None:
        """Release the store."""
        self.store.close()


def freeze_startup_objects() -> None:
    """Move everything alive after start-up out of the garbage collector's scans.

    Modules, classes and the wiring live as long as the process; without this
    every full collection during a long replay walks all of them again
    (measured: loading a 10,000-event stream, 63 ms median becomes 49 ms).
    """
    gc.collect()
    gc.freeze()


def bootstrap(location: str | Path | None = None, *, fast: bool = False) -> App:
    """Open (creating if needed) the store at ``location`` and wire the app on it."""
    if location is None:
        path = default_store_location()
        path.parent.mkdir(parents=True, exist_ok=True)
        location = path
    registry = build_registry()
    store = open_store(location, upcasters=registry.upcasters, fast=fast)
    accounts = AggregateRepository(
        store, registry, Account, snapshot_every=SNAPSHOT_EVERY[Account.aggregate_type]
    )
    text = str(location)
    if text.startswith(("postgresql", "postgres:")):
        durability = "server (PostgreSQL commits are durable)"
    elif text == "memory:":
        durability = "in memory (nothing survives the process)"
    elif fast:
        durability = "fast (synchronous=NORMAL: a power cut may lose the last commits)"
    else:
        durability = "full (synchronous=FULL: every commit is on disk)"
    freeze_startup_objects()
    return App(store, registry, accounts, text, durability)
