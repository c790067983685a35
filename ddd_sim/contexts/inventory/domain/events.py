"""Product events; their names and versions are stored schema.

Events that move stock into or out of ``available`` carry ``available`` as it
is after the change, so publishers can tell other contexts the new level
without loading the product.
"""

from __future__ import annotations

from ddd_sim.shared.ids import OrderId, ProductId
from ddd_sim.shared.messages import DomainEvent, message
from ddd_sim.shared.money import Money


@message
class ProductListed(DomainEvent):
    """A product joined the catalogue under a name and a list price."""

    product_id: ProductId
    name: str
    price: Money


@message
class StockReceived(DomainEvent):
    """Units arrived at the warehouse and became available."""

    product_id: ProductId
    quantity: int
    available: int


@message
class StockReserved(DomainEvent):
    """Available units were set aside for one order."""

    product_id: ProductId
    order_id: OrderId
    quantity: int
    available: int


@message
class StockReleased(DomainEvent):
    """An order's whole reservation went back to available stock."""

    product_id: ProductId
    order_id: OrderId
    quantity: int
    available: int


@message
class ReservedStockShipped(DomainEvent):
    """An order's reserved units left the warehouse for good."""

    product_id: ProductId
    order_id: OrderId
    quantity: int


PRODUCT_EVENTS = (
    ProductListed,
    StockReceived,
    StockReserved,
    StockReleased,
    ReservedStockShipped,
)
