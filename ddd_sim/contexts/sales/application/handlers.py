"""Sales' command handlers: load the order, let it decide, save what it decided."""

from __future__ import annotations

from ddd_sim.contexts.sales.application.commands import (
    CancelOrder,
    CompleteOrder,
    ConfirmOrder,
    MarkOrderShipped,
    PlaceOrder,
)
from ddd_sim.contexts.sales.domain.order import Order, OrderAlreadyPlaced
from ddd_sim.shared.cqrs import CommandContext, CommandResult, ContextDeps, save
from ddd_sim.shared.errors import NotFound, WrongExpectedVersion
from ddd_sim.shared.ids import OrderId
from ddd_sim.shared.repository import AggregateNotFound, AggregateRepository


class OrderHandlers:
    """Every order command runs against one order stream."""

    def __init__(self, deps: ContextDeps) -> None:
        self.orders: AggregateRepository[Order] = deps.repository(Order)

    def place_order(
        self, command: PlaceOrder, context: CommandContext
    ) -> CommandResult:
        """Place a new order; an id already used is refused by name."""
        order_id = str(command.order_id)
        try:
            order = self.orders.load(order_id)
        except AggregateNotFound:
            order = Order(order_id)
        order.place(command.customer_id, command.lines)
        return save_new_order(self.orders, order, context)

    def confirm_order(
        self, command: ConfirmOrder, context: CommandContext
    ) -> CommandResult:
        """Confirm; a repeat writes nothing."""
        order = self._load(command.order_id)
        order.confirm()
        return save(self.orders, order, context)

    def mark_order_shipped(
        self, command: MarkOrderShipped, context: CommandContext
    ) -> CommandResult:
        """Record the shipment; the same shipment again writes nothing."""
        order = self._load(command.order_id)
        order.mark_shipped(command.shipment_id)
        return save(self.orders, order, context)

    def cancel_order(
        self, command: CancelOrder, context: CommandContext
    ) -> CommandResult:
        """Cancel; cancelling a cancelled order writes nothing (safe compensation)."""
        order = self._load(command.order_id)
        order.cancel(command.reason)
        return save(self.orders, order, context)

    def complete_order(
        self, command: CompleteOrder, context: CommandContext
    ) -> CommandResult:
        """Complete; a repeat writes nothing."""
        order = self._load(command.order_id)
        order.complete()
        return save(self.orders, order, context)

    def _load(self, order_id: OrderId) -> Order:
        try:
            return self.orders.load(str(order_id))
        except AggregateNotFound as exc:
            raise NotFound(f"order {order_id} does not exist") from exc


def save_new_order(
    orders: AggregateRepository[Order], order: Order, context: CommandContext
) -> CommandResult:
    """Save a new order at version 0; losing that race means the id is taken."""
    try:
        return save(orders, order, context)
    except WrongExpectedVersion as exc:
        raise OrderAlreadyPlaced(f"order {order.id} is already placed") from exc
