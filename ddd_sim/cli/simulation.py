"""``ddd-sim run``, ``resume`` and the world-as-of view of ``inspect``."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from ddd_sim.shared.errors import CorruptStore, ValidationError

EXIT_BROKEN = 1


def add_parsers(commands: Any) -> None:
    """Add ``run`` and ``resume`` to the command line."""
    run = commands.add_parser(
        "run",
        help="run a scenario headless to the end, drain, check every invariant",
        description="Run a scenario file (or a built-in scenario's name) on a new "
        "store, without a window, then drain in-flight work and check the "
        "invariants. Exit 0 when all hold, 1 when one breaks.",
    )
    run.add_argument(
        "scenario", metavar="SCENARIO", help="a .toml file or a built-in name"
    )
    _db_option(run)
    run.add_argument("--seed", type=int, help="override the scenario's seed")
    run.add_argument("--json", action="store_true", help="print one JSON object")
    resume = commands.add_parser(
        "resume",
        help="finish a run that was interrupted",
        description="Continue an interrupted run from its last committed moment "
        "(the scenario and seed are stored with the run).",
    )
    _db_option(resume)
    resume.add_argument("--json", action="store_true", help="print one JSON object")


def _db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        metavar="STORE",
        default=argparse.SUPPRESS,
        help="SQLite path or postgresql:// URL",
    )
    parser.add_argument(
        "--fast",
        action="store_true",
        default=argparse.SUPPRESS,
        help="fast durability (SQLite synchronous=NORMAL)",
    )


def _crashpoint_from_env() -> Any:
    """``SIM_CRASH_AT=name[:n]`` kills the process at the n-th pass of a point."""
    wanted = os.environ.get("SIM_CRASH_AT")
    if not wanted:
        return None
    name, _, count = wanted.partition(":")
    remaining = [int(count or 1)]

    def crashpoint(point: str) -> None:
        if point == name:
            remaining[0] -= 1
            if remaining[0] <= 0:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(137)

    return crashpoint


def _scenario_path(value: str) -> Path:
    from ddd_sim.sim.scenario import builtin_scenario

    path = Path(value)
    if path.exists() or path.suffix == ".toml" or os.sep in value:
        return path
    return builtin_scenario(value)


def run_command(args: argparse.Namespace) -> int:
    """``run`` and ``resume``: exit 0 if every invariant holds, else 1."""
    from ddd_sim.bootstrap import open_simulation, projection_names
    from ddd_sim.sim.scenario import load_scenario

    location = getattr(args, "db", None)
    if not location:
        raise ValidationError(
            f"{args.command} needs --db (a SQLite path or a PostgreSQL URL)"
        )
    scenario = None
    if args.command == "run":
        scenario = load_scenario(
            _scenario_path(args.scenario), projections=projection_names()
        )
    started = time.perf_counter()
    sim = open_simulation(
        location,
        scenario,
        seed=getattr(args, "seed", None),
        fast=args.fast,
        crashpoint=_crashpoint_from_env(),
    )
    try:
        total = sim.scenario.duration

        def report(s: Any) -> None:
            print(
                f"ddd-sim: t={s.scheduler.now:.1f}/{total:g} s  "
                f"events {s.store.head_position():,}  in flight {s.in_flight()}  "
                f"({time.perf_counter() - started:.1f} s)",
                file=sys.stderr,
            )

        sim.run(progress=report)
        summary = sim.summary()
        took = time.perf_counter() - started
        if args.json:
            print(json.dumps(summary, sort_keys=True))
        else:
            print(_human(summary))
        print(f"ddd-sim: {summary['events']:,} events in {took:.2f} s", file=sys.stderr)
        return 0 if summary["ok"] else EXIT_BROKEN
    finally:
        sim.store.close()


def _human(summary: dict[str, Any]) -> str:
    o, s = summary["orders"], summary["sagas"]
    lines = [
        f"scenario {summary['scenario']!r} seed {summary['seed']} ({summary['saga']})",
        f"simulated {summary['sim_time']:.1f} s, {summary['events']:,} events, "
        f"log sha256 {summary['log_sha256'][:16]}…",
        f"orders: {o['placed']} placed, {o['completed']} completed, "
        f"{o['cancelled']} cancelled, {o['in_flight']} in flight",
        f"sagas:  {s['started']} started, {s['completed']} completed, "
        f"{s['compensated']} compensated, {s['in_flight']} in flight",
        f"faults injected: {summary['faults_injected']}",
    ]
    for name, ok in summary["invariants"].items():
        detail = summary.get("invariant_failures", {}).get(name, "")
        lines.append(
            f"  {'ok  ' if ok else 'FAIL'} {name}" + (f": {detail}" if detail else "")
        )
    lines.append("every invariant holds" if summary["ok"] else "an invariant is broken")
    return "\n".join(lines)


def inspect_world(
    location: str | None,
    *,
    as_of: int | None,
    at: float | None,
    as_json: bool,
    fast: bool,
) -> str:
    """The world at a position (or simulated time), as JSON or as text."""
    from ddd_sim.bootstrap import bootstrap
    from ddd_sim.runtime.invariants import check_world
    from ddd_sim.runtime.world.index import WorldIndex

    if as_of is not None and at is not None:
        raise ValidationError("give --as-of or --at, not both")
    if as_of is not None and as_of < 0:
        raise ValidationError(f"--as-of must not be negative, got {as_of}")
    app = bootstrap(location, fast=fast)
    try:
        try:
            index = WorldIndex.from_store(app.store)
        except ValueError as broken:  # a log with a hole in its positions
            raise CorruptStore(f"the log cannot be folded: {broken}") from broken
        if as_of is not None and as_of > index.head:
            raise ValidationError(
                f"--as-of {as_of} is past the end of the log ({index.head})"
            )
        world = (
            index.at_time(at)
            if at is not None
            else index.at(index.head if as_of is None else as_of)
        )
        data = world.to_json()
        # the invariants a moment can be judged by (the drain is a run's end)
        data["invariants"] = {
            name: result.ok
            for name, result in check_world(world, drained=False).items()
        }
        if as_json:
            return json.dumps(data, sort_keys=True)
        return _world_text(data)
    finally:
        app.close()


def _world_text(data: dict[str, Any]) -> str:
    lines = [f"position {data['position']}  sim time {data['sim_time']:.3f} s"]
    orders = data["orders"]
    by_status: dict[str, int] = {}
    for order in orders:
        by_status[order["status"]] = by_status.get(order["status"], 0) + 1
    lines.append(
        f"orders: {len(orders)} ("
        + ", ".join(f"{n} {s}" for s, n in sorted(by_status.items()))
        + ")"
    )
    lines.append("stock:")
    for product, row in sorted(data["stock"].items()):
        lines.append(
            f"  {product:<16} available {row['available']:>6}"
            f"  reserved {row['reserved']:>6}"
        )
    lines.append("wallets:")
    for customer, row in sorted(data["wallets"].items())[:20]:
        lines.append(f"  {customer:<16} {row['balance']:>12} {row['currency']}")
    running = [s for s in data["sagas"] if s["status"] in ("running", "compensating")]
    lines.append(f"sagas: {len(data['sagas'])} ({len(running)} in flight)")
    for saga in running[:10]:
        steps = " ".join(f"{s['name']}:{s['status']}" for s in saga["steps"])
        lines.append(f"  {saga['id']} {saga['status']}: {steps}")
    lines.append("projections:")
    for p in data["projections"]:
        lines.append(
            f"  {p['name']:<28} checkpoint {p['checkpoint']:>8}  lag {p['lag_events']}"
        )
    broken = [name for name, ok in data["invariants"].items() if not ok]
    lines.append(
        "invariants: " + (", ".join(broken) + " broken" if broken else "all hold")
    )
    if data["breakers"]:
        lines.append(
            "breakers: "
            + ", ".join(f"{t} {s}" for t, s in sorted(data["breakers"].items()))
        )
    return "\n".join(lines)
