"""The simulation engine: a scenario run on virtual time, faults and all.

One scheduler drives everything: load arrivals, scenario commands, fault
windows, the network's messages, the processes' timers, the outbox
dispatcher and the projections' catch-up.  Work is committed in ticks of
``commit_interval`` simulated seconds, one store batch per tick, together
with the run's progress record; so a kill at any point loses at most the
tick in flight, which nobody was told had happened, and :meth:`resume`
carries on from the last committed tick.
"""

from __future__ import annotations

import gc
import math
import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from ddd_sim.contexts.sales.application.commands import PlaceOrder
from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.integration.delivery import Delivery
from ddd_sim.integration.translation import Translator
from ddd_sim.processes.host import OrderFlow, Outcome, Request
from ddd_sim.runtime.catalog.registry import ServiceRegistry
from ddd_sim.runtime.catalog.shop import shop_catalog
from ddd_sim.runtime.shop import ShopRuntime
from ddd_sim.runtime.simulation.dispatcher import Dispatcher
from ddd_sim.runtime.simulation.faults_plan import FaultPlan
from ddd_sim.runtime.simulation.mesh import Mesh
from ddd_sim.runtime.simulation.recorder import Recorder
from ddd_sim.runtime.simulation.services import ServiceAdapters
from ddd_sim.runtime.simulation.workload import (
    LoadGenerator,
    explicit_command,
    initial_commands,
)
from ddd_sim.shared.errors import DomainError
from ddd_sim.shared.ids import IdFactory
from ddd_sim.shared.messages import Command
from ddd_sim.shared.ports import EventStore
from ddd_sim.shared.repository import AggregateRepository
from ddd_sim.shared.serialization import EventRegistry
from ddd_sim.sim.faults import FaultBoard
from ddd_sim.sim.network import Network
from ddd_sim.sim.records import (
    ContextCrashed,
    ContextRestarted,
    ProjectionsAdvanced,
    RunDrained,
    RunResumed,
    RunStarted,
)
from ddd_sim.sim.resilience import BreakerConfig, RetryPolicy
from ddd_sim.sim.rng import RandomStreams
from ddd_sim.sim.scenario import Scenario
from ddd_sim.sim.scheduler import Scheduler

PROGRESS = ("sim.progress", "run")
"""The document (collection, key) holding how far the run has got."""


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """How often the engine commits, dispatches and gives up on an ack."""

    commit_interval: float = 0.1
    dispatch_interval: float = 0.05
    ack_timeout: float = 2.0


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Collect garbage less often while a run goes to the end.

    A run allocates millions of short-lived objects over a large live heap
    (caches, the scheduler, in-flight processes); with the default thresholds
    the cycle collector walks that heap so often it costs a fifth of the run.
    What lives at the start is frozen out of its sight; the rest is collected
    in larger, rarer steps.  The settings come back when the run ends.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _no_crashpoint(name: str) -> None:
    """Crash points do nothing unless a test installs its own."""


class Simulation:
    """Runs one scenario on one store; implements the processes' host."""

    def __init__(
        self,
        *,
        store: EventStore,
        registry: EventRegistry,
        shop: ShopRuntime,
        scheduler: Scheduler,
        scenario: Scenario,
        seed: int,
        flow: OrderFlow,
        flow_hosts: frozenset[str],
        translators: dict[str, Translator],
        ids: IdFactory,
        settings: EngineSettings = EngineSettings(),
        crashpoint: Callable[[str], None] = _no_crashpoint,
    ) -> None:
        self.store, self.registry, self.shop = store, registry, shop
        self.scheduler, self.scenario, self.seed = scheduler, scenario, seed
        self.settings = settings
        self._crashpoint = crashpoint
        self._ids = ids
        self.streams = RandomStreams(seed)
        self.faults = FaultBoard()
        self.record = Recorder(store, registry, ids, lambda: scheduler.now)
        self.down: dict[str, float] = {}
        self.network = Network(
            scheduler,
            self.streams,
            self.faults,
            latency_ms=scenario.network.latency_ms,
            jitter_ms=scenario.network.jitter_ms,
            is_up=self.is_up,
            record=self.record,
        )
        r = scenario.resilience
        self.mesh = Mesh(
            scheduler,
            self.network,
            ServiceRegistry.from_catalog(shop_catalog()),
            self.streams,
            ServiceAdapters(shop, self.faults).serve,
            self.record,
            retry=RetryPolicy(
                max_attempts=r.max_attempts,
                base_delay=r.base_delay,
                multiplier=r.multiplier,
                max_delay=r.max_delay,
                jitter=r.jitter,
            ),
            breaker=BreakerConfig(
                failure_threshold=r.failure_threshold,
                cool_down=r.cool_down,
                half_open_max_calls=r.half_open_max_calls,
            ),
            call_timeout=r.call_timeout,
        )
        self.dispatcher = Dispatcher(
            store,
            registry,
            translators,
            self.network,
            scheduler,
            publisher_of=self.owner_of,
            ack_timeout=settings.ack_timeout,
            on_error=self.record_error,
        )
        self.flow, self.flow_hosts = flow, flow_hosts
        self.plan = FaultPlan(self)
        self.errors: list[str] = []
        self.rejected: list[str] = []
        self.loads = [
            LoadGenerator(scenario, spec, i, self.streams.stream(f"load.{i}"))
            for i, spec in enumerate(scenario.load)
        ]
        self.commands_done = 0
        self.phase = "load"
        self.drained_at: float | None = None
        self._quiet = False
        self._projection_stalls: dict[str, set[str]] = {}
        self.resume_pending = False
        """True while a deferred resume waits for :meth:`carry_on`."""
        flow.attach(self)

    # -- ProcessHost ------------------------------------------------------------
    def now(self) -> float:
        return self.scheduler.now

    def call(
        self,
        source: str,
        request: Request,
        on_outcome: Callable[[Outcome], None],
        *,
        retry: bool = True,
    ) -> None:
        self.mesh.call(source, request, on_outcome, retry=retry)

    def schedule(
        self, at: float, action: Callable[[], None], *, owner: str, label: str
    ) -> Any:
        return self.scheduler.schedule(
            max(at, self.scheduler.now),
            self._guarded(action, label),
            owner=owner,
            label=label,
        )

    def subscribe(
        self,
        consumer: str,
        host_context: str,
        event_types: tuple[type[IntegrationEvent], ...],
        handler: Callable[[Delivery], None],
    ) -> None:
        self.dispatcher.subscribe(
            consumer,
            host_context,
            frozenset(t.event_type for t in event_types),
            handler,
        )

    def repository(self, aggregate_class: type[Any]) -> AggregateRepository[Any]:
        return AggregateRepository(
            self.store,
            self.registry,
            aggregate_class,
            ids=self._ids,
            cache=self.shop.aggregates,
        )

    def rng(self, name: str) -> random.Random:
        return self.streams.stream(f"process.{name}")

    def crashpoint(self, name: str) -> None:
        self._crashpoint(name)

    def record_error(self, where: str, error: Exception) -> None:
        self.errors.append(
            f"t={self.scheduler.now:.3f} {where}: {type(error).__name__}: {error}"
        )

    def _guarded(self, action: Callable[[], None], label: str) -> Callable[[], None]:
        def run() -> None:
            try:
                action()
            except DomainError as error:
                self.record_error(label, error)

        return run

    # -- contexts ---------------------------------------------------------------
    def is_up(self, context: str) -> bool:
        """False while a context is restarting after a crash."""
        return context not in self.down

    def owner_of(self, stream_id: str) -> str:
        """The context (or "processes", "simulation") a stream belongs to."""
        return self.shop.context_of(stream_id)

    def crash(self, context: str, restart_after: float) -> None:
        """The context loses its in-memory state now and restarts later."""
        restart_at = self.scheduler.now + restart_after
        self.down[context] = restart_at
        self.record(ContextCrashed(context=context, restart_at=restart_at))
        self.scheduler.cancel_owner(context)
        self.mesh.forget(context)
        self.dispatcher.forget(context)
        self.shop.cache.clear()
        self.shop.aggregates.clear()
        self.stall_projections(f"crash:{context}", self._projections_of(context))
        if context in self.flow_hosts:
            self.flow.crash()
        self.scheduler.schedule(
            restart_at, lambda: self._restart(context), priority=0, label="restart"
        )

    def _restart(self, context: str) -> None:
        if context not in self.down:
            return
        del self.down[context]
        self.record(ContextRestarted(context=context))
        self.resume_projections(f"crash:{context}")
        if context in self.flow_hosts:
            self.flow.recover()

    def _projections_of(self, context: str) -> list[str]:
        return [n for n in self.shop.projections.names() if n.split(".")[0] == context]

    def stall_projections(self, reason: str, names: Iterable[str]) -> None:
        """Stop projections consuming; each stays stalled while any reason holds."""
        for name in names:
            self._projection_stalls.setdefault(name, set()).add(reason)
            self.shop.projections.stall(name)

    def resume_projections(self, reason: str) -> None:
        """Withdraw one reason; projections with none left consume again."""
        for name, reasons in self._projection_stalls.items():
            reasons.discard(reason)
            if not reasons:
                self.shop.projections.resume(name)

    # -- the run ----------------------------------------------------------------
    def start(self) -> None:
        """A fresh run: record the scenario, build the world, schedule the rest."""
        scenario = self.scenario
        with self.store.batch():
            self.record(
                RunStarted(
                    scenario_name=scenario.name,
                    scenario_file=scenario.source,
                    scenario_text=scenario.text,
                    seed=self.seed,
                    saga=scenario.saga,
                    duration=scenario.duration,
                )
            )
            for command in initial_commands(scenario):
                self.shop.execute(command, sim_time=0.0)
            self._save_progress()
        self._schedule_everything(resumed=False)

    def resume(self, progress: dict[str, Any], *, defer: bool = False) -> None:
        """Carry on from the last committed tick of an interrupted run.

        With ``defer`` the run is only made ready: nothing is written or
        scheduled until :meth:`carry_on` (or the first tick) says so, so a
        session opened to be looked at stays as it was.
        """
        now = float(progress["sim_time"])
        self.scheduler.run_until(now)
        self.phase = str(progress["phase"])
        if self.phase == "done":  # it finished; perhaps only the report was lost
            self.drained_at = now
            return
        self.commands_done = int(progress["commands"])
        for load, placed in zip(self.loads, progress["placed"], strict=True):
            while load.placed < int(placed) and not load.exhausted:
                load.take()
        self.resume_pending = True
        if not defer:
            self.carry_on()

    def carry_on(self) -> None:
        """Record the resume and schedule the rest of a resumed run (once)."""
        if not self.resume_pending:
            return
        self.resume_pending = False
        with self.store.batch():
            self.record(
                RunResumed(
                    sim_time=self.scheduler.now,
                    head_position=self.store.head_position(),
                )
            )
        self._schedule_everything(resumed=True)

    def _schedule_everything(self, *, resumed: bool) -> None:
        scheduler, scenario = self.scheduler, self.scenario
        for name, delay in scenario.projections.delay.items():
            self.shop.projections.set_delay(name, delay)
        self.plan.schedule(resumed=resumed)
        for load in self.loads:
            if not load.exhausted and self.phase == "load":
                scheduler.schedule(
                    max(load.next_at, scheduler.now),
                    partial(self._arrive, load),
                    label="arrival",
                )
        for index, spec in enumerate(scenario.commands):
            if index >= self.commands_done:
                scheduler.schedule(
                    max(spec.at, scheduler.now),
                    partial(self._command, index),
                    label=f"command {spec.type}",
                )
        if self.phase == "load":
            scheduler.schedule(
                max(scenario.duration, scheduler.now),
                self._begin_drain,
                priority=2,
                label="drain",
            )
        self.dispatcher.start()
        self.flow.recover()
        scheduler.schedule(scheduler.now, self._pump, priority=2, label="dispatch")
        scheduler.schedule(
            scheduler.now, self._project, priority=2, label="projections"
        )

    def _arrive(self, load: LoadGenerator) -> None:
        _, order = load.take()
        self._place(order)
        if not load.exhausted and self.phase == "load":
            self.scheduler.schedule(
                load.next_at, lambda: self._arrive(load), label="arrival"
            )

    def _place(self, command: Command) -> None:
        if not self.is_up("sales") or self.faults.is_down("sales"):
            self.rejected.append(
                f"t={self.scheduler.now:.3f} {type(command).__name__}: sales is down"
            )
            return
        self._execute(command)

    def execute(self, command: Command) -> None:
        """Run a command from outside (a user, a scenario) as a flow of its own.

        Each such command starts a new correlation: every event it causes, in
        any context and process, carries the same correlation id.  A refusal
        raises.
        """
        self.shop.execute(command, correlation_id=self._ids.new_uuid())

    def _execute(self, command: Command) -> None:
        try:
            self.execute(command)
        except DomainError as refusal:
            self.rejected.append(
                f"t={self.scheduler.now:.3f} {type(command).__name__}: {refusal}"
            )

    def _command(self, index: int) -> None:
        self.commands_done = index + 1
        command = explicit_command(self.scenario, self.scenario.commands[index], index)
        if isinstance(command, PlaceOrder):
            self._place(command)  # a customer cannot order from a sales that is down
        else:
            self._execute(command)

    def _pump(self) -> None:
        self.dispatcher.pump()
        if self.phase != "done":
            self.scheduler.schedule(
                self.scheduler.now + self.settings.dispatch_interval,
                self._pump,
                priority=2,
                label="dispatch",
            )

    def _project(self) -> None:
        runner = self.shop.projections
        handled = 0
        for name in runner.names():
            if not runner.is_stalled(name):
                handled += runner.poll(name, now=self.scheduler.now).handled
        self._quiet = handled == 0
        if handled:
            # every checkpoint, not only those that moved: a projection that
            # skips most events still follows the head, and the record says so
            self.record(
                ProjectionsAdvanced(
                    checkpoints={n: runner.checkpoint(n) for n in runner.names()}
                )
            )
        if self.phase != "done":
            self.scheduler.schedule(
                self.scheduler.now + self.scenario.projections.interval,
                self._project,
                priority=2,
                label="projections",
            )

    def _begin_drain(self) -> None:
        self.phase = "drain"
        self.plan.end_of_load()

    def in_flight(self) -> int:
        """Orders whose flow has not finished."""
        return self.flow.in_flight()

    def _check_drained(self) -> None:
        if self.phase != "drain":
            return
        now = self.scheduler.now
        settled = (
            self.flow.in_flight() == 0
            and self.dispatcher.idle
            and self._quiet
            and not self.down
        )
        if settled or now >= self.scenario.duration + self.scenario.drain_timeout:
            self.record(RunDrained(sim_time=now, in_flight=self.flow.in_flight()))
            self.phase = "done"
            self.drained_at = now

    # -- committing ticks -------------------------------------------------------
    def step_tick(self) -> bool:
        """Run one commit tick (one store batch); False once the run is done."""
        if self.phase == "done":
            return False
        self.carry_on()
        scheduler = self.scheduler
        upcoming = scheduler.peek()
        if math.isinf(upcoming):
            upcoming = scheduler.now
        interval = self.settings.commit_interval
        boundary = (math.floor(upcoming / interval + 1e-9) + 1) * interval
        with self.store.batch():
            scheduler.run_until(boundary)
            self._check_drained()
            self._save_progress()
        self._crashpoint("engine.after_commit")
        return self.phase != "done"

    def run(
        self,
        *,
        until: float | None = None,
        progress: Callable[[Simulation], None] | None = None,
    ) -> None:
        """Run ticks to the end of the drain (or to simulated time ``until``)."""
        last_report = self.scheduler.now
        with _fewer_collections():
            while self.phase != "done":
                if until is not None and self.scheduler.now >= until:
                    return
                self.step_tick()
                if progress is not None and self.scheduler.now - last_report >= 10.0:
                    last_report = self.scheduler.now
                    progress(self)

    def _save_progress(self) -> None:
        with self.store.transaction() as tx:
            tx.put_document(
                *PROGRESS,
                {
                    "sim_time": self.scheduler.now,
                    "phase": self.phase,
                    "commands": self.commands_done,
                    "placed": [load.placed for load in self.loads],
                },
            )

    # -- reporting --------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """The run's figures and invariants (see :func:`run_summary`)."""
        from ddd_sim.runtime.simulation.summary import run_summary

        return run_summary(
            self.store,
            self.shop,
            scenario=self.scenario.name,
            seed=self.seed,
            saga=self.scenario.saga,
            sim_time=self.scheduler.now,
            drained=self.phase == "done",
            extra={
                "commands_rejected": len(self.rejected),
                "errors": self.errors[:20],
                "network": {
                    "messages": self.network.sent,
                    "lost": self.network.lost,
                    "calls": self.mesh.calls,
                    "retries": self.mesh.retries,
                    "failed_fast": self.mesh.fast_failures,
                    "redelivered": self.dispatcher.redelivered,
                    "duplicates_absorbed": self.dispatcher.duplicates_absorbed,
                },
            },
        )
