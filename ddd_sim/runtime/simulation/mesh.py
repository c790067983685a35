"""The service mesh (example 84): discovery, timeouts, retries, circuit breakers.

A process's call goes to the service the registry finds for the target
context, over the simulated network.  Each attempt has a timeout; a failed or
timed-out attempt is retried with exponential backoff and seeded jitter up to
the policy's bound, always as the *same* request (same idempotency key).  One
breaker per downstream context counts failures; while it is open calls fail
fast without being sent.  A domain refusal is an answer, not a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ddd_sim.processes.host import Outcome, Request
from ddd_sim.runtime.catalog.registry import ServiceRegistry
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.sim.network import Network, Reply
from ddd_sim.sim.records import BreakerStateChanged
from ddd_sim.sim.resilience import (
    HALF_OPEN,
    BreakerConfig,
    BreakerTransition,
    CircuitBreaker,
    RetryPolicy,
)
from ddd_sim.sim.rng import RandomStreams
from ddd_sim.sim.scheduler import Scheduler

Serve = Callable[[Request], Reply]
"""Runs a request at its target context (the engine's service adapters)."""


class Mesh:
    """Routes calls to services with timeouts, retries and a breaker per target."""

    def __init__(
        self,
        scheduler: Scheduler,
        network: Network,
        registry: ServiceRegistry,
        streams: RandomStreams,
        serve: Serve,
        record: Callable[[DomainEvent], None],
        *,
        retry: RetryPolicy,
        breaker: BreakerConfig,
        call_timeout: float,
    ) -> None:
        self._scheduler = scheduler
        self._network = network
        self._registry = registry
        self._rng = streams.stream("mesh.retry")
        self._serve = serve
        self._record = record
        self.retry = retry
        self._breaker_config = breaker
        self.call_timeout = call_timeout
        self.breakers: dict[str, CircuitBreaker] = {}
        self._probing: dict[str, set[str]] = {}
        """Per caller, the targets whose half-open breaker admitted its probe."""
        self.calls = 0
        self.retries = 0
        self.fast_failures = 0

    def breaker(self, target: str) -> CircuitBreaker:
        """The breaker in front of a downstream context (created on first use)."""
        found = self.breakers.get(target)
        if found is None:
            found = self.breakers[target] = CircuitBreaker(
                target, self._breaker_config, on_change=self._changed
            )
        return found

    def _changed(self, change: BreakerTransition) -> None:
        self._record(
            BreakerStateChanged(
                target=change.target,
                from_state=change.from_state,
                to_state=change.to_state,
                failures=change.failures,
                reason=change.reason,
            )
        )

    def forget(self, source: str) -> None:
        """A caller crashed: the probes it had out will never be answered."""
        for target in self._probing.pop(source, set()):
            self.breaker(target).release_probe()

    def call(
        self,
        source: str,
        request: Request,
        on_outcome: Callable[[Outcome], None],
        *,
        retry: bool = True,
    ) -> None:
        """Send a request; ``on_outcome`` runs once, later (unless source crashes)."""
        self._registry.discover(request.target)  # an unknown context is a bug: raise
        self.calls += 1
        self._attempt(source, request, on_outcome, 1, retry)

    def _attempt(
        self,
        source: str,
        request: Request,
        on_outcome: Callable[[Outcome], None],
        attempt: int,
        retry: bool,
    ) -> None:
        scheduler = self._scheduler
        target = request.target
        local = source == target
        breaker = None if local else self.breaker(target)
        if breaker is not None and not breaker.allow(scheduler.now):
            self.fast_failures += 1
            outcome = Outcome(
                kind="circuit_open",
                attempts=attempt,
                detail=f"circuit breaker for {target} is {breaker.state}",
            )
            scheduler.schedule(
                scheduler.now,
                lambda: on_outcome(outcome),
                owner=source,
                label="fail fast",
            )
            return
        done = False
        probing = breaker is not None and breaker.state == HALF_OPEN
        if probing:
            self._probing.setdefault(source, set()).add(target)

        def finish(outcome: Outcome, failed: bool, why: str) -> None:
            nonlocal done
            if done:
                return  # a late reply after the timeout: the retry carries on
            done = True
            timer.cancel()
            if probing:
                self._probing.get(source, set()).discard(target)
            if breaker is not None:
                if failed:
                    breaker.record_failure(scheduler.now, why)
                else:
                    breaker.record_success(scheduler.now)
            if failed and retry and self.retry.allows(attempt):
                self.retries += 1
                scheduler.schedule(
                    scheduler.now + self.retry.delay(attempt, self._rng),
                    lambda: self._attempt(
                        source, request, on_outcome, attempt + 1, retry
                    ),
                    owner=source,
                    label=f"retry {request.operation}",
                )
                return
            on_outcome(outcome)

        def on_reply(reply: Reply) -> None:
            outcome = Outcome(
                kind=reply.kind,
                attempts=attempt,
                detail=reply.detail,
                results=reply.results,
                duplicate=reply.duplicate,
            )
            finish(outcome, reply.kind == "failed", reply.detail)

        def on_timeout() -> None:
            why = f"no reply from {target} within {self.call_timeout:g} s"
            finish(Outcome(kind="timeout", attempts=attempt, detail=why), True, why)

        timer: Any = scheduler.schedule(
            scheduler.now + self.call_timeout,
            on_timeout,
            owner=source,
            label=f"timeout {request.operation}",
        )
        self._network.exchange(
            source,
            target,
            request.operation,
            request.idempotency_key,
            lambda: self._serve(request),
            on_reply,
        )
