"""Shared set-up for the payment tests: wired handlers over a memory store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ddd_sim.contexts.payment.application.card_provider import SimulatedCardProvider
from ddd_sim.contexts.payment.application.wiring import (
    EVENTS,
    PROJECTIONS,
    command_handlers,
    query_handlers,
    register_upcasters,
)
from ddd_sim.shared.cqrs import CommandContext, CommandResult, ContextDeps
from ddd_sim.shared.ids import AccountId, CustomerId, OrderId
from ddd_sim.shared.money import Money
from tests.shop.support import make_deps


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def acc(n: int) -> AccountId:
    return AccountId.from_number(n)


def cust(n: int) -> CustomerId:
    return CustomerId.from_number(n)


def order(n: int) -> OrderId:
    return OrderId.from_number(n)


@dataclass
class Payment:
    """The payment context wired on one store, with its simulated provider."""

    deps: ContextDeps
    provider: SimulatedCardProvider = field(default_factory=SimulatedCardProvider)

    def __post_init__(self) -> None:
        self.commands = command_handlers(self.deps, card_provider=self.provider)
        self.queries = query_handlers(self.deps)

    def do(self, command: Any, at: float = 0.0) -> CommandResult:
        """Run a command at a simulated time."""
        return self.commands[type(command)](command, CommandContext(sim_time=at))

    def ask(self, query: Any) -> Any:
        """Run a query."""
        return self.queries[type(query)](query)

    def stored(self) -> list[tuple[str, dict[str, Any]]]:
        """Every stored event as (type, payload), oldest first."""
        return [(e.type, dict(e.payload)) for e in self.deps.store.read_all()]


def payment(
    *,
    provider: SimulatedCardProvider | None = None,
    snapshot_every: dict[str, int] | None = None,
    **kwargs: Any,
) -> Payment:
    """A fresh payment context on a memory store (or the given ``store``)."""
    deps = make_deps(
        *EVENTS, projections=PROJECTIONS, snapshot_every=snapshot_every, **kwargs
    )
    register_upcasters(deps.registry.upcasters)
    return Payment(deps, provider or SimulatedCardProvider())
