"""Sales' queries and the immutable results they return."""

from __future__ import annotations

from ddd_sim.contexts.sales.domain.order import OrderStatus
from ddd_sim.shared.errors import ValidationError
from ddd_sim.shared.ids import CustomerId, OrderId, ProductId
from ddd_sim.shared.messages import Query, message
from ddd_sim.shared.money import Money


@message
class ListOrders(Query):
    """Orders, oldest first, optionally of one customer and/or in one status."""

    customer_id: str | None = None
    status: str | None = None

    def __post_init__(self) -> None:
        known = [s.value for s in OrderStatus]
        if self.status is not None and self.status not in known:
            raise ValidationError(
                f"unknown order status {self.status!r} (known: {', '.join(known)})"
            )


@message
class GetOrder(Query):
    """Everything about one order."""

    order_id: OrderId


@message
class SearchOrders(Query):
    """Orders whose id, customer id or a tag contains ``text`` (any case).

    Blank text matches every order, like an empty search box.
    """

    text: str


@message
class OrderSummary:
    """One row of the order list (times in simulated seconds)."""

    order_id: OrderId
    customer_id: CustomerId
    status: str
    total: Money
    placed_at: float
    updated_at: float


@message
class OrderLineView:
    """One line of an order with its line total."""

    product_id: ProductId
    quantity: int
    unit_price: Money
    line_total: Money


@message
class StatusChange:
    """The order reached ``status`` at simulated time ``at``."""

    status: str
    at: float


@message
class OrderDetail:
    """An order's lines, total, status and how it got there."""

    order_id: OrderId
    customer_id: CustomerId
    status: str
    lines: tuple[OrderLineView, ...]
    total: Money
    history: tuple[StatusChange, ...]
    shipment_id: str | None
    cancel_reason: str | None


@message
class OrderSearchHit:
    """An order found by a search, with the tags it can be found by."""

    order_id: OrderId
    customer_id: CustomerId
    status: str
    total: Money
    tags: tuple[str, ...]
