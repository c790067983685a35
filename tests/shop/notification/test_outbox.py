"""notification.outbox: one plain-words message per published fact, never two."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from ddd_sim.contexts.notification.application import wiring
from ddd_sim.contexts.notification.application.outbox import Outbox
from ddd_sim.contexts.notification.application.queries import (
    CountNotifications,
    ListNotifications,
    Notification,
)
from ddd_sim.contexts.notification.domain.messages import day_and_clock
from ddd_sim.integration.events import (
    CustomerRegistered,
    OrderCancelled,
    OrderCompleted,
    OrderConfirmed,
    OrderLine,
    OrderPlaced,
    OrderShipped,
    PaymentDeclined,
    PaymentRefunded,
    ShipmentCreated,
    ShipmentDelivered,
)
from ddd_sim.shared.cqrs import QueryTable
from ddd_sim.shared.money import Money
from ddd_sim.shared.read_models import TransactionReadModel, collection_name
from tests.shop.support import DictReadModel, fold_integration, make_deps

USD150 = Money.of("150.00", "USD")

REGISTERED = CustomerRegistered(
    customer_id="CUST-001", name="Ada Lovelace", email="ada@example.org"
)
PLACED = OrderPlaced(
    order_id="ORD-001",
    customer_id="CUST-001",
    lines=(OrderLine(product_id="PROD-001", quantity=3, unit_price=Money.of("50")),),
    total=USD150,
)


def only_message(rm: DictReadModel) -> dict[str, object]:
    [message] = [d for k, d in rm.documents.items() if k.startswith("message:")]
    return dict(message)


@pytest.mark.parametrize(
    ("event", "template", "subject", "body"),
    [
        (
            REGISTERED,
            "welcome",
            "Welcome to the shop",
            "Hello Ada Lovelace, welcome to the shop. "
            "Your customer number is CUST-001.",
        ),
        (
            PLACED,
            "order_placed",
            "Order ORD-001 received",
            "Your order ORD-001 for 150.00 USD has been received.",
        ),
        (
            OrderConfirmed(order_id="ORD-001", customer_id="CUST-001", total=USD150),
            "order_confirmed",
            "Order ORD-001 confirmed",
            "Your order ORD-001 for 150.00 USD is confirmed: "
            "the items are set aside and the payment is taken.",
        ),
        (
            OrderShipped(
                order_id="ORD-001", customer_id="CUST-001", shipment_id="SHP-001"
            ),
            "order_shipped",
            "Order ORD-001 shipped",
            "Your order ORD-001 has left the warehouse in shipment SHP-001.",
        ),
        (
            OrderCancelled(
                order_id="ORD-001",
                customer_id="CUST-001",
                total=USD150,
                reason="out of stock",
            ),
            "order_cancelled",
            "Order ORD-001 cancelled",
            "Your order ORD-001 for 150.00 USD was cancelled: out of stock.",
        ),
        (
            PaymentDeclined(
                payment_id="PAY-1",
                order_id="ORD-001",
                customer_id="CUST-001",
                amount=USD150,
                reason="insufficient funds",
            ),
            "payment_declined",
            "Payment for order ORD-001 declined",
            "Your payment of 150.00 USD for order ORD-001 was declined: "
            "insufficient funds.",
        ),
        (
            PaymentRefunded(
                payment_id="PAY-1",
                order_id="ORD-001",
                customer_id="CUST-001",
                amount=Money.of("150", "EUR"),
            ),
            "payment_refunded",
            "Refund for order ORD-001",
            "We have refunded 150.00 EUR for your order ORD-001.",
        ),
        (
            ShipmentCreated(
                shipment_id="SHP-001",
                order_id="ORD-001",
                estimated_delivery=86400 + 14 * 3600 + 30 * 60 + 59.5,
            ),
            "shipment_created",
            "Shipment SHP-001 booked",
            "Your order ORD-001 will travel in shipment SHP-001, "
            "expected on day 2, 14:30.",
        ),
        (
            ShipmentDelivered(shipment_id="SHP-001", order_id="ORD-001"),
            "shipment_delivered",
            "Order ORD-001 delivered",
            "Shipment SHP-001 with your order ORD-001 has been delivered.",
        ),
    ],
    ids=lambda value: getattr(value, "event_type", None),
)
def test_each_fact_writes_one_message_in_plain_words(
    event: Any, template: str, subject: str, body: str
) -> None:
    rm = DictReadModel()
    rm.put("order:ORD-001", {"customer_id": "CUST-001"})  # shipments name no customer
    fold_integration(Outbox(), [event], rm=rm, start_time=10.0)

    assert only_message(rm) == {
        "message_id": f"MSG-{uuid.UUID(int=1)}",
        "channel": "email",
        "customer_id": "CUST-001",
        "email": "ada@example.org" if template == "welcome" else None,
        "template": template,
        "subject": subject,
        "body": body,
        "sim_time": 11.0,
        "position": 1,
        "event_type": event.event_type,
    }


def test_a_registered_customers_email_addresses_their_later_messages() -> None:
    rm = fold_integration(Outbox(), [REGISTERED, PLACED])
    emails = {
        d["template"]: d["email"] for d in rm.documents.values() if "template" in d
    }
    assert emails == {"welcome": "ada@example.org", "order_placed": "ada@example.org"}
    assert rm.documents["contact:CUST-001"] == {
        "customer_id": "CUST-001",
        "name": "Ada Lovelace",
        "email": "ada@example.org",
    }


def test_a_shipment_reaches_the_customer_who_placed_the_order() -> None:
    delivered = ShipmentDelivered(shipment_id="SHP-001", order_id="ORD-001")
    stranger = ShipmentDelivered(shipment_id="SHP-002", order_id="ORD-404")
    rm = fold_integration(Outbox(), [REGISTERED, PLACED, delivered, stranger])
    recipients = {
        d["subject"]: (d["customer_id"], d["email"])
        for d in rm.documents.values()
        if d.get("template") == "shipment_delivered"
    }
    assert recipients == {
        "Order ORD-001 delivered": ("CUST-001", "ada@example.org"),
        "Order ORD-404 delivered": (None, None),
    }


def test_a_redelivered_event_never_writes_a_second_message() -> None:
    rm = fold_integration(Outbox(), [PLACED], start_time=5.0)
    first = dict(rm.documents)
    fold_integration(Outbox(), [PLACED], rm=rm, start_time=500.0)  # same event id
    assert rm.documents == first


def test_facts_that_call_for_no_message_write_none() -> None:
    completed = OrderCompleted(order_id="ORD-001", customer_id="CUST-001", total=USD150)
    rm = fold_integration(Outbox(), [completed])
    assert [k for k in rm.documents if k.startswith("message:")] == []


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0.0, "day 1, 00:00"),
        (59.9, "day 1, 00:00"),
        (86399.0, "day 1, 23:59"),
        (86400.0, "day 2, 00:00"),
        (3 * 86400 + 9 * 3600 + 5 * 60, "day 4, 09:05"),
    ],
)
def test_simulated_moments_read_as_day_and_clock(seconds: float, words: str) -> None:
    assert day_and_clock(seconds) == words


# -- queries -------------------------------------------------------------------
def fold_into_store(events: list[object]) -> QueryTable:
    deps = make_deps(projections=wiring.PROJECTIONS)
    outbox = Outbox()
    with deps.store.transaction() as tx:
        writer = TransactionReadModel(tx, collection_name(outbox.name, outbox.version))
        fold_integration(outbox, events, rm=writer)
    return wiring.query_handlers(deps)


def test_notifications_are_listed_by_simulated_time_and_counted_by_template() -> None:
    other = CustomerRegistered(
        customer_id="CUST-002", name="Bo", email="bo@example.org"
    )
    second_order = OrderPlaced(
        order_id="ORD-002", customer_id="CUST-002", lines=(), total=Money.of("5")
    )
    queries = fold_into_store([REGISTERED, other, PLACED, second_order])

    everyone = queries[ListNotifications](ListNotifications())
    assert [(n.sim_time, n.subject) for n in everyone] == [
        (1.0, "Welcome to the shop"),
        (2.0, "Welcome to the shop"),
        (3.0, "Order ORD-001 received"),
        (4.0, "Order ORD-002 received"),
    ]
    ada = queries[ListNotifications](ListNotifications(customer_id="CUST-001"))
    assert ada == (
        Notification(
            message_id=f"MSG-{uuid.UUID(int=1)}",
            channel="email",
            customer_id="CUST-001",
            email="ada@example.org",
            template="welcome",
            subject="Welcome to the shop",
            body="Hello Ada Lovelace, welcome to the shop. "
            "Your customer number is CUST-001.",
            sim_time=1.0,
            event_type="shop.customer.customer.registered",
        ),
        everyone[2],
    )
    counts = queries[CountNotifications](CountNotifications())
    assert counts.total == 4
    assert counts.by_template == (("order_placed", 2), ("welcome", 2))
    assert counts.of("welcome") == 2
    assert counts.of("order_shipped") == 0


def test_notification_wiring_has_no_aggregate_and_no_commands() -> None:
    assert wiring.EVENTS == ()
    assert wiring.STREAM_CATEGORIES == ()
    assert wiring.TRANSLATORS == {}
    assert wiring.command_handlers(make_deps()) == {}
    assert [(p.name, p.source) for p in wiring.PROJECTIONS] == [
        ("notification.outbox", "integration")
    ]
