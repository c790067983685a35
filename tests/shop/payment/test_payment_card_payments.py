"""Card payments: commands, decisions, idempotency, and what is (not) stored."""

from __future__ import annotations

import json

import pytest

from ddd_sim.contexts.payment.application.card_provider import SimulatedCardProvider
from ddd_sim.contexts.payment.application.commands import PayByCard, RefundCardPayment
from ddd_sim.contexts.payment.application.wiring import command_handlers
from ddd_sim.contexts.payment.domain.ids import PaymentId
from ddd_sim.shared.cqrs import CommandContext
from ddd_sim.shared.errors import DomainError, ValidationError
from ddd_sim.shared.money import Money
from tests.shop.payment.payment_support import Payment, cust, order, payment, usd

CARD = "4242424242424242"
CVV = "987"


def pay(
    n: int = 1,
    *,
    card: str = CARD,
    amount: Money | None = None,
    key: str = "k-1",
    year: int = 2027,
) -> PayByCard:
    return PayByCard(
        payment_id=PaymentId.from_number(n),
        order_id=order(n),
        customer_id=cust(1),
        card_number=card,
        exp_month=12,
        exp_year=year,
        cvv=CVV,
        amount=amount or usd("99.99"),
        idempotency_key=key,
    )


def refund(n: int = 1) -> RefundCardPayment:
    return RefundCardPayment(payment_id=PaymentId.from_number(n))


def test_a_good_card_is_captured_keeping_only_its_last_four_digits() -> None:
    p = payment()
    result = p.do(pay(), 5.0)
    assert (result.stream_id, result.version, result.written) == (
        "CardPayment-PAY-001",
        1,
        True,
    )
    assert p.stored() == [
        (
            "CardPaymentCaptured",
            {
                "payment_id": "PAY-001",
                "order_id": "ORD-001",
                "customer_id": "CUST-001",
                "amount": {"amount": "99.99", "currency": "USD"},
                "charge_id": "ch_sim_000001",
                "card_last4": "4242",
                "idempotency_key": "k-1",
            },
        )
    ]
    assert p.provider.captured_cents() == 9999


@pytest.mark.parametrize(
    ("card", "year", "code"),
    [
        ("4000000000000002", 2027, "card_declined"),
        ("4000000000009995", 2027, "insufficient_funds"),
        (CARD, 2020, "expired_card"),
    ],
)
def test_a_declined_card_records_the_providers_code(
    card: str, year: int, code: str
) -> None:
    p = payment()
    p.do(pay(card=card, year=year))
    [(event_type, payload)] = p.stored()
    assert (event_type, payload["decline_code"], payload["card_last4"]) == (
        "CardPaymentDeclined",
        code,
        card[-4:],
    )


def test_a_retried_payment_writes_nothing_and_charges_once() -> None:
    p = payment()
    first = p.do(pay())
    again = p.do(pay())
    assert not again.written
    assert (again.version, again.position) == (first.version, first.position)
    assert p.provider.charges_made == 1
    assert len(p.stored()) == 1


def test_a_retry_after_a_lost_write_gets_the_providers_first_answer() -> None:
    provider = SimulatedCardProvider()
    lost = payment(provider=provider)  # its store stands for the write that was lost
    lost.do(pay())
    retried = payment(provider=provider)
    retried.do(pay())
    assert retried.stored()[0][1]["charge_id"] == "ch_sim_000001"
    assert provider.charges_made == 1
    assert provider.captured_cents() == 9999


def test_a_retried_decline_stays_declined_without_asking_again() -> None:
    p = payment()
    p.do(pay(card="4000000000000002"))
    assert not p.do(pay(card="4000000000000002")).written
    assert p.provider.requests_received == 1


def test_a_different_payment_under_a_used_id_is_refused() -> None:
    p = payment()
    p.do(pay())
    with pytest.raises(
        DomainError,
        match=r"card payment PAY-001 was already captured for 99\.99 USD for ORD-001 "
        r"\(key 'k-1', card ending 4242\); it cannot be made again for 5\.00 USD",
    ):
        p.do(pay(amount=usd("5")))
    assert p.provider.charges_made == 1


def test_one_key_on_two_payments_makes_two_charges() -> None:
    p = payment()
    p.do(pay(1))
    p.do(pay(2))
    charges = [payload["charge_id"] for _, payload in p.stored()]
    assert charges == ["ch_sim_000001", "ch_sim_000002"]
    assert p.provider.charges_made == 2


def test_a_retry_the_provider_saw_with_other_parameters_is_a_clear_error() -> None:
    provider = SimulatedCardProvider()
    payment(provider=provider).do(pay())  # written to a store since lost
    retried = payment(provider=provider)
    with pytest.raises(
        DomainError,
        match=r"card provider refused payment PAY-001 for ORD-001: "
        r"idempotency key 'PAY-001:k-1' was already used",
    ):
        retried.do(pay(amount=usd("5")))
    assert retried.stored() == []


def test_no_card_number_or_security_code_is_ever_stored() -> None:
    p = payment()
    p.do(pay(1, key="k-1"))
    p.do(pay(2, key="k-2", card="4000000000000002"))
    p.do(refund(1))
    stored = json.dumps(p.stored())
    assert CARD not in stored
    assert "4000000000000002" not in stored
    assert CVV not in stored
    assert "cvv" not in stored
    assert "card_number" not in stored


def test_card_details_stay_out_of_the_commands_repr_and_errors() -> None:
    assert CARD not in repr(pay())
    assert CVV not in repr(pay())
    with pytest.raises(ValidationError) as raised:
        pay(card="4242 4242 4242 4242")
    assert str(raised.value) == (
        "PayByCard.card_number must be 12 to 19 digits, got 19 characters for ORD-001"
    )
    assert "4242" not in str(raised.value)


def test_a_card_payment_amount_must_be_positive() -> None:
    with pytest.raises(
        ValidationError, match=r"PayByCard\.amount must be positive, got -1\.00 USD"
    ):
        pay(amount=usd("-1"))


def test_refund_gives_a_captured_payment_back_once() -> None:
    p = payment()
    p.do(pay())
    first = p.do(refund())
    again = p.do(refund())
    assert (first.written, again.written, again.version) == (True, False, 2)
    assert p.stored()[-1] == (
        "CardPaymentRefunded",
        {
            "payment_id": "PAY-001",
            "order_id": "ORD-001",
            "customer_id": "CUST-001",
            "amount": {"amount": "99.99", "currency": "USD"},
            "charge_id": "ch_sim_000001",
            "refund_id": "re_sim_000001",
        },
    )
    assert (p.provider.refunds_made, p.provider.captured_cents()) == (1, 0)


def test_refunding_what_took_no_money_is_harmless() -> None:
    p = payment()
    never = p.do(refund(9))
    assert (never.written, never.stream_id) == (False, "CardPayment-PAY-009")
    p.do(pay(card="4000000000000002"))
    declined = p.do(refund())
    assert (declined.written, declined.version) == (False, 1)
    assert p.provider.refunds_made == 0


def test_without_a_provider_the_handlers_use_the_simulated_one() -> None:
    p = payment()
    table = command_handlers(p.deps)
    result = table[PayByCard](pay(), CommandContext(sim_time=1.0))
    assert result.written
    assert Payment(p.deps).stored()[0][0] == "CardPaymentCaptured"
