"""The five event store workloads, run against ddd_sim's durable SQLite store.

Each function builds what it needs, times only the workload itself and then
checks the result (versions, balances, counts), so a fast wrong answer fails
loudly instead of being reported.
"""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path
from typing import Any

from ddd_sim.contexts.payment.domain.account import Account
from ddd_sim.contexts.payment.domain.events import (
    ACCOUNT_EVENTS,
    AccountOpened,
    MoneyDeposited,
    register_upcasters,
)
from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.shared.events import EventMetadata, NewEvent, StreamState
from ddd_sim.shared.ids import IdFactory
from ddd_sim.shared.money import Money
from ddd_sim.shared.ports import EventStore
from ddd_sim.shared.repository import AggregateNotFound, AggregateRepository
from ddd_sim.shared.serialization import EventRegistry
from ddd_sim.shared.upcasting import Upcasters

SEED = 20240601
TEN = Money.of(10)
LONG_ID = "long"
BUILD_BATCH = 50_000
"""Events per group-committed transaction when building big files (setup)."""


def make_registry() -> EventRegistry:
    """The wallet's event registry with its upcasters, as the app wires it."""
    upcasters = Upcasters()
    register_upcasters(upcasters)
    registry = EventRegistry(upcasters)
    registry.register(*ACCOUNT_EVENTS)
    return registry


REGISTRY = make_registry()
IDS = IdFactory()
"""Event ids made as the repository makes them."""


def repository(store: EventStore, snapshot_every: int | None = None) -> Any:
    """An account repository over the store."""
    return AggregateRepository(store, REGISTRY, Account, snapshot_every=snapshot_every)


def sqlite_modes(store: EventStore) -> str:
    """The journal and synchronous modes of the store's connections."""
    with store.backend.reader() as conn:  # type: ignore[attr-defined]
        journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
        sync = conn.execute("PRAGMA synchronous").fetchone()[0]
    return f"journal_mode={journal} synchronous={sync}"


def check_account(account: Account, version: int) -> None:
    """An account built from one opening 10 and deposits of 10 holds 10 per event."""
    balance = account.balance()
    if account.version != version or balance != Money.of(10 * version):
        raise AssertionError(
            f"{account.id}: v{account.version} {balance}, want {version}"
        )


def account_ids(streams: int) -> list[str]:
    """Account ids for the write workloads."""
    return [f"{n:05d}" for n in range(streams)]


def bench_a(path: Path, streams: int, per_stream: int, fast: bool = False) -> float:
    """Per command: load, decide, save in its own transaction; events/s."""
    store = open_store(path, fast=fast)
    repo = repository(store)
    ids = account_ids(streams)
    start = time.perf_counter()
    for _ in range(per_stream):
        for aid in ids:
            try:
                account = repo.load(aid)
            except AggregateNotFound:
                account = Account.open(aid, f"owner-{aid}", TEN)
            else:
                account.deposit(TEN)
            repo.save(account)
    elapsed = time.perf_counter() - start
    for aid in ids:
        check_account(repo.load(aid), per_stream)
    assert store.head_position() == streams * per_stream
    store.close()
    return streams * per_stream / elapsed


def bench_b(path: Path, streams: int, per_stream: int) -> dict[str, float]:
    """The same events decided in memory, then one group-committed txn; events/s.

    ``b`` times deciding, encoding and the transaction; ``b2`` the transaction.
    """
    store = open_store(path)
    repo = repository(store)
    ids = account_ids(streams)
    metadata = EventMetadata()
    to_new_event = REGISTRY.to_new_event
    start = time.perf_counter()
    batches: list[tuple[str, list[NewEvent]]] = []
    for aid in ids:
        account = Account.open(aid, f"owner-{aid}", TEN)
        for _ in range(per_stream - 1):
            account.deposit(TEN)
        pending, _ = account.take_pending()
        events = [
            to_new_event(e, event_id=IDS.new_uuid(), metadata=metadata) for e in pending
        ]
        batches.append((repo.stream_id(aid), events))
    built = time.perf_counter()
    with store.transaction() as tx:
        for stream_id, events in batches:
            tx.append(stream_id, events, StreamState.NO_STREAM)
    end = time.perf_counter()
    infos = store.streams()
    assert len(infos) == streams, len(infos)
    assert all(i.version == per_stream for i in infos)
    assert store.head_position() == streams * per_stream
    check_account(repo.load(ids[-1]), per_stream)
    store.close()
    total = streams * per_stream
    return {"b": total / (end - start), "b2": total / (end - built)}


def account_events(aid: str, length: int) -> list[NewEvent]:
    """Stored forms of one opening and ``length - 1`` deposits of 10."""
    metadata = EventMetadata()
    opened = AccountOpened(account_id=aid, owner_id=f"owner-{aid}", initial_balance=TEN)
    deposited = MoneyDeposited(account_id=aid, amount=TEN)
    return [
        REGISTRY.to_new_event(
            opened if v == 1 else deposited, event_id=IDS.new_uuid(), metadata=metadata
        )
        for v in range(1, length + 1)
    ]


def build_log(path: Path, streams: int, per_stream: int) -> None:
    """Setup: a log of streams x per_stream events in big group commits."""
    store = open_store(path)
    repo = repository(store)
    per_tx = max(1, BUILD_BATCH // per_stream)
    for first in range(0, streams, per_tx):
        with store.transaction() as tx:
            for n in range(first, min(first + per_tx, streams)):
                aid = f"{n:05d}"
                tx.append(repo.stream_id(aid), account_events(aid, per_stream))
    assert store.head_position() == streams * per_stream
    store.close()


def build_stream(path: Path, length: int, snapshot_every: int | None) -> None:
    """Setup: one account stream of ``length`` events saved by the repository."""
    store = open_store(path)
    account = Account.open(LONG_ID, "owner-long", TEN)
    for _ in range(length - 1):
        account.deposit(TEN)
    repository(store, snapshot_every).save(account)
    store.close()


def bench_c(store: EventStore, length: int) -> float:
    """Load one long stream through a repository without snapshots; ms."""
    repo = repository(store)
    start = time.perf_counter()
    account = repo.load(LONG_ID)
    elapsed = time.perf_counter() - start
    check_account(account, length)
    assert repo.last_load.snapshot_version is None
    return elapsed * 1000.0


def bench_d(store: EventStore, total: int) -> float:
    """Read the whole log in global order, payloads decoded; events/s."""
    start = time.perf_counter()
    position = 0
    event = None
    for event in store.read_all():
        position += 1
        if event.global_position != position:
            raise AssertionError(f"position {event.global_position} after {position}")
    elapsed = time.perf_counter() - start
    assert position == total, position
    assert event is not None
    assert event.payload["amount"] == {"amount": "10.00", "currency": "USD"}
    return total / elapsed


def bench_d_domain(store: EventStore, total: int) -> float:
    """Info: the whole log decoded on to domain events by the registry; events/s."""
    decode = REGISTRY.to_domain_event
    start = time.perf_counter()
    count = 0
    event = None
    for recorded in store.read_all():
        event = decode(recorded)
        count += 1
    elapsed = time.perf_counter() - start
    assert count == total, count
    assert isinstance(event, MoneyDeposited)
    assert event.amount == TEN
    return total / elapsed


def bench_e(store: EventStore, length: int, loads: int) -> float:
    """As-of loads at seeded random versions, snapshots every 100; median ms."""
    repo = repository(store, snapshot_every=100)
    rng = random.Random(SEED)
    times = []
    for _ in range(loads):
        version = rng.randint(1, length)
        start = time.perf_counter()
        account = repo.load(LONG_ID, at_version=version)
        times.append((time.perf_counter() - start) * 1000.0)
        check_account(account, version)
        stats = repo.last_load
        assert stats.events_replayed < 100 or length < 100, stats
    return statistics.median(times)
