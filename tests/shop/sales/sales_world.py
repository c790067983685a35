"""Sales wired over a memory store, the way bootstrap wires it, plus line helpers."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.sales.application import wiring
from ddd_sim.contexts.sales.domain.lines import OrderLineInput
from ddd_sim.contexts.sales.domain.order import Order
from ddd_sim.shared.ids import ProductId
from ddd_sim.shared.money import Money
from tests.shop.support import ContextWorld


def line(product: str, quantity: int, price: str, currency: str = "USD") -> Any:
    """An order line for PROD-<product> (validation is the order's job)."""
    return OrderLineInput(
        product_id=ProductId(f"PROD-{product}"),
        quantity=quantity,
        unit_price=Money.of(price, currency),
    )


class SalesWorld(ContextWorld):
    """Sales' tables, ten simulated seconds per command; folds its three order views."""

    tick = 10.0

    def __init__(self, *, store: Any = None) -> None:
        super().__init__(wiring, store=store)

    def order(self, order_id: Any) -> Order:
        order: Order = self.deps.repository(Order).load(str(order_id))
        return order

    def stored_types(self, order_id: Any) -> list[str]:
        stream = self.deps.repository(Order).stream_id(str(order_id))
        return [e.type for e in self.deps.store.read_stream(stream)]
