"""Customer wired over a memory store, the way bootstrap wires it."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.customer.application import wiring
from ddd_sim.contexts.customer.application.directory import CustomerDirectory
from ddd_sim.contexts.customer.domain.customer import Customer
from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.shared.cqrs import CommandContext, CommandResult
from ddd_sim.shared.events import EventData
from tests.shop.support import fold_domain, make_deps


class StaleFirstRead:
    """A store whose first stream read sees nothing, like a loser of a race."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.stale = True

    def read_stream_data(self, *args: Any, **kwargs: Any) -> list[EventData]:
        if self.stale:
            self.stale = False
            return []
        return self._store.read_stream_data(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


class CustomerWorld:
    """Send commands and queries to customer's tables; fold its directory."""

    def __init__(self, *, store: Any = None) -> None:
        self.deps = make_deps(
            *wiring.EVENTS, store=store, projections=wiring.PROJECTIONS
        )
        self.commands = wiring.command_handlers(self.deps)
        self.queries = wiring.query_handlers(self.deps)
        self.clock = 0.0

    def do(self, command: Any) -> CommandResult:
        self.clock += 10.0
        handler = self.commands[type(command)]
        return handler(command, CommandContext(sim_time=self.clock))

    def ask(self, query: Any) -> Any:
        fold_domain(self.deps, CustomerDirectory())
        return self.queries[type(query)](query)

    def customer(self, customer_id: Any) -> Customer:
        customer: Customer = self.deps.repository(Customer).load(str(customer_id))
        return customer


def racing_world() -> tuple[CustomerWorld, StaleFirstRead]:
    """A world on a store whose next stream read is stale."""
    stale = StaleFirstRead(open_store("memory:"))
    stale.stale = False
    return CustomerWorld(store=stale), stale
