"""Customer's commands; the caller allocates the customer id."""

from __future__ import annotations

from ddd_sim.shared.ids import CustomerId
from ddd_sim.shared.messages import Command, message


@message
class RegisterCustomer(Command):
    """Register a new customer under an id nobody holds yet."""

    customer_id: CustomerId
    name: str
    email: str


@message
class ChangeCustomerEmail(Command):
    """Give a registered customer a new email address."""

    customer_id: CustomerId
    email: str
