"""What the workbench's command, load and fault forms do to a session.

Each function takes the :class:`~.session.Session` on the simulation thread
(through ``controller.query`` or ``controller.submit``) and answers with
immutable values.

A workbench load is a scenario ``[[load]]`` started at a moment of the run:
a :class:`LoadGenerator` on its own random stream (``load.<index>``, an
index no scenario load and no earlier workbench load used), its arrivals
scheduled on the simulation's scheduler under its own owner name, so
stopping it cancels exactly them.  Nothing reads a wall clock: the same
clicks at the same simulated times give the same orders.  A workbench load
is not part of the scenario, so a reopened session does not restart it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from ddd_sim.runtime.simulation.workload import LoadGenerator
from ddd_sim.shared.money import Money
from ddd_sim.sim.records import FAULT_STREAM
from ddd_sim.sim.scenario_model import FaultSpec, LoadSpec, ProductSpec, Scenario

if TYPE_CHECKING:
    from ddd_sim.runtime.session.session import Session
    from ddd_sim.runtime.simulation.engine import Simulation

OWNER_PREFIX = "workbench-load."
"""Scheduler owner of a workbench load's arrivals: the prefix, then its index."""

_LOAD_ORDER = re.compile(r"ORD-L(\d+)-\d+")
_loads: WeakKeyDictionary[Simulation, dict[str, LoadGenerator]] = WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class FormKnowledge:
    """What a command may name right now (at the head, not the slider)."""

    scenario: Scenario
    """The run's scenario; its products are every product with a known price."""
    customers: frozenset[str]
    wallets: Mapping[str, str]
    """Customer -> the currency of their wallet."""
    orders: frozenset[str]
    phase: str
    sim_time: float


@dataclass(frozen=True, slots=True)
class RunningLoad:
    """A workbench load whose arrivals are still scheduled."""

    owner: str
    index: int
    rate: float
    started_at: float
    customers: tuple[str, ...]
    products: tuple[str, ...]
    max_quantity: int
    placed: int


def _simulation(session: Session) -> Simulation:
    if session.simulation is None:
        raise PermissionError(
            f"{session.location} is open read-only (following another run)"
        )
    return session.simulation


# -- what the forms may name ---------------------------------------------------------
def priced_scenario(session: Session) -> Scenario:
    """The scenario with every product the catalogue prices (legacy imports too)."""
    sim = _simulation(session)
    scenario = sim.scenario
    if session.shop is None:
        return scenario
    known = {p.id for p in scenario.products}
    extra: list[ProductSpec] = []
    documents = session.shop.projections.reader("inventory.stock").all()
    for product, doc in sorted(documents.items()):
        price = doc.get("price") or {}
        if product in known or not price.get("amount"):
            continue
        amount = Decimal(str(price["amount"]))
        if amount <= 0:
            continue
        extra.append(
            ProductSpec(
                id=product,
                stock=0,
                price=Money.of(amount, str(price.get("currency", "USD"))),
                name=str(doc.get("name") or product),
            )
        )
    if not extra:
        return scenario
    return replace(scenario, products=(*scenario.products, *extra))


def form_knowledge(session: Session) -> FormKnowledge:
    """Customers, wallets, orders and priced products as of the head."""
    sim = _simulation(session)
    world = session.index.at(session.index.head)
    customers = {c.id for c in sim.scenario.customers}
    customers.update(
        row.stream.split("-", 1)[1]
        for row in session.rows
        if row.type == "CustomerRegistered"
    )
    return FormKnowledge(
        scenario=priced_scenario(session),
        customers=frozenset(customers),
        wallets={w.customer: w.currency for w in world.wallets.values()},
        orders=frozenset(order.id for order in world.orders),
        phase=sim.phase,
        sim_time=sim.scheduler.now,
    )


# -- faults ---------------------------------------------------------------------------
def fault_now(spec: FaultSpec, now: float, taken: set[str]) -> FaultSpec:
    """A form's fault (window measured from 0) opening at ``now``, with a fresh id."""
    until = None if spec.until is None else now + (spec.until - spec.start)
    moved = replace(spec, start=now, until=until, ordinal=0)
    while moved.fault_id in taken:
        moved = replace(moved, ordinal=moved.ordinal + 1)
    return moved


def inject_now(session: Session, spec: FaultSpec) -> str:
    """Open a form's fault window now; its id (refused once the load is over)."""
    sim = _simulation(session)
    if sim.phase != "load":
        raise ValueError(
            "the run's load phase is over: the drain runs without faults, "
            "so no fault can be injected now"
        )
    taken = {
        str(e.payload["fault_id"]) for e in session.store.read_stream(FAULT_STREAM)
    }
    moved = fault_now(spec, sim.scheduler.now, taken)
    session.inject(moved)
    return moved.fault_id


# -- load -----------------------------------------------------------------------------
def _free_index(session: Session, sim: Simulation) -> int:
    """An index no scenario load, no workbench load and no placed order used."""
    used = [len(sim.loads) - 1]
    used.extend(g.index for g in _loads.get(sim, {}).values())
    for order in session.index.at(session.index.head).orders:
        match = _LOAD_ORDER.fullmatch(order.id)
        if match:
            used.append(int(match.group(1)))
    return max(used) + 1


def start_load(session: Session, spec: LoadSpec) -> RunningLoad:
    """Start placing orders now as ``spec`` says (whatever its ``start`` says)."""
    sim = _simulation(session)
    if sim.phase != "load":
        raise ValueError("the run's load phase is over: no new load can start")
    scenario = priced_scenario(session)
    priced = {p.id for p in scenario.products}
    unpriced = [p for p in spec.products if p not in priced]
    if unpriced:
        raise ValueError(f"no price is known for {', '.join(unpriced)}")
    sim.carry_on()  # a resumed run schedules its own rest before this load
    index = _free_index(session, sim)
    owner = f"{OWNER_PREFIX}{index}"
    generator = LoadGenerator(
        scenario,
        replace(spec, start=sim.scheduler.now),
        index,
        sim.streams.stream(f"load.{index}"),
    )
    _loads.setdefault(sim, {})[owner] = generator
    _schedule_arrival(sim, generator, owner)
    return _running(owner, generator)


def _schedule_arrival(sim: Simulation, generator: LoadGenerator, owner: str) -> None:
    if generator.exhausted or sim.phase != "load":
        _loads.get(sim, {}).pop(owner, None)
        return
    sim.scheduler.schedule(
        max(generator.next_at, sim.scheduler.now),
        partial(_arrive, sim, generator, owner),
        owner=owner,
        label="arrival",
    )


def _arrive(sim: Simulation, generator: LoadGenerator, owner: str) -> None:
    _, order = generator.take()
    sim._place(order)  # as a scenario load: refused while sales is down
    _schedule_arrival(sim, generator, owner)


def stop_load(session: Session, owner: str | None = None) -> tuple[str, ...]:
    """Cancel one workbench load's arrivals (None: every one); the owners stopped."""
    sim = _simulation(session)
    generators = _loads.get(sim, {})
    owners = [owner] if owner is not None else sorted(generators)
    stopped = []
    for name in owners:
        if generators.pop(name, None) is not None:
            sim.scheduler.cancel_owner(name)
            stopped.append(name)
    return tuple(stopped)


def running_loads(session: Session) -> tuple[RunningLoad, ...]:
    """The workbench loads still placing orders, oldest first."""
    sim = session.simulation
    if sim is None:
        return ()
    generators = _loads.get(sim, {})
    for owner in [o for o in generators if sim.scheduler.pending(o) == 0]:
        del generators[owner]  # ended with the load phase
    return tuple(
        _running(owner, g)
        for owner, g in sorted(generators.items(), key=lambda kv: kv[1].index)
    )


def _running(owner: str, generator: LoadGenerator) -> RunningLoad:
    spec = generator.spec
    return RunningLoad(
        owner=owner,
        index=generator.index,
        rate=spec.rate,
        started_at=spec.start,
        customers=tuple(generator.customers),
        products=tuple(generator.products),
        max_quantity=spec.max_quantity,
        placed=generator.placed,
    )
