"""As-of benchmark: the whole world as of random positions of a 1,000,000-event run.

The log comes from the real engine: an orchestrated scenario (400 orders a
simulated second over 20 products and 50 customers with bottomless stock
and wallets; a window of declined payments, shipping down for two seconds,
a sales crash, a stalled read model) played onto a fast SQLite file until
it holds ``--events`` events.  The engine slows as its log grows (about
2,800 events/s at first, under 1,000 past 600,000): 886,108 events took
13 minutes here, a million take longer.  ``--db FILE`` keeps the file and
reuses it (its first ``--events`` events) when it is long enough.
``--synthetic`` instead runs the same scenario for 20,000 events in memory
and repeats that log, each pass with fresh order, saga and fault ids, stream
versions, positions, times, stock figures and projection checkpoints.

The index folds the log in batches of 10,000 (read and fold timed apart),
then ``at(p)`` is timed at ``--queries`` random positions: what ``inspect``
and the GUI's time slider call.  ``to_json()`` of those worlds is timed on
its own (the slider reads rows; it does not serialise).  Target: p95 of
``at(p)`` <= 16 ms.

    python benchmarks/bench_asof.py [--events N] [--queries Q] [--db FILE]
    python benchmarks/bench_asof.py --synthetic [--events N]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import json
import platform
import random
import re
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ddd_sim.bootstrap import build_registry, open_simulation, projection_names
from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.runtime.invariants import check_world
from ddd_sim.runtime.simulation.engine import Simulation
from ddd_sim.runtime.world.index import CHECKPOINT_EVERY, WorldIndex
from ddd_sim.shared.events import EventMetadata, RecordedEvent
from ddd_sim.shared.ports import EventStore
from ddd_sim.sim.scenario import parse_scenario

RATE = 400.0
EVENTS_PER_ORDER = 15.9  # measured on this scenario: 886,108 events, 55,686 orders
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

    def window(start: float, width: float) -> dict[str, float]:
        begin = round(duration * start, 3)
        return {"from": begin, "until": round(begin + min(width, duration / 10), 3)}

    declined, down, stalled = window(0.2, 1.0), window(0.5, 2.0), window(0.3, 3.0)
    return SCENARIO.format(
        seed=seed,
        duration=round(duration, 3),
        rate=RATE,
        products=products,
        customers=customers,
        declined_from=declined["from"],
        declined_until=declined["until"],
        down_from=down["from"],
        down_until=down["until"],
        crash_at=round(duration * 0.7, 3),
        stall_from=stalled["from"],
        stall_until=stalled["until"],
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


ORDER_ID = re.compile(r"ORD-L\d+-\d+")


def cloned_log(base: list[RecordedEvent], events: int) -> Iterator[RecordedEvent]:
    """``events`` events: ``base``'s setup once, then its orders pass after pass."""
    first = next(i for i, e in enumerate(base) if e.type == "OrderPlaced")
    body = base[first:-1] if base[-1].type == "RunDrained" else base[first:]
    span = body[-1].metadata.sim_time - body[0].metadata.sim_time + 0.01
    passes = itertools.chain(
        [(0, base[:first])], ((n, body) for n in itertools.count())
    )
    versions: dict[str, int] = {}
    available: dict[str, int] = {}
    position = 0
    for n, part in passes:
        for event in part:
            position += 1
            if position > events:
                return
            shifts = (n * len(body), n * span)
            yield _clone(event, n, position, shifts, versions, available)


def _clone(
    event: RecordedEvent,
    n: int,
    position: int,
    shifts: tuple[int, float],
    versions: dict[str, int],
    available: dict[str, int],
) -> RecordedEvent:
    """One event of pass ``n`` with its own ids, version, position and time."""
    offset, shift = shifts

    def renamed(text: str) -> str:
        return ORDER_ID.sub(lambda m: f"{m.group()}-{n}", text) if n else text

    payload = json.loads(renamed(json.dumps(dict(event.payload))))
    if "fault_id" in payload and n:
        payload["fault_id"] += f"#{n}"
    if event.type == "ProjectionsAdvanced":
        payload["checkpoints"] = {
            name: checkpoint + offset
            for name, checkpoint in payload["checkpoints"].items()
        }
    if "available" in payload:  # the product's own running figure
        product, quantity = payload["product_id"], payload["quantity"]
        sign = {"StockReserved": -1, "StockReleased": 1, "StockReceived": 1}
        before = available.get(product, 0)
        available[product] = before + sign.get(event.type, 0) * quantity
        payload["available"] = available[product]
    stream = renamed(event.stream_id)
    versions[stream] = versions.get(stream, 0) + 1
    return RecordedEvent(
        uuid.UUID(int=position),
        stream,
        versions[stream],
        position,
        event.type,
        event.schema_version,
        payload,
        EventMetadata(sim_time=event.metadata.sim_time + shift),
    )


def synthetic(events: int, seed: int) -> tuple[Iterator[list[RecordedEvent]], str]:
    """Batches of a cloned log, and how it was made."""
    text = scenario_text(20_000, seed)
    scenario = parse_scenario(text, "bench_asof.toml", projections=projection_names())
    started = time.perf_counter()
    sim = open_simulation("memory:", scenario)
    sim.run()
    base = list(sim.store.read_all())
    sim.store.close()
    seconds = time.perf_counter() - started
    log = cloned_log(base, events)
    how = (
        f"synthetic: a real run of {len(base):,} events ({seconds:.0f} s in "
        f"memory), its orders cloned with fresh ids up to {events:,} events"
    )
    return iter(lambda: list(itertools.islice(log, BATCH)), []), how


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


def real_log(db: Path | None, events: int, seed: int) -> tuple[EventStore, str]:
    """The store of a real run of ``events`` or more events, and how it was made."""
    path = db or Path(tempfile.mkdtemp(prefix="bench_asof-")) / "run.db"
    registry = build_registry()
    how = f"a real run reused from {path}"
    if not path.exists():
        seconds = generate(path, events, seed)
        how = f"a real run generated by the engine in {seconds:.0f} s into {path}"
    store = open_store(str(path), upcasters=registry.upcasters, fast=True)
    if store.head_position() < events:
        sys.exit(f"{path} holds {store.head_position():,} events, fewer than asked")
    return store, how


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--checkpoint-every", type=int, default=CHECKPOINT_EVERY)
    parser.add_argument(
        "--db", type=Path, help="keep the generated log here; reuse it if long enough"
    )
    parser.add_argument(
        "--synthetic", action="store_true", help="clone a short real run's log"
    )
    args = parser.parse_args()

    store: EventStore | None = None
    if args.synthetic:
        source, generated = synthetic(args.events, args.seed)
    else:
        store, generated = real_log(args.db, args.events, args.seed)
        source = batches(store, min(args.events, store.head_position()))

    gc.collect()
    rss_before = rss_mb()
    index = WorldIndex(checkpoint_every=args.checkpoint_every)
    reading = folding = 0.0
    started = time.perf_counter()
    for batch in source:
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
        f"{'or cloning ' if args.synthetic else ''}the events took {reading:.1f} s "
        "more)"
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
    broken = {k: r.detail for k, r in check_world(final).items() if not r.ok}
    print(f"world invariants at the head: {broken or 'all hold'}")
    if store is not None:
        store.close()


if __name__ == "__main__":
    main()
