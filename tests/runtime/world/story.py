"""A real log for the world tests: the shop's commands plus process and sim records.

The shop's events come from its command bus on an in-memory store; the
processes' and the simulation's records are appended as their event classes,
encoded by the registry exactly as a repository would (see :mod:`.fates` for
the orders written this way).
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from ddd_sim.bootstrap import build_registry, wire_shop
from ddd_sim.contexts.customer.application.commands import RegisterCustomer
from ddd_sim.contexts.inventory.application.commands import ListProduct
from ddd_sim.contexts.payment.application.commands import OpenAccount
from ddd_sim.contexts.sales.application.commands import PlaceOrder
from ddd_sim.contexts.sales.domain.lines import OrderLineInput
from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.processes import events as pe
from ddd_sim.runtime.clock import ManualClock
from ddd_sim.runtime.shop import ShopRuntime
from ddd_sim.shared.events import EventMetadata, NewEvent
from ddd_sim.shared.ids import AccountId, CustomerId, OrderId, ProductId
from ddd_sim.shared.messages import Command, DomainEvent
from ddd_sim.shared.money import Money
from ddd_sim.shared.ports import EventStore
from ddd_sim.sim import records as sim

PRODUCTS = ("PROD-001", "PROD-002", "PROD-003")
CUSTOMERS = ("CUST-001", "CUST-002", "CUST-003")
PRICE = {"PROD-001": "50.00", "PROD-002": "35.00", "PROD-003": "20.00"}
UNDO = pe.COMPENSATIONS


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


class Story:
    """Writes a shop's history, one simulated half second per record."""

    def __init__(self, seed: int = 1) -> None:
        self.registry = build_registry()
        self.store: EventStore = open_store(
            "memory:", upcasters=self.registry.upcasters
        )
        self.clock = ManualClock()
        self.shop: ShopRuntime = wire_shop(
            self.store, self.registry, clock=self.clock, seed=seed
        )
        self.rng = random.Random(seed)
        self.now = 0.0
        self._ids = random.Random(seed + 1)

    # -- writing ----------------------------------------------------------------------
    def _tick(self) -> float:
        self.now += 0.5
        return self.now

    def do(self, command: Command) -> None:
        """Run a shop command at the next moment."""
        self.shop.execute(command, sim_time=self._tick())

    def record(self, stream: str, *events: DomainEvent) -> None:
        """Append records to a stream, as a repository would encode them."""
        at = self._tick()
        self.store.append(
            stream,
            [
                self.registry.to_new_event(
                    event,
                    event_id=uuid.UUID(int=self._ids.getrandbits(128)),
                    metadata=EventMetadata(sim_time=at),
                )
                for event in events
            ],
        )

    def raw(self, stream: str, event_type: str, payload: dict[str, Any]) -> None:
        """Append a hand-written event (a type the registry may not know)."""
        self.store.append(
            stream,
            [
                NewEvent(
                    event_id=uuid.UUID(int=self._ids.getrandbits(128)),
                    type=event_type,
                    payload=payload,
                    metadata=EventMetadata(sim_time=self._tick()),
                )
            ],
        )

    # -- the shop ---------------------------------------------------------------------
    def open_shop(self) -> None:
        for product in PRODUCTS:
            self.do(
                ListProduct(
                    product_id=ProductId(product),
                    name=product,
                    price=usd(PRICE[product]),
                    initial_stock=40,
                )
            )
        for customer in CUSTOMERS:
            self.do(
                RegisterCustomer(
                    customer_id=CustomerId(customer),
                    name=customer,
                    email=f"{customer.lower()}@example.com",
                )
            )
            self.do(
                OpenAccount(
                    account_id=AccountId(f"ACC-{customer}"),
                    owner_id=CustomerId(customer),
                    initial_balance=usd("2000.00"),
                )
            )
        self.record(
            sim.RUN_STREAM,
            sim.RunStarted(
                scenario_name="story",
                scenario_file="",
                scenario_text="",
                seed=1,
                saga="orchestrated",
                duration=60.0,
            ),
        )

    def place(self, order: str, customer: str) -> dict[str, int]:
        count = self.rng.randint(1, 2)
        lines = {p: self.rng.randint(1, 3) for p in self.rng.sample(PRODUCTS, count)}
        self.do(
            PlaceOrder(
                order_id=OrderId(order),
                customer_id=CustomerId(customer),
                lines=tuple(
                    OrderLineInput(
                        product_id=ProductId(p), quantity=q, unit_price=usd(PRICE[p])
                    )
                    for p, q in lines.items()
                ),
            )
        )
        return lines
