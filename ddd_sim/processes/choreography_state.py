"""One choreographed order's trace: the stream every policy of the flow writes.

``Choreography-<order>`` folds the process events all flows share (see
:class:`~ddd_sim.processes.saga_state.OrderProcess`).  Nobody owns the whole
of it: each context's policy records only its own moves, and only when it is
that policy's turn, judged from the fold.  So a duplicated, late or reordered
delivery records nothing, and there is no coordinator to ask.  The ends of
its steps are published (``OrderStepSucceeded`` and the rest): the only way
one policy hears what another did.
"""

from __future__ import annotations

from ddd_sim.integration.events import (
    OrderStepCompensated,
    OrderStepFailed,
    OrderStepSucceeded,
)
from ddd_sim.integration.translation import expect
from ddd_sim.processes.events import (
    COMPENSATIONS,
    CompensationStarted,
    ProcessCompensated,
    ProcessCompleted,
    StepCompensated,
    StepFailed,
    StepSucceeded,
)
from ddd_sim.processes.host import Outcome, Request
from ddd_sim.processes.orders import OrderSpec
from ddd_sim.processes.saga_state import (
    OrderProcess,
    may_have_taken_effect,
)
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import EventMeta

CATEGORY = "Choreography"
"""The stream category of choreographed orders (``Choreography-<order id>``)."""


class OrderChoreography(OrderProcess):
    """Whose turn it is in one order's choreography; each policy moves on its own.

    A forward step is due when every earlier step succeeded and nothing has
    failed; a step's compensation is due when a step failed and every later
    step that may have acted is undone (``cancel_order`` always last).
    """

    aggregate_type = CATEGORY
    kind = "choreographed"

    @property
    def failing(self) -> bool:
        """A step failed: no forward step runs any more, only compensations."""
        return bool(self.failed_step)

    def begin(self, spec: OrderSpec) -> None:
        """Open the trace of a placed order (once)."""
        if not self._open(spec):
            return

    def due_to_run(self, step: str) -> bool:
        """``step`` is next, not yet started, and nothing has failed."""
        return (
            self.status == "running"
            and not self.failing
            and self.in_flight is None
            and self.next_step == step
        )

    def start(self, step: str) -> bool:
        """Record that ``step`` starts, under the key ``<order>:<step>``, if due."""
        if not self.due_to_run(step):
            return False
        self._start_step(step, 1, self.order.key(self.id, step))
        return True

    def step_done(self, step: str, outcome: Outcome, request: Request) -> bool:
        """Record how ``step`` ended, if it is the one in flight (else a late reply).

        The last step's success completes the order's process.
        """
        if self.in_flight is None or self.in_flight.step != step:
            return False
        if outcome.ok:
            self._record(
                StepSucceeded(
                    process_id=self.id,
                    step=step,
                    attempts=outcome.attempts,
                    duplicate=outcome.duplicate,
                )
            )
            if self.next_step is None:
                self._record(ProcessCompleted(process_id=self.id))
        else:
            self._record(
                StepFailed(
                    process_id=self.id,
                    step=step,
                    attempts=outcome.attempts,
                    reason=(outcome.detail or outcome.kind)[:200],
                    effect_unknown=may_have_taken_effect(outcome, request),
                )
            )
        return True

    def due_to_undo(self, step: str) -> bool:
        """``step``'s compensation is the first one owed and nobody is compensating."""
        if self.finished or not self.failing or self.compensating is not None:
            return False
        owed = self.owed_compensations()
        return bool(owed) and owed[0] == step

    def start_compensation(self, step: str) -> bool:
        """Record that ``step``'s compensation starts, if it is due."""
        if not self.due_to_undo(step):
            return False
        self._record(
            CompensationStarted(
                process_id=self.id, step=step, compensation=COMPENSATIONS[step]
            )
        )
        return True

    def compensation_done(self, step: str, outcome: Outcome) -> None:
        """Record a finished compensation; the next one is another policy's move.

        Whoever records the last owed compensation (always ``cancel_order``,
        so the sales policy) closes the process as compensated.
        """
        if not self._compensated(step, outcome):
            return  # a late reply to a compensation already recorded
        if not self.owed_compensations():
            self._record(
                ProcessCompensated(
                    process_id=self.id, failed_step=self.failed_step, reason=self.reason
                )
            )


# -- what a trace publishes -------------------------------------------------------
def _order_of(meta: EventMeta) -> str | None:
    """The order a choreography stream traces (None for any other process)."""
    prefix = f"{CATEGORY}-"
    if not meta.stream_id.startswith(prefix):
        return None
    return meta.stream_id.removeprefix(prefix)


def publish_success(event: DomainEvent, meta: EventMeta) -> OrderStepSucceeded | None:
    """A choreographed step that took effect is the next policy's cue."""
    order = _order_of(meta)
    if order is None:
        return None
    done = expect(event, StepSucceeded)
    return OrderStepSucceeded(order_id=order, step=done.step)


def publish_failure(event: DomainEvent, meta: EventMeta) -> OrderStepFailed | None:
    """A choreographed step that failed sets the compensations going."""
    order = _order_of(meta)
    if order is None:
        return None
    failed = expect(event, StepFailed)
    return OrderStepFailed(
        order_id=order,
        step=failed.step,
        reason=failed.reason,
        effect_unknown=failed.effect_unknown,
    )


def publish_compensation(
    event: DomainEvent, meta: EventMeta
) -> OrderStepCompensated | None:
    """A choreographed step undone lets the step before it undo next."""
    order = _order_of(meta)
    if order is None:
        return None
    undone = expect(event, StepCompensated)
    return OrderStepCompensated(
        order_id=order,
        step=undone.step,
        compensation=undone.compensation,
        noop=undone.noop,
    )
