"""Customer's queries and the immutable results they return."""

from __future__ import annotations

from ddd_sim.shared.ids import CustomerId
from ddd_sim.shared.messages import Query, message


@message
class GetCustomer(Query):
    """One registered customer."""

    customer_id: CustomerId


@message
class ListCustomers(Query):
    """Every registered customer, by id."""


@message
class CustomerView:
    """A customer as the directory last saw them (``registered_at`` in sim time)."""

    customer_id: CustomerId
    name: str
    email: str
    registered_at: float
