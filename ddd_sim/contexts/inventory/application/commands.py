"""Inventory's commands; quantities are checked as the command is built."""

from __future__ import annotations

from ddd_sim.contexts.inventory.domain.product import require_quantity
from ddd_sim.shared.ids import OrderId, ProductId
from ddd_sim.shared.messages import Command, message
from ddd_sim.shared.money import Money


@message
class ListProduct(Command):
    """Put a new product on sale, optionally with stock already on hand."""

    product_id: ProductId
    name: str
    price: Money
    initial_stock: int = 0

    def __post_init__(self) -> None:
        require_quantity(self.initial_stock, str(self.product_id), allow_zero=True)


@message
class ReceiveStock(Command):
    """Book a delivery of units into the warehouse."""

    product_id: ProductId
    quantity: int

    def __post_init__(self) -> None:
        require_quantity(self.quantity, str(self.product_id))


@message
class ReserveStock(Command):
    """Hold units of a product for an order."""

    product_id: ProductId
    order_id: OrderId
    quantity: int

    def __post_init__(self) -> None:
        require_quantity(self.quantity, str(self.product_id))


@message
class ReleaseStock(Command):
    """Give back everything an order holds of a product."""

    product_id: ProductId
    order_id: OrderId


@message
class ShipReservedStock(Command):
    """Send an order's reserved units out of the warehouse."""

    product_id: ProductId
    order_id: OrderId


@message
class ImportLegacyProducts(Command):
    """List every valid, active product of the legacy ERP that is not listed yet."""
