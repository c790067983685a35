"""What a scenario asks of the shop: its initial world, its load, its commands.

Load is a seeded Poisson process per ``[[load]]`` entry, each with its own
random stream, so adding one load never changes another's arrivals.  Order
ids are derived from the load's index and the arrival's number, so a resumed
run knows exactly which orders it already placed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ddd_sim.contexts.customer.application.commands import RegisterCustomer
from ddd_sim.contexts.inventory.application.commands import ListProduct, ReceiveStock
from ddd_sim.contexts.payment.application.commands import (
    Deposit,
    OpenAccount,
    Withdraw,
)
from ddd_sim.contexts.sales.application.commands import CancelOrder, PlaceOrder
from ddd_sim.contexts.sales.domain.lines import OrderLineInput
from ddd_sim.processes.orders import wallet_of
from ddd_sim.shared.ids import CustomerId, OrderId, ProductId
from ddd_sim.shared.messages import Command
from ddd_sim.shared.money import Money
from ddd_sim.sim.scenario import CommandSpec, LoadSpec, Scenario


def initial_commands(scenario: Scenario) -> list[Command]:
    """List every product and register every customer with a funded wallet."""
    commands: list[Command] = []
    for product in scenario.products:
        commands.append(
            ListProduct(
                product_id=ProductId(product.id),
                name=product.name,
                price=product.price,
                initial_stock=product.stock,
            )
        )
    for customer in scenario.customers:
        commands.append(
            RegisterCustomer(
                customer_id=CustomerId(customer.id),
                name=customer.name,
                email=customer.email,
            )
        )
        commands.append(
            OpenAccount(
                account_id=wallet_of(customer.id),
                owner_id=CustomerId(customer.id),
                initial_balance=customer.balance,
            )
        )
    return commands


def _place(
    scenario: Scenario, order_id: str, customer: str, items: list[tuple[str, int]]
) -> PlaceOrder:
    prices = {p.id: p.price for p in scenario.products}
    return PlaceOrder(
        order_id=OrderId(order_id),
        customer_id=CustomerId(customer),
        lines=tuple(
            OrderLineInput(
                product_id=ProductId(product),
                quantity=quantity,
                unit_price=prices[product],
            )
            for product, quantity in items
        ),
    )


@dataclass
class LoadGenerator:
    """The arrivals of one ``[[load]]`` entry, one at a time, reproducibly."""

    scenario: Scenario
    spec: LoadSpec
    index: int
    rng: random.Random
    placed: int = 0
    next_at: float = 0.0

    def __post_init__(self) -> None:
        self.customers = list(self.spec.customers) or [
            c.id for c in self.scenario.customers
        ]
        self.products = list(self.spec.products) or [
            p.id for p in self.scenario.products
        ]
        self.next_at = self.spec.start + self.rng.expovariate(self.spec.rate)

    @property
    def exhausted(self) -> bool:
        return self.next_at > self.spec.until

    def order_id(self, number: int) -> str:
        return f"ORD-L{self.index}-{number:06d}"

    def take(self) -> tuple[float, PlaceOrder]:
        """The next arrival and its order; draws advance the load's own stream."""
        at = self.next_at
        self.placed += 1
        customer = self.rng.choice(self.customers)
        count = min(len(self.products), self.rng.randint(1, self.spec.max_lines))
        chosen = self.rng.sample(self.products, count)
        items = [
            (p, self.rng.randint(1, self.spec.max_quantity)) for p in sorted(chosen)
        ]
        order = _place(self.scenario, self.order_id(self.placed), customer, items)
        self.next_at = at + self.rng.expovariate(self.spec.rate)
        return at, order


def explicit_command(scenario: Scenario, spec: CommandSpec, index: int) -> Command:
    """The shop command a ``[[commands]]`` entry stands for."""
    currencies = {c.id: c.balance.currency for c in scenario.customers}
    kind = spec.type
    if kind == "PlaceOrder":
        order = spec.order or f"ORD-C{index:05d}"
        return _place(scenario, order, str(spec.customer), list(spec.items))
    if kind == "CancelOrder":
        return CancelOrder(
            order_id=OrderId(str(spec.order)),
            reason=spec.reason or "cancelled by the customer",
        )
    if kind in ("Deposit", "Withdraw"):
        assert spec.amount is not None
        assert spec.customer is not None
        money = spec.amount
        if spec.customer in currencies and money.currency != currencies[spec.customer]:
            money = Money.of(str(money.amount), currencies[spec.customer])
        cls = Deposit if kind == "Deposit" else Withdraw
        return cls(account_id=wallet_of(spec.customer), amount=money)
    if kind == "OpenAccount":
        assert spec.balance is not None
        assert spec.customer is not None
        return OpenAccount(
            account_id=wallet_of(spec.customer),
            owner_id=CustomerId(spec.customer),
            initial_balance=spec.balance,
        )
    if kind == "RegisterCustomer":
        customer = str(spec.customer)
        return RegisterCustomer(
            customer_id=CustomerId(customer),
            name=spec.name or customer,
            email=spec.email or f"{customer.lower()}@example.com",
        )
    if kind == "Restock":
        return ReceiveStock(
            product_id=ProductId(str(spec.product)), quantity=int(spec.quantity or 0)
        )
    raise ValueError(f"unknown scenario command {kind!r}")
