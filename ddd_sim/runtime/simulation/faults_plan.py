"""The scenario's fault windows: opened and closed on time, recorded, resumable.

Each ``[[faults]]`` entry opens at ``from`` and closes at ``until`` (or when
the load ends: the drain runs without faults, so in-flight work can finish).
A crash takes its context down at ``from`` and restarts it ``restart_after``
seconds later.  After a restart of the whole run, the open windows, crashed
contexts and breaker states are rebuilt from what the log recorded.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from ddd_sim.sim.faults import ActiveFault
from ddd_sim.sim.records import (
    BREAKER_STREAM,
    CONTEXT_STREAM,
    FAULT_STREAM,
    FaultCleared,
    FaultInjected,
)
from ddd_sim.sim.scenario import FaultSpec

if TYPE_CHECKING:
    from ddd_sim.runtime.simulation.engine import Simulation

DEFAULT_RESTART_AFTER = 2.0


class FaultPlan:
    """Opens and closes the scenario's faults on the simulation's scheduler."""

    def __init__(self, sim: Simulation) -> None:
        self._sim = sim
        self._pending: list[Any] = []
        self.injected = 0

    def schedule(self, *, resumed: bool) -> None:
        """Schedule every window still to come (after a resume: rebuild the rest)."""
        sim = self._sim
        injected: dict[str, dict[str, Any]] = {}
        cleared: set[str] = set()
        if resumed:
            injected, cleared = self._restore()
        self.injected = len(injected)
        for spec in sim.scenario.faults:
            fault_id = spec.fault_id
            if fault_id in injected:
                if (
                    fault_id not in cleared
                    and spec.kind != "crash"
                    and spec.until is not None
                ):
                    sim.scheduler.schedule(
                        max(spec.until, sim.scheduler.now),
                        partial(self.clear, fault_id),
                        priority=0,
                        label="fault clears",
                    )
                continue
            if sim.phase != "load":
                continue
            self._pending.append(
                sim.scheduler.schedule(
                    max(spec.start, sim.scheduler.now),
                    partial(self.inject, spec),
                    priority=0,
                    label=f"fault {spec.kind}",
                )
            )

    def _restore(self) -> tuple[dict[str, dict[str, Any]], set[str]]:
        sim = self._sim
        injected: dict[str, dict[str, Any]] = {}
        cleared: set[str] = set()
        for event in sim.store.read_stream(FAULT_STREAM):
            fault_id = str(event.payload["fault_id"])
            if event.type == FaultInjected.event_type:
                injected[fault_id] = dict(event.payload)
            elif event.type == FaultCleared.event_type:
                cleared.add(fault_id)
        # the run's scenario is the one recorded, so every id names one of its faults
        specs = {spec.fault_id: spec for spec in sim.scenario.faults}
        for fault_id, p in injected.items():
            if fault_id not in cleared and p["kind"] != "crash":
                self._open(specs[fault_id])
        down: dict[str, float] = {}
        for event in sim.store.read_stream(CONTEXT_STREAM):
            context = str(event.payload["context"])
            if event.type == "ContextCrashed":
                down[context] = float(event.payload["restart_at"])
            else:
                down.pop(context, None)
        for context, restart_at in down.items():
            sim.down[context] = restart_at
            sim.scheduler.schedule(
                max(restart_at, sim.scheduler.now),
                partial(sim._restart, context),
                priority=0,
                label="restart",
            )
        last: dict[str, Any] = {}
        for event in sim.store.read_stream(BREAKER_STREAM):
            last[str(event.payload["target"])] = event
        for target, event in last.items():
            sim.mesh.breaker(target).restore(
                str(event.payload["to_state"]),
                event.metadata.sim_time,
                int(event.payload["failures"]),
            )
        return injected, cleared

    def inject(self, spec: FaultSpec) -> None:
        """Open a fault's window now and record it."""
        sim = self._sim
        if sim.phase != "load":
            return
        self.injected += 1
        now = sim.scheduler.now
        if spec.kind == "crash":
            restart_after = spec.restart_after or DEFAULT_RESTART_AFTER
            sim.record(
                FaultInjected(
                    fault_id=spec.fault_id,
                    target=spec.target,
                    kind="crash",
                    until=now + restart_after,
                )
            )
            sim.crash(spec.target, restart_after)
            sim.scheduler.schedule(
                now + restart_after,
                lambda: sim.record(
                    FaultCleared(
                        fault_id=spec.fault_id, target=spec.target, kind="crash"
                    )
                ),
                priority=0,
                label="crash over",
            )
            return
        fault = self._open(spec)
        sim.record(
            FaultInjected(
                fault_id=fault.fault_id,
                target=fault.target,
                kind=fault.kind,
                until=fault.until,
                probability=fault.probability,
                mean_ms=fault.mean_ms,
                jitter_ms=fault.jitter_ms,
                with_context=fault.with_context,
                projection=fault.projection,
            )
        )
        if spec.until is not None:
            sim.scheduler.schedule(
                spec.until,
                lambda: self.clear(fault.fault_id),
                priority=0,
                label="fault clears",
            )

    def _open(self, spec: FaultSpec) -> ActiveFault:
        """Put a fault's window on the board (and stall its projection)."""
        fault = ActiveFault(
            fault_id=spec.fault_id,
            target=spec.target,
            kind=spec.kind,
            until=spec.until,
            probability=spec.probability,
            mean_ms=spec.mean_ms,
            jitter_ms=spec.jitter_ms,
            with_context=spec.with_context,
            projection=spec.projection,
        )
        self._sim.faults.activate(fault)
        if fault.kind == "stall_projection" and fault.projection:
            self._sim.stall_projections(f"fault:{fault.fault_id}", [fault.projection])
        return fault

    def clear(self, fault_id: str) -> None:
        """Close a fault's window (if open) and record it."""
        sim = self._sim
        fault = sim.faults.clear(fault_id)
        if fault is None:
            return
        sim.record(
            FaultCleared(fault_id=fault_id, target=fault.target, kind=fault.kind)
        )
        if fault.kind == "stall_projection":
            sim.resume_projections(f"fault:{fault_id}")

    def end_of_load(self) -> None:
        """The load is over: close every window, open no more."""
        for item in self._pending:
            item.cancel()
        self._pending.clear()
        for fault in self._sim.faults.active():
            self.clear(fault.fault_id)
