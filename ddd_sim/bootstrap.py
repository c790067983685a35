"""The composition root: the one place that wires stores, registries and contexts."""

from __future__ import annotations

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

    def close(self) -> None:
        """Release the store."""
        self.store.close()


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
    return App(store, registry, accounts, str(location))
