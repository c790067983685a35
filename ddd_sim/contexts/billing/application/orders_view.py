"""``billing.orders``: billing's own view of orders, folded from the published language.

Each order document keeps the facts billing has seen (placed, payments
captured and refunded by payment id, cancelled) and derives its status from
them, so events may arrive in any order and any number of times: a payment
captured for an order billing has not seen placed is recorded at once, and
the order's details fill in when ``OrderPlaced`` arrives.
"""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.billing.domain.orders import (
    BillableOrder,
    BillingStatus,
    billing_status,
)
from ddd_sim.integration.events import (
    OrderCancelled,
    OrderPlaced,
    PaymentCaptured,
    PaymentRefunded,
)
from ddd_sim.shared.errors import NotFound
from ddd_sim.shared.events import JsonObject
from ddd_sim.shared.ids import CustomerId
from ddd_sim.shared.money import Money
from ddd_sim.shared.read_models import EventMeta, Projection, ReadModelWriter


def _blank(order_id: str) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "customer_id": None,
        "total": None,
        "placed": False,
        "placed_at": None,
        "captures": {},
        "refunds": {},
        "cancelled": False,
        "cancel_reason": None,
    }


class BillingOrders(Projection):
    """Billing's orders: pending payment, paid, cancelled or refunded, by order id."""

    name = "billing.orders"
    version = 1
    source = "integration"
    event_types = (
        OrderPlaced.event_type,
        OrderCancelled.event_type,
        PaymentCaptured.event_type,
        PaymentRefunded.event_type,
    )
    description = (
        "Orders in billing's words (pending payment, paid, cancelled, refunded), "
        "built from Sales' and Payment's integration events"
    )

    def handle(self, event: Any, meta: EventMeta, rm: ReadModelWriter) -> None:
        stored = rm.get(event.order_id)
        doc = _blank(event.order_id) if stored is None else dict(stored)
        if doc["customer_id"] is None:
            doc["customer_id"] = event.customer_id
        if isinstance(event, OrderPlaced):
            doc.update(
                placed=True,
                placed_at=meta.sim_time,
                total=event.total.to_json(),
                customer_id=event.customer_id,
            )
        elif isinstance(event, OrderCancelled):
            doc.update(cancelled=True, cancel_reason=event.reason)
            if doc["total"] is None:
                doc["total"] = event.total.to_json()
        elif isinstance(event, PaymentCaptured):
            doc["captures"] = {
                **doc["captures"],
                event.payment_id: event.amount.to_json(),
            }
        elif isinstance(event, PaymentRefunded):
            doc["refunds"] = {
                **doc["refunds"],
                event.payment_id: event.amount.to_json(),
            }
        else:
            return
        doc["status"] = billing_status(
            captured=bool(doc["captures"]),
            cancelled=doc["cancelled"],
            refunded=bool(doc["refunds"]),
        ).value
        doc["updated_at"] = meta.sim_time
        rm.put(event.order_id, doc)


def billable_order(doc: JsonObject | None, order_id: str) -> BillableOrder:
    """An order billing has seen placed, as the invoice aggregate needs it."""
    if doc is None:
        raise NotFound(f"billing knows no order {order_id}")
    status = BillingStatus(doc["status"])
    if doc["total"] is None or doc["customer_id"] is None:
        raise NotFound(
            f"billing has not seen order {order_id} placed yet "
            f"(it is {status.label} so far)"
        )
    return BillableOrder(
        order_id=order_id,
        customer_id=CustomerId(doc["customer_id"]),
        amount=Money.from_json(doc["total"]),
        status=status,
    )
