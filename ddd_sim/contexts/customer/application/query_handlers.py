"""Answers customer queries from the directory read model (eventually consistent)."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.customer.application.directory import DIRECTORY
from ddd_sim.contexts.customer.application.queries import (
    CustomerView,
    GetCustomer,
    ListCustomers,
)
from ddd_sim.shared.cqrs import ContextDeps
from ddd_sim.shared.errors import NotFound
from ddd_sim.shared.ids import CustomerId


class CustomerQueries:
    """Reads ``customer.directory``; an unknown id is a NotFound naming it."""

    def __init__(self, deps: ContextDeps) -> None:
        self._deps = deps

    def get_customer(self, query: GetCustomer) -> CustomerView:
        """One customer, or NotFound."""
        doc = self._deps.read_model(DIRECTORY).get(str(query.customer_id))
        if doc is None:
            raise NotFound(f"customer {query.customer_id} is not registered")
        return _to_view(doc)

    def list_customers(self, query: ListCustomers) -> tuple[CustomerView, ...]:
        """Every customer in id order."""
        docs = self._deps.read_model(DIRECTORY).all()
        return tuple(_to_view(docs[key]) for key in sorted(docs))


def _to_view(doc: Any) -> CustomerView:
    return CustomerView(
        customer_id=CustomerId(doc["customer_id"]),
        name=doc["name"],
        email=doc["email"],
        registered_at=doc["registered_at"],
    )
