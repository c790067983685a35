"""The orchestrated order saga (examples 71, 73, 82): one coordinator per order.

On ``OrderPlaced`` the saga runs reserve → charge → ship → confirm, one
request at a time.  Each decision is saved to the saga's own stream
(``Saga-<order>``) before the request it leads to is sent, so after a crash
:meth:`OrchestratedFlow.recover` re-sends exactly what was in flight, under
the same idempotency key.  A failed step is not retried here (the host
already retried it); the saga compensates instead, in reverse order.

A compensation must eventually happen, so one that fails (the target is
down, unreachable or behind an open breaker) is re-sent after
``SagaSettings.compensation_retry`` simulated seconds, doubling up to
``compensation_retry_max``, without a limit on the number of rounds: the
engine clears every fault when the load ends, so the run still drains.  A
compensation the target *refuses* is recorded as a no-op: the refusals
here mean there is nothing (left) to undo.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace

from ddd_sim.integration.events import OrderPlaced
from ddd_sim.processes.host import Outcome, ProcessHost, Request, TimerHandle
from ddd_sim.processes.saga_state import Delivered, OrderSaga, spec_of
from ddd_sim.shared.errors import ConcurrencyError, ValidationError
from ddd_sim.shared.repository import AggregateRepository

FLOW_STREAM_CATEGORY = "Saga"
CONSUMER = "sales.order_saga"
HOST_CONTEXT = "sales"


@dataclass(frozen=True, slots=True)
class SagaSettings:
    """How patiently a failing compensation is re-sent (simulated seconds)."""

    compensation_retry: float = 2.0
    compensation_retry_max: float = 30.0

    def __post_init__(self) -> None:
        if not 0 < self.compensation_retry <= self.compensation_retry_max:
            raise ValidationError(
                "SagaSettings.compensation_retry must be positive and at most "
                f"compensation_retry_max, got {self.compensation_retry} and "
                f"{self.compensation_retry_max}"
            )

    def retry_delay(self, rounds: int) -> float:
        """The wait before re-sending a compensation for the ``rounds``-th time."""
        return min(
            self.compensation_retry * 2.0 ** (rounds - 1), self.compensation_retry_max
        )


@dataclass
class _Running:
    """A saga in memory: its state and what only this process knows of it."""

    saga: OrderSaga
    correlation_id: uuid.UUID | None
    rounds: int = 0
    retry: TimerHandle | None = None
    resumed_step: str | None = None
    """The step in flight when this saga was reloaded after a restart."""


class OrchestratedFlow:
    """Runs every placed order through an :class:`OrderSaga`."""

    mode = "orchestrated"

    def __init__(self, settings: SagaSettings | None = None) -> None:
        self.settings = settings or SagaSettings()
        self._host: ProcessHost | None = None
        self._repo: AggregateRepository[OrderSaga] | None = None
        self._running: dict[str, _Running] = {}
        self._epoch = 0
        """Bumped by a crash: replies and timers of an earlier life are ignored."""

    # -- OrderFlow ------------------------------------------------------------
    def attach(self, host: ProcessHost) -> None:
        self._host = host
        self._repo = host.repository(OrderSaga)
        host.subscribe(CONSUMER, HOST_CONTEXT, (OrderPlaced,), self._on_order_placed)

    def recover(self) -> None:
        """Reload every unfinished saga and re-send what it had in flight."""
        self.crash()
        repo = self.repository
        for info in repo.store.streams(prefix=f"{FLOW_STREAM_CATEGORY}-"):
            head = repo.store.read_stream(info.stream_id, from_version=info.version)
            if head and head[-1].type in ("ProcessCompleted", "ProcessCompensated"):
                continue
            first = repo.store.read_stream(info.stream_id, to_version=1)
            order_id = info.stream_id.removeprefix(f"{FLOW_STREAM_CATEGORY}-")
            saga = repo.load(order_id)
            running = _Running(
                saga,
                first[0].metadata.correlation_id,
                resumed_step=saga.in_flight.step if saga.in_flight else None,
            )
            self._running[order_id] = running
            self._send(running)

    def crash(self) -> None:
        self._epoch += 1
        for running in self._running.values():
            if running.retry is not None:
                running.retry.cancel()
        self._running.clear()

    def in_flight(self) -> int:
        return len(self._running)

    # -- reacting -------------------------------------------------------------
    @property
    def host(self) -> ProcessHost:
        if self._host is None:
            raise RuntimeError("OrchestratedFlow is not attached to a host")
        return self._host

    @property
    def repository(self) -> AggregateRepository[OrderSaga]:
        if self._repo is None:
            raise RuntimeError("OrchestratedFlow is not attached to a host")
        return self._repo

    def _on_order_placed(self, delivery: Delivered) -> None:
        """Start one saga per order; a repeated OrderPlaced starts nothing."""
        placed = delivery.event
        if not isinstance(placed, OrderPlaced) or placed.order_id in self._running:
            return
        repo = self.repository
        if repo.store.stream_version(repo.stream_id(placed.order_id)):
            return
        saga = OrderSaga(placed.order_id)
        saga.begin(spec_of(placed))
        running = _Running(saga, delivery.correlation_id)
        self._running[placed.order_id] = running
        self._save_and_send(running, causation_id=delivery.event_id)

    def _on_step_outcome(
        self, running: _Running, step: str, request: Request, outcome: Outcome
    ) -> None:
        self.host.crashpoint("saga.after_call")
        running.saga.step_done(step, outcome, request)
        self._save_and_send(running)

    def _on_compensation_outcome(
        self, running: _Running, step: str, outcome: Outcome
    ) -> None:
        self.host.crashpoint("saga.mid_compensation")
        if outcome.ok or outcome.kind == "rejected":
            running.rounds = 0
            running.saga.compensation_done(step, outcome)
            self._save_and_send(running)
            return
        running.rounds += 1
        epoch = self._epoch
        running.retry = self.host.schedule(
            self.host.now() + self.settings.retry_delay(running.rounds),
            lambda: self._resend(running, epoch),
            owner=HOST_CONTEXT,
            label=f"saga {running.saga.id} retry {step} compensation",
        )

    def _resend(self, running: _Running, epoch: int) -> None:
        running.retry = None
        if epoch == self._epoch and self._running.get(running.saga.id) is running:
            self._send(running)

    # -- record, then act -----------------------------------------------------
    def _save_and_send(
        self, running: _Running, causation_id: uuid.UUID | None = None
    ) -> None:
        saga = running.saga
        try:
            self.repository.save(
                saga,
                correlation_id=running.correlation_id,
                causation_id=causation_id,
                sim_time=self.host.now(),
            )
        except ConcurrencyError as error:
            # someone else wrote this saga: carry on from what is stored
            self.host.record_error(f"saga {saga.id}", error)
            running.saga = self.repository.load(saga.id)
        self._send(running)

    def _send(self, running: _Running) -> None:
        """Send what the saga has in flight (a step or a compensation), if any."""
        saga = running.saga
        if saga.finished:
            self._running.pop(saga.id, None)
            return
        epoch = self._epoch
        if saga.in_flight is not None:
            step = saga.in_flight.step
            request = saga.order.request(
                step,
                saga.in_flight.idempotency_key,
                correlation_id=running.correlation_id,
            )
            if step == running.resumed_step:
                request = replace(request, resent=True)
            self.host.crashpoint("saga.before_call")
            self.host.call(
                HOST_CONTEXT,
                request,
                self._guard(
                    epoch,
                    running,
                    lambda o: self._on_step_outcome(running, step, request, o),
                ),
            )
        elif saga.compensating is not None:
            step = saga.compensating
            request = saga.undo_request(step, running.correlation_id)
            self.host.crashpoint("saga.mid_compensation")
            self.host.call(
                HOST_CONTEXT,
                request,
                self._guard(
                    epoch,
                    running,
                    lambda o: self._on_compensation_outcome(running, step, o),
                ),
            )

    def _guard(
        self, epoch: int, running: _Running, handle: Callable[[Outcome], None]
    ) -> Callable[[Outcome], None]:
        """Drop replies meant for an earlier life of this flow."""

        def on_outcome(outcome: Outcome) -> None:
            if epoch == self._epoch and self._running.get(running.saga.id) is running:
                handle(outcome)

        return on_outcome
