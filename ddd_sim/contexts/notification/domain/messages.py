"""What the shop tells a customer about each published fact, in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.integration.events import (
    CustomerRegistered,
    OrderCancelled,
    OrderConfirmed,
    OrderPlaced,
    OrderShipped,
    PaymentDeclined,
    PaymentRefunded,
    ShipmentCreated,
    ShipmentDelivered,
)

SECONDS_PER_DAY = 86400

MESSAGE_EVENTS: tuple[type[IntegrationEvent], ...] = (
    CustomerRegistered,
    OrderPlaced,
    OrderConfirmed,
    OrderShipped,
    OrderCancelled,
    PaymentDeclined,
    PaymentRefunded,
    ShipmentCreated,
    ShipmentDelivered,
)
"""Every published fact :func:`compose` may write a message for."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageText:
    """One message: which template wrote it, its subject and its body."""

    template: str
    subject: str
    body: str


def day_and_clock(sim_seconds: float) -> str:
    """A simulated moment as people read it: ``day 2, 14:30`` (day 1 starts at 0)."""
    day, in_day = divmod(int(sim_seconds), SECONDS_PER_DAY)
    hours, rest = divmod(in_day, 3600)
    return f"day {day + 1}, {hours:02d}:{rest // 60:02d}"


def compose(event: Any) -> MessageText | None:
    """The message an integration event calls for, or None if it calls for none."""
    if isinstance(event, CustomerRegistered):
        return MessageText(
            template="welcome",
            subject="Welcome to the shop",
            body=(
                f"Hello {event.name}, welcome to the shop. "
                f"Your customer number is {event.customer_id}."
            ),
        )
    if isinstance(event, OrderPlaced):
        return MessageText(
            template="order_placed",
            subject=f"Order {event.order_id} received",
            body=f"Your order {event.order_id} for {event.total} has been received.",
        )
    if isinstance(event, OrderConfirmed):
        return MessageText(
            template="order_confirmed",
            subject=f"Order {event.order_id} confirmed",
            body=(
                f"Your order {event.order_id} for {event.total} is confirmed: "
                f"the items are set aside and the payment is taken."
            ),
        )
    if isinstance(event, OrderShipped):
        return MessageText(
            template="order_shipped",
            subject=f"Order {event.order_id} shipped",
            body=(
                f"Your order {event.order_id} has left the warehouse "
                f"in shipment {event.shipment_id}."
            ),
        )
    if isinstance(event, OrderCancelled):
        return MessageText(
            template="order_cancelled",
            subject=f"Order {event.order_id} cancelled",
            body=(
                f"Your order {event.order_id} for {event.total} was cancelled: "
                f"{event.reason}."
            ),
        )
    return _payment_or_shipment(event)


def _payment_or_shipment(event: Any) -> MessageText | None:
    """Messages about money and parcels (split out to keep each function short)."""
    if isinstance(event, PaymentDeclined):
        return MessageText(
            template="payment_declined",
            subject=f"Payment for order {event.order_id} declined",
            body=(
                f"Your payment of {event.amount} for order {event.order_id} "
                f"was declined: {event.reason}."
            ),
        )
    if isinstance(event, PaymentRefunded):
        return MessageText(
            template="payment_refunded",
            subject=f"Refund for order {event.order_id}",
            body=f"We have refunded {event.amount} for your order {event.order_id}.",
        )
    if isinstance(event, ShipmentCreated):
        return MessageText(
            template="shipment_created",
            subject=f"Shipment {event.shipment_id} booked",
            body=(
                f"Your order {event.order_id} will travel in shipment "
                f"{event.shipment_id}, expected on "
                f"{day_and_clock(event.estimated_delivery)}."
            ),
        )
    if isinstance(event, ShipmentDelivered):
        return MessageText(
            template="shipment_delivered",
            subject=f"Order {event.order_id} delivered",
            body=(
                f"Shipment {event.shipment_id} with your order {event.order_id} "
                f"has been delivered."
            ),
        )
    return None
