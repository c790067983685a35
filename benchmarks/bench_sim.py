"""Headless throughput of the orchestrated order saga, end to end, persisted.

Runs a scenario with a steady load of orders (no faults) on a fresh SQLite
file (durable and fast modes), and prints
orders/s and events/s of wall time, for the run alone and for the run plus
its drain and invariant check.  A script, not a test: run it on demand.

    python benchmarks/bench_sim.py [--orders N] [--rate R] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import math
import platform
import pstats
import tempfile
import time
from pathlib import Path

from ddd_sim.bootstrap import open_simulation, projection_names
from ddd_sim.sim.scenario import parse_scenario

SCENARIO = """
name = "throughput"
seed = 42
duration = {duration}
saga = "{saga}"

[projections]
interval = {interval}

{products}
{customers}
[[load]]
rate = {rate}
max_quantity = 2
max_lines = 2
"""


def scenario_text(orders: int, rate: float, saga: str, interval: float) -> str:
    products = "\n".join(
        f'[[products]]\nid = "PROD-{i:03d}"\nstock = 1000000\nprice = "{10 + i}.00"\n'
        for i in range(20)
    )
    customers = "\n".join(
        f'[[customers]]\nid = "CUST-{i:03d}"\nbalance = "100000000.00"\n'
        for i in range(50)
    )
    return SCENARIO.format(
        duration=orders / rate,
        saga=saga,
        rate=rate,
        interval=interval,
        products=products,
        customers=customers,
    )


def measure(location: str, text: str, *, fast: bool, profile: bool) -> dict[str, float]:
    scenario = parse_scenario(text, "bench.toml", projections=projection_names())
    started = time.perf_counter()
    sim = open_simulation(location, scenario, fast=fast)
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    sim.run()
    ran = time.perf_counter() - started
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    summary = sim.summary()
    total = time.perf_counter() - started
    sim.store.close()
    assert summary["ok"], summary.get("invariant_failures")
    orders = summary["orders"]["placed"]
    return {
        "orders": orders,
        "events": summary["events"],
        "run_s": ran,
        "orders_per_s": orders / ran,
        "events_per_s": summary["events"] / ran,
        "with_checks_s": total,
    }


def machine_speed() -> float:
    """Millions of pure-Python loop steps a second (best of three).

    Orders/s scale with the machine (the same commit gave 632-704 orders/s
    one day and 360-450 on another machine the next), so a figure means
    little without this one beside it.
    """
    best = math.inf
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(2_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return 2.0 / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--saga", default="orchestrated")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    text = scenario_text(args.orders, args.rate, args.saga, args.interval)
    folder = Path(tempfile.mkdtemp())
    rows = [
        ("sqlite fast", str(folder / "fast.db"), True),
        ("sqlite durable", str(folder / "durable.db"), False),
    ]
    print(
        f"{args.orders} orders at {args.rate:g}/s simulated, saga {args.saga}; "
        f"python {platform.python_version()}, machine speed "
        f"{machine_speed():.1f}M loop steps/s"
    )
    print(
        f"{'store':<16}{'orders':>8}{'events':>9}{'run s':>8}{'orders/s':>10}"
        f"{'events/s':>10}{'+checks s':>11}"
    )
    for name, location, fast in rows:
        r = measure(location, text, fast=fast, profile=args.profile and fast)
        print(
            f"{name:<16}{r['orders']:>8.0f}{r['events']:>9.0f}{r['run_s']:>8.2f}"
            f"{r['orders_per_s']:>10.0f}{r['events_per_s']:>10.0f}"
            f"{r['with_checks_s']:>11.2f}"
        )


if __name__ == "__main__":
    main()
