"""Read models on a large session: as of random positions, and live as the run goes on.

Opens a session file (make one with ``python benchmarks/bench_asof.py
--events 200000 --db /tmp/big.db``), then for each projection asked for:
the first fold (every slice the panel would ask for, back to back, to the
head's checkpoint), then the panel's whole question — documents as of
``--queries`` random positions, formatted as the table the panel shows,
stale keys included — timed one by one.  The history's memory is reported
by part, and the process's RSS before and after.

The live refresh needs a run that is not finished (``--make-running N``
writes one, stopped at N events; the benchmark runs it further, so it
changes the file): the first live table, then ``--refreshes`` times the
run goes ``--step`` simulated seconds on and the panel asks again (with
the table it has), each answer timed — against a full read of the
documents into a table, as the panel did before it kept them up.

    python benchmarks/bench_read_asof.py --db /tmp/big.db [--queries 30]
        [--projection NAME ...] [--no-as-of] [--refreshes 20] [--step 0.5]
    python benchmarks/bench_read_asof.py --db /tmp/run200k.db --make-running 200000
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time

from ddd_sim.bootstrap import open_session, open_simulation, projection_names
from ddd_sim.gui.panels.read_model_data import (
    document_table,
    read_models_state,
    stale_keys,
)
from ddd_sim.runtime.session.session import Session
from ddd_sim.sim.scenario import parse_scenario

DEFAULT = ("sales.order_detail", "notification.outbox", "inventory.stock")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return f"p50 {statistics.median(times):.1f}  p95 {p95:.1f}  max {times[-1]:.1f}"


def make_running(path: str, events: int) -> None:
    """The as-of benchmark's scenario, made twice as long, stopped at ``events``."""
    from bench_asof import scenario_text  # beside this file

    text = scenario_text(events * 2, 7)
    scenario = parse_scenario(text, "bench_asof.toml", projections=projection_names())
    started = time.perf_counter()
    sim = open_simulation(path, scenario, fast=True)
    try:
        while sim.store.head_position() < events and sim.phase != "done":
            sim.step_tick()
        print(
            f"{path}: {sim.store.head_position():,} events, run {sim.phase} at "
            f"sim {sim.scheduler.now:.1f} s ({time.perf_counter() - started:.0f} s)"
        )
    finally:
        sim.store.close()


def live_refresh(session: Session, name: str, refreshes: int, step: float) -> None:
    """The live table as the run goes on: first read, then each refresh, timed."""
    sim = session.simulation
    if sim is None or sim.phase == "done":
        print("  live refresh: the run is finished (see --make-running)")
        return
    t0 = time.perf_counter()
    state = read_models_state(session, name, None)
    first = (time.perf_counter() - t0) * 1000
    assert state.table is not None
    times, full, events, written = [], [], [], []
    touched: set[str] = set()
    runner = sim.shop.projections
    runner.subscribe(lambda told, keys: touched.update(keys if told == name else ()))
    for _ in range(refreshes):
        head = session.index.head
        touched.clear()
        session.run_until(sim.scheduler.now + step)
        written.append(len(touched))
        events.append(session.index.head - head)
        t0 = time.perf_counter()
        state = read_models_state(session, name, state.table)
        times.append((time.perf_counter() - t0) * 1000)
        assert state.table is not None
        # what the panel did before: every document read and formatted again
        t0 = time.perf_counter()
        lag = runner.lag(name)
        table = document_table(
            name,
            runner.reader(name).all(),
            stale_keys(session, lag.checkpoint),
            lag,
        )
        full.append((time.perf_counter() - t0) * 1000)
        assert list(table.rows) == list(state.table.rows)
        assert table.columns == state.table.columns
    print(
        f"  live refresh ({len(state.table.rows):,} documents; first table "
        f"{first:.0f} ms; {refreshes} refreshes after {step:g} simulated s, "
        f"~{statistics.median(events):,.0f} events and "
        f"~{statistics.median(written):,.0f} documents written each), ms: "
        f"{percentiles(times)}"
    )
    print(f"    a full read into a table instead, ms: {percentiles(full)}")
    kept = session.live_read_models.documents(name)
    size = sum(map(sys.getsizeof, kept.texts)) + sum(map(sys.getsizeof, kept.keys))
    print(f"    kept: {size / 1e6:.1f} MB of keys and texts")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--projection", action="append")
    parser.add_argument("--no-as-of", action="store_true")
    parser.add_argument("--refreshes", type=int, default=20)
    parser.add_argument("--step", type=float, default=0.5)
    parser.add_argument("--make-running", type=int, metavar="EVENTS")
    args = parser.parse_args()
    if args.make_running:
        make_running(args.db, args.make_running)
        return
    session = open_session(args.db)
    session.catch_up()
    head = session.index.head
    print(f"{args.db}: {head:,} log entries")
    rng = random.Random(7)
    for name in args.projection or DEFAULT:
        print(f"\n{name}:")
        if not args.no_as_of:
            as_of(session, name, head, args.queries, rng)
        live_refresh(session, name, args.refreshes, args.step)
    session.close()


def as_of(
    session: Session, name: str, head: int, queries: int, rng: random.Random
) -> None:
    """The first fold to the head's checkpoint, then random positions, timed."""
    before = rss_mb()
    start = time.perf_counter()
    slices = 0
    while True:
        state = read_models_state(session, name, None, head)
        slices += 1
        if state.folding is None:
            break
    first = time.perf_counter() - start
    table = state.table
    assert table is not None
    print(
        f"  first fold to checkpoint {table.checkpoint:,} in "
        f"{first:.2f} s ({slices} slices), {len(table.rows):,} documents"
    )
    times = []
    for position in rng.sample(range(1, head), queries):
        t0 = time.perf_counter()
        state = read_models_state(session, name, None, position)
        times.append((time.perf_counter() - t0) * 1000)
        assert state.table is not None, state.folding
    print(f"  as-of table at {queries} random positions, ms: {percentiles(times)}")
    memory = session.read_models.memory()[f"{name} v{table.version}"]
    for part, size in memory.items():
        print(f"  {part}: {size / 1e6:.1f} MB")
    print(f"  max RSS {before:.0f} MB -> {rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
