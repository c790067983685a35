"""How sales' read models write money and statuses into plain JSON documents."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ddd_sim.contexts.sales.domain.events import (
    OrderCancelled,
    OrderCompleted,
    OrderConfirmed,
    OrderPlaced,
    OrderShipped,
)
from ddd_sim.contexts.sales.domain.order import OrderStatus
from ddd_sim.shared.money import Money

ORDER_EVENT_TYPES: tuple[str, ...] = (
    OrderPlaced.event_type,
    OrderConfirmed.event_type,
    OrderShipped.event_type,
    OrderCancelled.event_type,
    OrderCompleted.event_type,
)
"""Every order event: each read model of orders follows all of them."""

STATUS_AFTER: dict[type[Any], OrderStatus] = {
    OrderPlaced: OrderStatus.PLACED,
    OrderConfirmed: OrderStatus.CONFIRMED,
    OrderShipped: OrderStatus.SHIPPED,
    OrderCancelled: OrderStatus.CANCELLED,
    OrderCompleted: OrderStatus.COMPLETED,
}
"""The status an order is in right after each of its events."""


def money_doc(money: Money) -> dict[str, str]:
    """Money as JSON: the exact amount as text, and its currency."""
    return {"amount": str(money.amount), "currency": money.currency}


def money_from(doc: Any) -> Money:
    """Money back from :func:`money_doc`."""
    return Money(Decimal(doc["amount"]), doc["currency"])


def already_seen(current: Any, position: int) -> bool:
    """True for an event redelivered after a crash between effect and checkpoint."""
    return current is not None and current["last_position"] >= position
