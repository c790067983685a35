"""The invariants every run must keep, checked on the world and on the store.

Each check returns whether it holds and, when it does not, names the first
offender, so a failing run says what broke rather than only that it broke.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ddd_sim.runtime.shop import ShopRuntime
from ddd_sim.runtime.world.fold import ORDER_DONE
from ddd_sim.runtime.world.model import SagaRow, World
from ddd_sim.shared.ports import EventStore

COMPENSATION_OF = {
    "reserve_inventory": "release_inventory",
    "charge_payment": "refund_payment",
    "create_shipment": "cancel_shipment",
    "confirm_order": "cancel_order",
}


@dataclass(frozen=True, slots=True)
class InvariantResult:
    """Whether an invariant holds, and if not, the first offender."""

    ok: bool
    detail: str = ""


OK = InvariantResult(True)


def check_world(world: World, *, drained: bool) -> dict[str, InvariantResult]:
    """The invariants that follow from the log alone, as of ``world``."""
    return {
        "stock_conserved": stock_conserved(world),
        "money_conserved": money_conserved(world),
        "no_double_charge": no_double_charge(world),
        "sagas_consistent": sagas_consistent(world),
        "no_saga_in_flight": no_saga_in_flight(world, drained=drained),
    }


def stock_conserved(world: World) -> InvariantResult:
    """Available + reserved + shipped = received, and nothing negative."""
    for product, s in sorted(world.stock.items()):
        if min(s.available, s.reserved, s.shipped) < 0:
            return InvariantResult(False, f"{product}: a count is negative ({s})")
        if s.available + s.reserved + s.shipped != s.received:
            return InvariantResult(
                False,
                f"{product}: received {s.received} != available {s.available} + "
                f"reserved {s.reserved} + shipped {s.shipped}",
            )
    return OK


def money_conserved(world: World) -> InvariantResult:
    """Net charges equal the totals of orders whose charge stands; no wallet < 0."""
    for wallet in world.wallets.values():
        if wallet.balance < 0:
            return InvariantResult(False, f"{wallet.account} is at {wallet.balance}")
    orders = {o.id: o for o in world.orders}
    net_total = Decimal(0)
    standing_total = Decimal(0)
    for order_id, charge in world.charges.items():
        net = charge.charged - charge.refunded
        net_total += net
        order = orders.get(order_id)
        if net and (order is None or order.status == "cancelled"):
            return InvariantResult(
                False, f"{order_id} keeps {net} charged but is cancelled"
            )
        if net and order is not None:
            if net != order.total:
                return InvariantResult(
                    False,
                    f"{order_id}: {net} charged net, the order totals {order.total}",
                )
            standing_total += order.total
    if net_total != standing_total:
        return InvariantResult(
            False, f"net charges {net_total} != standing order totals {standing_total}"
        )
    return OK


def no_double_charge(world: World) -> InvariantResult:
    """At most one charge per order, and never more refunded than charged."""
    for order_id, charge in world.charges.items():
        if charge.charges > 1:
            return InvariantResult(
                False, f"{order_id} was charged {charge.charges} times"
            )
        if charge.refunded > charge.charged or charge.refunds > charge.charges:
            return InvariantResult(False, f"{order_id} was refunded more than charged")
    return OK


def _saga_problem(saga: SagaRow) -> str | None:
    if saga.status == "completed":
        missing = [s.name for s in saga.steps if s.status != "succeeded"]
        return f"completed with steps not done: {missing}" if missing else None
    if saga.status != "compensated":
        return None
    # steps are kept in the order they started: undo the owed ones in reverse
    owed = [s.name for s in saga.steps if s.status == "succeeded" or s.effect_unknown]
    done = [c.step for c in saga.compensations]
    for step in owed:
        if done.count(step) != 1:
            return f"{step} compensated {done.count(step)} times"
    positions = [done.index(step) for step in reversed(owed)]
    if positions != sorted(positions):
        return f"compensations ran as {done}, not in reverse of {owed}"
    if saga.compensations and saga.compensations[-1].name != "cancel_order":
        # whatever failed, the order itself is closed last
        return f"last compensation was {saga.compensations[-1].name}, not cancel_order"
    return None


def sagas_consistent(world: World) -> InvariantResult:
    """Finished sagas did every step, or undid every done step once, in reverse."""
    for saga in world.sagas:
        problem = _saga_problem(saga)
        if problem is not None:
            return InvariantResult(False, f"{saga.id}: {problem}")
    return OK


def no_saga_in_flight(world: World, *, drained: bool) -> InvariantResult:
    """After the drain every saga has finished and no order is left placed."""
    if not drained:
        return InvariantResult(True, "not drained yet")
    for saga in world.sagas:
        if saga.status not in ("completed", "compensated"):
            return InvariantResult(False, f"{saga.id} is still {saga.status}")
    stuck = [o.id for o in world.orders if o.status not in ORDER_DONE | {"cancelled"}]
    if stuck:
        return InvariantResult(
            False, f"{len(stuck)} orders still placed, e.g. {stuck[0]}"
        )
    return OK


def check_store(store: EventStore, shop: ShopRuntime) -> dict[str, InvariantResult]:
    """The invariants that need the store: gapless versions, exact read models."""
    return {
        "versions_gapless": versions_gapless(store),
        "read_models_equal_rebuild": read_models_equal_rebuild(shop),
    }


def versions_gapless(store: EventStore) -> InvariantResult:
    """Every stream holds versions 1..n, one event each."""
    counts: dict[str, int] = {}
    for event in store.read_all(raw=True):
        counts[event.stream_id] = counts.get(event.stream_id, 0) + 1
    for info in store.streams():
        if counts.get(info.stream_id) != info.version:
            return InvariantResult(
                False,
                f"{info.stream_id} is at version {info.version} "
                f"but holds {counts.get(info.stream_id, 0)} events",
            )
    return OK


def read_models_equal_rebuild(shop: ShopRuntime) -> InvariantResult:
    """Every read model, caught up, equals a fresh fold of the whole log."""
    runner = shop.projections
    for name in runner.names():
        runner.resume(name)
        runner.set_delay(name, 0.0)
    while any(result.handled for result in runner.poll_all().values()):
        pass
    for name in runner.names():
        report = shop.rebuild(name)
        if not report.diff.is_empty:
            return InvariantResult(False, f"{name}: {report.diff.summary()}")
    return OK
