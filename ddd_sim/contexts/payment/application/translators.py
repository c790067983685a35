"""Payment's domain events translated into the published language.

Wallet and card payments publish the same three facts, told apart by
``method``; deposits and withdrawals stay inside payment.
"""

from __future__ import annotations

from ddd_sim.contexts.payment.domain.card_events import (
    CardPaymentCaptured,
    CardPaymentDeclined,
    CardPaymentRefunded,
)
from ddd_sim.contexts.payment.domain.events import WalletCharged, WalletRefunded
from ddd_sim.integration.events import (
    PaymentCaptured,
    PaymentDeclined,
    PaymentRefunded,
)
from ddd_sim.integration.translation import Translator, expect
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import EventMeta


def wallet_charged(event: DomainEvent, meta: EventMeta) -> PaymentCaptured:
    """A wallet charge is a captured payment by wallet."""
    charged = expect(event, WalletCharged)
    return PaymentCaptured(
        payment_id=charged.payment_id,
        order_id=charged.order_id,
        customer_id=charged.customer_id,
        amount=charged.amount,
        method="wallet",
    )


def card_captured(event: DomainEvent, meta: EventMeta) -> PaymentCaptured:
    """A captured card payment is a captured payment by card."""
    captured = expect(event, CardPaymentCaptured)
    return PaymentCaptured(
        payment_id=captured.payment_id,
        order_id=captured.order_id,
        customer_id=captured.customer_id,
        amount=captured.amount,
        method="card",
    )


def card_declined(event: DomainEvent, meta: EventMeta) -> PaymentDeclined:
    """A declined card payment publishes the provider's decline code as reason."""
    declined = expect(event, CardPaymentDeclined)
    return PaymentDeclined(
        payment_id=declined.payment_id,
        order_id=declined.order_id,
        customer_id=declined.customer_id,
        amount=declined.amount,
        reason=declined.decline_code,
    )


def wallet_refunded(event: DomainEvent, meta: EventMeta) -> PaymentRefunded:
    """A wallet refund gives a payment back."""
    refunded = expect(event, WalletRefunded)
    return PaymentRefunded(
        payment_id=refunded.payment_id,
        order_id=refunded.order_id,
        customer_id=refunded.customer_id,
        amount=refunded.amount,
    )


def card_refunded(event: DomainEvent, meta: EventMeta) -> PaymentRefunded:
    """A card refund gives a payment back."""
    refunded = expect(event, CardPaymentRefunded)
    return PaymentRefunded(
        payment_id=refunded.payment_id,
        order_id=refunded.order_id,
        customer_id=refunded.customer_id,
        amount=refunded.amount,
    )


TRANSLATORS: dict[str, Translator] = {
    WalletCharged.event_type: wallet_charged,
    CardPaymentCaptured.event_type: card_captured,
    CardPaymentDeclined.event_type: card_declined,
    WalletRefunded.event_type: wallet_refunded,
    CardPaymentRefunded.event_type: card_refunded,
}
"""Stored domain event type -> its published integration event."""
