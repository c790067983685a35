"""The simulated card provider and the adapter that speaks its language."""

from __future__ import annotations

import pytest

from ddd_sim.contexts.payment.application.card_adapter import (
    charge_request,
    minor_units,
)
from ddd_sim.contexts.payment.application.card_provider import (
    ProviderChargeRequest,
    ProviderChargeResponse,
    ProviderRefundResponse,
    ProviderRequestError,
    SimulatedCardProvider,
)
from ddd_sim.contexts.payment.application.commands import PayByCard
from ddd_sim.contexts.payment.domain.ids import PaymentId
from ddd_sim.shared.ids import CustomerId, OrderId
from ddd_sim.shared.money import Money

GOOD_CARD = "4242424242424242"


def request(
    card: str = GOOD_CARD,
    *,
    month: int = 12,
    year: int = 2027,
    cvv: str = "987",
    cents: int = 1250,
    key: str = "k-1",
) -> ProviderChargeRequest:
    return ProviderChargeRequest(
        card_number=card,
        exp_month=month,
        exp_year=year,
        cvv=cvv,
        amount_cents=cents,
        currency="usd",
        idempotency_key=key,
    )


@pytest.mark.parametrize(
    ("amount", "currency", "cents"),
    [
        ("12.50", "USD", 1250),
        ("99.99", "EUR", 9999),
        ("0.05", "USD", 5),
        ("1000", "JPY", 1000),
        ("1", "JPY", 1),
        ("1234567.89", "GBP", 123456789),
    ],
)
def test_amounts_become_minor_units_of_their_currency(
    amount: str, currency: str, cents: int
) -> None:
    assert minor_units(Money.of(amount, currency)) == cents


def test_a_card_payment_becomes_the_providers_request() -> None:
    command = PayByCard(
        payment_id=PaymentId("PAY-001"),
        order_id=OrderId("ORD-001"),
        customer_id=CustomerId("CUST-001"),
        card_number=GOOD_CARD,
        exp_month=12,
        exp_year=2027,
        cvv="987",
        amount=Money.of("1500", "JPY"),
        idempotency_key="k-1",
    )
    assert charge_request(command) == ProviderChargeRequest(
        card_number=GOOD_CARD,
        exp_month=12,
        exp_year=2027,
        cvv="987",
        amount_cents=1500,
        currency="jpy",
        idempotency_key="PAY-001:k-1",
    )


def test_a_good_card_is_charged() -> None:
    provider = SimulatedCardProvider()
    assert provider.charge(request()) == ProviderChargeResponse(
        charge_id="ch_sim_000001", status="succeeded"
    )
    assert (provider.charges_made, provider.captured_cents()) == (1, 1250)


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"card": "4000000000000002"}, "card_declined"),
        ({"card": "4000000000009995"}, "insufficient_funds"),
        ({"card": "4242-4242-4242"}, "invalid_number"),
        ({"card": "42424242"}, "invalid_number"),
        ({"month": 13}, "invalid_expiry_month"),
        ({"month": 0}, "invalid_expiry_month"),
        ({"year": 2024, "month": 12}, "expired_card"),
        ({"cvv": "12"}, "invalid_cvc"),
        ({"cvv": "12a"}, "invalid_cvc"),
    ],
)
def test_the_provider_declines_with_its_own_codes(overrides, code: str) -> None:
    provider = SimulatedCardProvider(current_month=(2025, 1))
    response = provider.charge(request(**overrides))
    assert (response.status, response.decline_code) == ("declined", code)
    assert provider.captured_cents() == 0


def test_a_card_expiring_this_month_is_still_good() -> None:
    provider = SimulatedCardProvider(current_month=(2025, 6))
    assert provider.charge(request(year=2025, month=6)).status == "succeeded"


def test_a_repeated_key_gets_the_first_answer_and_is_charged_once() -> None:
    provider = SimulatedCardProvider()
    first = provider.charge(request())
    again = provider.charge(request())
    assert again == first
    assert (provider.charges_made, provider.requests_received) == (1, 2)
    assert provider.captured_cents() == 1250


def test_a_repeated_key_with_other_parameters_is_refused() -> None:
    provider = SimulatedCardProvider()
    provider.charge(request())
    with pytest.raises(ProviderRequestError, match="'k-1' was already used"):
        provider.charge(request(cents=999))
    assert provider.charges_made == 1


def test_a_non_positive_amount_is_refused_outright() -> None:
    provider = SimulatedCardProvider()
    with pytest.raises(ProviderRequestError, match="amount_cents must be a positive"):
        provider.charge(request(cents=0))
    assert provider.charges_made == 0


def test_refunds_are_idempotent_by_charge() -> None:
    provider = SimulatedCardProvider()
    charge_id = provider.charge(request()).charge_id
    first = provider.refund(charge_id)
    assert first == ProviderRefundResponse(
        refund_id="re_sim_000001", charge_id=charge_id
    )
    assert provider.refund(charge_id) == first
    assert (provider.refunds_made, provider.captured_cents()) == (1, 0)


def test_only_a_succeeded_charge_can_be_refunded() -> None:
    provider = SimulatedCardProvider()
    declined = provider.charge(request("4000000000000002")).charge_id
    with pytest.raises(ProviderRequestError, match="no succeeded charge"):
        provider.refund(declined)
    with pytest.raises(ProviderRequestError, match="'ch_nope'"):
        provider.refund("ch_nope")


def test_card_details_stay_out_of_the_requests_repr() -> None:
    text = repr(request())
    assert GOOD_CARD not in text
    assert "987" not in text
