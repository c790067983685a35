"""As-of benchmark: the whole world as of random positions of a 1,000,000-event run.

The log is a real run: the engine plays an orchestrated scenario (400 orders
a simulated second over 20 products and 50 customers with bottomless stock
and wallets; a window of declined payments, shipping down for two seconds, a
sales crash, a stalled read model) onto a fast SQLite file until it holds
``--events`` events.  That takes minutes (about 2,000 events/s); ``--db
FILE`` keeps the file and reuses it the next time if it is long enough.

Then the first ``--events`` events are read in batches of 10,000 and folded
with ``WorldIndex.advance`` (read and fold timed apart), and ``at(p)`` is
timed at ``--queries`` random positions: what ``inspect`` and the GUI's time
slider call.  ``to_json()`` of those worlds is timed on its own (the slider
reads rows, it does not serialise).  Target: p95 of ``at(p)`` <= 16 ms.

    python benchmarks/bench_asof.py [--events N] [--queries Q] [--db FILE]
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ddd_sim.bootstrap import build_registry, open_simulation, projection_names
from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.runtime.simulation.engine import Simulation
from ddd_sim.runtime.world.index import CHECKPOINT_EVERY, WorldIndex
from ddd_sim.shared.events import RecordedEvent
from ddd_sim.shared.ports import EventStore
from ddd_sim.sim.scenario import parse_scenario

RATE = 400.0
EVENTS_PER_ORDER = 18.2  # measured on this scenario: 109,060 events, 6,000 orders
BATCH = 10_000
SCENARIO = """
name = "as-of benchmark"
seed = {seed}
duration = {duration}
saga = "orchestrated"

{products}
{customers}

[[load]]
rate = {rate}
max_quantity = 2
max_lines = 2

[[faults]]
target = "payment"
kind = "decline"
from = {declined_from}
until = {declined_until}

[[faults]]
target = "shipping"
kind = "down"
from = {down_from}
until = {down_until}

[[faults]]
target = "sales"
kind = "crash"
from = {crash_at}
restart_after = 1.0

[[faults]]
target = "sales"
kind = "stall_projection"
projection = "sales.order_list"
from = {stall_from}
until = {stall_until}
"""


def scenario_text(events: int, seed: int) -> str:
    """A scenario whose run writes a little more than ``events`` events."""
    duration = events / EVENTS_PER_ORDER / RATE * 1.02 + 1.0
    products = "\n".join(
        f'[[products]]\nid = "PROD-{i:03d}"\nstock = 1000000000\nprice = "{10 + i}.00"'
        for i in range(20)
    )
    customers = "\n".join(
        f'[[customers]]\nid = "CUST-{i:03d}"\nbalance = "1000000000000.00"'
        for i in range(50)
    )
    return SCENARIO.format(
        seed=seed,
        duration=round(duration, 3),
        rate=RATE,
        products=products,
        customers=customers,
        declined_from=round(duration * 0.2, 3),
        declined_until=round(duration * 0.2 + 1.0, 3),
        down_from=round(duration * 0.5, 3),
        down_until=round(duration * 0.5 + 2.0, 3),
        crash_at=round(duration * 0.7, 3),
        stall_from=round(duration * 0.3, 3),
        stall_until=round(duration * 0.3 + 3.0, 3),
    )


def generate(path: Path, events: int, seed: int) -> float:
    """Run the scenario onto ``path``; the wall seconds it took."""
    text = scenario_text(events, seed)
    scenario = parse_scenario(text, "bench_asof.toml", projections=projection_names())
    started = time.perf_counter()
    sim = open_simulation(str(path), scenario, fast=True)

    def progress(s: Simulation) -> None:
        done = s.store.head_position()
        rate = done / (time.perf_counter() - started)
        print(
            f"  generating: sim {s.now():6.1f} s, {done:>9,} events, "
            f"{rate:,.0f} events/s",
            file=sys.stderr,
        )

    try:
        sim.run(progress=progress)
    finally:
        sim.store.close()
    return time.perf_counter() - started


def batches(store: EventStore, last: int) -> Iterator[list[RecordedEvent]]:
    """The log up to ``last`` in batches, as ``WorldIndex.catch_up`` reads it."""
    batch: list[RecordedEvent] = []
    for event in store.read_all(to_position=last):
        batch.append(event)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def rss_mb() -> float:
    """The resident set size now, in MB (the peak where /proc is missing)."""
    statm = Path("/proc/self/statm")
    if statm.exists():
        pages = int(statm.read_text().split()[1])
        return pages * resource.getpagesize() / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(call: Callable[[Any], object], arguments: list[Any]) -> list[float]:
    """Milliseconds per call, one call per argument."""
    timings = []
    for argument in arguments:
        started = time.perf_counter()
        call(argument)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def row(label: str, timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return (
        f"{label:<28} {statistics.median(ordered):>8.2f} {p95:>8.2f} "
        f"{ordered[-1]:>8.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--checkpoint-every", type=int, default=CHECKPOINT_EVERY)
    parser.add_argument(
        "--db", type=Path, help="keep the generated log here; reuse it if long enough"
    )
    args = parser.parse_args()

    path = args.db or Path(tempfile.mkdtemp(prefix="bench_asof-")) / "run.db"
    registry = build_registry()
    generated = "reused " + str(path)
    if path.exists():
        store = open_store(str(path), upcasters=registry.upcasters, fast=True)
        if store.head_position() < args.events:
            sys.exit(f"{path} holds {store.head_position():,} events, fewer than asked")
    else:
        seconds = generate(path, args.events, args.seed)
        store = open_store(str(path), upcasters=registry.upcasters, fast=True)
        generated = (
            f"generated by the engine in {seconds:.0f} s "
            f"({store.head_position() / seconds:,.0f} events/s) into {path}"
        )
    last = min(args.events, store.head_position())

    gc.collect()
    rss_before = rss_mb()
    index = WorldIndex(checkpoint_every=args.checkpoint_every)
    reading = folding = 0.0
    started = time.perf_counter()
    for batch in batches(store, last):
        read = time.perf_counter()
        reading += read - started
        index.advance(batch)
        started = time.perf_counter()
        folding += started - read
    gc.collect()
    rss_after = rss_mb()

    rng = random.Random(args.seed)
    positions = [rng.randint(1, index.head) for _ in range(args.queries)]
    moments = [index.at(p).sim_time for p in positions]
    at_p = timed(index.at, positions)
    at_t = timed(index.at_time, moments)
    worlds = [index.at(p) for p in positions]
    to_json = timed(lambda world: world.to_json(), worlds)
    both = timed(lambda p: index.at(p).to_json(), positions)
    final = index.at(index.head)

    print(
        f"python {platform.python_version()} on {platform.machine()}; log {generated}"
    )
    print(
        f"{index.head:,} events: {len(final.orders):,} orders, "
        f"{len(final.sagas):,} sagas, {len(final.stock)} products, "
        f"{len(final.wallets)} wallets; checkpoint every {args.checkpoint_every}"
    )
    print(
        f"advance: {index.head / folding:,.0f} events/s ({folding:.1f} s; reading "
        f"the events from SQLite took {reading:.1f} s more)"
    )
    print(
        f"RSS {rss_before:,.0f} MB before folding, {rss_after:,.0f} MB after "
        f"(+{rss_after - rss_before:,.0f} MB; peak {peak_mb():,.0f} MB)"
    )
    for part, size in index.memory().items():
        print(f"  {part}: {size / 2**20:,.1f} MB")
    print(f"\n{args.queries} random positions, ms      p50      p95      max")
    print(row("at(p)", at_p))
    print(row("at_time(t)", at_t))
    print(row("to_json() of at(p)", to_json))
    print(row("at(p).to_json()", both))
    p95 = sorted(at_p)[max(0, round(0.95 * len(at_p)) - 1)]
    verdict = "met" if p95 <= 16 else "MISSED"
    print(f"target p95 of at(p) <= 16 ms: {verdict}")
    store.close()


if __name__ == "__main__":
    main()
