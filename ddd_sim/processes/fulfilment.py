"""The order fulfilment process manager flow (examples 74-76).

It reacts to the published events of every context (consumer
``sales.order_fulfilment``, hosted in sales) and to the replies of its own
requests.  Each reaction loads the instance (``Fulfilment-<order>``), lets
it decide, saves what it decided under optimistic locking, and only then
acts: sends the request in flight and arms or disarms timers.  A save that
loses a race (``WrongExpectedVersion``) is retried on a fresh load, so two
managers over one store never both act on one decision.

``recover`` reloads every unfinished instance, re-arms its persisted timers
(one already due fires at once) and re-sends what it had in flight under
the same key.  A failing compensation is re-sent every ``retry_delay``
seconds without a limit on rounds (the engine clears every fault when the
load ends, so the run drains).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.integration.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderPlaced,
    PaymentCaptured,
    PaymentDeclined,
    ShipmentCreated,
    StockReserved,
)
from ddd_sim.processes.events import (
    CompensationStarted,
    StepStarted,
    TimerCancelled,
    TimerFired,
    TimerScheduled,
)
from ddd_sim.processes.fulfilment_state import (
    FLOW_STREAM_CATEGORY,
    FulfilmentSettings,
    OrderFulfilment,
)
from ddd_sim.processes.host import Outcome, ProcessHost, TimerHandle
from ddd_sim.processes.saga_state import Delivered, may_have_taken_effect, spec_of
from ddd_sim.processes.timeout_monitor import TimeoutMonitor, Watched
from ddd_sim.shared.errors import WrongExpectedVersion
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.repository import AggregateRepository

CONSUMER = "sales.order_fulfilment"
HOST_CONTEXT = "sales"
MAX_CONFLICTS = 5
"""Reloads after lost races before a reaction is given up (and reported)."""
PROOFS: dict[type[IntegrationEvent], str] = {
    PaymentCaptured: "charge_payment",
    ShipmentCreated: "create_shipment",
    OrderConfirmed: "confirm_order",
}
"""Published events that prove a step took effect (one event per step)."""
Decide = Callable[[OrderFulfilment], None]


@dataclass
class _Instance:
    """One unfinished instance in memory; ``state`` None means reload it."""

    state: OrderFulfilment | None
    correlation_id: uuid.UUID | None
    last_change: float
    timers: dict[str, TimerHandle] = field(default_factory=dict)
    resend: TimerHandle | None = None
    reserved: dict[str, int] = field(default_factory=dict)
    resumed: tuple[str, int] | None = None
    """The step and attempt in flight when this instance was reloaded."""


class ProcessManagerFlow:
    """Runs every placed order through an :class:`OrderFulfilment`."""

    mode = "process_manager"

    def __init__(self, settings: FulfilmentSettings | None = None) -> None:
        self.settings = settings or FulfilmentSettings()
        self._host: ProcessHost | None = None
        self._repo: AggregateRepository[OrderFulfilment] | None = None
        self._instances: dict[str, _Instance] = {}
        self._finished: set[str] = set()
        self._epoch = 0
        """Bumped by a crash: replies and timers of an earlier life are ignored."""
        self.conflicts = 0
        """Saves that lost a race and were decided again on a fresh load."""
        self.monitor = TimeoutMonitor(
            interval=self.settings.monitor_interval,
            abandon_after=self.settings.abandon_after,
            owner=HOST_CONTEXT,
            watched=self._watched,
            abandon=self._abandon,
        )

    # -- OrderFlow ------------------------------------------------------------
    def attach(self, host: ProcessHost) -> None:
        self._host = host
        self._repo = host.repository(OrderFulfilment)
        self.monitor.attach(host)
        host.subscribe(
            CONSUMER,
            HOST_CONTEXT,
            (OrderPlaced, StockReserved, *PROOFS, PaymentDeclined, OrderCancelled),
            self._on_event,
        )

    def recover(self) -> None:
        """Reload unfinished instances, re-arm their timers, re-send their calls."""
        self.crash()
        store = self.repository.store
        for info in store.streams(prefix=f"{FLOW_STREAM_CATEGORY}-"):
            last = store.read_stream(info.stream_id, from_version=info.version)
            if last and last[-1].type in ("ProcessCompleted", "ProcessCompensated"):
                continue
            order_id = info.stream_id.removeprefix(f"{FLOW_STREAM_CATEGORY}-")
            instance = self._load(order_id)
            if instance is None or instance.state is None:
                continue
            self._instances[order_id] = instance
            flight = instance.state.in_flight
            if flight is not None:
                instance.resumed = (flight.step, flight.attempt)
            for timer, due in sorted(instance.state.timers.items()):
                self._arm(order_id, instance, timer, due)
            self._send(order_id, instance)
        if self._instances:
            self.monitor.ensure_running()

    def crash(self) -> None:
        self._epoch += 1
        self.monitor.stop()
        for instance in self._instances.values():
            for handle in instance.timers.values():
                handle.cancel()
            if instance.resend is not None:
                instance.resend.cancel()
        self._instances.clear()
        self._finished.clear()

    def in_flight(self) -> int:
        return len(self._instances)

    # -- reacting -------------------------------------------------------------
    @property
    def host(self) -> ProcessHost:
        if self._host is None:
            raise RuntimeError("ProcessManagerFlow is not attached to a host")
        return self._host

    @property
    def repository(self) -> AggregateRepository[OrderFulfilment]:
        if self._repo is None:
            raise RuntimeError("ProcessManagerFlow is not attached to a host")
        return self._repo

    def _on_event(self, delivery: Delivered) -> None:
        event, now, rules = delivery.event, self.host.now(), self.settings
        cause = delivery.event_id
        if isinstance(event, OrderPlaced):
            self._start(event, delivery)
        elif isinstance(event, StockReserved):
            instance = self._instance(event.order_id)
            if instance is None or instance.state is None:
                return
            instance.reserved[event.product_id] = event.quantity
            lines = instance.state.order.lines
            if all(instance.reserved.get(p, 0) >= q for p, q in lines.items()):
                self._update(
                    event.order_id,
                    lambda pm: pm.proven("reserve_inventory", now, rules),
                    cause,
                )
        elif isinstance(event, PaymentDeclined):
            reason = f"declined: {event.reason}"
            self._update(
                event.order_id, lambda pm: pm.declined(reason, now, rules), cause
            )
        elif isinstance(event, OrderCancelled):
            why = event.reason
            self._update(event.order_id, lambda pm: pm.order_cancelled(why), cause)
        elif type(event) in PROOFS:
            step = PROOFS[type(event)]
            order_id = getattr(event, "order_id", "")
            self._update(order_id, lambda pm: pm.proven(step, now, rules), cause)

    def _start(self, placed: OrderPlaced, delivery: Delivered) -> None:
        """One instance per order; a repeated OrderPlaced starts nothing."""
        order_id = placed.order_id
        if self._instance(order_id) is not None or order_id in self._finished:
            return
        if self.repository.store.stream_version(self.repository.stream_id(order_id)):
            return
        instance = _Instance(
            OrderFulfilment(order_id), delivery.correlation_id, self.host.now()
        )
        self._instances[order_id] = instance
        spec, now = spec_of(placed), self.host.now()
        self._update(
            order_id,
            lambda pm: pm.begin(spec, now, self.settings),
            delivery.event_id,
        )

    def _on_compensation_outcome(
        self, order_id: str, step: str, outcome: Outcome
    ) -> None:
        if outcome.ok or outcome.kind == "rejected":
            self._update(order_id, lambda pm: pm.compensation_done(step, outcome))
            return
        instance = self._instances.get(order_id)
        if instance is None:
            return
        epoch = self._epoch

        def again() -> None:
            instance.resend = None
            if epoch == self._epoch and self._instances.get(order_id) is instance:
                self._send(order_id, instance)

        instance.resend = self.host.schedule(
            self.host.now() + self.settings.retry_delay,
            again,
            owner=HOST_CONTEXT,
            label=f"fulfilment {order_id} retry {step} compensation",
        )

    def _fire(self, order_id: str, timer: str, due: float) -> None:
        self.host.crashpoint("pm.after_timer_fired")
        now, rules = self.host.now(), self.settings
        self._update(order_id, lambda pm: pm.timer_fired(timer, due, now, rules))

    def _watched(self) -> list[Watched]:
        return [
            Watched(
                process_id=order_id,
                last_change=instance.last_change,
                running=instance.state is None or instance.state.status == "running",
                timer_pending=bool(instance.state is None or instance.state.timers),
            )
            for order_id, instance in self._instances.items()
        ]

    def _abandon(self, idle: Watched) -> None:
        now = self.host.now()
        self._update(idle.process_id, lambda pm: pm.abandon(idle.last_change, now))

    # -- load, decide, save, act ------------------------------------------------
    def _update(
        self, order_id: str, decide: Decide, causation_id: uuid.UUID | None = None
    ) -> None:
        """Decide on the latest state; on a lost race, reload and decide again."""
        for _ in range(MAX_CONFLICTS + 1):
            instance = self._instance(order_id)
            if instance is None or instance.state is None:
                return
            state = instance.state
            decide(state)
            decided = state.pending_events
            if not decided:
                return
            try:
                self.repository.save(
                    state,
                    correlation_id=instance.correlation_id,
                    causation_id=causation_id,
                    sim_time=self.host.now(),
                )
            except WrongExpectedVersion:
                self.conflicts += 1
                instance.state = None
                continue
            except Exception:
                instance.state = None  # what is stored is unknown: reload next time
                raise
            self._act(order_id, instance, decided)
            return
        self.host.record_error(
            f"fulfilment {order_id}",
            RuntimeError(f"gave up after {MAX_CONFLICTS} conflicting saves"),
        )

    def _act(
        self, order_id: str, instance: _Instance, decided: tuple[DomainEvent, ...]
    ) -> None:
        instance.last_change = self.host.now()
        for event in decided:
            if isinstance(event, TimerScheduled):
                self._arm(order_id, instance, event.timer, event.due)
            elif isinstance(event, TimerCancelled | TimerFired):
                handle = instance.timers.pop(event.timer, None)
                if handle is not None:
                    handle.cancel()
        state = instance.state
        if state is not None and state.finished:
            self._forget(order_id)
            return
        if any(isinstance(e, StepStarted | CompensationStarted) for e in decided):
            self._send(order_id, instance)
        self.monitor.ensure_running()

    def _send(self, order_id: str, instance: _Instance) -> None:
        """Send the step or compensation in flight, if any."""
        state, epoch = instance.state, self._epoch
        if state is None:
            return
        flight, undoing = state.in_flight, state.compensating
        if flight is not None:
            request = state.order.request(
                flight.step,
                flight.idempotency_key,
                correlation_id=instance.correlation_id,
            )
            if instance.resumed == (flight.step, flight.attempt):
                request = replace(request, resent=True)
            self.host.crashpoint("pm.before_call")
        elif undoing is not None:
            request = state.undo_request(undoing, instance.correlation_id)
        else:
            return

        def on_outcome(outcome: Outcome) -> None:
            if epoch != self._epoch or self._instances.get(order_id) is not instance:
                return  # meant for an earlier life of this flow
            if flight is not None:
                effect = may_have_taken_effect(outcome, request)
                now, rules = self.host.now(), self.settings
                self._update(
                    order_id,
                    lambda pm: pm.step_outcome(
                        flight.step, flight.attempt, outcome, effect, now, rules
                    ),
                )
            elif undoing is not None:
                self._on_compensation_outcome(order_id, undoing, outcome)

        self.host.call(HOST_CONTEXT, request, on_outcome)

    def _arm(self, order_id: str, instance: _Instance, timer: str, due: float) -> None:
        epoch = self._epoch

        def fire() -> None:
            if epoch == self._epoch:
                self._fire(order_id, timer, due)

        old = instance.timers.pop(timer, None)
        if old is not None:
            old.cancel()
        instance.timers[timer] = self.host.schedule(
            due, fire, owner=HOST_CONTEXT, label=f"fulfilment {order_id} {timer}"
        )

    # -- instances --------------------------------------------------------------
    def _instance(self, order_id: str) -> _Instance | None:
        """The unfinished instance of an order, reloaded if its state is stale."""
        instance = self._instances.get(order_id)
        if instance is None:
            return None
        if instance.state is None:
            fresh = self._load(order_id)
            if fresh is None or fresh.state is None:
                self._forget(order_id)
                return None
            instance.state = fresh.state
        if instance.state.finished:
            self._forget(order_id)
            return None
        return instance

    def _load(self, order_id: str) -> _Instance | None:
        repo = self.repository
        stream_id = repo.stream_id(order_id)
        if not repo.store.stream_version(stream_id):
            return None
        state = repo.load(order_id)
        first = repo.store.read_stream(stream_id, to_version=1)[0]
        last = repo.store.read_stream(stream_id, from_version=state.version)[-1]
        return _Instance(state, first.metadata.correlation_id, last.metadata.sim_time)

    def _forget(self, order_id: str) -> None:
        instance = self._instances.pop(order_id, None)
        self._finished.add(order_id)
        if not self._instances:
            self.monitor.stop()  # nothing left to watch
        if instance is None:
            return
        for handle in instance.timers.values():
            handle.cancel()
        if instance.resend is not None:
            instance.resend.cancel()
