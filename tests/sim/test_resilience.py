"""Retries with capped, jittered backoff; circuit breakers against a reference model."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from ddd_sim.shared.errors import ValidationError
from ddd_sim.sim.resilience import (
    CLOSED,
    HALF_OPEN,
    OPEN,
    BreakerConfig,
    BreakerTransition,
    CircuitBreaker,
    RetryPolicy,
)

# -- retries ----------------------------------------------------------------------


def test_without_jitter_delays_grow_by_the_multiplier_up_to_the_cap() -> None:
    policy = RetryPolicy(
        max_attempts=10, base_delay=0.5, multiplier=3.0, max_delay=10.0, jitter=0.0
    )
    rng = random.Random(1)

    delays = [policy.delay(attempt, rng) for attempt in range(1, 7)]

    assert delays == pytest.approx([0.5, 1.5, 4.5, 10.0, 10.0, 10.0])


@pytest.mark.parametrize("attempt", [1, 2, 3, 5, 8, 40, 5_000])
def test_a_jittered_delay_lies_within_its_band(attempt: int) -> None:
    policy = RetryPolicy(base_delay=0.2, multiplier=2.0, max_delay=5.0, jitter=0.4)
    ceiling = min(5.0, 0.2 * 2.0 ** min(attempt - 1, 100))
    rng = random.Random(attempt)

    for _ in range(200):
        delay = policy.delay(attempt, rng)
        assert ceiling * 0.6 * (1 - 1e-12) <= delay <= ceiling * (1 + 1e-12)


def test_delays_grow_on_average_and_never_pass_max_delay() -> None:
    policy = RetryPolicy(base_delay=0.1, multiplier=2.0, max_delay=1.0, jitter=0.5)
    rng = random.Random(3)

    means = [
        sum(policy.delay(attempt, rng) for _ in range(300)) / 300
        for attempt in range(1, 7)
    ]

    assert means[0] < means[1] < means[2] < means[3] < means[4]
    assert all(mean <= 1.0 for mean in means)
    assert means[5] == pytest.approx(0.75, abs=0.05)


def test_delays_are_reproducible_from_a_seeded_random() -> None:
    policy = RetryPolicy()

    first = [policy.delay(a, rng) for rng in [random.Random(8)] for a in range(1, 9)]
    again = [policy.delay(a, rng) for rng in [random.Random(8)] for a in range(1, 9)]
    other = [policy.delay(a, rng) for rng in [random.Random(9)] for a in range(1, 9)]

    assert first == again
    assert first != other


def test_allows_bounds_the_number_of_attempts() -> None:
    policy = RetryPolicy(max_attempts=3)

    assert [policy.allows(attempt) for attempt in range(1, 5)] == [
        True,
        True,
        False,
        False,
    ]
    assert RetryPolicy(max_attempts=1).allows(1) is False


@pytest.mark.parametrize(
    ("field_name", "value"),
    [
        ("max_attempts", 0),
        ("base_delay", 0.0),
        ("base_delay", -1.0),
        ("base_delay", math.nan),
        ("base_delay", math.inf),
        ("max_delay", 0.0),
        ("max_delay", math.nan),
        ("multiplier", 0.5),
        ("multiplier", math.nan),
        ("multiplier", math.inf),
        ("jitter", -0.1),
        ("jitter", 1.5),
        ("jitter", math.nan),
    ],
)
def test_a_bad_retry_setting_is_refused_naming_the_field(
    field_name: str, value: float
) -> None:
    with pytest.raises(ValidationError) as raised:
        RetryPolicy(**{field_name: value})  # type: ignore[arg-type]

    message = str(raised.value)
    assert message.startswith(field_name)
    others = {"max_attempts", "base_delay", "max_delay", "multiplier", "jitter"}
    assert not any(other in message for other in others - {field_name})


@pytest.mark.parametrize(
    ("field_name", "value"),
    [
        ("failure_threshold", 0),
        ("cool_down", 0.0),
        ("cool_down", -2.0),
        ("cool_down", math.nan),
        ("cool_down", math.inf),
        ("half_open_max_calls", 0),
        ("success_threshold", 0),
    ],
)
def test_a_bad_breaker_setting_is_refused_naming_the_field(
    field_name: str, value: float
) -> None:
    with pytest.raises(ValidationError) as raised:
        BreakerConfig(**{field_name: value})  # type: ignore[arg-type]

    message = str(raised.value)
    assert message.startswith(field_name)
    others = {
        "failure_threshold",
        "cool_down",
        "half_open_max_calls",
        "success_threshold",
    }
    assert not any(other in message for other in others - {field_name})


# -- breakers, by example ----------------------------------------------------------


def _breaker(**config: Any) -> tuple[CircuitBreaker, list[BreakerTransition]]:
    changes: list[BreakerTransition] = []
    return CircuitBreaker("payment", BreakerConfig(**config), changes.append), changes


def test_a_breaker_opens_at_the_threshold_of_consecutive_failures() -> None:
    breaker, changes = _breaker(failure_threshold=3, cool_down=5.0)
    breaker.record_failure(1.0, "503")
    breaker.record_failure(2.0, "503")
    breaker.record_success(2.5)  # the run of failures is broken
    breaker.record_failure(3.0, "503")
    breaker.record_failure(4.0, "503")
    assert breaker.state == CLOSED

    breaker.record_failure(5.0, "no reply")

    assert breaker.state == OPEN
    assert changes == [
        BreakerTransition(
            "payment", CLOSED, OPEN, 3, "3 consecutive failures: no reply", 5.0
        )
    ]


def test_an_open_breaker_refuses_until_the_cool_down_then_probes() -> None:
    breaker, changes = _breaker(failure_threshold=1, cool_down=5.0)
    breaker.record_failure(10.0, "down")

    assert not breaker.allow(10.0)
    assert not breaker.allow(14.999)
    assert breaker.allow(15.0)  # the probe
    assert breaker.state == HALF_OPEN
    assert not breaker.allow(15.0)  # one probe at a time
    assert changes[-1].reason == "cool-down of 5 s elapsed"


def test_a_probe_that_succeeds_closes_and_one_that_fails_reopens() -> None:
    breaker, changes = _breaker(failure_threshold=1, cool_down=2.0)
    breaker.record_failure(0.0, "down")
    assert breaker.allow(2.0)
    breaker.record_failure(2.1, "still down")
    assert breaker.state == OPEN
    assert breaker.opened_at == 2.1
    assert not breaker.allow(4.0)
    assert breaker.allow(4.1)

    breaker.record_success(4.2)

    assert breaker.state == CLOSED
    assert breaker.failures == 0
    assert [(c.from_state, c.to_state) for c in changes] == [
        (CLOSED, OPEN),
        (OPEN, HALF_OPEN),
        (HALF_OPEN, OPEN),
        (OPEN, HALF_OPEN),
        (HALF_OPEN, CLOSED),
    ]
    assert changes[2].reason == "probe failed: still down"
    assert changes[4].reason == "probe succeeded"


def test_a_released_probe_lets_another_probe_through() -> None:
    breaker, _ = _breaker(failure_threshold=1, cool_down=1.0)
    breaker.record_failure(0.0)
    assert breaker.allow(1.0)
    assert not breaker.allow(1.0)

    breaker.release_probe()

    assert breaker.allow(1.0)


def test_restore_rebuilds_a_state_without_reporting_it() -> None:
    breaker, changes = _breaker(failure_threshold=2, cool_down=4.0)

    breaker.restore(OPEN, 10.0, 2)

    assert changes == []
    assert (breaker.state, breaker.failures, breaker.opened_at) == (OPEN, 2, 10.0)
    assert not breaker.allow(13.9)
    assert breaker.allow(14.0)
    with pytest.raises(ValueError, match="unknown breaker state"):
        breaker.restore("ajar", 0.0, 0)


# -- breakers, against a reference model -------------------------------------------

LEGAL = {(CLOSED, OPEN), (OPEN, HALF_OPEN), (HALF_OPEN, OPEN), (HALF_OPEN, CLOSED)}


@dataclass
class Model:
    """What a breaker should do, written as a plain transition table."""

    threshold: int
    cool_down: float
    max_probes: int
    successes_needed: int
    state: str = CLOSED
    failures: int = 0
    successes: int = 0
    probes: int = 0
    opened_at: float = 0.0
    moves: list[tuple[str, str]] = field(default_factory=list)

    def _go(self, to: str, now: float) -> None:
        self.moves.append((self.state, to))
        self.state = to
        self.probes = self.successes = 0
        if to == OPEN:
            self.opened_at = now

    def allow(self, now: float) -> bool:
        if self.state == OPEN and now >= self.opened_at + self.cool_down:
            self._go(HALF_OPEN, now)
        if self.state == CLOSED:
            return True
        if self.state == HALF_OPEN and self.probes < self.max_probes:
            self.probes += 1
            return True
        return False

    def success(self, now: float) -> None:
        if self.state != HALF_OPEN:
            self.failures = 0
            return
        self.successes += 1
        self.probes = max(0, self.probes - 1)
        if self.successes >= self.successes_needed:
            self.failures = 0
            self._go(CLOSED, now)

    def failure(self, now: float) -> None:
        self.failures += 1
        if self.state == HALF_OPEN or (
            self.state == CLOSED and self.failures >= self.threshold
        ):
            self._go(OPEN, now)

    def release(self) -> None:
        if self.state == HALF_OPEN:
            self.probes = max(0, self.probes - 1)

    def restore(self, state: str, since: float, failures: int) -> None:
        self.state, self.failures, self.opened_at = state, failures, since
        self.probes = self.successes = 0


class BreakerMachine(RuleBasedStateMachine):
    """Random calls, answers and clock moves; the breaker must match the model."""

    breaker: CircuitBreaker
    model: Model

    @initialize(
        threshold=st.integers(1, 5),
        cool_down=st.sampled_from([0.5, 1.0, 2.5, 10.0]),
        max_probes=st.integers(1, 3),
        successes_needed=st.integers(1, 3),
    )
    def configure(
        self, threshold: int, cool_down: float, max_probes: int, successes_needed: int
    ) -> None:
        self.now = 0.0
        self.changes: list[BreakerTransition] = []
        config = BreakerConfig(
            failure_threshold=threshold,
            cool_down=cool_down,
            half_open_max_calls=max_probes,
            success_threshold=successes_needed,
        )
        self.breaker = CircuitBreaker("payment", config, self.changes.append)
        self.model = Model(threshold, cool_down, max_probes, successes_needed)
        self.reported = 0
        self.reached_while_cooling = 0
        self.in_flight_probes = 0
        self.consecutive = 0

    def _check_changes(self, before: str) -> None:
        new = self.changes[self.reported :]
        self.reported = len(self.changes)
        state = before
        for change in new:
            assert (change.from_state, change.to_state) in LEGAL
            assert change.from_state == state
            assert change.reason
            assert change.at == self.now
            assert change.target == "payment"
            if change.to_state == OPEN and change.from_state == CLOSED:
                # exactly at the threshold, never earlier, never later
                assert self.consecutive == self.model.threshold
                assert change.failures == self.model.threshold
            if change.from_state == HALF_OPEN:
                self.in_flight_probes = 0
            state = change.to_state
        assert state == self.breaker.state
        assert [(c.from_state, c.to_state) for c in self.changes] == self.model.moves

    @rule()
    def call(self) -> None:
        before = self.breaker.state
        cooling = before == OPEN and self.now < self.breaker.opened_at + (
            self.model.cool_down
        )
        allowed = self.breaker.allow(self.now)
        assert allowed == self.model.allow(self.now)
        self._check_changes(before)
        if allowed and cooling:
            self.reached_while_cooling += 1
        if allowed and self.breaker.state == HALF_OPEN:
            self.in_flight_probes += 1

    @rule(reason=st.sampled_from(["", "503", "no reply within 1 s"]))
    def failure(self, reason: str) -> None:
        before = self.breaker.state
        if before == CLOSED:
            self.consecutive += 1
        self.breaker.record_failure(self.now, reason)
        self.model.failure(self.now)
        self._check_changes(before)
        if self.breaker.state != CLOSED:
            self.consecutive = 0

    @rule()
    def success(self) -> None:
        before = self.breaker.state
        self.breaker.record_success(self.now)
        self.model.success(self.now)
        if before == HALF_OPEN:
            self.in_flight_probes = max(0, self.in_flight_probes - 1)
        self.consecutive = 0
        self._check_changes(before)

    @rule()
    def release_probe(self) -> None:
        before = self.breaker.state
        self.breaker.release_probe()
        self.model.release()
        if before == HALF_OPEN:
            self.in_flight_probes = max(0, self.in_flight_probes - 1)
        self._check_changes(before)

    @rule(seconds=st.sampled_from([0.0, 0.001, 0.25, 0.5, 1.0, 3.0, 12.0]))
    def advance(self, seconds: float) -> None:
        self.now += seconds

    @precondition(lambda self: self.breaker.state == OPEN)
    @rule(early=st.booleans())
    def advance_to_the_end_of_the_cool_down(self, early: bool) -> None:
        end = self.breaker.opened_at + self.model.cool_down
        self.now = max(self.now, math.nextafter(end, -math.inf) if early else end)

    @rule(
        state=st.sampled_from([CLOSED, OPEN, HALF_OPEN]),
        back=st.sampled_from([0.0, 0.5, 5.0]),
        failures=st.integers(0, 4),
    )
    def restore(self, state: str, back: float, failures: int) -> None:
        if state == CLOSED:
            failures = min(failures, self.model.threshold - 1)
        since = max(0.0, self.now - back)
        self.breaker.restore(state, since, failures)
        self.model.restore(state, since, failures)
        assert len(self.changes) == self.reported  # a restore reports nothing
        self.in_flight_probes = 0
        self.consecutive = failures if state == CLOSED else 0

    @invariant()
    def matches_the_model(self) -> None:
        assert self.breaker.state == self.model.state
        assert self.breaker.failures == self.model.failures
        if self.model.state == OPEN:
            assert self.breaker.opened_at == self.model.opened_at

    @invariant()
    def no_call_reaches_the_dependency_while_cooling_down(self) -> None:
        assert self.reached_while_cooling == 0

    @invariant()
    def half_open_admits_at_most_its_probes(self) -> None:
        assert self.in_flight_probes <= self.model.max_probes

    @invariant()
    def closed_means_fewer_failures_than_the_threshold(self) -> None:
        if self.breaker.state == CLOSED:
            assert self.consecutive < self.model.threshold


BreakerMachine.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_breaker_matches_its_reference_model = BreakerMachine.TestCase
