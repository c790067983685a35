"""Shipping wired over a memory store, the way bootstrap wires it."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.shipping.application import wiring
from ddd_sim.contexts.shipping.application.shipments_view import ShipmentsProjection
from ddd_sim.contexts.shipping.domain.shipment import Shipment
from ddd_sim.shared.cqrs import CommandContext, CommandResult
from ddd_sim.shared.events import EventData
from tests.shop.support import fold_domain, make_deps


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


class ShippingWorld:
    """Send commands at chosen simulated times; fold the shipments view."""

    def __init__(self, *, store: Any = None) -> None:
        self.deps = make_deps(
            *wiring.EVENTS, store=store, projections=wiring.PROJECTIONS
        )
        self.commands = wiring.command_handlers(self.deps)
        self.queries = wiring.query_handlers(self.deps)

    def do(self, command: Any, at: float = 0.0) -> CommandResult:
        handler = self.commands[type(command)]
        return handler(command, CommandContext(sim_time=at))

    def ask(self, query: Any) -> Any:
        fold_domain(self.deps, ShipmentsProjection())
        return self.queries[type(query)](query)

    def shipment(self, shipment_id: str) -> Shipment:
        shipment: Shipment = self.deps.repository(Shipment).load(shipment_id)
        return shipment
