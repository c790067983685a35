"""Payment conforms to the card provider: our commands in, our outcomes out."""

from __future__ import annotations

from ddd_sim.contexts.payment.application.card_provider import (
    CardProviderPort,
    ProviderChargeRequest,
    ProviderRequestError,
)
from ddd_sim.contexts.payment.application.commands import PayByCard
from ddd_sim.contexts.payment.domain.card_payment import ChargeOutcome
from ddd_sim.shared.errors import DomainError
from ddd_sim.shared.money import Money


def minor_units(money: Money) -> int:
    """An amount in its currency's smallest unit (cents; yen are already whole).

    ``Money`` is quantised to its currency's minor unit, so the decimal
    exponent says how many digits to shift: 12.50 USD is 1250, 1000 JPY 1000.
    """
    exponent = money.amount.as_tuple().exponent
    if not isinstance(exponent, int):  # only non-finite decimals lack one
        raise DomainError(f"{money} has no minor units")
    return int(money.amount.scaleb(-exponent))


def provider_key(command: PayByCard) -> str:
    """The key the provider dedupes on: the caller's key within its payment.

    The provider sees no payment or order, so a bare key reused for another
    payment would get the first payment's charge back and record a capture
    that took no money; scoped by payment, a retry of the same payment still
    gets the first answer.
    """
    return f"{command.payment_id}:{command.idempotency_key}"


def charge_request(command: PayByCard) -> ProviderChargeRequest:
    """The provider's form of a card payment: cents and a lowercase currency."""
    return ProviderChargeRequest(
        card_number=command.card_number,
        exp_month=command.exp_month,
        exp_year=command.exp_year,
        cvv=command.cvv,
        amount_cents=minor_units(command.amount),
        currency=command.amount.currency.lower(),
        idempotency_key=provider_key(command),
    )


class CardProviderAdapter:
    """Speaks the provider's model so the rest of payment never has to."""

    def __init__(self, provider: CardProviderPort) -> None:
        self._provider = provider

    def charge(self, command: PayByCard) -> ChargeOutcome:
        """Charge the card; a decline is an outcome, a refusal an error."""
        try:
            response = self._provider.charge(charge_request(command))
        except ProviderRequestError as exc:
            raise DomainError(
                f"card provider refused payment {command.payment_id} "
                f"for {command.order_id}: {exc}"
            ) from exc
        if response.status == "succeeded":
            return ChargeOutcome(charge_id=response.charge_id)
        return ChargeOutcome(decline_code=response.decline_code or "declined")

    def refund(self, payment_id: str, charge_id: str) -> str:
        """Refund a charge at the provider; the refund's id."""
        try:
            return self._provider.refund(charge_id).refund_id
        except ProviderRequestError as exc:
            raise DomainError(
                f"card provider refused to refund payment {payment_id}: {exc}"
            ) from exc
