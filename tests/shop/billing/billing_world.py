"""A billing context on a memory store, fed integration events by hand."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from ddd_sim.contexts.billing.application import wiring
from ddd_sim.contexts.billing.application.orders_view import BillingOrders
from ddd_sim.integration.events import (
    OrderCancelled,
    OrderLine,
    OrderPlaced,
    PaymentCaptured,
    PaymentRefunded,
)
from ddd_sim.shared.cqrs import CommandResult
from ddd_sim.shared.money import Money
from ddd_sim.shared.read_models import (
    EventMeta,
    TransactionReadModel,
    collection_name,
)
from tests.shop.support import ContextWorld


def placed(
    order: str, customer: str = "CUST-001", total: str = "150.00"
) -> OrderPlaced:
    money = Money.of(total, "USD")
    line = OrderLine(product_id="PROD-001", quantity=1, unit_price=money)
    return OrderPlaced(order_id=order, customer_id=customer, lines=(line,), total=money)


def cancelled(
    order: str, customer: str = "CUST-001", total: str = "150.00"
) -> OrderCancelled:
    return OrderCancelled(
        order_id=order,
        customer_id=customer,
        total=Money.of(total, "USD"),
        reason="customer changed their mind",
    )


def captured(
    order: str, customer: str = "CUST-001", amount: str = "150.00", payment="PAY-1"
) -> PaymentCaptured:
    return PaymentCaptured(
        payment_id=payment,
        order_id=order,
        customer_id=customer,
        amount=Money.of(amount, "USD"),
        method="wallet",
    )


def refunded(
    order: str, customer: str = "CUST-001", amount: str = "150.00", payment="PAY-1"
) -> PaymentRefunded:
    return PaymentRefunded(
        payment_id=payment,
        order_id=order,
        customer_id=customer,
        amount=Money.of(amount, "USD"),
    )


class BillingWorld(ContextWorld):
    """Billing's handlers over a memory store; ``publish`` folds into billing.orders."""

    catch_up_on_ask = False

    def __init__(self) -> None:
        super().__init__(wiring)
        self._positions = itertools.count(1)
        self.now = 0.0

    def publish(self, *events: Any) -> None:
        """Hand integration events to billing.orders, as the runtime would."""
        projection = BillingOrders()
        collection = collection_name(projection.name, projection.version)
        with self.deps.store.transaction() as tx:
            rm = TransactionReadModel(tx, collection)
            for event in events:
                position = next(self._positions)
                self.now += 1
                meta = EventMeta(
                    event_id=uuid.UUID(int=position),
                    stream_id=f"published-{position}",
                    stream_version=1,
                    position=position,
                    sim_time=self.now,
                )
                projection.handle(event, meta, rm)

    def order(self, order_id: str) -> Any:
        """billing.orders' document for one order."""
        return self.deps.read_model(BillingOrders.name).get(order_id)

    def do(self, command: Any, at: float | None = 100.0) -> CommandResult:
        """Run a command, then let billing.invoices catch up."""
        result = super().do(command, at)
        self.refresh()
        return result

    def stored_types(self) -> list[str]:
        return [e.type for e in self.deps.store.read_all()]
