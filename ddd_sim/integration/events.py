"""The shop's published language: every integration event, with its version.

Money travels as ``Money`` (amount string and currency code on the wire);
ids as their text form.  Every event names the order or customer it concerns
so consumers never need to ask the publisher back.
"""

from __future__ import annotations

from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.shared.messages import message
from ddd_sim.shared.money import Money


# -- customer ---------------------------------------------------------------
@message
class CustomerRegistered(IntegrationEvent):
    """A customer joined the shop."""

    event_type = "shop.customer.customer.registered"
    source_context = "customer"
    customer_id: str
    name: str
    email: str


# -- sales ------------------------------------------------------------------
@message
class OrderLine:
    """One line of an order as published: product, quantity, unit price."""

    product_id: str
    quantity: int
    unit_price: Money


@message
class OrderPlaced(IntegrationEvent):
    """A customer placed an order (not yet paid, reserved or shipped)."""

    event_type = "shop.sales.order.placed"
    source_context = "sales"
    order_id: str
    customer_id: str
    lines: tuple[OrderLine, ...]
    total: Money


@message
class OrderConfirmed(IntegrationEvent):
    """Sales confirmed an order: stock reserved and payment taken."""

    event_type = "shop.sales.order.confirmed"
    source_context = "sales"
    order_id: str
    customer_id: str
    total: Money


@message
class OrderShipped(IntegrationEvent):
    """An order left the warehouse; it can no longer be cancelled."""

    event_type = "shop.sales.order.shipped"
    source_context = "sales"
    order_id: str
    customer_id: str
    shipment_id: str


@message
class OrderCancelled(IntegrationEvent):
    """An order was cancelled, with the reason given."""

    event_type = "shop.sales.order.cancelled"
    source_context = "sales"
    order_id: str
    customer_id: str
    total: Money
    reason: str


@message
class OrderCompleted(IntegrationEvent):
    """An order was delivered and closed."""

    event_type = "shop.sales.order.completed"
    source_context = "sales"
    order_id: str
    customer_id: str
    total: Money


# -- inventory --------------------------------------------------------------
@message
class ProductListed(IntegrationEvent):
    """A product can now be sold, at a list price."""

    event_type = "shop.inventory.product.listed"
    source_context = "inventory"
    product_id: str
    name: str
    price: Money


@message
class StockReceived(IntegrationEvent):
    """Units of a product arrived; ``available`` is the count after arrival."""

    event_type = "shop.inventory.stock.received"
    source_context = "inventory"
    product_id: str
    quantity: int
    available: int


@message
class StockReserved(IntegrationEvent):
    """Units of a product were set aside for an order."""

    event_type = "shop.inventory.stock.reserved"
    source_context = "inventory"
    product_id: str
    order_id: str
    quantity: int
    available: int


@message
class StockReleased(IntegrationEvent):
    """An order's reservation was given back to available stock."""

    event_type = "shop.inventory.stock.released"
    source_context = "inventory"
    product_id: str
    order_id: str
    quantity: int
    available: int


@message
class StockShipped(IntegrationEvent):
    """An order's reserved units left the warehouse."""

    event_type = "shop.inventory.stock.shipped"
    source_context = "inventory"
    product_id: str
    order_id: str
    quantity: int


# -- payment ----------------------------------------------------------------
@message
class PaymentCaptured(IntegrationEvent):
    """Money for an order was taken (``method`` is ``wallet`` or ``card``)."""

    event_type = "shop.payment.payment.captured"
    source_context = "payment"
    payment_id: str
    order_id: str
    customer_id: str
    amount: Money
    method: str


@message
class PaymentDeclined(IntegrationEvent):
    """A charge for an order was refused, with the reason."""

    event_type = "shop.payment.payment.declined"
    source_context = "payment"
    payment_id: str
    order_id: str
    customer_id: str
    amount: Money
    reason: str


@message
class PaymentRefunded(IntegrationEvent):
    """A captured payment was given back."""

    event_type = "shop.payment.payment.refunded"
    source_context = "payment"
    payment_id: str
    order_id: str
    customer_id: str
    amount: Money


# -- shipping ---------------------------------------------------------------
@message
class ShipmentCreated(IntegrationEvent):
    """A shipment was booked; ``estimated_delivery`` is in simulated seconds."""

    event_type = "shop.shipping.shipment.created"
    source_context = "shipping"
    shipment_id: str
    order_id: str
    estimated_delivery: float


@message
class ShipmentCancelled(IntegrationEvent):
    """A booked shipment was called off."""

    event_type = "shop.shipping.shipment.cancelled"
    source_context = "shipping"
    shipment_id: str
    order_id: str
    reason: str


@message
class ShipmentDelivered(IntegrationEvent):
    """A shipment reached the customer."""

    event_type = "shop.shipping.shipment.delivered"
    source_context = "shipping"
    shipment_id: str
    order_id: str


# -- billing ----------------------------------------------------------------
@message
class InvoiceIssued(IntegrationEvent):
    """Billing issued an invoice for an order."""

    event_type = "shop.billing.invoice.issued"
    source_context = "billing"
    invoice_id: str
    order_id: str
    customer_id: str
    amount: Money


# -- processes (the choreographed order flow) ---------------------------------
@message
class OrderStepSucceeded(IntegrationEvent):
    """A step of a choreographed order took effect; the next step may start."""

    event_type = "shop.processes.order_step.succeeded"
    source_context = "processes"
    order_id: str
    step: str


@message
class OrderStepFailed(IntegrationEvent):
    """A choreographed order step failed; ``effect_unknown`` if it may have acted."""

    event_type = "shop.processes.order_step.failed"
    source_context = "processes"
    order_id: str
    step: str
    reason: str
    effect_unknown: bool


@message
class OrderStepCompensated(IntegrationEvent):
    """A step of a choreographed order was undone; the step before it may undo next."""

    event_type = "shop.processes.order_step.compensated"
    source_context = "processes"
    order_id: str
    step: str
    compensation: str
    noop: bool


INTEGRATION_EVENTS: tuple[type[IntegrationEvent], ...] = (
    CustomerRegistered,
    OrderPlaced,
    OrderConfirmed,
    OrderShipped,
    OrderCancelled,
    OrderCompleted,
    ProductListed,
    StockReceived,
    StockReserved,
    StockReleased,
    StockShipped,
    PaymentCaptured,
    PaymentDeclined,
    PaymentRefunded,
    ShipmentCreated,
    ShipmentCancelled,
    ShipmentDelivered,
    InvoiceIssued,
    OrderStepSucceeded,
    OrderStepFailed,
    OrderStepCompensated,
)
"""The whole published language, current versions."""
