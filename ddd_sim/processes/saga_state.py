"""Order process state every flow shares, and the orchestrated saga on top of it.

:class:`OrderProcess` folds the process events every order flow shares
(steps started, succeeded, failed; compensations started and done) and
knows which compensations are still owed: every step that may have taken
effect, undone in reverse order, and ``cancel_order`` always last because it
closes the order.  :class:`OrderSaga` is the orchestrator's decisions on top.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar, Literal, Protocol

from ddd_sim.contexts.payment.application.commands import RefundWallet
from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.integration.events import OrderPlaced
from ddd_sim.processes.events import (
    COMPENSATIONS,
    ORDER_STEPS,
    CompensationStarted,
    ProcessCompensated,
    ProcessCompleted,
    ProcessStarted,
    StepCompensated,
    StepFailed,
    StepStarted,
    StepSucceeded,
)
from ddd_sim.processes.host import Outcome, Request
from ddd_sim.processes.orders import OrderSpec, wallet_of
from ddd_sim.shared.aggregate import Aggregate, applies


class Delivered(Protocol):
    """What a flow reads of a delivered integration event (a ``wire.Delivery``).

    Named structurally so the processes need not import the wire format,
    whose envelope reads calendar dates.
    """

    @property
    def event(self) -> IntegrationEvent: ...
    @property
    def event_id(self) -> uuid.UUID: ...
    @property
    def type(self) -> str: ...
    @property
    def correlation_id(self) -> uuid.UUID | None: ...


Status = Literal["new", "running", "compensating", "completed", "compensated"]
CLOSING_STEP = ORDER_STEPS[-1]
"""``confirm_order``: its compensation (``cancel_order``) always runs last."""


def spec_of(placed: OrderPlaced) -> OrderSpec:
    """What a flow needs of a placed order: quantities summed per product."""
    lines: dict[str, int] = {}
    for line in placed.lines:
        lines[line.product_id] = lines.get(line.product_id, 0) + line.quantity
    return OrderSpec(
        order_id=placed.order_id,
        customer_id=placed.customer_id,
        lines=lines,
        total=placed.total,
    )


def may_have_taken_effect(outcome: Outcome, request: Request) -> bool:
    """Whether a step that did not succeed may still have left an effect.

    Wider than :attr:`Outcome.effect_unknown`: the host reports only the last
    attempt, so after several attempts an earlier one may have timed out
    after taking effect; a step sent again after a restart may have taken
    effect in the life before (even if this attempt failed fast); and a
    refusal of a later command leaves the earlier commands of the same
    request done (a multi-line reservation).
    """
    if outcome.ok or outcome.effect_unknown or outcome.attempts > 1 or request.resent:
        return True
    return outcome.kind == "rejected" and len(request.commands) > 1


def compensation_is_noop(outcome: Outcome) -> bool:
    """A compensation that wrote nothing (or was refused) undid nothing."""
    return (
        not outcome.ok
        or outcome.duplicate
        or not any(r.written for r in outcome.results)
    )


def compensation_request(
    spec: OrderSpec,
    step: str,
    charge_keys: Sequence[str],
    *,
    reason: str,
    correlation_id: uuid.UUID | None,
) -> Request:
    """The request undoing ``step``; a refund names every charge key it undoes.

    A refund of a key that never charged is a no-op, so refunding every key
    a payment was tried under gives back whichever attempt took the money.
    """
    compensation = COMPENSATIONS[step]
    if compensation != "refund_payment":
        key = spec.key(spec.order_id, compensation)
        return spec.request(
            compensation, key, reason=reason, correlation_id=correlation_id
        )
    keys = list(dict.fromkeys(charge_keys)) or [
        spec.key(spec.order_id, "charge_payment")
    ]
    request = spec.request(compensation, keys[-1], correlation_id=correlation_id)
    if len(keys) == 1:
        return request
    wallet = wallet_of(spec.customer_id)
    refunds = tuple(RefundWallet(account_id=wallet, idempotency_key=k) for k in keys)
    return replace(request, commands=refunds)


class OrderProcess(Aggregate):
    """One order's steps in order; owed compensations undone in reverse order.

    A step joins the compensation plan when it succeeded or when it failed
    in a way that may have left an effect; ``cancel_order`` is always owed
    last.  Decisions belong to the subclasses; this class only folds events.
    """

    kind: ClassVar[str] = ""

    def _compensated(self, step: str, outcome: Outcome) -> bool:
        """Record the compensation in progress as done; False if it was not."""
        if self.compensating != step:
            return False
        self._record(
            StepCompensated(
                process_id=self.id,
                step=step,
                compensation=COMPENSATIONS[step],
                attempts=outcome.attempts,
                noop=compensation_is_noop(outcome),
            )
        )
        return True

    def _open(self, spec: OrderSpec) -> bool:
        """Record the start of this order's process; False if it had started."""
        if self.status != "new":
            return False
        self._record(
            ProcessStarted(
                process_id=self.id,
                kind=self.kind,
                order_id=spec.order_id,
                customer_id=spec.customer_id,
                lines=dict(spec.lines),
                total=spec.total,
                steps=ORDER_STEPS,
            )
        )
        return True

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.spec: OrderSpec | None = None
        self.status: Status = "new"
        self.in_flight: StepStarted | None = None
        self.succeeded: list[str] = []
        self.touched: list[str] = []
        self.attempts: dict[str, int] = {}
        self.keys: dict[str, list[str]] = {}
        self.failed_step = ""
        self.reason = ""
        self.compensating: str | None = None
        self.compensated: list[str] = []

    # -- queries --------------------------------------------------------------
    @property
    def order(self) -> OrderSpec:
        """The order this process runs (only after it started)."""
        if self.spec is None:
            raise LookupError(f"process {self.id} has not started")
        return self.spec

    @property
    def finished(self) -> bool:
        """Completed or compensated: nothing more will happen."""
        return self.status in ("completed", "compensated")

    @property
    def next_step(self) -> str | None:
        """The forward step to run or being run (None once all succeeded)."""
        done = len(self.succeeded)
        return ORDER_STEPS[done] if done < len(ORDER_STEPS) else None

    def owed_compensations(self) -> list[str]:
        """Steps still to undo, in the order they must be undone."""
        undo = [s for s in reversed(self.touched) if s != CLOSING_STEP]
        return [s for s in [*undo, CLOSING_STEP] if s not in self.compensated]

    def undo_request(self, step: str, correlation_id: uuid.UUID | None) -> Request:
        """The request that undoes ``step`` of this order."""
        return compensation_request(
            self.order,
            step,
            self.keys.get("charge_payment", []),
            reason=f"{self.failed_step} failed: {self.reason}"[:200],
            correlation_id=correlation_id,
        )

    # -- shared decisions -------------------------------------------------------
    def _start_step(self, step: str, attempt: int, key: str) -> None:
        self._record(
            StepStarted(
                process_id=self.id,
                step=step,
                attempt=attempt,
                idempotency_key=key,
                compensation=COMPENSATIONS[step],
            )
        )

    def _compensate_next(self) -> None:
        """Start the next owed compensation, or close the process as compensated."""
        owed = self.owed_compensations()
        if owed:
            step = owed[0]
            self._record(
                CompensationStarted(
                    process_id=self.id, step=step, compensation=COMPENSATIONS[step]
                )
            )
        else:
            self._record(
                ProcessCompensated(
                    process_id=self.id, failed_step=self.failed_step, reason=self.reason
                )
            )

    def compensation_done(self, step: str, outcome: Outcome) -> None:
        """Record a finished compensation and start the next one (or close)."""
        if not self._compensated(step, outcome):
            return  # a late reply to a compensation already recorded
        self._compensate_next()

    # -- state ----------------------------------------------------------------
    def _touch(self, step: str) -> None:
        if step not in self.touched:
            self.touched.append(step)

    @applies(ProcessStarted)
    def _started(self, event: ProcessStarted) -> None:
        self.spec = OrderSpec(
            order_id=event.order_id,
            customer_id=event.customer_id,
            lines=dict(event.lines),
            total=event.total,
        )
        self.status = "running"

    @applies(StepStarted)
    def _step_started(self, event: StepStarted) -> None:
        self.in_flight = event
        self.attempts[event.step] = event.attempt
        keys = self.keys.setdefault(event.step, [])
        if event.idempotency_key not in keys:
            keys.append(event.idempotency_key)

    @applies(StepSucceeded)
    def _step_succeeded(self, event: StepSucceeded) -> None:
        self.in_flight = None
        self.succeeded.append(event.step)
        self._touch(event.step)

    @applies(StepFailed)
    def _step_failed(self, event: StepFailed) -> None:
        self.in_flight = None
        self.failed_step, self.reason = event.step, event.reason
        if event.effect_unknown:
            self._touch(event.step)

    @applies(CompensationStarted)
    def _compensation_started(self, event: CompensationStarted) -> None:
        self.status = "compensating"
        self.in_flight = None
        self.compensating = event.step

    @applies(StepCompensated)
    def _step_compensated(self, event: StepCompensated) -> None:
        self.compensating = None
        self.compensated.append(event.step)

    @applies(ProcessCompleted)
    def _completed(self, event: ProcessCompleted) -> None:
        self.status = "completed"

    @applies(ProcessCompensated)
    def _process_compensated(self, event: ProcessCompensated) -> None:
        self.status = "compensated"
        self.compensating = None


class OrderSaga(OrderProcess):
    """The orchestrator: steps one after another; the first failure compensates.

    It never retries a step itself (the host already did, with the same key)
    and records every decision before the request it leads to is sent.
    """

    aggregate_type = "Saga"
    kind = "orchestrated"

    def begin(self, spec: OrderSpec) -> None:
        """Start the saga of a placed order with its first step (once)."""
        if not self._open(spec):
            return
        self._start_next()

    def step_done(self, step: str, outcome: Outcome, request: Request) -> None:
        """Go on after a success; after anything else, start compensating."""
        if self.in_flight is None or self.in_flight.step != step:
            return  # a late reply to a step already recorded
        if outcome.ok:
            self._record(
                StepSucceeded(
                    process_id=self.id,
                    step=step,
                    attempts=outcome.attempts,
                    duplicate=outcome.duplicate,
                )
            )
            self._start_next()
            return
        self._record(
            StepFailed(
                process_id=self.id,
                step=step,
                attempts=outcome.attempts,
                reason=outcome.detail or outcome.kind,
                effect_unknown=may_have_taken_effect(outcome, request),
            )
        )
        self._compensate_next()

    def _start_next(self) -> None:
        step = self.next_step
        if step is None:
            self._record(ProcessCompleted(process_id=self.id))
        else:
            self._start_step(step, 1, self.order.key(self.id, step))
