"""Customer events; their names and versions are stored schema."""

from __future__ import annotations

from ddd_sim.shared.ids import CustomerId
from ddd_sim.shared.messages import DomainEvent, message


@message
class CustomerRegistered(DomainEvent):
    """A customer joined the shop under a name and an email address."""

    customer_id: CustomerId
    name: str
    email: str


@message
class CustomerEmailChanged(DomainEvent):
    """A customer now wants mail at another address."""

    customer_id: CustomerId
    previous_email: str
    email: str


CUSTOMER_EVENTS: tuple[type[DomainEvent], ...] = (
    CustomerRegistered,
    CustomerEmailChanged,
)
"""Every event stored in a customer's stream."""
