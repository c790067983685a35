"""Raw stdlib sqlite3 limit for the five event store benchmark workloads."""

from __future__ import annotations

import argparse
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

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS events(position INTEGER PRIMARY KEY, "
    "stream_id TEXT, version INT, type TEXT, payload BLOB, "
    "UNIQUE(stream_id, version))",
    "CREATE TABLE IF NOT EXISTS snapshots(stream_id TEXT, version INT, "
    "payload BLOB, PRIMARY KEY(stream_id, version))",
)
INSERT = "INSERT INTO events(stream_id, version, type, payload) VALUES (?, ?, ?, ?)"
SELECT_STREAM = "SELECT version, payload FROM events WHERE stream_id=? ORDER BY version"
DEPOSIT = json.dumps({"amount": 10}).encode()
SEED = 20240601


def log(msg: str) -> None:
    """Print a progress line to stderr."""
    print(msg, file=sys.stderr, flush=True)


def connect(path: Path) -> sqlite3.Connection:
    """Open a WAL + synchronous=FULL connection in autocommit mode."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    for stmt in SCHEMA:
        con.execute(stmt)
    return con


def modes(con: sqlite3.Connection) -> str:
    """Return the journal and synchronous modes in force on a connection."""
    journal = con.execute("PRAGMA journal_mode").fetchone()[0]
    sync = con.execute("PRAGMA synchronous").fetchone()[0]
    return f"journal_mode={journal} synchronous={sync}"


def fold(rows: list[tuple[int, bytes]], balance: int = 0) -> tuple[int, int]:
    """Rebuild the bank-account balance; return (version, balance)."""
    version = 0
    for version, payload in rows:  # noqa: B007
        balance += json.loads(payload)["amount"]
    return version, balance


def bulk_rows(streams: int, per_stream: int) -> Iterator[tuple[str, int, str, bytes]]:
    """Yield stream-by-stream event rows for a bulk insert."""
    for s in range(streams):
        sid = f"acct-{s}"
        for v in range(1, per_stream + 1):
            yield sid, v, "Opened" if v == 1 else "Deposited", DEPOSIT


def bench_a(path: Path, streams: int, per_stream: int) -> float:
    """Per-command load, decide, append with one transaction each; events/s."""
    con = connect(path)
    ids = [f"acct-{s}" for s in range(streams)]
    start = time.perf_counter()
    for _ in range(per_stream):
        for sid in ids:
            con.execute("BEGIN IMMEDIATE")
            version, _balance = fold(con.execute(SELECT_STREAM, (sid,)).fetchall())
            kind = "Opened" if version == 0 else "Deposited"
            payload = json.dumps({"amount": 10}).encode()
            con.execute(INSERT, (sid, version + 1, kind, payload))
            con.execute("COMMIT")
    elapsed = time.perf_counter() - start
    check = fold(con.execute(SELECT_STREAM, (ids[-1],)).fetchall())
    assert check == (per_stream, 10 * per_stream), check
    con.close()
    return streams * per_stream / elapsed


def bench_b(path: Path, streams: int, per_stream: int) -> float:
    """Same events group-committed in a single transaction; events/s."""
    con = connect(path)
    start = time.perf_counter()
    rows = [
        (
            f"acct-{s}",
            v,
            "Opened" if v == 1 else "Deposited",
            json.dumps({"amount": 10}).encode(),
        )
        for s in range(streams)
        for v in range(1, per_stream + 1)
    ]
    con.execute("BEGIN IMMEDIATE")
    con.executemany(INSERT, rows)
    con.execute("COMMIT")
    elapsed = time.perf_counter() - start
    assert con.execute("SELECT count(*) FROM events").fetchone()[0] == len(rows)
    con.close()
    return len(rows) / elapsed


def build(path: Path, streams: int, per_stream: int, snap_every: int = 0) -> None:
    """Bulk-build a log (setup, not measured), with optional snapshots."""
    con = connect(path)
    con.execute("BEGIN IMMEDIATE")
    con.executemany(INSERT, bulk_rows(streams, per_stream))
    if snap_every:
        con.executemany(
            "INSERT INTO snapshots VALUES (?, ?, ?)",
            (
                (f"acct-{s}", v, json.dumps({"balance": 10 * v}).encode())
                for s in range(streams)
                for v in range(snap_every, per_stream + 1, snap_every)
            ),
        )
    con.execute("COMMIT")
    con.close()


def bench_c(con: sqlite3.Connection, length: int) -> float:
    """Load one long stream and rebuild the aggregate; ms."""
    start = time.perf_counter()
    version, balance = fold(con.execute(SELECT_STREAM, ("acct-0",)).fetchall())
    elapsed = time.perf_counter() - start
    assert (version, balance) == (length, 10 * length)
    return elapsed * 1000.0


def bench_d(con: sqlite3.Connection, total: int) -> float:
    """Read the whole log in global order, decoding each payload; events/s."""
    start = time.perf_counter()
    count = 0
    loads = json.loads
    for _pos, _sid, _ver, _type, payload in con.execute(
        "SELECT position, stream_id, version, type, payload FROM events "
        "ORDER BY position"
    ):
        loads(payload)
        count += 1
    elapsed = time.perf_counter() - start
    assert count == total, count
    return count / elapsed


def load_as_of(con: sqlite3.Connection, sid: str, version: int) -> tuple[int, int]:
    """Load latest snapshot at or below version, then replay the tail."""
    snap = con.execute(
        "SELECT version, payload FROM snapshots WHERE stream_id=? AND version<=? "
        "ORDER BY version DESC LIMIT 1",
        (sid, version),
    ).fetchone()
    base, balance = (snap[0], json.loads(snap[1])["balance"]) if snap else (0, 0)
    tail = con.execute(
        "SELECT version, payload FROM events WHERE stream_id=? AND version>? "
        "AND version<=? ORDER BY version",
        (sid, base, version),
    ).fetchall()
    last, balance = fold(tail, balance)
    return (last or base), balance


def bench_e(con: sqlite3.Connection, length: int, loads: int) -> float:
    """As-of loads at seeded random versions; median ms per load."""
    rng = random.Random(SEED)
    times = []
    for _ in range(loads):
        version = rng.randint(1, length)
        start = time.perf_counter()
        got = load_as_of(con, "acct-0", version)
        times.append((time.perf_counter() - start) * 1000.0)
        assert got == (version, 10 * version), (got, version)
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
    log_streams = log_total // 1000
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
    results: dict[str, list[float]] = {k: [] for k in "abcde"}
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        work = Path(tmp)
        build(fresh(work, "c.db"), 1, long_len)
        build(fresh(work, "d.db"), log_streams, 1000)
        build(fresh(work, "e.db"), 1, long_len, snap_every=100)
        cons = {k: connect(work / f"{k}.db") for k in "cde"}
        mode = modes(cons["c"])
        benches: dict[str, Callable[[], float]] = {
            "a": lambda: bench_a(fresh(work, "a.db"), streams, per_stream),
            "b": lambda: bench_b(fresh(work, "b.db"), streams, per_stream),
            "c": lambda: bench_c(cons["c"], long_len),
            "d": lambda: bench_d(cons["d"], log_total),
            "e": lambda: bench_e(cons["e"], long_len, loads),
        }
        for run in range(args.runs):
            for key, fn in benches.items():
                results[key].append(fn())
                log(f"run {run + 1}/{args.runs} {key}: {results[key][-1]:,.3f}")
        for con in cons.values():
            con.close()
    med = {k: statistics.median(v) for k, v in results.items()}
    summary: dict[str, Any] = {
        "a_ev_per_s": round(med["a"], 1),
        "b_ev_per_s": round(med["b"], 1),
        "c_ms": round(med["c"], 3),
        "d_ev_per_s": round(med["d"], 1),
        "e_ms_median": round(med["e"], 4),
        "notes": (
            f"stdlib sqlite3 {sqlite3.sqlite_version}, {mode}, runs={args.runs}"
            f"{' QUICK' if args.quick else ''}; a: {streams}x{per_stream} commands, "
            "BEGIN IMMEDIATE+select+fold+insert+COMMIT each; b: one executemany "
            f"txn; c: {long_len}-event stream; d: {log_total} events, cursor + "
            f"json.loads; e: {loads} seeded as-of loads, snapshot every 100, "
            f"{long_len}-event stream; payload {{'amount': 10}}"
        ),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
