"""Card payment events; their names and versions are stored schema.

No event carries a card number or a security code: only the last four
digits, enough for a customer to recognise the card on a receipt.
"""

from __future__ import annotations

from ddd_sim.shared.messages import DomainEvent, message
from ddd_sim.shared.money import Money


@message
class CardPaymentCaptured(DomainEvent):
    """The card provider took the money for an order."""

    payment_id: str
    order_id: str
    customer_id: str
    amount: Money
    charge_id: str
    card_last4: str
    idempotency_key: str


@message
class CardPaymentDeclined(DomainEvent):
    """The card provider refused the charge, with its decline code."""

    payment_id: str
    order_id: str
    customer_id: str
    amount: Money
    card_last4: str
    decline_code: str
    idempotency_key: str


@message
class CardPaymentRefunded(DomainEvent):
    """The card provider gave a captured payment back in full."""

    payment_id: str
    order_id: str
    customer_id: str
    amount: Money
    charge_id: str
    refund_id: str


CARD_PAYMENT_EVENTS: tuple[type[DomainEvent], ...] = (
    CardPaymentCaptured,
    CardPaymentDeclined,
    CardPaymentRefunded,
)
"""Every event stored in a card payment's stream."""
