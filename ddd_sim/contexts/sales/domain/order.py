"""An order: placed once, then confirmed, shipped and completed, or cancelled."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from ddd_sim.contexts.sales.domain.events import (
    OrderCancelled,
    OrderCompleted,
    OrderConfirmed,
    OrderPlaced,
    OrderShipped,
)
from ddd_sim.contexts.sales.domain.lines import (
    OrderLine,
    OrderLineInput,
    check_lines,
    total_of,
)
from ddd_sim.shared.aggregate import Aggregate, applies
from ddd_sim.shared.errors import DomainError, ValidationError
from ddd_sim.shared.ids import CustomerId, OrderId
from ddd_sim.shared.money import Money


class OrderStatus(StrEnum):
    """Where an order is in its lifecycle."""

    PLACED = "placed"
    CONFIRMED = "confirmed"
    SHIPPED = "shipped"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class OrderAlreadyPlaced(DomainError):
    """A PlaceOrder named an order id that is already taken."""


class InvalidOrderTransition(DomainError):
    """A lifecycle step was asked for from a status that does not allow it."""


# which statuses each step may start from, and the status it leads to; asking
# for a step whose status the order already has is a harmless repeat
_ALLOWED_FROM: dict[str, frozenset[OrderStatus]] = {
    "confirm": frozenset({OrderStatus.PLACED}),
    "ship": frozenset({OrderStatus.CONFIRMED}),
    "complete": frozenset({OrderStatus.SHIPPED}),
    "cancel": frozenset({OrderStatus.PLACED, OrderStatus.CONFIRMED}),
}
_LEADS_TO: dict[str, OrderStatus] = {
    "confirm": OrderStatus.CONFIRMED,
    "ship": OrderStatus.SHIPPED,
    "complete": OrderStatus.COMPLETED,
    "cancel": OrderStatus.CANCELLED,
}
_BECAUSE: dict[OrderStatus, str] = {
    OrderStatus.PLACED: "it is not confirmed yet",
    OrderStatus.CONFIRMED: "it is not shipped yet",
    OrderStatus.SHIPPED: "already shipped",
    OrderStatus.COMPLETED: "already completed",
    OrderStatus.CANCELLED: "it was cancelled",
}


class Order(Aggregate):
    """Checked lines whose total is their sum; steps follow the lifecycle.

    Repeating the step that led to the current status records nothing, so a
    saga may retry or compensate without checking first.
    """

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.status: OrderStatus | None = None
        self.customer_id: CustomerId | None = None
        self.lines: tuple[OrderLine, ...] = ()
        self.total: Money | None = None
        self.shipment_id: str | None = None
        self.cancel_reason: str | None = None

    # -- decisions ----------------------------------------------------------
    def place(self, customer_id: CustomerId, lines: Iterable[OrderLineInput]) -> None:
        """Place the order once, for lines that pass :func:`check_lines`."""
        if self.status is not None:
            raise OrderAlreadyPlaced(
                f"order {self.id} is already placed (status {self.status})"
            )
        checked = check_lines(self.id, lines)
        self._record(
            OrderPlaced(
                order_id=OrderId(self.id),
                customer_id=customer_id,
                lines=checked,
                total=total_of(checked),
            )
        )

    def confirm(self) -> None:
        """Confirm a placed order."""
        if self._should("confirm"):
            customer, total = self._owner_and_total()
            self._record(
                OrderConfirmed(
                    order_id=OrderId(self.id), customer_id=customer, total=total
                )
            )

    def mark_shipped(self, shipment_id: str) -> None:
        """Record that a confirmed order left with a shipment (one shipment only)."""
        if not shipment_id.strip():
            raise ValidationError(f"shipping order {self.id} needs a shipment id")
        if self.status is OrderStatus.SHIPPED and shipment_id != self.shipment_id:
            raise InvalidOrderTransition(
                f"order {self.id} already shipped with {self.shipment_id}, "
                f"not {shipment_id}"
            )
        if self._should("ship"):
            customer, _ = self._owner_and_total()
            self._record(
                OrderShipped(
                    order_id=OrderId(self.id),
                    customer_id=customer,
                    shipment_id=shipment_id,
                )
            )

    def cancel(self, reason: str) -> None:
        """Cancel before shipping; cancelling a cancelled order records nothing."""
        if not reason.strip():
            raise ValidationError(f"cancelling order {self.id} needs a reason")
        if self._should("cancel"):
            customer, total = self._owner_and_total()
            self._record(
                OrderCancelled(
                    order_id=OrderId(self.id),
                    customer_id=customer,
                    total=total,
                    reason=reason.strip(),
                )
            )

    def complete(self) -> None:
        """Close a shipped order."""
        if self._should("complete"):
            customer, total = self._owner_and_total()
            self._record(
                OrderCompleted(
                    order_id=OrderId(self.id), customer_id=customer, total=total
                )
            )

    def _should(self, step: str) -> bool:
        """True if ``step`` records an event now; False for a repeat; else refuse."""
        status = self.status
        if status is None:
            raise DomainError(f"cannot {step} {self.id}: the order was never placed")
        if status is _LEADS_TO[step]:
            return False
        if status not in _ALLOWED_FROM[step]:
            raise InvalidOrderTransition(f"cannot {step} {self.id}: {_BECAUSE[status]}")
        return True

    def _owner_and_total(self) -> tuple[CustomerId, Money]:
        if self.customer_id is None or self.total is None:
            raise DomainError(f"order {self.id} was never placed")
        return self.customer_id, self.total

    # -- state --------------------------------------------------------------
    @applies(OrderPlaced)
    def _placed(self, event: OrderPlaced) -> None:
        self.status = OrderStatus.PLACED
        self.customer_id = event.customer_id
        self.lines = event.lines
        self.total = event.total

    @applies(OrderConfirmed)
    def _confirmed(self, event: OrderConfirmed) -> None:
        self.status = OrderStatus.CONFIRMED

    @applies(OrderShipped)
    def _shipped(self, event: OrderShipped) -> None:
        self.status = OrderStatus.SHIPPED
        self.shipment_id = event.shipment_id

    @applies(OrderCancelled)
    def _cancelled(self, event: OrderCancelled) -> None:
        self.status = OrderStatus.CANCELLED
        self.cancel_reason = event.reason

    @applies(OrderCompleted)
    def _completed(self, event: OrderCompleted) -> None:
        self.status = OrderStatus.COMPLETED
