"""Read models as of a position on a large session: first fold, then random positions.

Opens a session file (make one with ``python benchmarks/bench_asof.py
--events 200000 --db /tmp/big.db``), then for each projection asked for:
the first fold (every slice the panel would ask for, back to back, to the
head's checkpoint), then the panel's whole question — documents as of
``--queries`` random positions, formatted as the table the panel shows,
stale keys included — timed one by one.  The history's memory is reported
by part, and the process's RSS before and after.

    python benchmarks/bench_read_asof.py --db /tmp/big.db [--queries 30]
        [--projection NAME ...]
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time

from ddd_sim.bootstrap import open_session
from ddd_sim.gui.panels.read_model_data import read_models_state

DEFAULT = ("sales.order_detail", "notification.outbox", "inventory.stock")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--projection", action="append")
    args = parser.parse_args()
    session = open_session(args.db)
    session.catch_up()
    head = session.index.head
    print(f"{args.db}: {head:,} log entries")
    rng = random.Random(7)
    for name in args.projection or DEFAULT:
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
            f"\n{name}: first fold to checkpoint {table.checkpoint:,} in "
            f"{first:.2f} s ({slices} slices), {len(table.rows):,} documents"
        )
        times = []
        for position in rng.sample(range(1, head), args.queries):
            t0 = time.perf_counter()
            state = read_models_state(session, name, None, position)
            times.append((time.perf_counter() - t0) * 1000)
            assert state.table is not None, state.folding
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(
            f"  as-of table at {args.queries} random positions, ms: "
            f"p50 {statistics.median(times):.1f}  p95 {p95:.1f}  max {times[-1]:.1f}"
        )
        t0 = time.perf_counter()
        live = read_models_state(session, name, None, None)
        assert live.table is not None
        live_ms = (time.perf_counter() - t0) * 1000
        print(f"  (the live table, for comparison: {live_ms:.0f} ms)")
        memory = session.read_models.memory()[f"{name} v{table.version}"]
        for part, size in memory.items():
            print(f"  {part}: {size / 1e6:.1f} MB")
        print(f"  max RSS {before:.0f} MB -> {rss_mb():.0f} MB")
    session.close()


if __name__ == "__main__":
    main()
