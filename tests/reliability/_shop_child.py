"""Child of the shop kill test: runs orders through the shop until it is killed.

Run as ``python _shop_child.py STORE``.  It resumes after the orders a
previous child placed, prints ``START <n>``, and after each command has
returned (so its events are committed) prints ``ACK <stream> <version>``.
Between commands it lets every projection catch up a little, so kills land
inside projection batches too.
"""

from __future__ import annotations

import sys

from ddd_sim.bootstrap import bootstrap
from ddd_sim.contexts.customer.application.commands import RegisterCustomer
from ddd_sim.contexts.inventory.application.commands import (
    ListProduct,
    ReceiveStock,
    ReserveStock,
)
from ddd_sim.contexts.payment.application.commands import ChargeWallet, OpenAccount
from ddd_sim.contexts.payment.domain.ids import PaymentId
from ddd_sim.contexts.sales.application.commands import (
    CancelOrder,
    ConfirmOrder,
    PlaceOrder,
)
from ddd_sim.contexts.sales.domain.lines import OrderLineInput
from ddd_sim.runtime.clock import ManualClock
from ddd_sim.shared.ids import AccountId, CustomerId, OrderId, ProductId
from ddd_sim.shared.messages import Command
from ddd_sim.shared.money import Money

CUSTOMER, ACCOUNT, PRODUCT = (
    CustomerId("CUST-K"),
    AccountId("ACC-K"),
    ProductId("PROD-K"),
)


def main(location: str) -> None:
    app = bootstrap(location, clock=ManualClock())
    shop = app.shop
    names = shop.projections.names()

    def do(command: Command, at: float) -> None:
        result = shop.execute(command, sim_time=at)
        print(f"ACK {result.stream_id} {result.version}", flush=True)

    start = len(app.store.streams(prefix="Order-ORD-K"))
    if app.store.stream_version(f"Customer-{CUSTOMER}") == 0:
        do(RegisterCustomer(customer_id=CUSTOMER, name="Kim", email="kim@ex.org"), 0)
        do(
            OpenAccount(
                account_id=ACCOUNT,
                owner_id=CUSTOMER,
                initial_balance=Money.of("1000000"),
            ),
            0,
        )
        do(
            ListProduct(
                product_id=PRODUCT, name="Kit", price=Money.of("10"), initial_stock=0
            ),
            0,
        )
    print(f"START {start}", flush=True)
    for n in range(start, start + 100_000):
        order, at = OrderId(f"ORD-K{n:06d}"), float(n)
        line = OrderLineInput(product_id=PRODUCT, quantity=1, unit_price=Money.of("10"))
        do(ReceiveStock(product_id=PRODUCT, quantity=1), at)
        do(PlaceOrder(order_id=order, customer_id=CUSTOMER, lines=(line,)), at)
        do(ReserveStock(product_id=PRODUCT, order_id=order, quantity=1), at)
        if n % 5 == 4:
            do(CancelOrder(order_id=order, reason="kill test"), at)
        else:
            do(
                ChargeWallet(
                    account_id=ACCOUNT,
                    payment_id=PaymentId(f"PAY-K{n:06d}"),
                    order_id=order,
                    amount=Money.of("10"),
                    idempotency_key=f"k-{n}",
                ),
                at,
            )
            do(ConfirmOrder(order_id=order), at)
        shop.projections.poll(names[n % len(names)], max_events=7)


if __name__ == "__main__":
    main(sys.argv[1])
