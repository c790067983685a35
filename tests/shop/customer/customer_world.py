"""Customer wired over a memory store, the way bootstrap wires it."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.customer.application import wiring
from ddd_sim.contexts.customer.domain.customer import Customer
from ddd_sim.infrastructure.eventstore.factory import open_store
from tests.shop.support import ContextWorld, StaleFirstRead


class CustomerWorld(ContextWorld):
    """Customer's tables, ten simulated seconds per command; folds its directory."""

    tick = 10.0

    def __init__(self, *, store: Any = None) -> None:
        super().__init__(wiring, store=store)

    def customer(self, customer_id: Any) -> Customer:
        customer: Customer = self.deps.repository(Customer).load(str(customer_id))
        return customer


def racing_world() -> tuple[CustomerWorld, StaleFirstRead]:
    """A world on a store whose next stream read is stale once told to be."""
    stale = StaleFirstRead(open_store("memory:"))
    return CustomerWorld(store=stale), stale
