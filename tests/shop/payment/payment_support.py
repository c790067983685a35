"""Shared set-up for the payment tests: wired handlers over a memory store."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.payment.application import wiring
from ddd_sim.contexts.payment.application.card_provider import SimulatedCardProvider
from ddd_sim.shared.cqrs import ContextDeps
from ddd_sim.shared.ids import AccountId, CustomerId, OrderId
from ddd_sim.shared.money import Money
from tests.shop.support import ContextWorld


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def acc(n: int) -> AccountId:
    return AccountId.from_number(n)


def cust(n: int) -> CustomerId:
    return CustomerId.from_number(n)


def order(n: int) -> OrderId:
    return OrderId.from_number(n)


class Payment(ContextWorld):
    """The payment context wired on one store, with its simulated card provider.

    Its read-model tests fold the views by hand, so ``ask`` reads them as they stand.
    """

    catch_up_on_ask = False

    def __init__(
        self,
        deps: ContextDeps | None = None,
        provider: SimulatedCardProvider | None = None,
        **kwargs: Any,
    ) -> None:
        self.provider = provider or SimulatedCardProvider()
        ports = {"card_provider": self.provider}
        super().__init__(wiring, deps=deps, command_ports=ports, **kwargs)

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
    return Payment(provider=provider, snapshot_every=snapshot_every, **kwargs)
