"""What the simulation itself records in the log, beside the shop's events.

Faults injected and cleared, breaker state changes, messages the network
lost or duplicated, contexts crashing and restarting, projection progress:
all are events with a global position and a simulated time, so every view
of the world, including "which faults were active", is a fold of the log.
Names and versions are stored schema.
"""

from __future__ import annotations

from ddd_sim.shared.messages import DomainEvent, message

RUN_STREAM = "Sim-run"
FAULT_STREAM = "Sim-faults"
BREAKER_STREAM = "Sim-breakers"
NETWORK_STREAM = "Sim-network"
CONTEXT_STREAM = "Sim-contexts"
PROJECTION_STREAM = "Sim-projections"
SIM_CATEGORY = "Sim"


@message
class RunStarted(DomainEvent):
    """A scenario run began; the scenario's text and seed let it be resumed."""

    scenario_name: str
    scenario_file: str
    scenario_text: str
    seed: int
    saga: str
    duration: float


@message
class RunResumed(DomainEvent):
    """A run interrupted at ``sim_time`` was picked up again from the store."""

    sim_time: float
    head_position: int


@message
class RunDrained(DomainEvent):
    """Load ended and all in-flight work finished (or the drain gave up)."""

    sim_time: float
    in_flight: int


@message
class FaultInjected(DomainEvent):
    """A fault became active on a context (or between two, for a partition)."""

    fault_id: str
    target: str
    kind: str
    until: float | None = None
    probability: float | None = None
    mean_ms: float | None = None
    jitter_ms: float | None = None
    with_context: str | None = None
    projection: str | None = None


@message
class FaultCleared(DomainEvent):
    """A fault's window ended."""

    fault_id: str
    target: str
    kind: str


@message
class BreakerStateChanged(DomainEvent):
    """A circuit breaker in front of ``target`` changed state."""

    target: str
    from_state: str
    to_state: str
    failures: int
    reason: str


@message
class MessageDropped(DomainEvent):
    """The network lost a request or a reply (``reason`` says which fault)."""

    source: str
    target: str
    operation: str
    reason: str
    key: str


@message
class MessageDuplicated(DomainEvent):
    """The network delivered a request twice."""

    source: str
    target: str
    operation: str
    key: str


@message
class ContextCrashed(DomainEvent):
    """A context lost its in-memory state; it is down until it restarts."""

    context: str
    restart_at: float


@message
class ContextRestarted(DomainEvent):
    """A context came back, its state reloaded from the store."""

    context: str


@message
class ProjectionsAdvanced(DomainEvent):
    """Checkpoints of the projections that moved since the last record."""

    checkpoints: dict[str, int]


SIM_EVENTS: tuple[type[DomainEvent], ...] = (
    RunStarted,
    RunResumed,
    RunDrained,
    FaultInjected,
    FaultCleared,
    BreakerStateChanged,
    MessageDropped,
    MessageDuplicated,
    ContextCrashed,
    ContextRestarted,
    ProjectionsAdvanced,
)
