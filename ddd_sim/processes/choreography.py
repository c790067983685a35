"""The choreographed order flow (examples 72 and 83): no coordinator at all.

Each context taking part hosts a policy of its own, subscribed to the
published language and calling only its own context:

* inventory (``inventory.order_choreography``) reserves on ``OrderPlaced``;
* payment charges when the reservation of the *whole* order succeeded;
* shipping books the shipment once the payment was captured;
* sales confirms the order once the shipment exists, and closes the process.

What a policy did is recorded in the order's trace, ``Choreography-<order>``
(:class:`~ddd_sim.processes.choreography_state.OrderChoreography`), in the
process-event vocabulary of every flow, and :data:`TRANSLATORS` publish its
steps' ends as ``OrderStepSucceeded`` / ``OrderStepFailed`` /
``OrderStepCompensated``: that is the only way the next policy hears of them.

Compensation flows from failure events, later steps first: on a failure
(or on a compensation done) each policy checks whether *its* step is now the
first one owed (it succeeded or may have acted, and every later step is
undone) and only then undoes it; ``cancel_order`` is always owed last, so the
sales policy records ``ProcessCompensated``.  Every move is decided on a
fresh fold of the trace and keyed ``<order>:<step>`` (a refund names the
charge's key), so duplicated, late or reordered deliveries change nothing.

A compensation that fails (down, unreachable, breaker open) is re-sent with
a growing delay (``SagaSettings``) until it lands.  ``crash`` forgets replies
and timers of the earlier life; ``recover`` rereads every unfinished trace and
lets each policy resume its own part: re-send its step or compensation in
flight under the same key, or make a move that fell due (at most one move is
ever due per order, so this cannot run two policies at once).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.integration.events import (
    OrderPlaced,
    OrderStepCompensated,
    OrderStepFailed,
    OrderStepSucceeded,
)
from ddd_sim.integration.translation import Translator
from ddd_sim.processes.choreography_state import (
    CATEGORY,
    OrderChoreography,
    publish_compensation,
    publish_failure,
    publish_success,
)
from ddd_sim.processes.events import (
    COMPENSATIONS,
    ORDER_STEPS,
    StepCompensated,
    StepFailed,
    StepSucceeded,
)
from ddd_sim.processes.host import Outcome, ProcessHost, TimerHandle
from ddd_sim.processes.order_saga import SagaSettings
from ddd_sim.processes.orders import STEP_TARGETS, OrderSpec
from ddd_sim.processes.saga_state import Delivered, spec_of
from ddd_sim.shared.errors import ConcurrencyError
from ddd_sim.shared.repository import AggregateNotFound, AggregateRepository

T = TypeVar("T")


TRANSLATORS: dict[str, Translator] = {
    StepSucceeded.event_type: publish_success,
    StepFailed.event_type: publish_failure,
    StepCompensated.event_type: publish_compensation,
}
"""Stored process events of choreography streams, in the published language."""


# -- one context's part -----------------------------------------------------------
class StepPolicy:
    """One context's part: run its own step when cued, undo it when its turn comes."""

    def __init__(self, flow: ChoreographedFlow, step: str) -> None:
        self.flow, self.step = flow, step
        self.context = STEP_TARGETS[step]
        self.consumer = f"{self.context}.order_choreography"
        index = ORDER_STEPS.index(step)
        self.after = ORDER_STEPS[index - 1] if index else None
        """The step whose success cues this one (None: the order's placement)."""

    @property
    def cues(self) -> tuple[type[IntegrationEvent], ...]:
        """The published events this policy listens to."""
        start = OrderPlaced if self.after is None else OrderStepSucceeded
        return (start, OrderStepFailed, OrderStepCompensated)

    def on_delivery(self, delivery: Delivered) -> None:
        """React to a cue; what is not this policy's turn is ignored."""
        event, cue = delivery.event, (delivery.correlation_id, delivery.event_id)
        if isinstance(event, OrderPlaced):
            if self.after is None:
                self.take_turn(event.order_id, *cue, spec=spec_of(event))
        elif isinstance(event, OrderStepSucceeded):
            if event.step == self.after:
                self.take_turn(event.order_id, *cue)
        elif isinstance(event, (OrderStepFailed, OrderStepCompensated)):
            self.take_turn(event.order_id, *cue)

    def take_turn(
        self,
        order_id: str,
        correlation: uuid.UUID | None,
        causation: uuid.UUID | None,
        *,
        spec: OrderSpec | None = None,
    ) -> None:
        """Start this policy's step or compensation if it is due, then send it."""

        def move(trace: OrderChoreography) -> str:
            if spec is not None:
                trace.begin(spec)
            if trace.start(self.step):
                return "run"
            return "undo" if trace.start_compensation(self.step) else ""

        trace, moved = self.flow.decide(order_id, move, correlation, causation)
        if moved == "run":
            self._send_step(trace, correlation)
        elif moved == "undo":
            self._send_compensation(trace, correlation, 0)

    def resume(self, trace: OrderChoreography, correlation: uuid.UUID | None) -> None:
        """After a restart: re-send what this policy had in flight, or move if due."""
        if trace.in_flight is not None and trace.in_flight.step == self.step:
            self._send_step(trace, correlation, resent=True)
        elif trace.compensating == self.step:
            self._send_compensation(trace, correlation, 0)
        elif trace.due_to_run(self.step) or trace.due_to_undo(self.step):
            self.take_turn(trace.id, correlation, None)

    # -- the step -------------------------------------------------------------
    def _send_step(
        self,
        trace: OrderChoreography,
        correlation: uuid.UUID | None,
        *,
        resent: bool = False,
    ) -> None:
        started = trace.in_flight
        if started is None:
            return
        request = trace.order.request(
            self.step, started.idempotency_key, correlation_id=correlation
        )
        if resent:
            request = replace(request, resent=True)
        host = self.flow.host
        host.crashpoint("choreography.before_call")
        order_id = trace.id

        def on_outcome(outcome: Outcome) -> None:
            host.crashpoint("choreography.after_call")
            self.flow.decide(
                order_id,
                lambda t: t.step_done(self.step, outcome, request),
                correlation,
            )

        host.call(self.context, request, self.flow.guarded(on_outcome))

    # -- the compensation -----------------------------------------------------
    def _send_compensation(
        self, trace: OrderChoreography, correlation: uuid.UUID | None, rounds: int
    ) -> None:
        order_id = trace.id
        request = trace.undo_request(self.step, correlation)
        host = self.flow.host
        host.crashpoint("choreography.mid_compensation")

        def on_outcome(outcome: Outcome) -> None:
            host.crashpoint("choreography.mid_compensation")
            if outcome.ok or outcome.kind == "rejected":
                self.flow.decide(
                    order_id,
                    lambda t: t.compensation_done(self.step, outcome),
                    correlation,
                )
            else:
                self._retry_compensation(order_id, correlation, rounds + 1)

        host.call(self.context, request, self.flow.guarded(on_outcome))

    def _retry_compensation(
        self, order_id: str, correlation: uuid.UUID | None, rounds: int
    ) -> None:
        """A compensation must happen: send it again later, a little later each time."""
        flow = self.flow

        def again() -> None:
            flow.timers.pop((order_id, self.step), None)
            trace = flow.load(order_id)
            if trace.compensating == self.step:
                self._send_compensation(trace, correlation, rounds)

        flow.timers[(order_id, self.step)] = flow.host.schedule(
            flow.host.now() + flow.settings.retry_delay(rounds),
            flow.guarded_action(again),
            owner=self.context,
            label=f"choreography {order_id} retry {COMPENSATIONS[self.step]}",
        )


# -- the flow ---------------------------------------------------------------------
class ChoreographedFlow:
    """The four policies of the choreographed order flow, and their traces."""

    mode = "choreographed"

    def __init__(self, settings: SagaSettings | None = None) -> None:
        self.settings = settings or SagaSettings()
        self.policies = tuple(StepPolicy(self, step) for step in ORDER_STEPS)
        self.timers: dict[tuple[str, str], TimerHandle] = {}
        self._host: ProcessHost | None = None
        self._repo: AggregateRepository[OrderChoreography] | None = None
        self._active: set[str] = set()
        self._epoch = 0
        """Bumped by a crash: replies and timers of an earlier life are ignored."""

    # -- OrderFlow ------------------------------------------------------------
    def attach(self, host: ProcessHost) -> None:
        self._host = host
        self._repo = host.repository(OrderChoreography)
        for policy in self.policies:
            host.subscribe(
                policy.consumer, policy.context, policy.cues, policy.on_delivery
            )

    def recover(self) -> None:
        """Reread every unfinished trace; each policy resumes its own part."""
        self.crash()
        store = self.repository.store
        for info in store.streams(prefix=f"{CATEGORY}-"):
            head = store.read_stream(info.stream_id, from_version=info.version)
            if head and head[-1].type in ("ProcessCompleted", "ProcessCompensated"):
                continue
            trace = self.load(info.stream_id.removeprefix(f"{CATEGORY}-"))
            if trace.status == "new":
                continue
            self._active.add(trace.id)
            first = store.read_stream(info.stream_id, to_version=1)
            correlation = first[0].metadata.correlation_id
            for policy in self.policies:
                policy.resume(trace, correlation)

    def crash(self) -> None:
        self._epoch += 1
        for timer in self.timers.values():
            timer.cancel()
        self.timers.clear()
        self._active.clear()

    def in_flight(self) -> int:
        return len(self._active)

    # -- shared by the policies -----------------------------------------------
    @property
    def host(self) -> ProcessHost:
        if self._host is None:
            raise RuntimeError("ChoreographedFlow is not attached to a host")
        return self._host

    @property
    def repository(self) -> AggregateRepository[OrderChoreography]:
        if self._repo is None:
            raise RuntimeError("ChoreographedFlow is not attached to a host")
        return self._repo

    def load(self, order_id: str) -> OrderChoreography:
        """An order's trace as stored (a new, empty one if none is)."""
        try:
            return self.repository.load(order_id)
        except AggregateNotFound:
            return OrderChoreography(order_id)

    def decide(
        self,
        order_id: str,
        move: Callable[[OrderChoreography], T],
        correlation: uuid.UUID | None,
        causation: uuid.UUID | None = None,
    ) -> tuple[OrderChoreography, T]:
        """Make one policy's move on a fresh fold of the trace and save it.

        A lost append race (never expected: the host runs one handler at a
        time) is reported and the move made again on what won.
        """
        for attempt in (1, 2):
            trace = self.load(order_id)
            result = move(trace)
            try:
                self.repository.save(
                    trace,
                    correlation_id=correlation,
                    causation_id=causation,
                    sim_time=self.host.now(),
                )
            except ConcurrencyError as error:
                if attempt == 2:
                    raise
                self.host.record_error(f"choreography {order_id}", error)
                continue
            if trace.finished:
                self._active.discard(order_id)
            elif trace.status != "new":
                self._active.add(order_id)
            return trace, result
        raise AssertionError("unreachable")  # pragma: no cover

    def guarded(self, handle: Callable[[Outcome], None]) -> Callable[[Outcome], None]:
        """Drop a reply meant for an earlier life of the flow (recover re-sends)."""
        epoch = self._epoch

        def on_outcome(outcome: Outcome) -> None:
            if epoch == self._epoch:
                handle(outcome)

        return on_outcome

    def guarded_action(self, action: Callable[[], None]) -> Callable[[], None]:
        """Drop a timer set in an earlier life of the flow."""
        epoch = self._epoch

        def run() -> None:
            if epoch == self._epoch:
                action()

        return run
