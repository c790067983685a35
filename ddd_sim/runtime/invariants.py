"""The invariants every run must keep, checked on the world and on the store.

Each check says whether it holds and, when it does not, names the first
offender, so a failing run says what broke rather than only that it broke.
The world checks hold at any position of a correct log, not only at its end
(a charge whose compensation is still running is in flight, not lost).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from ddd_sim.processes.events import ORDER_STEPS
from ddd_sim.runtime.shop import ShopRuntime
from ddd_sim.runtime.world.model import ORDER_DONE, SagaRow, World
from ddd_sim.shared.errors import DddSimError
from ddd_sim.shared.ports import EventStore

WORLD_INVARIANTS = (
    "stock_conserved",
    "money_conserved",
    "no_double_charge",
    "sagas_consistent",
    "no_saga_in_flight",
)
STORE_INVARIANTS = ("versions_gapless", "read_models_equal_rebuild")


@dataclass(frozen=True, slots=True)
class InvariantResult:
    """Whether an invariant holds, and if not, the first offender."""

    ok: bool
    detail: str = ""


OK = InvariantResult(True)


def _broken(detail: str) -> InvariantResult:
    return InvariantResult(False, detail)


def check_world(world: World, *, drained: bool = False) -> dict[str, InvariantResult]:
    """The invariants that follow from the log alone, as of ``world``."""
    return {
        "stock_conserved": stock_conserved(world),
        "money_conserved": money_conserved(world),
        "no_double_charge": no_double_charge(world),
        "sagas_consistent": sagas_consistent(world),
        "no_saga_in_flight": no_saga_in_flight(world, drained=drained),
    }


def stock_conserved(world: World) -> InvariantResult:
    """Available + reserved + shipped = received per product, none negative."""
    for product, s in sorted(world.stock.items()):
        for name in ("available", "reserved", "shipped"):
            if getattr(s, name) < 0:
                return _broken(f"{product}: {name} is negative ({getattr(s, name)})")
        if s.available + s.reserved + s.shipped != s.received:
            return _broken(
                f"{product}: received {s.received} != available {s.available} + "
                f"reserved {s.reserved} + shipped {s.shipped}"
            )
    return OK


def money_conserved(world: World) -> InvariantResult:
    """Net wallet charges equal the totals of orders whose charge stands.

    A charge stands for a confirmed (or later) order, and for an order whose
    process is still under way (charged before it is confirmed, or cancelled
    before its refund).  Checked order by order, so the sums agree too; no
    wallet may go below zero.
    """
    for wallet in sorted(world.wallets.values(), key=lambda w: w.account):
        if Decimal(wallet.balance) < 0:
            return _broken(
                f"{wallet.account}: balance {wallet.balance} {wallet.currency} "
                "is negative"
            )
    under_way = {s.order for s in world.sagas if s.ended_at is None}
    charges = world.charges
    placed: set[str] = set()
    for order in world.orders:
        placed.add(order.id)
        charge = charges.get(order.id)
        net = charge.net if charge is not None else Decimal(0)
        paid = f"{net} {charge.currency if charge else order.currency}"
        due = f"{order.total} {order.currency}"
        if order.status in ORDER_DONE or (net and order.status == "placed"):
            currency = charge.currency if charge is not None else order.currency
            if net != Decimal(order.total) or currency != order.currency:
                return _broken(
                    f"{order.id} is {order.status}: {paid} charged net, "
                    f"the order totals {due}"
                )
        elif net and order.id not in under_way:
            return _broken(f"{order.id} is {order.status} but keeps {paid} charged")
    for order_id, charge in charges.items():
        if order_id not in placed and charge.net:
            return _broken(f"{order_id}: {charge.net} charged for no placed order")
    return OK


def no_double_charge(world: World) -> InvariantResult:
    """At most one charge per order, and never more refunded than charged."""
    for order_id, charge in world.charges.items():
        if charge.charges > 1:
            return _broken(f"{order_id} was charged {charge.charges} times")
        if charge.refunds > charge.charges or charge.net < 0:
            return _broken(
                f"{order_id} was refunded {charge.refunded} after charges of "
                f"{charge.charged}"
            )
    return OK


def saga_problem(saga: SagaRow) -> str | None:
    """What is wrong with a finished process, or None (also while it runs)."""
    if saga.ended_at is None:
        return None
    steps = {step.name: step for step in saga.steps}
    if saga.status == "completed":
        missing = [
            name
            for name in saga.plan or tuple(steps)
            if name not in steps or steps[name].status != "succeeded"
        ]
        if missing:
            return f"completed, but {', '.join(missing)} did not succeed"
        if saga.compensations:
            undone = [c.step for c in saga.compensations]
            return f"completed, but compensated {', '.join(undone)}"
        return None
    # compensated (or abandoned and then compensated): undo what took effect,
    # latest first, each exactly once; the closing step's undo (cancel the
    # order) is always owed, and always last
    closing = saga.plan[-1] if saga.plan else ORDER_STEPS[-1]
    done = [c.step for c in saga.compensations]
    twice = [step for step, n in Counter(done).items() if n > 1]
    if twice:
        return f"{twice[0]} compensated {done.count(twice[0])} times"
    owed = [s for s in reversed(saga.touched) if s != closing] + [closing]
    missing = [s for s in owed if s not in done]
    if missing:
        return f"{missing[0]} took effect but was never compensated"
    if [s for s in done if s in owed] != owed:
        return f"compensated {done}, not in reverse of {list(saga.touched)}"
    for c in saga.compensations:
        if c.step not in owed and not c.noop:
            return f"{c.name} undid {c.step}, which never took effect"
    if done[-1] != closing:
        return f"compensated {done}: {closing} was not undone last"
    return None


def sagas_consistent(world: World) -> InvariantResult:
    """Finished processes did every step, or undid every done step once, in reverse."""
    for saga in world.sagas:
        problem = saga_problem(saga)
        if problem is not None:
            return _broken(f"{saga.id}: {problem}")
    return OK


def no_saga_in_flight(world: World, *, drained: bool) -> InvariantResult:
    """After the drain every process has ended and no order is left placed."""
    if not drained:
        return InvariantResult(True, "not drained yet")
    for saga in world.sagas:
        if saga.ended_at is None:
            return _broken(f"{saga.id} is still {saga.status}")
    stuck = [o.id for o in world.orders if o.status == "placed"]
    if stuck:
        return _broken(f"{len(stuck)} orders still placed, e.g. {stuck[0]}")
    return OK


def check_store(store: EventStore, shop: ShopRuntime) -> dict[str, InvariantResult]:
    """The invariants that need the store: gapless versions, exact read models."""
    return {
        "versions_gapless": versions_gapless(store),
        "read_models_equal_rebuild": read_models_equal_rebuild(shop),
    }


def versions_gapless(store: EventStore) -> InvariantResult:
    """Every stream holds versions 1..n, in log order, one event each.

    Read from the log itself, one pass without upcasting: comparing only the
    streams' head versions with the head position would miss an event lost
    from the middle of the log (its stream and the log both keep their ends).
    """
    held: dict[str, int] = {}
    for event in store.read_all(raw=True):
        expected = held.get(event.stream_id, 0) + 1
        if event.stream_version != expected:
            return _broken(
                f"{event.stream_id}: version {event.stream_version} at position "
                f"{event.global_position}, expected {expected}"
            )
        held[event.stream_id] = expected
    for info in store.streams():
        if held.get(info.stream_id, 0) != info.version:
            return _broken(
                f"{info.stream_id} is at version {info.version} "
                f"but holds {held.get(info.stream_id, 0)} events"
            )
    return OK


def read_models_equal_rebuild(shop: ShopRuntime) -> InvariantResult:
    """Every read model, caught up to the head, equals a fresh fold of the log.

    Delays are ignored (the run is over); a projection that is still stalled
    cannot be caught up and is named as not compared.  Rebuilding swaps the
    fresh model in, which changes nothing when the two are equal.
    """
    runner = shop.projections
    names = runner.names()
    stalled = [name for name in names if runner.is_stalled(name)]
    compared = [name for name in names if name not in stalled]
    differ: list[str] = []
    try:
        while sum(runner.poll(name).handled for name in compared):
            pass
        for name in compared:
            report = shop.rebuild(name)
            if not report.diff.is_empty:
                differ.append(f"{name}: {report.diff.summary()}")
    except DddSimError as exc:
        differ.append(f"catching up or rebuilding failed: {exc}")
    skipped = f"not compared (stalled): {', '.join(stalled)}" if stalled else ""
    if differ:
        return _broken("; ".join([*differ, skipped] if skipped else differ))
    return InvariantResult(True, skipped)
