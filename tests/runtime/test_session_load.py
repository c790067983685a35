"""Workbench loads: seeded, on the simulation's clock, stopped exactly; faults now."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddd_sim.bootstrap import open_session, projection_names
from ddd_sim.runtime.session.load import (
    OWNER_PREFIX,
    form_knowledge,
    inject_now,
    running_loads,
    start_load,
    stop_load,
)
from ddd_sim.runtime.session.session import Session
from ddd_sim.sim.records import FAULT_STREAM
from ddd_sim.sim.scenario import builtin_scenario, load_scenario
from ddd_sim.sim.scenario_model import FaultSpec, LoadSpec

SPEC = LoadSpec(
    rate=3.0,
    start=0.0,
    until=float("inf"),
    customers=("CUST-001", "CUST-004"),
    products=("PROD-002",),
    max_quantity=2,
)


def session_at(tmp_path: Path, name: str, sim_time: float = 10.0) -> Session:
    scenario = load_scenario(
        builtin_scenario("shipping_failure"), projections=projection_names()
    )
    session = open_session(tmp_path / f"{name}.db", scenario)
    session.run_until(sim_time)
    return session


def workbench_orders(
    session: Session,
) -> list[tuple[str, str, float, tuple[tuple[str, int], ...]]]:
    world = session.index.at(session.index.head)
    return [
        (o.id, o.customer, o.placed_at, o.lines)
        for o in world.orders
        if o.id.startswith("ORD-L1-")
    ]


def test_a_load_places_the_same_orders_every_time(tmp_path: Path) -> None:
    placed = []
    for name in ("a", "b"):
        session = session_at(tmp_path, name)
        try:
            running = start_load(session, SPEC)
            assert running.index == 1  # the scenario has load 0
            assert running.started_at == 10.0
            session.run_until(20.0)
            placed.append(workbench_orders(session))
        finally:
            session.close()
    assert placed[0] == placed[1]
    orders = placed[0]
    assert 15 <= len(orders) <= 50  # about 3/s for 10 s
    assert {customer for _, customer, _, _ in orders} == {"CUST-001", "CUST-004"}
    assert {p for *_, lines in orders for p, q in lines} == {"PROD-002"}
    assert all(10.0 <= at <= 20.0 for _, _, at, _ in orders)


def test_stopping_cancels_the_arrivals(tmp_path: Path) -> None:
    session = session_at(tmp_path, "stop")
    try:
        first = start_load(session, SPEC)
        second = start_load(session, SPEC)
        assert second.index == 2
        assert [r.owner for r in running_loads(session)] == [first.owner, second.owner]
        session.run_until(12.0)
        assert stop_load(session, first.owner) == (first.owner,)
        sim = session.simulation
        assert sim is not None
        assert sim.scheduler.pending(first.owner) == 0
        assert sim.scheduler.pending(second.owner) == 1
        count = len(workbench_orders(session))
        session.run_until(16.0)
        assert len(workbench_orders(session)) == count  # load 1 placed no more
        assert stop_load(session) == (second.owner,)
        assert running_loads(session) == ()
        assert sim.scheduler.pending(second.owner) == 0
        # a new load takes an index no order used yet
        third = start_load(session, SPEC)
        assert third.owner == f"{OWNER_PREFIX}3"
    finally:
        session.close()


def test_no_load_or_fault_after_the_load_phase(tmp_path: Path) -> None:
    session = session_at(tmp_path, "late", 61.0)
    try:
        with pytest.raises(ValueError, match="load phase is over"):
            start_load(session, SPEC)
        with pytest.raises(ValueError, match="load phase is over"):
            inject_now(session, FaultSpec(target="sales", kind="down", start=0.0))
    finally:
        session.close()


def test_a_fault_opens_now_under_an_id_of_its_own(tmp_path: Path) -> None:
    session = session_at(tmp_path, "fault")
    try:
        spec = FaultSpec(
            target="payment", kind="drop", start=0.0, until=2.0, probability=0.5
        )
        assert inject_now(session, spec) == "drop:payment@10"
        assert inject_now(session, spec) == "drop:payment@10#2"
        session.run_until(13.0)
        recorded = [
            (e.type, e.payload["fault_id"])
            for e in session.store.read_stream(FAULT_STREAM)
            if "payment" in str(e.payload["fault_id"])
        ]
        assert recorded == [
            ("FaultInjected", "drop:payment@10"),
            ("FaultInjected", "drop:payment@10#2"),
            ("FaultCleared", "drop:payment@10"),
            ("FaultCleared", "drop:payment@10#2"),
        ]
    finally:
        session.close()


def test_the_forms_know_what_the_head_knows(tmp_path: Path) -> None:
    session = session_at(tmp_path, "know")
    try:
        known = form_knowledge(session)
        world = session.index.at(session.index.head)
        assert known.customers == {f"CUST-00{i}" for i in range(1, 6)}
        assert known.orders == {o.id for o in world.orders}
        assert dict(known.wallets) == {
            w.customer: w.currency for w in world.wallets.values()
        }
        assert {p.id for p in known.scenario.products} == set(world.stock)
        assert (known.phase, known.sim_time) == ("load", 10.0)
    finally:
        session.close()
