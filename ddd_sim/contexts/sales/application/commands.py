"""Sales' commands; the caller allocates the order id, lines are checked on build."""

from __future__ import annotations

from ddd_sim.contexts.sales.domain.lines import OrderLineInput, check_lines
from ddd_sim.shared.ids import CustomerId, OrderId
from ddd_sim.shared.messages import Command, message


@message
class PlaceOrder(Command):
    """Place a new order for a customer; refused if the lines break a rule."""

    order_id: OrderId
    customer_id: CustomerId
    lines: tuple[OrderLineInput, ...]

    def __post_init__(self) -> None:
        check_lines(str(self.order_id), self.lines)


@message
class ConfirmOrder(Command):
    """Confirm a placed order (stock held and paid for)."""

    order_id: OrderId


@message
class MarkOrderShipped(Command):
    """Record that a confirmed order left with a shipment."""

    order_id: OrderId
    shipment_id: str


@message
class CancelOrder(Command):
    """Cancel an order that has not shipped yet, saying why."""

    order_id: OrderId
    reason: str


@message
class CompleteOrder(Command):
    """Close a shipped order once it was delivered."""

    order_id: OrderId
