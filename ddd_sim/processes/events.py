"""Process events: one vocabulary for sagas, choreographies and process managers.

Every process instance is a stream of its own (``Saga-<order>``,
``Choreography-<order>``, ``Fulfilment-<order>``), so its history can be
folded as of any position, exactly like an aggregate's.  A step's
compensation is named in :class:`StepStarted`, i.e. registered *before* the
step runs.  Names and versions are stored schema.
"""

from __future__ import annotations

from ddd_sim.shared.messages import DomainEvent, message
from ddd_sim.shared.money import Money


@message
class ProcessStarted(DomainEvent):
    """An order's process began; ``steps`` lists its forward steps in order."""

    process_id: str
    kind: str  # orchestrated | choreographed | process_manager
    order_id: str
    customer_id: str
    lines: dict[str, int]
    """Quantity per product id."""
    total: Money
    steps: tuple[str, ...]


@message
class StepStarted(DomainEvent):
    """A forward step is about to run; its compensation is registered now."""

    process_id: str
    step: str
    attempt: int
    idempotency_key: str
    compensation: str


@message
class StepSucceeded(DomainEvent):
    """A step took effect; ``duplicate`` when the context had already done it."""

    process_id: str
    step: str
    attempts: int
    duplicate: bool = False


@message
class StepFailed(DomainEvent):
    """A step did not succeed; ``effect_unknown`` when it may have taken effect."""

    process_id: str
    step: str
    attempts: int
    reason: str
    effect_unknown: bool = False


@message
class CompensationStarted(DomainEvent):
    """The compensation of a step is about to run."""

    process_id: str
    step: str
    compensation: str


@message
class StepCompensated(DomainEvent):
    """A step's compensation is done; ``noop`` when the step had left no effect."""

    process_id: str
    step: str
    compensation: str
    attempts: int
    noop: bool = False


@message
class TimerScheduled(DomainEvent):
    """A persisted timer: it fires once at ``due`` (simulated seconds)."""

    process_id: str
    timer: str
    due: float


@message
class TimerFired(DomainEvent):
    """A timer fell due and its timeout was handled (exactly once)."""

    process_id: str
    timer: str
    due: float


@message
class TimerCancelled(DomainEvent):
    """A timer was no longer needed: what it guarded happened in time."""

    process_id: str
    timer: str


@message
class ProcessAbandoned(DomainEvent):
    """The timeout monitor found the instance idle too long and gave up on it."""

    process_id: str
    idle_since: float
    reason: str


@message
class ProcessCompleted(DomainEvent):
    """Every forward step succeeded."""

    process_id: str


@message
class ProcessCompensated(DomainEvent):
    """A step failed and every step that may have taken effect was undone."""

    process_id: str
    failed_step: str
    reason: str


PROCESS_EVENTS: tuple[type[DomainEvent], ...] = (
    ProcessStarted,
    StepStarted,
    StepSucceeded,
    StepFailed,
    CompensationStarted,
    StepCompensated,
    TimerScheduled,
    TimerFired,
    TimerCancelled,
    ProcessAbandoned,
    ProcessCompleted,
    ProcessCompensated,
)

ORDER_STEPS: tuple[str, ...] = (
    "reserve_inventory",
    "charge_payment",
    "create_shipment",
    "confirm_order",
)
"""The forward steps of every order flow, in order."""

COMPENSATIONS: dict[str, str] = {
    "reserve_inventory": "release_inventory",
    "charge_payment": "refund_payment",
    "create_shipment": "cancel_shipment",
    "confirm_order": "cancel_order",
}
"""Each forward step's compensation (``cancel_order`` also closes a failed order)."""
