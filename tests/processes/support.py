"""What the order flows' tests share: a small shop, crash points, and log readers."""

from __future__ import annotations

from typing import Any, TypeVar

from ddd_sim.contexts.customer.application.commands import RegisterCustomer
from ddd_sim.contexts.inventory.application.commands import ListProduct
from ddd_sim.contexts.payment.application.commands import OpenAccount
from ddd_sim.contexts.payment.domain.account import Account
from ddd_sim.contexts.sales.application.commands import PlaceOrder
from ddd_sim.contexts.sales.domain.lines import OrderLineInput
from ddd_sim.processes.events import StepCompensated, StepSucceeded
from ddd_sim.processes.host import OrderFlow
from ddd_sim.processes.orders import wallet_of
from ddd_sim.shared.ids import CustomerId, IdFactory, OrderId, ProductId
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.money import Money
from ddd_sim.shared.repository import AggregateRepository
from tests.processes.fake_host import FakeHost

CUSTOMER = "CUST-1"
PRICE = Money.of("10.00")

E = TypeVar("E", bound=DomainEvent)
H = TypeVar("H", bound=FakeHost)


# -- hosts ------------------------------------------------------------------------
class Killed(Exception):
    """The process died at a crash point."""


class ShopHost(FakeHost):
    """The fake host, with process event ids seeded apart from the shop's.

    A process event sharing a shop event's id would be swallowed by the
    host's dedup by event id.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._ids = IdFactory(1_000_003)


class CrashingHost(ShopHost):
    """Dies at the ``nth`` pass of one crash point, like ``SIM_CRASH_AT``.

    Cooperative: mix it in before another ShopHost to make that one crash.
    """

    def __init__(self, point: str = "", nth: int = 1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.point, self.remaining = point, nth

    def crashpoint(self, name: str) -> None:
        super().crashpoint(name)
        if name == self.point:
            self.remaining -= 1
            if self.remaining == 0:
                raise Killed(name)


def crash_and_recover(host: FakeHost, flow: OrderFlow, context: str = "sales") -> None:
    """What the engine does when the flow's hosting context dies and restarts."""
    host.crash(context)
    flow.crash()
    assert flow.in_flight() == 0
    flow.recover()
    host.run()


# -- a small shop -----------------------------------------------------------------
def open_shop(
    host: H, *, balance: str = "100.00", stock: dict[str, int] | None = None
) -> H:
    """Products with stock, and one customer with a funded wallet."""
    for product, units in (stock or {"PROD-1": 10}).items():
        host.shop.execute(
            ListProduct(
                product_id=ProductId(product),
                name=f"Item {product}",
                price=PRICE,
                initial_stock=units,
            )
        )
    host.shop.execute(
        RegisterCustomer(
            customer_id=CustomerId(CUSTOMER), name="Ann", email="ann@example.org"
        )
    )
    host.shop.execute(
        OpenAccount(
            account_id=wallet_of(CUSTOMER),
            owner_id=CustomerId(CUSTOMER),
            initial_balance=Money.of(balance),
        )
    )
    return host


def place(host: FakeHost, order: str = "ORD-1", **quantities: int) -> None:
    """Place an order (one unit of PROD-1 unless told otherwise)."""
    lines = tuple(
        OrderLineInput(
            product_id=ProductId(product.replace("_", "-")),
            quantity=quantity,
            unit_price=PRICE,
        )
        for product, quantity in (quantities or {"PROD_1": 1}).items()
    )
    host.shop.execute(
        PlaceOrder(
            order_id=OrderId(order), customer_id=CustomerId(CUSTOMER), lines=lines
        )
    )


# -- reading the log --------------------------------------------------------------
def stream(host: FakeHost, stream_id: str) -> list[DomainEvent]:
    """A stream's events, decoded."""
    return [host.registry.to_domain_event(r) for r in host.store.read_stream(stream_id)]


def process(host: FakeHost, category: str, order: str = "ORD-1") -> list[DomainEvent]:
    """The events of one order's process stream."""
    return stream(host, f"{category}-{order}")


def of_type(events: list[DomainEvent], kind: type[E]) -> list[E]:
    """The events of one class, in order."""
    return [e for e in events if isinstance(e, kind)]


def succeeded(events: list[DomainEvent]) -> list[str]:
    """Steps that succeeded, in the order they were recorded."""
    return [e.step for e in of_type(events, StepSucceeded)]


def compensations(events: list[DomainEvent]) -> list[str]:
    """Compensations done, in the order they were recorded."""
    return [e.compensation for e in of_type(events, StepCompensated)]


def log_types(host: FakeHost, *types: str) -> list[str]:
    """Stored event types of the whole log, kept to those named."""
    return [r.type for r in host.store.read_all() if r.type in types]


def order_status(host: FakeHost, order: str = "ORD-1") -> str:
    """The last lifecycle event of an order."""
    return host.store.read_stream(f"Order-{order}")[-1].type


def balance(host: FakeHost) -> Money:
    """The customer's wallet balance, loaded from its stream."""
    wallets = AggregateRepository(host.store, host.registry, Account)
    return wallets.load(str(wallet_of(CUSTOMER))).balance("USD")
