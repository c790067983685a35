"""Inventory's queries and the immutable results they return."""

from __future__ import annotations

from ddd_sim.contexts.inventory.domain.product import require_quantity
from ddd_sim.shared.ids import ProductId
from ddd_sim.shared.messages import Query, message
from ddd_sim.shared.money import Money


@message
class GetStock(Query):
    """The stock of one product."""

    product_id: ProductId


@message
class ListStock(Query):
    """The stock of every listed product, by product id."""


@message
class CheckAvailability(Query):
    """Whether a product has enough available units for a quantity (for sales)."""

    product_id: ProductId
    quantity: int

    def __post_init__(self) -> None:
        require_quantity(self.quantity, str(self.product_id))


@message
class PreviewLegacyImport(Query):
    """What an import from the legacy ERP would list, skip and reject, unwritten."""


@message
class StockLevel:
    """One product's counts as the stock read model last saw them."""

    product_id: ProductId
    name: str
    price: Money
    received: int
    available: int
    reserved: int
    shipped: int
    open_reservations: int
    last_changed: float


@message
class Availability:
    """The answer to :class:`CheckAvailability`."""

    product_id: ProductId
    available: int
    enough: bool
