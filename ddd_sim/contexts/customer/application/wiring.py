"""What bootstrap reads to plug customer in: events, handlers, views, translators."""

from __future__ import annotations

from ddd_sim.contexts.customer.application.commands import (
    ChangeCustomerEmail,
    RegisterCustomer,
)
from ddd_sim.contexts.customer.application.directory import CustomerDirectory
from ddd_sim.contexts.customer.application.handlers import CustomerHandlers
from ddd_sim.contexts.customer.application.queries import GetCustomer, ListCustomers
from ddd_sim.contexts.customer.application.query_handlers import CustomerQueries
from ddd_sim.contexts.customer.application.translators import (
    TRANSLATORS as TRANSLATORS,
)
from ddd_sim.contexts.customer.domain.customer import Customer
from ddd_sim.contexts.customer.domain.events import CUSTOMER_EVENTS
from ddd_sim.shared.cqrs import CommandTable, ContextDeps, QueryTable
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import Projection
from ddd_sim.shared.upcasting import Upcasters

EVENTS: tuple[type[DomainEvent], ...] = CUSTOMER_EVENTS
STREAM_CATEGORIES: tuple[str, ...] = (Customer.aggregate_type,)
PROJECTIONS: tuple[type[Projection], ...] = (CustomerDirectory,)


def register_upcasters(upcasters: Upcasters) -> None:
    """Every customer event is still at its first schema: nothing to upcast."""


def command_handlers(deps: ContextDeps) -> CommandTable:
    """Register customers and change their email."""
    customers = CustomerHandlers(deps)
    return {
        RegisterCustomer: customers.register_customer,
        ChangeCustomerEmail: customers.change_customer_email,
    }


def query_handlers(deps: ContextDeps) -> QueryTable:
    """Look customers up in the directory."""
    queries = CustomerQueries(deps)
    return {
        GetCustomer: queries.get_customer,
        ListCustomers: queries.list_customers,
    }
