"""Answers inventory's queries from the stock read model (eventually consistent)."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.inventory.application.queries import (
    Availability,
    CheckAvailability,
    GetStock,
    ListStock,
    StockLevel,
)
from ddd_sim.contexts.inventory.application.stock_projection import STOCK
from ddd_sim.shared.cqrs import ContextDeps
from ddd_sim.shared.errors import NotFound
from ddd_sim.shared.ids import ProductId
from ddd_sim.shared.money import Money
from ddd_sim.shared.read_models import ReadModelReader


class StockQueries:
    """Reads ``inventory.stock``; an unknown product is a NotFound naming it."""

    def __init__(self, deps: ContextDeps) -> None:
        self._deps = deps

    def _documents(self) -> ReadModelReader:
        return self._deps.read_model(STOCK)

    def get_stock(self, query: GetStock) -> StockLevel:
        """One product's stock level."""
        return self._level(query.product_id)

    def list_stock(self, query: ListStock) -> tuple[StockLevel, ...]:
        """Every listed product's stock level, in product id order."""
        docs = self._documents().all()
        return tuple(
            _to_level(docs[key])
            for key in sorted(docs)
            if docs[key]["price"] is not None
        )

    def check_availability(self, query: CheckAvailability) -> Availability:
        """Whether the product has at least the asked quantity available."""
        level = self._level(query.product_id)
        return Availability(
            product_id=level.product_id,
            available=level.available,
            enough=level.available >= query.quantity,
        )

    def is_listed(self, product_id: ProductId) -> bool:
        """True once the read model has seen the product's listing."""
        doc = self._documents().get(str(product_id))
        return doc is not None and doc["price"] is not None

    def _level(self, product_id: ProductId) -> StockLevel:
        doc = self._documents().get(str(product_id))
        if doc is None or doc["price"] is None:
            raise NotFound(f"product {product_id} is not listed")
        return _to_level(doc)


def _to_level(doc: Any) -> StockLevel:
    price = doc["price"]
    return StockLevel(
        product_id=ProductId(doc["product_id"]),
        name=doc["name"],
        price=Money.from_json(price),
        received=doc["received"],
        available=doc["available"],
        reserved=doc["reserved"],
        shipped=doc["shipped"],
        open_reservations=doc["open_reservations"],
        last_changed=doc["last_changed"],
    )
