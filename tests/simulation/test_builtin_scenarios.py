"""Each built-in scenario tells its story: the outcome a user is promised."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ddd_sim.runtime.simulation.engine import Simulation
from ddd_sim.runtime.world.index import WorldIndex
from tests.simulation.support import run_builtin

NAMES = (
    "happy_path",
    "payment_declined",
    "out_of_stock",
    "shipping_failure",
    "duplicate_delivery",
    "crash_mid_saga",
    "payment_timeout",
    "projection_lag",
    "cascading_breakers",
    "choreography_vs_orchestration",
)


class Finished:
    """A finished run: its summary, its log's event counts, and its store."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.summary: dict[str, Any] = sim.summary()
        self.types = Counter(e.type for e in sim.store.read_all())

    def events(self, kind: str) -> list[Any]:
        return list(self.sim.store.read_all(types=[kind]))


@pytest.fixture(scope="module", params=NAMES)
def finished(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Finished]:
    path: Path = tmp_path_factory.mktemp(request.param) / "run.db"
    sim = run_builtin(path, request.param, fast=True)
    try:
        yield Finished(sim)
    finally:
        sim.store.close()


def test_every_invariant_holds_and_the_run_drains(finished: Finished) -> None:
    s = finished.summary
    assert s["ok"], s.get("invariant_failures")
    assert s["drained"]
    assert s["sagas"]["in_flight"] == 0
    assert s["orders"]["in_flight"] == 0
    assert s["orders"]["placed"] > 20
    assert s["sagas"]["started"] == s["orders"]["placed"]
    assert s["errors"] == []


def _story(finished: Finished) -> str:
    return str(finished.sim.scenario.source).rsplit("/", 1)[-1].removesuffix(".toml")


def test_the_scenario_tells_its_story(finished: Finished) -> None:
    s, types = finished.summary, finished.types
    name = _story(finished)
    orders, sagas = s["orders"], s["sagas"]
    if name == "happy_path":
        assert orders["completed"] == orders["placed"]
        assert sagas["compensated"] == 0
        assert s["faults_injected"] == 0
    elif name == "payment_declined":
        declined = [
            e
            for e in finished.events("StepFailed")
            if "declined" in e.payload["reason"]
        ]
        assert declined
        assert all(20.0 <= e.metadata.sim_time <= 40.5 for e in declined)
        assert sagas["compensated"] == len(declined)
        assert types["WalletRefunded"] == 0  # nothing was charged to refund
        assert orders["completed"] > 0
    elif name == "out_of_stock":
        assert orders["cancelled"] > 0
        assert types["WalletCharged"] == orders["completed"]
        failed = {e.payload["step"] for e in finished.events("StepFailed")}
        assert failed == {"reserve_inventory"}
    elif name == "shipping_failure":
        assert types["WalletRefunded"] > 0
        world = WorldIndex.from_store(finished.sim.store)
        compensated = [
            x for x in world.at(world.head).sagas if x.failed_step == "create_shipment"
        ]
        assert compensated
        undone = [[c.name for c in saga.compensations] for saga in compensated]
        for names in undone:
            assert names[-3:] == ["refund_payment", "release_inventory", "cancel_order"]
        # after retries the shipment's fate is unknown: it is cancelled first, a no-op
        unknown = [
            x for x in compensated if x.compensations[0].name == "cancel_shipment"
        ]
        assert unknown
        assert all(x.compensations[0].noop for x in unknown)
    elif name == "duplicate_delivery":
        assert types["MessageDuplicated"] > 0
        assert any(
            e.payload["reason"] == "no_reply" for e in finished.events("MessageDropped")
        )
        charged = Counter(
            e.payload["order_id"] for e in finished.events("WalletCharged")
        )
        assert max(charged.values()) == 1
        assert any(e.payload["duplicate"] for e in finished.events("StepSucceeded"))
    elif name == "crash_mid_saga":
        assert types["ContextCrashed"] == 1
        assert types["ContextRestarted"] == 1
        crashed_at = finished.events("ContextCrashed")[0].metadata.sim_time
        restarted = finished.events("ContextRestarted")[0].metadata.sim_time
        world = WorldIndex.from_store(finished.sim.store)
        at_crash = world.at_time(crashed_at)
        assert at_crash.counts.sagas_in_flight > 0  # there were sagas to lose
        assert "sales" in at_crash.contexts_down
        assert world.at_time(restarted).contexts_down == frozenset()
        assert orders["completed"] == orders["placed"] - s["commands_rejected"] * 0
    elif name == "payment_timeout":
        fired = Counter(
            (e.stream_id, e.payload["timer"], e.payload["due"])
            for e in finished.events("TimerFired")
        )
        assert fired
        assert max(fired.values()) == 1  # each timer fires exactly once
        attempts = [
            e.payload["attempt"]
            for e in finished.events("StepStarted")
            if e.payload["step"] == "charge_payment"
        ]
        assert max(attempts) > 1  # payment was retried
        assert orders["cancelled"] > 0
    elif name == "projection_lag":
        world = WorldIndex.from_store(finished.sim.store)
        during = {p.name: p.lag_events for p in world.at_time(34.0).projections}
        after = {p.name: p.lag_events for p in world.at(world.head).projections}
        assert during["sales.order_list"] > 100
        assert during["inventory.stock"] < 20
        assert after["sales.order_list"] < 5
    elif name == "cascading_breakers":
        changes = [
            (e.payload["target"], e.payload["to_state"])
            for e in finished.events("BreakerStateChanged")
        ]
        for target in ("payment", "shipping"):
            states = [state for t, state in changes if t == target]
            assert "open" in states
            assert "half_open" in states
            assert states[-1] == "closed"
        assert s["network"]["failed_fast"] > 0
    elif name == "choreography_vs_orchestration":
        assert orders["completed"] == orders["placed"]
        assert types["MessageDropped"] > 0
        assert types["MessageDuplicated"] > 0
        assert s["network"]["redelivered"] > 0
        kinds = {e.payload["kind"] for e in finished.events("ProcessStarted")}
        assert kinds == {"choreographed"}
    else:  # pragma: no cover - a new scenario needs its story here
        pytest.fail(f"no story written for {name}")
