"""Order events; their names and versions are stored schema.

Each event names the customer (and the total where money matters) so that
translators publish it without looking anything up.
"""

from __future__ import annotations

from ddd_sim.contexts.sales.domain.lines import OrderLine
from ddd_sim.shared.ids import CustomerId, OrderId
from ddd_sim.shared.messages import DomainEvent, message
from ddd_sim.shared.money import Money


@message
class OrderPlaced(DomainEvent):
    """A customer placed an order for checked lines; ``total`` is their sum."""

    order_id: OrderId
    customer_id: CustomerId
    lines: tuple[OrderLine, ...]
    total: Money


@message
class OrderConfirmed(DomainEvent):
    """The order's stock and payment are secured."""

    order_id: OrderId
    customer_id: CustomerId
    total: Money


@message
class OrderShipped(DomainEvent):
    """The order left with a shipment; from now on it cannot be cancelled."""

    order_id: OrderId
    customer_id: CustomerId
    shipment_id: str


@message
class OrderCancelled(DomainEvent):
    """The order was called off before shipping, for a reason."""

    order_id: OrderId
    customer_id: CustomerId
    total: Money
    reason: str


@message
class OrderCompleted(DomainEvent):
    """The shipped order was delivered and closed."""

    order_id: OrderId
    customer_id: CustomerId
    total: Money


ORDER_EVENTS: tuple[type[DomainEvent], ...] = (
    OrderPlaced,
    OrderConfirmed,
    OrderShipped,
    OrderCancelled,
    OrderCompleted,
)
"""Every event stored in an order's stream."""
