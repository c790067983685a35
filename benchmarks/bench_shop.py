"""Shop benchmark: commands, projection catch-up, the CloudEvents wire, queries.

Builds a realistic order workload on a fresh SQLite file (the whole shop wired
by ``bootstrap``), then measures what the simulation and the GUI pay for:
commands through the bus, each projection catching up over the whole log, the
wire cost of the published language, rebuilds, query latency and lag
bookkeeping.  Prints one table of medians over ``--runs``.  The default of
1,500 orders (not 2,000) keeps the whole run under three minutes on two cores.

    /work/.venv/bin/python benchmarks/bench_shop.py [--orders N] [--runs R]
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ddd_sim.bootstrap import App, bootstrap, shop_contexts
from ddd_sim.contexts.customer.application import commands as customer
from ddd_sim.contexts.inventory.application import commands as inventory
from ddd_sim.contexts.payment.application import commands as payment
from ddd_sim.contexts.payment.application.queries import GetAccountSummary
from ddd_sim.contexts.payment.domain.ids import PaymentId
from ddd_sim.contexts.sales.application import commands as sales
from ddd_sim.contexts.sales.application.queries import GetOrder, ListOrders
from ddd_sim.contexts.sales.domain.lines import OrderLineInput
from ddd_sim.contexts.shipping.application.commands import CreateShipment
from ddd_sim.integration.payload import to_data
from ddd_sim.integration.schemas import PUBLISHED
from ddd_sim.runtime.clock import ManualClock
from ddd_sim.runtime.projection_feed import meta_of
from ddd_sim.runtime.published import CloudEventsWire
from ddd_sim.shared.ids import AccountId, CustomerId, OrderId, ProductId
from ddd_sim.shared.money import Money

SEED = 20240601
CUSTOMERS, PRODUCTS, CANCEL_SHARE = 50, 20, 0.10
WIRE_SAMPLE = 1500
"""Events (drawn at random) per integration projection to time the wire alone."""
RICH = Money.of("1000000", "USD")
Results = dict[str, list[float]]


def usd(amount: int) -> Money:
    """Dollars."""
    return Money.of(str(amount), "USD")


def workload(orders: int) -> list[Any]:
    """Every command of the run, in order: setup, then each order's whole life."""
    rng = random.Random(SEED)
    prices = [5 + 3 * p for p in range(PRODUCTS)]
    cmds: list[Any] = []
    add = cmds.append
    for c in range(CUSTOMERS):
        cid, acc = CustomerId(f"CUST-{c:03d}"), AccountId(f"ACC-{c:03d}")
        add(customer.RegisterCustomer(customer_id=cid, name=f"C{c}", email=f"{c}@a.io"))
        add(payment.OpenAccount(account_id=acc, owner_id=cid, initial_balance=RICH))
    for p, price in enumerate(prices):
        pid = ProductId(f"PROD-{p:03d}")
        add(inventory.ListProduct(product_id=pid, name=f"Item {p}", price=usd(price)))
        add(inventory.ReceiveStock(product_id=pid, quantity=1_000_000))
    for n in range(orders):
        c = rng.randrange(CUSTOMERS)
        cid, acc = CustomerId(f"CUST-{c:03d}"), AccountId(f"ACC-{c:03d}")
        oid, key, shipment = OrderId(f"ORD-{n:06d}"), f"charge-{n}", f"SHP-{n:06d}"
        picks = [(p, rng.randint(1, 3)) for p in rng.sample(range(PRODUCTS), 2)]
        picks = picks[: rng.randint(1, 2)]  # one or two lines
        pids = [ProductId(f"PROD-{p:03d}") for p, _ in picks]
        lines = tuple(
            OrderLineInput(product_id=pid, quantity=q, unit_price=usd(prices[p]))
            for pid, (p, q) in zip(pids, picks, strict=True)
        )
        total = usd(sum(prices[p] * q for p, q in picks))
        add(sales.PlaceOrder(order_id=oid, customer_id=cid, lines=lines))
        for pid, (_, q) in zip(pids, picks, strict=True):
            add(inventory.ReserveStock(product_id=pid, order_id=oid, quantity=q))
        pay = PaymentId(f"PAY-{n:06d}")
        add(payment.ChargeWallet(account_id=acc, payment_id=pay, order_id=oid,
                                 amount=total, idempotency_key=key))  # fmt: skip
        if rng.random() < CANCEL_SHARE:
            add(sales.CancelOrder(order_id=oid, reason="customer changed mind"))
            add(payment.RefundWallet(account_id=acc, idempotency_key=key))
            cmds += [inventory.ReleaseStock(product_id=p, order_id=oid) for p in pids]
            continue
        add(CreateShipment(shipment_id=shipment, order_id=oid))
        add(sales.ConfirmOrder(order_id=oid))
        cmds += [inventory.ShipReservedStock(product_id=p, order_id=oid) for p in pids]
        add(sales.MarkOrderShipped(order_id=oid, shipment_id=shipment))
    return cmds


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds one call took, and what it returned."""
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def per_call_us(fn: Callable[[], Any], calls: int) -> float:
    """Median µs per call over five rounds of ``calls`` calls."""
    rounds = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        rounds.append((time.perf_counter() - t0) / calls * 1e6)
    return statistics.median(rounds)


def write(path: Path, cmds: list[Any], *, fast: bool) -> tuple[float, int, App]:
    """Run every command on a fresh store; seconds taken and events written."""
    app = bootstrap(path, fast=fast, clock=ManualClock(), seed=SEED)
    execute = app.shop.execute
    t0 = time.perf_counter()
    for i, cmd in enumerate(cmds):
        execute(cmd, sim_time=i * 0.01)
    elapsed = time.perf_counter() - t0
    return elapsed, app.store.head_position(), app


def reopen(src: Path, dst: Path) -> App:
    """A copy of a closed store file, opened with the shop on it (nothing polled)."""
    shutil.copyfile(src, dst)
    return bootstrap(dst, clock=ManualClock(), seed=SEED)


def wire_inputs(app: App, name: str) -> list[tuple[Any, Any, Any]]:
    """What the wire carries to one integration projection: (event, meta, proj)."""
    translators = {
        t: f for ctx in shop_contexts() for t, f in ctx.wiring.TRANSLATORS.items()
    }
    projection = app.shop.projections.projection(name)
    wanted = set(projection.event_types)
    carried = []
    for recorded in app.store.read_all(types=sorted(translators)):
        meta = meta_of(recorded)
        domain_event = app.registry.to_domain_event(recorded)
        event = translators[recorded.type](domain_event, meta)
        if event is not None and event.event_type in wanted:
            carried.append((event, meta, projection))
    return carried


def one_run(work: Path, cmds: list[Any], out: Results) -> None:
    """One full measurement on fresh files; appends to ``out``."""

    def note(key: str, value: float) -> None:
        out.setdefault(key, []).append(value)

    base = work / "shop.db"
    secs, events, app = write(base, cmds, fast=False)
    note("a.cmd/s", len(cmds) / secs)
    note("a.ev/s", events / secs)
    note("events", events)
    app.close()
    secs, _, fast_app = write(work / "fast.db", cmds, fast=True)
    note("a.fast.cmd/s", len(cmds) / secs)
    note("a.fast.ev/s", events / secs)
    fast_app.close()

    # (b) each projection alone from checkpoint 0; (f) lag() before and after
    app = reopen(base, work / "each.db")
    runner = app.shop.projections
    for name in runner.names():
        note(f"f.behind:{name}", per_call_us(lambda n=name: runner.lag(n), 100))
        secs, polled = timed(lambda n=name: runner.poll(n))
        note(f"b.s:{name}", secs)
        note(f"b.handled:{name}", polled.handled)
        note(f"f.caught_up:{name}", per_call_us(lambda n=name: runner.lag(n), 100))
    total_app = reopen(base, work / "all.db")
    note("b.total_s", timed(total_app.shop.catch_up)[0])
    total_app.close()

    # (c) the wire alone, on a sample of what each integration projection gets
    for name in runner.names():
        if runner.projection(name).source != "integration":
            continue
        assert not runner.rejections(name), f"{name} refused events at the wire"
        carried = wire_inputs(app, name)
        sample = random.Random(SEED).sample(carried, min(WIRE_SAMPLE, len(carried)))
        wire = CloudEventsWire()  # fresh: every sampled event is encoded once
        secs = timed(lambda s=sample, w=wire: [w(*x) for x in s])[0]
        checks = [(PUBLISHED.contract_of(type(e)), to_data(e)) for e, _, _ in sample]
        schema_secs = timed(lambda c=checks: [k.check(d) for k, d in c * 2])[0]
        note(f"c.n:{name}", len(carried))
        note(f"c.us:{name}", secs / len(sample) * 1e6)
        note(f"c.schema_us:{name}", schema_secs / len(sample) * 1e6)
        note(
            f"c.share:{name}",
            secs / len(sample) * len(carried) / out[f"b.s:{name}"][-1],
        )

    # (d) rebuilds: the largest projection of each feed, by events handled
    for source in ("domain", "integration"):
        names = [n for n in runner.names() if runner.projection(n).source == source]
        largest = max(names, key=lambda n: out[f"b.handled:{n}"][-1])
        note(f"d.s:{largest}", timed(lambda n=largest: runner.rebuild(n))[0])

    # (e) queries: cache hits, uncached asks, the full order list
    shop = app.shop
    orders = [cmd.order_id for cmd in cmds if isinstance(cmd, sales.PlaceOrder)]
    asks = {
        "GetAccountSummary": [
            GetAccountSummary(account_id=AccountId(f"ACC-{c:03d}"))
            for c in range(CUSTOMERS)
        ],
        "GetOrder": [GetOrder(order_id=o) for o in orders[:: len(orders) // 50 or 1]],
    }
    for label, queries in asks.items():
        for q in queries:
            shop.ask(q)
        cycle = itertools.cycle(queries)
        note(f"e.hit:{label}", per_call_us(lambda c=cycle: shop.ask(next(c)), 500))
        note(
            f"e.miss:{label}",
            per_call_us(lambda c=cycle: shop.ask(next(c), cached=False), 200),
        )
    listing = [timed(lambda: shop.ask(ListOrders(), cached=False)) for _ in range(5)]
    assert len(listing[0][1]) == len(orders), "ListOrders must return every order"
    note("e.list_ms", statistics.median(s for s, _ in listing) * 1e3)
    app.close()


def table(out: Results, names: list[str], sources: dict[str, str]) -> list[str]:
    """The printed report, line by line."""
    m = {k: statistics.median(v) for k, v in out.items()}
    wired = [n for n in names if sources[n] == "integration"]
    rows = [
        "(a) commands through the bus, one transaction each",
        f"    durable (synchronous=FULL) {m['a.cmd/s']:>8,.0f} cmd/s"
        f" {m['a.ev/s']:>8,.0f} ev/s",
        f"    fast=True (sync=NORMAL)    {m['a.fast.cmd/s']:>8,.0f} cmd/s"
        f" {m['a.fast.ev/s']:>8,.0f} ev/s",
        "(b) catch-up from checkpoint 0 over the whole log, one projection at a time",
        f"    {'projection':<26}{'feed':<8}{'events':>8}{'seconds':>9}{'ev/s':>9}",
    ]
    for n in names:
        secs, handled = m[f"b.s:{n}"], m[f"b.handled:{n}"]
        feed = "wire" if n in wired else "domain"
        rate = f"{handled / secs:>9,.0f}" if handled else f"{'—':>9}"
        rows.append(f"    {n:<26}{feed:<8}{handled:>8,.0f}{secs:>9.3f}{rate}")
    rows += [
        f"    all projections, shop.catch_up(): {m['b.total_s']:.2f} s",
        "    (a wire projection reads the stored types whose translators can",
        "    publish what it consumes; 'events' counts all it read)",
        "(c) CloudEvents wire alone      carried  µs/event  of which schema"
        "  share of catch-up",
    ]
    for n in wired:
        rows.append(
            f"    {n:<26}{m[f'c.n:{n}']:>8,.0f}{m[f'c.us:{n}']:>10.1f}"
            f"{m[f'c.schema_us:{n}']:>13.1f} µs{m[f'c.share:{n}']:>13.0%}"
        )
    rows.append("(d) rebuild() of the largest projection of each feed")
    for key in sorted(k for k in m if k.startswith("d.s:")):
        rows.append(f"    {key[4:]:<26}{m[key]:>9.3f} s")
    rows.append("(e) queries, µs per ask           cached hit    uncached")
    for label in ("GetAccountSummary", "GetOrder"):
        hit, miss = m[f"e.hit:{label}"], m[f"e.miss:{label}"]
        rows.append(f"    {label:<28}{hit:>12.1f}{miss:>12.1f}")
    rows.append(f"    ListOrders() uncached, all orders: {m['e.list_ms']:.1f} ms")
    for state, label in (("behind", "behind the head"), ("caught_up", "caught up")):
        costs = [m[f"f.{state}:{n}"] for n in names]
        rows.append(
            f"(f) lag(name) {label + ':':<16} median {statistics.median(costs):.1f} µs"
            f" (min {min(costs):.1f}, max {max(costs):.1f}) over {len(names)}"
        )
    return rows


def warm_up(cmds: list[Any]) -> dict[str, str]:
    """Run a slice of the workload in memory; returns each projection's feed."""
    # so that run 1 does not pay for imports, schema compilation and first uses
    probe = bootstrap("memory:", clock=ManualClock(), seed=SEED)
    for cmd in cmds[:1000]:
        probe.shop.execute(cmd)
    probe.shop.catch_up()
    runner = probe.shop.projections
    sources = {n: runner.projection(n).source for n in runner.names()}
    probe.close()
    return sources


def main() -> None:
    """Parse arguments, run, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1500)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cmds = workload(args.orders)
    cancels = sum(isinstance(c, sales.CancelOrder) for c in cmds)
    print(
        f"Python {platform.python_version()} ({platform.machine()}), "
        f"SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs, {sys.platform}"
    )
    print(
        f"workload: {args.orders:,} orders ({cancels} cancelled) over {CUSTOMERS} "
        f"customers and {PRODUCTS} products = {len(cmds):,} commands; "
        f"median of {args.runs} runs; SQLite file in {tempfile.gettempdir()}"
    )
    started = time.perf_counter()
    sources = warm_up(cmds)
    out: Results = {}
    for run in range(args.runs):
        gc.unfreeze()  # bootstrap froze the last run's objects; let them go
        gc.collect()
        with tempfile.TemporaryDirectory(prefix="bench-shop-") as tmp:
            one_run(Path(tmp), cmds, out)
        print(f"  run {run + 1}/{args.runs} done", file=sys.stderr, flush=True)
    print(f"events written: {out['events'][0]:,.0f}")
    print("\n".join(table(out, sorted(sources), sources)))
    print(f"(total benchmark time {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
