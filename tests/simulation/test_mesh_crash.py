"""A caller that crashes with a half-open probe out does not wedge the breaker."""

from __future__ import annotations

from ddd_sim.contexts.sales.application.commands import ConfirmOrder
from ddd_sim.processes.host import Outcome, Request
from ddd_sim.runtime.catalog.registry import ServiceRegistry
from ddd_sim.runtime.catalog.shop import shop_catalog
from ddd_sim.runtime.simulation.mesh import Mesh
from ddd_sim.shared.ids import OrderId
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.sim.faults import ActiveFault, FaultBoard
from ddd_sim.sim.network import Network, Reply
from ddd_sim.sim.resilience import BreakerConfig, RetryPolicy
from ddd_sim.sim.rng import RandomStreams
from ddd_sim.sim.scheduler import Scheduler

REQUEST = Request(
    target="payment",
    operation="charge_payment",
    commands=(ConfirmOrder(order_id=OrderId("ORD-1")),),
    idempotency_key="ORD-1:charge_payment",
)


def test_a_probe_lost_in_a_crash_is_released() -> None:
    scheduler, faults = Scheduler(), FaultBoard()
    records: list[DomainEvent] = []
    down: set[str] = set()
    network = Network(
        scheduler,
        RandomStreams(1),
        faults,
        latency_ms=100.0,
        jitter_ms=0.0,
        is_up=lambda c: c not in down,
        record=records.append,
    )
    mesh = Mesh(
        scheduler,
        network,
        ServiceRegistry.from_catalog(shop_catalog()),
        RandomStreams(1),
        lambda request: Reply(kind="ok"),
        records.append,
        retry=RetryPolicy(max_attempts=1),
        breaker=BreakerConfig(failure_threshold=1, cool_down=1.0),
        call_timeout=0.5,
    )
    outcomes: list[Outcome] = []
    faults.activate(ActiveFault(fault_id="down", target="payment", kind="down"))
    mesh.call("sales", REQUEST, outcomes.append)
    scheduler.run_until(1.0)
    assert mesh.breaker("payment").state == "open"
    faults.clear("down")
    scheduler.run_until(2.5)
    mesh.call("sales", REQUEST, outcomes.append)  # the half-open probe
    assert mesh.breaker("payment").state == "half_open"
    down.add("sales")  # sales crashes before the probe's reply comes back
    scheduler.cancel_owner("sales")
    mesh.forget("sales")
    scheduler.run_until(5.0)
    down.discard("sales")
    mesh.call("sales", REQUEST, outcomes.append)
    scheduler.run_until(10.0)
    assert outcomes[-1].kind == "ok"
    assert mesh.breaker("payment").state == "closed"
