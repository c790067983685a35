"""Inventory wired over a memory store, the way bootstrap wires it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ddd_sim.contexts.inventory.application import wiring
from ddd_sim.contexts.inventory.domain.product import Product
from tests.shop.support import ContextWorld


class FakeCatalog:
    """A legacy catalogue port serving fixed records."""

    def __init__(self, records: Sequence[Mapping[str, str]]) -> None:
        self.records = [dict(r) for r in records]

    def fetch_all(self) -> list[dict[str, str]]:
        return [dict(r) for r in self.records]


class Inventory(ContextWorld):
    """Inventory's tables, one simulated second per command; folds its stock view."""

    tick = 1.0

    def __init__(
        self,
        *,
        legacy_catalog: Any = None,
        snapshot_every: dict[str, int] | None = None,
    ) -> None:
        ports = {"legacy_catalog": legacy_catalog}
        super().__init__(
            wiring,
            snapshot_every=snapshot_every,
            command_ports=ports,
            query_ports=ports,
        )

    def product(self, product_id: Any) -> Product:
        product: Product = self.deps.repository(Product).load(str(product_id))
        return product
