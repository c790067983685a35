"""The five event store benchmark workloads through the eventsourcing library."""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import StoredEvent

SEED = 20240601
PAGE = 10_000
MODES: set[str] = set()


def log(msg: str) -> None:
    """Print a progress line to stderr."""
    print(msg, file=sys.stderr, flush=True)


class Account(Aggregate):
    """Small bank-account aggregate whose state is a balance."""

    @staticmethod
    def create_id(number: int) -> UUID:
        """Derive the account ID from its number."""
        return uuid5(NAMESPACE_URL, f"/accounts/{number}")

    def __init__(self, number: int, amount: int) -> None:
        """Open the account with a first deposit."""
        self.number = number
        self.balance = amount

    @event("Deposited")
    def deposit(self, amount: int) -> None:
        """Add an amount to the balance."""
        self.balance += amount


class Bank(Application):  # type: ignore[type-arg]
    """Bank application without snapshots, reading the log in big sections."""

    log_section_size = PAGE


class SnapshottingBank(Bank):
    """Bank application that snapshots accounts every 100 events."""

    snapshotting_intervals = {Account: 100}


def open_app(cls: type[Bank], path: Path) -> Bank:
    """Open an application persisting to an SQLite file, checking its modes."""
    app = cls(
        env={"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path)}
    )
    MODES.add(ensure_modes(app))
    return app


def raw_connections(app: Bank) -> Iterator[sqlite3.Connection]:
    """Yield the sqlite3 connections idle in the application's pool."""
    datastore = app.recorder.datastore  # type: ignore[attr-defined]
    with datastore.get_connection(commit=False):
        pass  # Make sure the pool holds at least one connection.
    for conn in list(datastore.pool._pool):
        yield conn._sqlite_conn


def ensure_modes(app: Bank) -> str:
    """Check WAL + synchronous=FULL on the pool's connections; force FULL if not."""
    found = []
    for raw in raw_connections(app):
        journal = raw.execute("PRAGMA journal_mode").fetchone()[0]
        sync = raw.execute("PRAGMA synchronous").fetchone()[0]
        if sync != 2:
            raw.execute("PRAGMA synchronous=FULL")
            sync = f"{sync}->forced 2"
        found.append(f"journal_mode={journal} synchronous={sync}")
    return ",".join(sorted(set(found)))


def bench_a(path: Path, streams: int, per_stream: int) -> float:
    """Per command: repository.get, decide, app.save (one txn each); events/s."""
    app = open_app(Bank, path)
    ids = [Account.create_id(n) for n in range(streams)]
    start = time.perf_counter()
    for _ in range(per_stream):
        for number, account_id in enumerate(ids):
            try:
                account: Account = app.repository.get(account_id)
            except AggregateNotFoundError:
                account = Account(number=number, amount=10)
            else:
                account.deposit(10)
            app.save(account)
    elapsed = time.perf_counter() - start
    last: Account = app.repository.get(ids[-1])
    assert (last.version, last.balance) == (per_stream, 10 * per_stream)
    MODES.add(ensure_modes(app))
    app.close()
    return streams * per_stream / elapsed


def new_accounts(streams: int, per_stream: int) -> list[Account]:
    """Create accounts in memory, each with per_stream pending events."""
    accounts = []
    for number in range(streams):
        account = Account(number=number, amount=10)
        for _ in range(per_stream - 1):
            account.deposit(10)
        accounts.append(account)
    return accounts


def bench_b(path: Path, streams: int, per_stream: int) -> float:
    """Same events decided in memory, saved by one app.save call; events/s."""
    app = open_app(Bank, path)
    start = time.perf_counter()
    app.save(*new_accounts(streams, per_stream))
    elapsed = time.perf_counter() - start
    assert app.recorder.max_notification_id() == streams * per_stream
    MODES.add(ensure_modes(app))
    app.close()
    return streams * per_stream / elapsed


def bench_c(app: Bank, length: int) -> float:
    """Rebuild one long stream with repository.get; ms."""
    start = time.perf_counter()
    account: Account = app.repository.get(Account.create_id(0))
    elapsed = time.perf_counter() - start
    assert (account.version, account.balance) == (length, 10 * length)
    return elapsed * 1000.0


def build_log(app: Bank, streams: int, per_stream: int) -> None:
    """Bulk-build the log via the recorder in large batches (setup)."""
    sample = Account(number=-1, amount=10)
    sample.deposit(10)
    created, deposited = (
        app.mapper.to_stored_event(e) for e in sample.collect_events()
    )
    batch: list[StoredEvent] = []
    for number in range(streams):
        account_id = Account.create_id(number)
        for version in range(1, per_stream + 1):
            tmpl = created if version == 1 else deposited
            batch.append(StoredEvent(account_id, version, tmpl.topic, tmpl.state))
        if len(batch) >= 50_000:
            app.recorder.insert_events(batch)
            batch = []
    if batch:
        app.recorder.insert_events(batch)


def bench_d(app: Bank, total: int) -> float:
    """Read the whole notification log, mapping each to a domain event; events/s."""
    start = time.perf_counter()
    count, position = 0, 1
    to_domain_event = app.mapper.to_domain_event
    while True:
        section = app.notification_log.select(start=position, limit=PAGE)
        if not section:
            break
        for notification in section:
            to_domain_event(notification)
        count += len(section)
        position = section[-1].id + 1
    elapsed = time.perf_counter() - start
    assert count == total, count
    return count / elapsed


def bench_e(app: Bank, length: int, loads: int) -> float:
    """As-of repository.get at seeded random versions; median ms per load."""
    rng = random.Random(SEED)
    account_id = Account.create_id(0)
    times = []
    for _ in range(loads):
        version = rng.randint(1, length)
        start = time.perf_counter()
        account: Account = app.repository.get(account_id, version=version)
        times.append((time.perf_counter() - start) * 1000.0)
        assert (account.version, account.balance) == (version, 10 * version)
    return statistics.median(times)


def fresh(workdir: Path, name: str) -> Path:
    """Return a database path in workdir, removing any previous files."""
    path = workdir / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def main(argv: list[str] | None = None) -> None:
    """Run all workloads and print one JSON summary line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="~10x smaller sizes")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    div = 10 if args.quick else 1
    streams, per_stream = 2000 // div, 10
    long_len, log_total, loads = 10_000 // div, 1_000_000 // div, 100
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, list[float]] = {k: [] for k in "abcde"}
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        apps = {
            "c": open_app(Bank, fresh(work, "c.db")),
            "d": open_app(Bank, fresh(work, "d.db")),
            "e": open_app(SnapshottingBank, fresh(work, "e.db")),
        }
        apps["c"].save(*new_accounts(1, long_len))
        build_log(apps["d"], log_total // 1000, 1000)
        apps["e"].save(*new_accounts(1, long_len))  # Takes a snapshot per 100.
        log(f"setup {time.perf_counter() - t0:.1f}s")
        benches: dict[str, Callable[[], float]] = {
            "a": lambda: bench_a(fresh(work, "a.db"), streams, per_stream),
            "b": lambda: bench_b(fresh(work, "b.db"), streams, per_stream),
            "c": lambda: bench_c(apps["c"], long_len),
            "d": lambda: bench_d(apps["d"], log_total),
            "e": lambda: bench_e(apps["e"], long_len, loads),
        }
        for run in range(args.runs):
            for key, fn in benches.items():
                results[key].append(fn())
                log(f"run {run + 1}/{args.runs} {key}: {results[key][-1]:,.3f}")
        for app in apps.values():
            MODES.add(ensure_modes(app))
            app.close()
    med = {k: statistics.median(v) for k, v in results.items()}
    version = importlib.metadata.version("eventsourcing")
    summary: dict[str, Any] = {
        "a_ev_per_s": round(med["a"], 1),
        "b_ev_per_s": round(med["b"], 1),
        "c_ms": round(med["c"], 3),
        "d_ev_per_s": round(med["d"], 1),
        "e_ms_median": round(med["e"], 4),
        "notes": (
            f"eventsourcing {version}, sqlite {sqlite3.sqlite_version} file, "
            f"{'; '.join(sorted(MODES))} (library sets WAL itself, leaves "
            f"synchronous at build default), runs={args.runs}"
            f"{' QUICK' if args.quick else ''}; a: {streams}x{per_stream} commands "
            "repository.get (own read txn) + save (own write txn, BEGIN deferred); "
            "b: one app.save of all aggregates; c: repository.get of a "
            f"{long_len}-event stream; d: {log_total} events via "
            f"notification_log.select pages of {PAGE} + mapper.to_domain_event; "
            f"e: {loads} seeded repository.get(version=v), snapshotting_intervals "
            "100"
        ),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
