"""Payment's events in the published language, and the wiring bootstrap reads."""

from __future__ import annotations

import uuid

import pytest

from ddd_sim.contexts.payment.application.commands import (
    ChargeWallet,
    Deposit,
    OpenAccount,
    PayByCard,
    RefundCardPayment,
    RefundWallet,
    Withdraw,
)
from ddd_sim.contexts.payment.application.translators import wallet_charged
from ddd_sim.contexts.payment.application.wiring import (
    EVENTS,
    PROJECTIONS,
    STREAM_CATEGORIES,
    TRANSLATORS,
)
from ddd_sim.contexts.payment.domain.events import MoneyDeposited
from ddd_sim.contexts.payment.domain.ids import PaymentId
from ddd_sim.integration.events import (
    PaymentCaptured,
    PaymentDeclined,
    PaymentRefunded,
)
from ddd_sim.shared.read_models import EventMeta
from tests.shop.payment.payment_support import Payment, acc, cust, order, payment, usd


def card(n: int, number: str) -> PayByCard:
    return PayByCard(
        payment_id=PaymentId.from_number(n),
        order_id=order(n),
        customer_id=cust(1),
        card_number=number,
        exp_month=1,
        exp_year=2030,
        cvv="123",
        amount=usd("20"),
        idempotency_key=f"card-{n}",
    )


def published(p: Payment) -> list[object]:
    out = []
    for recorded in p.deps.store.read_all():
        translate = TRANSLATORS.get(recorded.type)
        if translate is None:
            continue
        meta = EventMeta(
            event_id=recorded.event_id,
            stream_id=recorded.stream_id,
            stream_version=recorded.stream_version,
            position=recorded.global_position,
            sim_time=recorded.metadata.sim_time,
        )
        out.append(translate(p.deps.registry.to_domain_event(recorded), meta))
    return out


def test_payments_are_published_and_wallet_movements_are_not() -> None:
    p = payment()
    p.do(OpenAccount(account_id=acc(1), owner_id=cust(1), initial_balance=usd("100")))
    p.do(Deposit(account_id=acc(1), amount=usd("5")))
    p.do(Withdraw(account_id=acc(1), amount=usd("5")))
    p.do(
        ChargeWallet(
            account_id=acc(1),
            payment_id=PaymentId("PAY-001"),
            order_id=order(1),
            amount=usd("30"),
            idempotency_key="w-1",
        )
    )
    p.do(RefundWallet(account_id=acc(1), idempotency_key="w-1"))
    p.do(card(2, "4242424242424242"))
    p.do(RefundCardPayment(payment_id=PaymentId("PAY-002")))
    p.do(card(3, "4000000000000002"))
    wallet = {"payment_id": "PAY-001", "order_id": "ORD-001", "customer_id": "CUST-001"}
    by_card = {
        "payment_id": "PAY-002",
        "order_id": "ORD-002",
        "customer_id": "CUST-001",
    }
    assert published(p) == [
        PaymentCaptured(**wallet, amount=usd("30"), method="wallet"),
        PaymentRefunded(**wallet, amount=usd("30")),
        PaymentCaptured(**by_card, amount=usd("20"), method="card"),
        PaymentRefunded(**by_card, amount=usd("20")),
        PaymentDeclined(
            payment_id="PAY-003",
            order_id="ORD-003",
            customer_id="CUST-001",
            amount=usd("20"),
            reason="card_declined",
        ),
    ]


def test_a_translator_refuses_an_event_of_another_type() -> None:
    meta = EventMeta(
        event_id=uuid.UUID(int=1),
        stream_id="s",
        stream_version=1,
        position=1,
        sim_time=0,
    )
    with pytest.raises(TypeError, match="expected WalletCharged, got MoneyDeposited"):
        wallet_charged(MoneyDeposited(account_id="ACC-001", amount=usd("1")), meta)


def test_the_wiring_names_every_event_stream_and_read_model() -> None:
    assert {cls.event_type for cls in EVENTS} == {
        "AccountOpened",
        "MoneyDeposited",
        "MoneyWithdrawn",
        "WalletCharged",
        "WalletRefunded",
        "CardPaymentCaptured",
        "CardPaymentDeclined",
        "CardPaymentRefunded",
    }
    assert set(TRANSLATORS) <= {cls.event_type for cls in EVENTS}
    assert STREAM_CATEGORIES == ("Account", "CardPayment")
    assert [p.name for p in PROJECTIONS] == [
        "payment.account_summary",
        "payment.account_search",
    ]
