"""Inventory wired over a memory store, the way bootstrap wires it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ddd_sim.contexts.inventory.application import wiring
from ddd_sim.contexts.inventory.application.stock_projection import StockProjection
from ddd_sim.contexts.inventory.domain.product import Product
from ddd_sim.shared.cqrs import CommandContext, CommandResult
from tests.shop.support import fold_domain, make_deps


class FakeCatalog:
    """A legacy catalogue port serving fixed records."""

    def __init__(self, records: Sequence[Mapping[str, str]]) -> None:
        self.records = [dict(r) for r in records]

    def fetch_all(self) -> list[dict[str, str]]:
        return [dict(r) for r in self.records]


class Inventory:
    """Send commands and queries to inventory's tables; fold its stock view."""

    def __init__(
        self,
        *,
        legacy_catalog: Any = None,
        snapshot_every: dict[str, int] | None = None,
    ) -> None:
        self.deps = make_deps(
            *wiring.EVENTS,
            projections=wiring.PROJECTIONS,
            snapshot_every=snapshot_every,
        )
        self.commands = wiring.command_handlers(
            self.deps, legacy_catalog=legacy_catalog
        )
        self.queries = wiring.query_handlers(self.deps, legacy_catalog=legacy_catalog)
        self.clock = 0.0

    def do(self, command: Any) -> CommandResult:
        self.clock += 1.0
        handler = self.commands[type(command)]
        return handler(command, CommandContext(sim_time=self.clock))

    def ask(self, query: Any) -> Any:
        self.refresh()
        return self.queries[type(query)](query)

    def refresh(self) -> None:
        fold_domain(self.deps, StockProjection())

    def product(self, product_id: Any) -> Product:
        product: Product = self.deps.repository(Product).load(str(product_id))
        return product
