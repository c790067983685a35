"""The catalogue's shop examples (66-70, 77-80), run against the session store.

Each run uses fresh ids (``…-D<n>``) so that runs pile up in one session
file without clashing, and its simulated clock carries on from the log's
last event.
"""

from __future__ import annotations

import json

from ddd_sim.bootstrap import App
from ddd_sim.contexts.billing.application.queries import GetOrdersForInvoicing
from ddd_sim.contexts.customer.application.commands import RegisterCustomer
from ddd_sim.contexts.inventory.application.commands import (
    ImportLegacyProducts,
    ListProduct,
)
from ddd_sim.contexts.inventory.application.queries import PreviewLegacyImport
from ddd_sim.contexts.payment.application.commands import (
    ChargeWallet,
    Deposit,
    OpenAccount,
    PayByCard,
)
from ddd_sim.contexts.payment.application.queries import (
    GetAccountSummary,
    SearchAccounts,
)
from ddd_sim.contexts.payment.domain.ids import PaymentId
from ddd_sim.contexts.sales.application.commands import CancelOrder, PlaceOrder
from ddd_sim.contexts.sales.application.queries import (
    GetOrder,
    ListOrders,
    SearchOrders,
)
from ddd_sim.contexts.sales.domain.lines import OrderLineInput
from ddd_sim.integration.events import OrderLine, OrderPlaced
from ddd_sim.integration.wire import decode, encode
from ddd_sim.runtime.catalog import example80_catalog, shop_catalog
from ddd_sim.shared.errors import ConsistencyTimeout, ContractViolation, NotFound
from ddd_sim.shared.ids import AccountId, CustomerId, OrderId, ProductId
from ddd_sim.shared.messages import Command
from ddd_sim.shared.money import Money


class _Session:
    """Runs commands one simulated second apart, after the log's last event."""

    def __init__(self, app: App) -> None:
        self.shop = app.shop
        head = app.store.head_position()
        last = 0.0
        for event in app.store.read_all(from_position=head, limit=1):
            last = event.metadata.sim_time
        self.now = float(int(last) + 1)

    def do(self, command: Command) -> int:
        self.now += 1.0
        return self.shop.execute(command, sim_time=self.now).version

    def catch_up(self) -> None:
        self.shop.clock.sleep(max(0.0, self.now - self.shop.clock.now()))
        self.shop.catch_up()


def run_shop_demo(app: App) -> list[str]:
    """Write a small shop's life into the store and report what each pattern shows."""
    run = len(app.store.streams(prefix="Customer-CUST-D")) + 1
    customer, account = CustomerId(f"CUST-D{run}"), AccountId(f"ACC-D{run}")
    product = ProductId(f"PROD-D{run}")
    first, second = OrderId(f"ORD-D{run}-1"), OrderId(f"ORD-D{run}-2")
    session = _Session(app)
    shop = session.shop
    usd = Money.of
    session.do(
        RegisterCustomer(
            customer_id=customer, name="Grace Hopper", email="grace@ex.org"
        )
    )
    session.do(
        OpenAccount(account_id=account, owner_id=customer, initial_balance=usd("9000"))
    )
    session.do(
        ListProduct(product_id=product, name="Gizmo", price=usd("50"), initial_stock=20)
    )
    line = OrderLineInput(product_id=product, quantity=3, unit_price=usd("50"))
    version = session.do(
        PlaceOrder(order_id=first, customer_id=customer, lines=(line,))
    )
    out = [f"writing customer {customer}, order {first} and more into the store"]
    try:
        shop.ask(GetOrder(order_id=first), cached=False)
        before = "already there"
    except NotFound:
        before = "not in the read model yet"
    session.catch_up()
    detail = shop.ask(GetOrder(order_id=first))
    out.append(
        f"66 CQRS:        PlaceOrder wrote Order-{first} v{version}; GetOrder before "
        f"the projection ran: {before}; after: {detail.status}, total {detail.total}"
    )

    shop.projections.stall("sales.order_list")
    result = shop.execute(
        CancelOrder(order_id=first, reason="found it cheaper"), sim_time=session.now + 1
    )
    session.now += 1
    lag = shop.projections.lag("sales.order_list")
    try:
        shop.wait_for("sales.order_list", result, timeout=2.0)
        waited = "caught up"
    except ConsistencyTimeout as exc:
        waited = f"timed out ({exc})"
    shop.projections.resume("sales.order_list")
    caught = shop.wait_for("sales.order_list", result, timeout=2.0)
    out.append(
        f"67 consistency: order list stalled, {lag.events} event(s) and "
        f"{lag.sim_ms:g} sim ms behind; waiting 2 s {waited}; resumed: lag "
        f"{caught.events}"
    )

    session.do(PlaceOrder(order_id=second, customer_id=customer, lines=(line,)))
    session.do(Deposit(account_id=account, amount=usd("1500")))
    session.catch_up()
    mine = shop.ask(ListOrders(customer_id=str(customer)))
    cancelled = shop.ask(SearchOrders(text="cancelled"))
    rich = shop.ask(SearchAccounts(text="high-balance"))
    out.append(
        f"68 read models: {len(mine)} orders listed for {customer}; search "
        f"'cancelled' finds {len(cancelled)} order(s) in the store; search "
        f"'high-balance' finds {', '.join(h.account_id for h in rich) or 'nothing'} "
        f"(balance over 10,000)"
    )

    pending = shop.ask(GetOrdersForInvoicing(customer_id=str(customer)), cached=False)
    out.append(
        "69 billing:     orders for invoicing: "
        + ", ".join(f"{o.order_id} {o.status.replace('_', ' ')}" for o in pending)
        + f" ({first} was cancelled, so billing dropped it)"
    )

    ask = GetAccountSummary(account_id=account)
    shop.ask(ask)
    shop.ask(ask)
    session.do(Deposit(account_id=account, amount=usd("1")))
    session.catch_up()
    shop.ask(ask)
    steps = " → ".join(
        line.split()[0] for line in shop.cache.stats.log if repr(ask) in line
    )
    out.append(
        f"70 cache:       GetAccountSummary, twice, a deposit, once more: {steps}"
    )

    session.do(
        ChargeWallet(
            account_id=account,
            payment_id=PaymentId(f"PAY-W{second}"),
            order_id=second,
            amount=usd("150"),
            idempotency_key=f"{second}:charge",
        )
    )
    session.catch_up()
    back = shop.rebuild("payment.account_summary", version=1)
    fixed = shop.rebuild("payment.account_summary", version=2)
    mine = [c for c in fixed.diff.changed if c.key == str(account)]
    balance = next(c for c in mine if c.path.endswith(".balance"))
    out.append(
        "70+ versions:   payment.account_summary rebuilt with retired v1 (wallet "
        f"charges ignored): {back.diff.summary()}; rebuilt with v2, the fix reaches "
        f"the past: {fixed.diff.summary()}, e.g. {account} {balance.path} "
        f"{balance.old} -> {balance.new}"
    )
    out += _context_map_examples(session, customer, second)
    return out


def _context_map_examples(
    session: _Session, customer: CustomerId, order: OrderId
) -> list[str]:
    shop = session.shop
    preview = shop.ask(PreviewLegacyImport(), cached=False)
    session.do(ImportLegacyProducts())
    reasons = "; ".join(f"{r.code} {r.field}={r.value!r}" for r in preview.rejected[:2])
    out = [
        f"77 ACL:         legacy ERP: {len(preview.accepted)} to import, "
        f"{len(preview.skipped)} skipped, {len(preview.rejected)} rejected at the "
        f"boundary ({reasons}, …)"
    ]
    session.do(
        PayByCard(
            payment_id=PaymentId(f"PAY-{order}"),
            order_id=order,
            customer_id=customer,
            card_number="4242424242424242",
            exp_month=12,
            exp_year=2030,
            cvv="123",
            amount=Money.of("150.00"),
            idempotency_key=f"{order}:charge",
        )
    )
    stored = shop.store.read_stream(f"CardPayment-PAY-{order}")[-1]
    out.append(
        f"77 conformist:  card payment sent to the provider in its own model "
        f"(amount_cents); stored {stored.type} keeps card "
        f"…{stored.payload.get('card_last4', '?')} only"
    )
    wire = encode(
        OrderPlaced(
            order_id=str(order),
            customer_id=str(customer),
            lines=(
                OrderLine(product_id="PROD-001", quantity=1, unit_price=Money.of("5")),
            ),
            total=Money.of("5"),
        ),
        event_id=stored.event_id,
        sim_time=session.now,
    )
    sent = json.loads(wire)
    sent["dataschema"] = sent["dataschema"][:-1] + "3"
    try:
        decode(json.dumps(sent))
        refused = "accepted?!"
    except ContractViolation as exc:
        refused = str(exc)
    out.append(
        f"79 language:    {sent['type']} travels as a {len(wire)}-byte CloudEvent; "
        f"a version-3 copy is refused: {refused}"
    )
    impact = shop_catalog().impact("inventory")
    seed = example80_catalog().impact("Customer")
    out.append(
        "80 catalog:     changing inventory affects "
        f"{', '.join(impact.transitive_consumers)} and {len(impact.processes)} "
        f"sagas/processes, {len(impact.projections)} "
        f"read models; example 80: Customer affects "
        f"{' and '.join(seed.transitive_consumers)}"
    )
    return out
