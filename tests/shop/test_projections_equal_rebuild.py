"""Every projection equals its rebuild from the log, whatever commands ran.

Random command sequences (many of them refused by the domain) go through the
real shop; projections are polled in random slices while it runs.  At the
end, folding the whole log again from scratch must give exactly the same
documents: catching up in pieces and rebuilding in one go are the same fold.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddd_sim.bootstrap import build_registry, wire_shop
from ddd_sim.contexts.billing.application.commands import (
    IssueInvoice,
    SettleInvoice,
    VoidInvoice,
)
from ddd_sim.contexts.customer.application.commands import (
    ChangeCustomerEmail,
    RegisterCustomer,
)
from ddd_sim.contexts.inventory.application.commands import (
    ListProduct,
    ReceiveStock,
    ReleaseStock,
    ReserveStock,
    ShipReservedStock,
)
from ddd_sim.contexts.payment.application.commands import (
    ChargeWallet,
    Deposit,
    OpenAccount,
    PayByCard,
    RefundCardPayment,
    RefundWallet,
    Withdraw,
)
from ddd_sim.contexts.payment.domain.ids import PaymentId
from ddd_sim.contexts.sales.application.commands import (
    CancelOrder,
    CompleteOrder,
    ConfirmOrder,
    MarkOrderShipped,
    PlaceOrder,
)
from ddd_sim.contexts.sales.domain.lines import OrderLineInput
from ddd_sim.contexts.shipping.application.commands import (
    CancelShipment,
    CreateShipment,
    DeliverShipment,
)
from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.runtime.clock import ManualClock
from ddd_sim.shared.errors import DddSimError
from ddd_sim.shared.ids import AccountId, CustomerId, OrderId, ProductId
from ddd_sim.shared.money import Money

CUSTOMERS = ("CUST-001", "CUST-002")
PRODUCTS = ("PROD-001", "PROD-002")
ORDERS = ("ORD-001", "ORD-002", "ORD-003")
usd = Money.of


def _order(n: int) -> OrderId:
    return OrderId(ORDERS[n % len(ORDERS)])


def _customer(n: int) -> CustomerId:
    return CustomerId(CUSTOMERS[n % len(CUSTOMERS)])


def _account(n: int) -> AccountId:
    return AccountId(f"ACC-00{n % 2 + 1}")


def _product(n: int) -> ProductId:
    return ProductId(PRODUCTS[n % len(PRODUCTS)])


def build(kind: str, a: int, b: int, qty: int) -> Any:
    """One command from a small world where ids collide often (on purpose)."""
    order, product = _order(a), _product(b)
    makers = {
        "place": lambda: PlaceOrder(
            order_id=order,
            customer_id=_customer(b),
            lines=(
                OrderLineInput(product_id=product, quantity=qty, unit_price=usd("40")),
            ),
        ),
        "confirm": lambda: ConfirmOrder(order_id=order),
        "ship_order": lambda: MarkOrderShipped(order_id=order, shipment_id=f"SHP-{a}"),
        "cancel": lambda: CancelOrder(order_id=order, reason=f"reason {b}"),
        "complete": lambda: CompleteOrder(order_id=order),
        "reserve": lambda: ReserveStock(
            product_id=product, order_id=order, quantity=qty
        ),
        "release": lambda: ReleaseStock(product_id=product, order_id=order),
        "ship_stock": lambda: ShipReservedStock(product_id=product, order_id=order),
        "restock": lambda: ReceiveStock(product_id=product, quantity=qty),
        "deposit": lambda: Deposit(account_id=_account(a), amount=usd(str(qty * 500))),
        "withdraw": lambda: Withdraw(account_id=_account(a), amount=usd(str(qty * 90))),
        "charge": lambda: ChargeWallet(
            account_id=_account(b),
            payment_id=PaymentId(f"PAY-W{a}"),
            order_id=order,
            amount=usd(str(qty * 40)),
            idempotency_key=f"charge-{a}",
        ),
        "refund": lambda: RefundWallet(
            account_id=_account(b), idempotency_key=f"charge-{a}"
        ),
        "card": lambda: PayByCard(
            payment_id=PaymentId(f"PAY-C{a}"),
            order_id=order,
            customer_id=_customer(b),
            card_number="4242424242420002" if qty == 2 else "4242424242424242",
            exp_month=12,
            exp_year=2030,
            cvv="123",
            amount=usd(str(qty * 40)),
            idempotency_key=f"card-{a}",
        ),
        "card_refund": lambda: RefundCardPayment(payment_id=PaymentId(f"PAY-C{a}")),
        "ship": lambda: CreateShipment(shipment_id=f"SHP-{a}", order_id=order),
        "ship_cancel": lambda: CancelShipment(shipment_id=f"SHP-{a}", reason="storm"),
        "deliver": lambda: DeliverShipment(shipment_id=f"SHP-{a}"),
        "invoice": lambda: IssueInvoice(invoice_id=f"INV-{a}{b}", order_id=str(order)),
        "settle": lambda: SettleInvoice(invoice_id=f"INV-{a}{b}"),
        "void": lambda: VoidInvoice(invoice_id=f"INV-{a}{b}", reason="duplicate"),
        "email": lambda: ChangeCustomerEmail(
            customer_id=_customer(a), email=f"new{b}@example.com"
        ),
    }
    return makers[kind]()


KINDS = (
    "place",
    "confirm",
    "ship_order",
    "cancel",
    "complete",
    "reserve",
    "release",
    "ship_stock",
    "restock",
    "deposit",
    "withdraw",
    "charge",
    "refund",
    "card",
    "card_refund",
    "ship",
    "ship_cancel",
    "deliver",
    "invoice",
    "settle",
    "void",
    "email",
)

step = st.one_of(
    st.tuples(
        st.sampled_from(KINDS),
        st.integers(0, 5),
        st.integers(0, 5),
        st.integers(1, 4),
    ),
    st.tuples(st.just("poll"), st.integers(0, 11), st.integers(1, 7), st.just(0)),
)


def new_shop() -> Any:
    registry = build_registry()
    store = open_store("memory:", upcasters=registry.upcasters)
    clock = ManualClock()
    shop = wire_shop(store, registry, clock=clock, seed=3)
    for i, customer in enumerate(CUSTOMERS):
        shop.execute(
            RegisterCustomer(
                customer_id=CustomerId(customer),
                name=f"Customer {i}",
                email=f"c{i}@x.io",
            )
        )
        shop.execute(
            OpenAccount(
                account_id=_account(i),
                owner_id=CustomerId(customer),
                initial_balance=usd("300"),
            )
        )
    for product in PRODUCTS:
        shop.execute(
            ListProduct(
                product_id=ProductId(product),
                name=product,
                price=usd("40"),
                initial_stock=5,
            )
        )
    return shop, clock


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(step, min_size=1, max_size=60))
def test_every_projection_equals_its_rebuild_from_the_log(steps: list[Any]) -> None:
    shop, clock = new_shop()
    names = shop.projections.names()
    accepted = 0
    for kind, a, b, qty in steps:
        clock.sleep(0.5)
        if kind == "poll":
            shop.projections.poll(names[a % len(names)], max_events=b)
            continue
        try:
            shop.execute(build(kind, a, b, qty))
            accepted += 1
        except DddSimError:
            pass  # refused by the domain: must leave no trace anywhere
    shop.catch_up()
    for name in names:
        assert shop.projections.rejections(name) == [], name
        report = shop.projections.rebuild(name)
        assert report.completed
        assert report.diff.is_empty, (name, report.diff)
