"""Sales wired over a memory store, the way bootstrap wires it, plus line helpers."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.sales.application import wiring
from ddd_sim.contexts.sales.domain.lines import OrderLineInput
from ddd_sim.contexts.sales.domain.order import Order
from ddd_sim.shared.cqrs import CommandContext, CommandResult
from ddd_sim.shared.events import EventData
from ddd_sim.shared.ids import ProductId
from ddd_sim.shared.money import Money
from tests.shop.support import fold_domain, make_deps


def line(product: str, quantity: int, price: str, currency: str = "USD") -> Any:
    """An order line for PROD-<product> (validation is the order's job)."""
    return OrderLineInput(
        product_id=ProductId(f"PROD-{product}"),
        quantity=quantity,
        unit_price=Money.of(price, currency),
    )


class StaleFirstRead:
    """A store whose next stream read sees nothing, like the loser of a race."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.stale = False

    def read_stream_data(self, *args: Any, **kwargs: Any) -> list[EventData]:
        if self.stale:
            self.stale = False
            return []
        return self._store.read_stream_data(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


class SalesWorld:
    """Send commands and queries to sales' tables; fold its three order views."""

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
        for projection in wiring.PROJECTIONS:
            fold_domain(self.deps, projection())
        return self.queries[type(query)](query)

    def order(self, order_id: Any) -> Order:
        order: Order = self.deps.repository(Order).load(str(order_id))
        return order

    def stored_types(self, order_id: Any) -> list[str]:
        stream = self.deps.repository(Order).stream_id(str(order_id))
        return [e.type for e in self.deps.store.read_stream(stream)]
