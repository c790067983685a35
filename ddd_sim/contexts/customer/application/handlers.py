"""Customer's command handlers: load or create, let the customer decide, save."""

from __future__ import annotations

from ddd_sim.contexts.customer.application.commands import (
    ChangeCustomerEmail,
    RegisterCustomer,
)
from ddd_sim.contexts.customer.domain.customer import (
    Customer,
    CustomerAlreadyRegistered,
)
from ddd_sim.shared.cqrs import CommandContext, CommandResult, ContextDeps, save
from ddd_sim.shared.errors import NotFound, WrongExpectedVersion
from ddd_sim.shared.ids import CustomerId
from ddd_sim.shared.repository import AggregateNotFound, AggregateRepository


class CustomerHandlers:
    """Every customer command runs against one customer stream."""

    def __init__(self, deps: ContextDeps) -> None:
        self.customers: AggregateRepository[Customer] = deps.repository(Customer)

    def register_customer(
        self, command: RegisterCustomer, context: CommandContext
    ) -> CommandResult:
        """Register a customer; an id already registered is refused by name."""
        customer_id = str(command.customer_id)
        try:
            customer = self.customers.load(customer_id)
        except AggregateNotFound:
            customer = Customer(customer_id)
        customer.register(command.name, command.email)
        return save_registration(self.customers, customer, context)

    def change_customer_email(
        self, command: ChangeCustomerEmail, context: CommandContext
    ) -> CommandResult:
        """Change the address; the same address again writes nothing."""
        customer = self._load(command.customer_id)
        customer.change_email(command.email)
        return save(self.customers, customer, context)

    def _load(self, customer_id: CustomerId) -> Customer:
        try:
            return self.customers.load(str(customer_id))
        except AggregateNotFound as exc:
            raise NotFound(f"customer {customer_id} is not registered") from exc


def save_registration(
    customers: AggregateRepository[Customer],
    customer: Customer,
    context: CommandContext,
) -> CommandResult:
    """Save a new customer at version 0; losing that race means the id is taken."""
    try:
        return save(customers, customer, context)
    except WrongExpectedVersion as exc:
        raise CustomerAlreadyRegistered(
            f"customer {customer.id} is already registered"
        ) from exc
