"""Retries with exponential backoff and seeded jitter; circuit breakers.

Both read simulated time only (passed in), and draw jitter only from the
``random.Random`` they are given.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from ddd_sim.shared.errors import ValidationError

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how long to wait between attempts of one call."""

    max_attempts: int = 4
    base_delay: float = 0.2
    multiplier: float = 2.0
    max_delay: float = 5.0
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValidationError(
                f"max_attempts must be at least 1, got {self.max_attempts}"
            )
        for name in ("base_delay", "max_delay"):
            value = getattr(self, name)
            # ``not value > 0`` also refuses NaN, which compares false with all
            if not value > 0 or not math.isfinite(value):
                raise ValidationError(
                    f"{name} must be positive and finite, got {value}"
                )
        if not 1 <= self.multiplier < math.inf:
            raise ValidationError(
                f"multiplier must be at least 1 and finite, got {self.multiplier}"
            )
        if not 0 <= self.jitter <= 1:
            raise ValidationError(f"jitter must be within [0, 1], got {self.jitter}")

    def allows(self, attempt: int) -> bool:
        """Whether another attempt may follow ``attempt`` failed ones."""
        return attempt < self.max_attempts

    def delay(self, attempt: int, rng: random.Random) -> float:
        """The wait after failed attempt ``attempt``: capped backoff, less jitter."""
        try:
            growth = self.base_delay * self.multiplier ** (attempt - 1)
        except OverflowError:  # a huge attempt number: the cap applies anyway
            growth = math.inf
        ceiling = min(self.max_delay, growth)
        return rng.uniform(ceiling * (1 - self.jitter), ceiling)


@dataclass(frozen=True, slots=True)
class BreakerConfig:
    """When a breaker opens, how long it stays open, how it probes."""

    failure_threshold: int = 5
    cool_down: float = 10.0
    half_open_max_calls: int = 1
    success_threshold: int = 1

    def __post_init__(self) -> None:
        for name in ("failure_threshold", "half_open_max_calls", "success_threshold"):
            value = getattr(self, name)
            if value < 1:
                raise ValidationError(f"{name} must be at least 1, got {value}")
        if not self.cool_down > 0 or not math.isfinite(self.cool_down):
            raise ValidationError(
                f"cool_down must be positive and finite, got {self.cool_down}"
            )


@dataclass(frozen=True, slots=True)
class BreakerTransition:
    """One change of a breaker's state."""

    target: str
    from_state: str
    to_state: str
    failures: int
    reason: str
    at: float


class CircuitBreaker:
    """Closed, open or half-open, by consecutive failures and a cool-down."""

    def __init__(
        self,
        target: str,
        config: BreakerConfig,
        on_change: Callable[[BreakerTransition], None] | None = None,
    ) -> None:
        self.target = target
        self.config = config
        self._on_change = on_change
        self._state = CLOSED
        self._failures = 0
        self._successes = 0
        self._probes = 0
        self._opened_at = 0.0

    @property
    def state(self) -> str:
        return self._state

    @property
    def failures(self) -> int:
        return self._failures

    @property
    def opened_at(self) -> float:
        return self._opened_at

    def _move(self, to: str, at: float, reason: str) -> None:
        before, self._state = self._state, to
        if to == OPEN:
            self._opened_at = at
        self._probes = self._successes = 0
        if self._on_change is not None:
            self._on_change(
                BreakerTransition(self.target, before, to, self._failures, reason, at)
            )

    def allow(self, now: float) -> bool:
        """May a call go through now?  Open breakers refuse until the cool-down."""
        if self._state == OPEN:
            if now < self._opened_at + self.config.cool_down:
                return False
            self._move(
                HALF_OPEN, now, f"cool-down of {self.config.cool_down:g} s elapsed"
            )
        if self._state == HALF_OPEN:
            if self._probes >= self.config.half_open_max_calls:
                return False
            self._probes += 1
        return True

    def release_probe(self) -> None:
        """A half-open probe was abandoned without an answer."""
        if self._state == HALF_OPEN and self._probes:
            self._probes -= 1

    def record_success(self, now: float) -> None:
        """A call succeeded."""
        if self._state == HALF_OPEN:
            self._successes += 1
            self._probes = max(0, self._probes - 1)
            if self._successes >= self.config.success_threshold:
                self._failures = 0
                self._move(CLOSED, now, "probe succeeded")
            return
        self._failures = 0

    def record_failure(self, now: float, reason: str = "") -> None:
        """A call failed (an error or no answer in time)."""
        self._failures += 1
        if self._state == HALF_OPEN:
            self._move(OPEN, now, f"probe failed: {reason}".rstrip(": "))
        elif self._state == CLOSED and self._failures >= self.config.failure_threshold:
            self._move(
                OPEN,
                now,
                f"{self._failures} consecutive failures: {reason}".rstrip(": "),
            )

    def restore(self, state: str, since: float, failures: int) -> None:
        """Rebuild the state last recorded (after a restart), without a callback."""
        if state not in (CLOSED, OPEN, HALF_OPEN):
            raise ValueError(f"unknown breaker state {state!r}")
        self._state, self._failures = state, failures
        self._opened_at = since
        self._probes = self._successes = 0
