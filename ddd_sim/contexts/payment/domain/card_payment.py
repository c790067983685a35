"""A payment by card: captured or declined once, refunded at most once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ddd_sim.contexts.payment.domain.card_events import (
    CardPaymentCaptured,
    CardPaymentDeclined,
    CardPaymentRefunded,
)
from ddd_sim.shared.aggregate import Aggregate, applies
from ddd_sim.shared.errors import DomainError, ValidationError
from ddd_sim.shared.money import Money

CardPaymentStatus = Literal["new", "captured", "declined", "refunded"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CardChargeRequest:
    """What a card payment asks for, as the domain keeps it (no card details)."""

    payment_id: str
    order_id: str
    customer_id: str
    amount: Money
    card_last4: str
    idempotency_key: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ChargeOutcome:
    """The provider's answer in our words: a charge id, or a decline code."""

    charge_id: str | None = None
    decline_code: str | None = None

    def __post_init__(self) -> None:
        if (self.charge_id is None) == (self.decline_code is None):
            raise ValidationError(
                "a charge outcome is either a charge id or a decline code, "
                f"got charge_id={self.charge_id!r}, decline_code={self.decline_code!r}"
            )


class CardPayment(Aggregate):
    """One card payment per id: settled once, then only refunded.

    A retry of the same request under the same id changes nothing; a
    different request under an id already used is refused.
    """

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.status: CardPaymentStatus = "new"
        self.request: CardChargeRequest | None = None
        self.charge_id: str | None = None
        self.decline_code: str | None = None
        self.refund_id: str | None = None

    # -- decisions ----------------------------------------------------------
    @classmethod
    def settle(cls, request: CardChargeRequest, outcome: ChargeOutcome) -> CardPayment:
        """Record what the provider decided for a new payment."""
        payment = cls(request.payment_id)
        if outcome.charge_id is not None:
            payment._record(
                CardPaymentCaptured(
                    payment_id=request.payment_id,
                    order_id=request.order_id,
                    customer_id=request.customer_id,
                    amount=request.amount,
                    charge_id=outcome.charge_id,
                    card_last4=request.card_last4,
                    idempotency_key=request.idempotency_key,
                )
            )
        else:
            payment._record(
                CardPaymentDeclined(
                    payment_id=request.payment_id,
                    order_id=request.order_id,
                    customer_id=request.customer_id,
                    amount=request.amount,
                    card_last4=request.card_last4,
                    decline_code=outcome.decline_code or "",
                    idempotency_key=request.idempotency_key,
                )
            )
        return payment

    def confirm_retry(self, request: CardChargeRequest) -> None:
        """Accept a repeat of the request this payment settled; refuse any other."""
        mine = self.request
        if mine is None:
            raise DomainError(f"card payment {self.id} has not been made")
        if mine == request:
            return
        raise DomainError(
            f"card payment {self.id} was already {self.status} for {mine.amount} "
            f"for {mine.order_id} (key {mine.idempotency_key!r}, card ending "
            f"{mine.card_last4}); it cannot be made again for {request.amount} "
            f"for {request.order_id} (key {request.idempotency_key!r}, card ending "
            f"{request.card_last4})"
        )

    @property
    def refundable(self) -> bool:
        """Only a captured payment has money at the provider to give back."""
        return self.status == "captured"

    def refund(self, refund_id: str) -> None:
        """Record the provider's refund; a payment that took nothing records none.

        A saga compensates steps that may never have taken effect: refunding
        a declined or already refunded payment changes nothing.
        """
        if not self.refundable or self.request is None:
            return
        self._record(
            CardPaymentRefunded(
                payment_id=self.id,
                order_id=self.request.order_id,
                customer_id=self.request.customer_id,
                amount=self.request.amount,
                charge_id=self.charge_id or "",
                refund_id=refund_id,
            )
        )

    # -- state --------------------------------------------------------------
    @applies(CardPaymentCaptured)
    def _on_captured(self, event: CardPaymentCaptured) -> None:
        self.status = "captured"
        self.charge_id = event.charge_id
        self.request = _request_of(event)

    @applies(CardPaymentDeclined)
    def _on_declined(self, event: CardPaymentDeclined) -> None:
        self.status = "declined"
        self.decline_code = event.decline_code
        self.request = _request_of(event)

    @applies(CardPaymentRefunded)
    def _on_refunded(self, event: CardPaymentRefunded) -> None:
        self.status = "refunded"
        self.refund_id = event.refund_id


def _request_of(event: CardPaymentCaptured | CardPaymentDeclined) -> CardChargeRequest:
    """The request a settled payment answered, as its stored event tells it."""
    return CardChargeRequest(
        payment_id=event.payment_id,
        order_id=event.order_id,
        customer_id=event.customer_id,
        amount=event.amount,
        card_last4=event.card_last4,
        idempotency_key=event.idempotency_key,
    )
