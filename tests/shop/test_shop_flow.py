"""The whole shop through bootstrap: commands on the bus, projections over the wire."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ddd_sim.bootstrap import App, bootstrap
from ddd_sim.contexts.analytics.application.queries import GetSalesMetrics
from ddd_sim.contexts.billing.application.commands import IssueInvoice
from ddd_sim.contexts.billing.application.queries import GetOrdersForInvoicing
from ddd_sim.contexts.customer.application.commands import RegisterCustomer
from ddd_sim.contexts.inventory.application.commands import (
    ListProduct,
    ReserveStock,
    ShipReservedStock,
)
from ddd_sim.contexts.inventory.application.queries import GetStock
from ddd_sim.contexts.notification.application.queries import ListNotifications
from ddd_sim.contexts.payment.application.commands import (
    ChargeWallet,
    Deposit,
    OpenAccount,
    Withdraw,
)
from ddd_sim.contexts.payment.application.queries import (
    GetAccountSummary,
    SearchAccounts,
)
from ddd_sim.contexts.payment.domain.ids import PaymentId
from ddd_sim.contexts.sales.application.commands import (
    CancelOrder,
    ConfirmOrder,
    MarkOrderShipped,
    PlaceOrder,
)
from ddd_sim.contexts.sales.application.queries import GetOrder, SearchOrders
from ddd_sim.contexts.sales.domain.lines import OrderLineInput
from ddd_sim.contexts.shipping.application.commands import CreateShipment
from ddd_sim.runtime.clock import ManualClock
from ddd_sim.shared.errors import ConsistencyTimeout
from ddd_sim.shared.ids import AccountId, CustomerId, OrderId, ProductId
from ddd_sim.shared.money import Money


@pytest.fixture
def app(
    store_kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[App]:
    """The whole shop on each backend: memory, a SQLite file, PostgreSQL."""
    location = {
        "memory": lambda: "memory:",
        "sqlite": lambda: str(tmp_path / "shop.db"),
        "postgres": lambda: request.getfixturevalue("pg_url"),
    }[store_kind]()
    app = bootstrap(location, clock=ManualClock(), seed=7)
    yield app
    app.close()


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def place(app: App, order: str, quantity: int = 2, at: float = 10.0) -> None:
    app.shop.execute(
        PlaceOrder(
            order_id=OrderId(order),
            customer_id=CustomerId("CUST-001"),
            lines=(
                OrderLineInput(
                    product_id=ProductId("PROD-001"),
                    quantity=quantity,
                    unit_price=usd("50.00"),
                ),
            ),
        ),
        sim_time=at,
    )


def setup_shop(app: App) -> None:
    shop = app.shop
    shop.execute(
        RegisterCustomer(
            customer_id=CustomerId("CUST-001"),
            name="Ada Lovelace",
            email="ada@example.com",
        ),
        sim_time=1.0,
    )
    shop.execute(
        OpenAccount(
            account_id=AccountId("ACC-001"),
            owner_id=CustomerId("CUST-001"),
            initial_balance=usd("1000"),
        ),
        sim_time=2.0,
    )
    shop.execute(
        ListProduct(
            product_id=ProductId("PROD-001"),
            name="Widget",
            price=usd("50"),
            initial_stock=10,
        ),
        sim_time=3.0,
    )


def test_an_order_flows_through_every_context(app: App) -> None:
    shop = app.shop
    setup_shop(app)
    place(app, "ORD-001")
    shop.execute(
        ReserveStock(
            product_id=ProductId("PROD-001"), order_id=OrderId("ORD-001"), quantity=2
        ),
        sim_time=11.0,
    )
    shop.execute(
        ChargeWallet(
            account_id=AccountId("ACC-001"),
            payment_id=PaymentId("PAY-001"),
            order_id=OrderId("ORD-001"),
            amount=usd("100"),
            idempotency_key="order-saga:ORD-001:charge",
        ),
        sim_time=12.0,
    )
    shop.execute(
        CreateShipment(shipment_id="SHP-001", order_id=OrderId("ORD-001")),
        sim_time=13.0,
    )
    shop.execute(ConfirmOrder(order_id=OrderId("ORD-001")), sim_time=14.0)
    shop.execute(
        ShipReservedStock(
            product_id=ProductId("PROD-001"), order_id=OrderId("ORD-001")
        ),
        sim_time=15.0,
    )
    result = shop.execute(
        MarkOrderShipped(order_id=OrderId("ORD-001"), shipment_id="SHP-001"),
        sim_time=15.0,
    )
    assert (result.stream_id, result.version) == ("Order-ORD-001", 3)

    shop.catch_up()
    assert all(lag.events == 0 for lag in shop.projections.lags())
    assert shop.ask(GetOrder(order_id=OrderId("ORD-001"))).status == "shipped"
    stock = shop.ask(GetStock(product_id=ProductId("PROD-001")))
    assert (stock.available, stock.reserved, stock.shipped) == (8, 0, 2)
    summary = shop.ask(GetAccountSummary(account_id=AccountId("ACC-001")))
    assert "900.00" in repr(summary)
    # billing saw the order placed and paid through the published language
    assert shop.ask(GetOrdersForInvoicing(customer_id="CUST-001")) == ()
    invoice = shop.execute(
        IssueInvoice(invoice_id="INV-001", order_id="ORD-001"), sim_time=16.0
    )
    assert invoice.version == 1
    notes = shop.ask(ListNotifications(customer_id="CUST-001"))
    assert len(notes) >= 4
    assert any("ORD-001" in note.body for note in notes)
    metrics = shop.ask(GetSalesMetrics())
    assert "100.00" in repr(metrics)
    assert shop.projections.rejections("billing.orders") == []


def test_example_69_billing_shows_pending_payment_then_drops_the_cancelled_order(
    app: App,
) -> None:
    setup_shop(app)
    place(app, "ORD-001", quantity=3)
    app.shop.catch_up()
    [pending] = app.shop.ask(GetOrdersForInvoicing(customer_id="CUST-001"))
    assert (pending.order_id, pending.status) == ("ORD-001", "pending_payment")
    app.shop.execute(
        CancelOrder(order_id=OrderId("ORD-001"), reason="changed mind"), sim_time=20.0
    )
    app.shop.catch_up()
    assert app.shop.ask(GetOrdersForInvoicing(customer_id="CUST-001")) == ()


def test_example_65_and_68_account_summary_and_high_balance_search(app: App) -> None:
    shop = app.shop
    setup_shop(app)
    shop.execute(
        Deposit(account_id=AccountId("ACC-001"), amount=usd("500")), sim_time=4.0
    )
    shop.execute(
        Withdraw(account_id=AccountId("ACC-001"), amount=usd("200")), sim_time=5.0
    )
    shop.execute(
        OpenAccount(
            account_id=AccountId("ACC-002"),
            owner_id=CustomerId("CUST-001"),
            initial_balance=usd("15000"),
        ),
        sim_time=6.0,
    )
    shop.catch_up()
    summary = shop.ask(GetAccountSummary(account_id=AccountId("ACC-001")))
    text = repr(summary)
    for figure in ("1500.00", "200.00", "1300.00"):
        assert figure in text
    assert summary.transaction_count == 3
    found = shop.ask(SearchAccounts(text="high-balance"))
    assert [hit.account_id for hit in found] == ["ACC-002"]


def test_example_70_the_cache_misses_hits_and_is_invalidated_by_the_projection(
    app: App,
) -> None:
    shop = app.shop
    setup_shop(app)
    shop.catch_up()
    ask = GetAccountSummary(account_id=AccountId("ACC-001"))
    shop.ask(ask)
    shop.ask(ask)
    shop.execute(
        Deposit(account_id=AccountId("ACC-001"), amount=usd("500")), sim_time=4.0
    )
    shop.catch_up()
    after = shop.ask(ask)
    shop.ask(ask)
    assert "1500.00" in repr(after)
    stats = shop.cache.stats
    assert (stats.misses, stats.hits, stats.invalidations) == (2, 2, 1)


def test_waiting_for_a_stalled_read_model_times_out_then_succeeds(app: App) -> None:
    shop = app.shop
    setup_shop(app)
    shop.projections.stall("sales.order_search")
    place(app, "ORD-009")
    result = shop.execute(
        CancelOrder(order_id=OrderId("ORD-009"), reason="x"), sim_time=11.0
    )
    with pytest.raises(ConsistencyTimeout, match=r"sales\.order_search \(stalled\)"):
        shop.wait_for("sales.order_search", result, timeout=1.0)
    assert shop.ask(SearchOrders(text="ORD-009"), cached=False) == ()
    shop.projections.resume("sales.order_search")
    shop.wait_for("sales.order_search", result, timeout=1.0)
    [hit] = shop.ask(SearchOrders(text="cancelled"), cached=False)
    assert hit.order_id == OrderId("ORD-009")
