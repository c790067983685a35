"""The order fulfilment process manager's state and decisions (examples 74-76).

Unlike the saga it learns of progress from published events as well as from
replies, retries the payment itself, and guards the two slow steps with
persisted timers: a timer is a ``TimerScheduled`` in the stream, fires at
most once (``TimerFired`` is recorded only while the timer is still
pending), and is cancelled when what it guarded happened.
"""

from __future__ import annotations

from dataclasses import dataclass

from ddd_sim.processes.events import (
    ORDER_STEPS,
    ProcessAbandoned,
    ProcessCompleted,
    StepFailed,
    StepSucceeded,
    TimerCancelled,
    TimerFired,
    TimerScheduled,
)
from ddd_sim.processes.host import Outcome
from ddd_sim.processes.orders import OrderSpec
from ddd_sim.processes.saga_state import CLOSING_STEP, OrderProcess
from ddd_sim.shared.aggregate import applies
from ddd_sim.shared.errors import ValidationError

FLOW_STREAM_CATEGORY = "Fulfilment"
PAYMENT = "charge_payment"
GUARDS: dict[str, str] = {"reserve_inventory": "inventory", PAYMENT: "payment"}
"""The timer that guards each slow step."""
RETRY_TIMER = "payment_retry"


@dataclass(frozen=True, slots=True)
class FulfilmentSettings:
    """Timeouts, payment retries and the monitor's patience (simulated seconds)."""

    payment_timeout: float = 30.0
    inventory_timeout: float = 30.0
    max_payment_attempts: int = 3
    retry_delay: float = 5.0
    abandon_after: float = 300.0
    monitor_interval: float = 60.0

    def __post_init__(self) -> None:
        for name in (
            "payment_timeout",
            "inventory_timeout",
            "retry_delay",
            "abandon_after",
            "monitor_interval",
        ):
            value = getattr(self, name)
            if not value > 0:
                raise ValidationError(
                    f"FulfilmentSettings.{name} must be positive, got {value}"
                )
        if self.max_payment_attempts < 1:
            raise ValidationError(
                "FulfilmentSettings.max_payment_attempts must be at least 1, "
                f"got {self.max_payment_attempts}"
            )

    def timeout_of(self, timer: str) -> float:
        """How long a guard timer waits."""
        return self.payment_timeout if timer == "payment" else self.inventory_timeout


class OrderFulfilment(OrderProcess):
    """Steps advance on a reply or on the event proving it, whichever is first.

    A refused or failed payment is tried again after ``retry_delay`` up to
    ``max_payment_attempts``, each attempt under its own key, except after an
    attempt whose effect is unknown: its key is reused, so the wallet can
    charge at most once.  Every other failure compensates.
    """

    aggregate_type = FLOW_STREAM_CATEGORY
    kind = "process_manager"

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.timers: dict[str, float] = {}
        self.charge_uncertain = False

    # -- decisions --------------------------------------------------------------
    def begin(self, spec: OrderSpec, now: float, rules: FulfilmentSettings) -> None:
        """Start fulfilling a placed order (once) with its first step."""
        if not self._open(spec):
            return
        self._start(ORDER_STEPS[0], now, rules)

    def step_outcome(
        self,
        step: str,
        attempt: int,
        outcome: Outcome,
        may_have_effect: bool,
        now: float,
        rules: FulfilmentSettings,
    ) -> None:
        """A reply to the attempt in flight (replies to anything else are stale)."""
        flight = self.in_flight
        if flight is None or (flight.step, flight.attempt) != (step, attempt):
            return
        if outcome.ok:
            self._succeed(step, now, rules)
        elif outcome.effect_unknown and step in GUARDS:
            return  # wait for the event proving it, or for the guard timer
        else:
            reason = outcome.detail or outcome.kind
            self._attempt_failed(step, reason, may_have_effect, now, rules)

    def proven(self, step: str, now: float, rules: FulfilmentSettings) -> None:
        """A published event shows the current step took effect."""
        if self.status == "running" and self.next_step == step:
            self._succeed(step, now, rules)

    def declined(self, reason: str, now: float, rules: FulfilmentSettings) -> None:
        """Payment published a decline of the charge in flight."""
        flight = self.in_flight
        if self.status == "running" and flight is not None and flight.step == PAYMENT:
            self._attempt_failed(PAYMENT, reason, False, now, rules)

    def timer_fired(
        self, timer: str, due: float, now: float, rules: FulfilmentSettings
    ) -> None:
        """Handle a timer that fell due, unless it already fired or was cancelled."""
        if self.timers.get(timer) != due:
            return
        self._record(TimerFired(process_id=self.id, timer=timer, due=due))
        if timer == RETRY_TIMER:
            self._start(PAYMENT, now, rules)
            return
        flight = self.in_flight
        if flight is not None and GUARDS.get(flight.step) == timer:
            waited = rules.timeout_of(timer)
            reason = f"{timer} timeout: no answer within {waited:g} s"
            self._attempt_failed(flight.step, reason, True, now, rules)

    def order_cancelled(self, reason: str) -> None:
        """Sales cancelled the order itself: undo what was done so far."""
        if self.status != "running":
            return
        step = self.next_step or CLOSING_STEP
        self._record(
            StepFailed(
                process_id=self.id,
                step=step,
                attempts=self.attempts.get(step, 0),
                reason=f"order cancelled: {reason}",
                effect_unknown=self.in_flight is not None,
            )
        )
        self._compensate_next()

    def abandon(self, idle_since: float, now: float) -> None:
        """Give up on an instance idle since ``idle_since`` with no timer pending."""
        if self.status != "running" or self.timers:
            return
        self._record(
            ProcessAbandoned(
                process_id=self.id,
                idle_since=idle_since,
                reason=f"nothing happened for {now - idle_since:g} s",
            )
        )
        self._compensate_next()

    # -- steps ------------------------------------------------------------------
    def _start(self, step: str, now: float, rules: FulfilmentSettings) -> None:
        attempt = self.attempts.get(step, 0) + 1
        self._start_step(step, attempt, self._key(step, attempt))
        timer = GUARDS.get(step)
        if timer is not None:
            self._schedule(timer, now + rules.timeout_of(timer))

    def _key(self, step: str, attempt: int) -> str:
        if step != PAYMENT:
            return self.order.key(self.id, step)
        if attempt > 1 and self.charge_uncertain:
            return self.keys[PAYMENT][-1]  # it may have charged: never a second key
        return f"{self.id}:{PAYMENT}:{attempt}"

    def _succeed(self, step: str, now: float, rules: FulfilmentSettings) -> None:
        self._record(
            StepSucceeded(
                process_id=self.id, step=step, attempts=self.attempts.get(step, 1)
            )
        )
        self._cancel_timers()  # what they guarded has happened
        following = self.next_step
        if following is None:
            self._record(ProcessCompleted(process_id=self.id))
        else:
            self._start(following, now, rules)

    def _attempt_failed(
        self,
        step: str,
        reason: str,
        effect_unknown: bool,
        now: float,
        rules: FulfilmentSettings,
    ) -> None:
        attempts = self.attempts[step]
        self._record(
            StepFailed(
                process_id=self.id,
                step=step,
                attempts=attempts,
                reason=reason,
                effect_unknown=effect_unknown,
            )
        )
        self._cancel_timers()
        if step == PAYMENT and attempts < rules.max_payment_attempts:
            self._schedule(RETRY_TIMER, now + rules.retry_delay)
        else:
            self._compensate_next()

    def _compensate_next(self) -> None:
        self._cancel_timers()
        super()._compensate_next()

    def _schedule(self, timer: str, due: float) -> None:
        self._record(TimerScheduled(process_id=self.id, timer=timer, due=due))

    def _cancel_timers(self) -> None:
        for timer in sorted(self.timers):
            self._record(TimerCancelled(process_id=self.id, timer=timer))

    # -- state ------------------------------------------------------------------
    @applies(StepFailed)
    def _step_failed(self, event: StepFailed) -> None:
        super()._step_failed(event)
        if event.step == PAYMENT:
            self.charge_uncertain = event.effect_unknown

    @applies(ProcessAbandoned)
    def _abandoned(self, event: ProcessAbandoned) -> None:
        step = self.in_flight.step if self.in_flight else self.next_step
        self.failed_step = step or CLOSING_STEP
        self.reason = f"abandoned: {event.reason}"
        if self.in_flight is not None:
            self._touch(self.in_flight.step)
        self.in_flight = None

    @applies(TimerScheduled)
    def _timer_scheduled(self, event: TimerScheduled) -> None:
        self.timers[event.timer] = event.due

    @applies(TimerFired)
    def _timer_fired(self, event: TimerFired) -> None:
        self.timers.pop(event.timer, None)

    @applies(TimerCancelled)
    def _timer_cancelled(self, event: TimerCancelled) -> None:
        self.timers.pop(event.timer, None)
