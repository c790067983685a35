"""Every wallet event seen as money moving in or out, for the read models.

Charges count as withdrawals and refunds as deposits: for a wallet's owner
both are money leaving or coming back, whatever the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ddd_sim.contexts.payment.domain.events import (
    ACCOUNT_EVENTS,
    AccountOpened,
    MoneyDeposited,
    MoneyWithdrawn,
    WalletCharged,
    WalletRefunded,
)
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.money import Money

ACCOUNT_EVENT_TYPES = tuple(cls.event_type for cls in ACCOUNT_EVENTS)


@dataclass(frozen=True, slots=True)
class Movement:
    """Money into (``inflow``) or out of one wallet; openings name the owner."""

    account_id: str
    amount: Money
    inflow: bool
    owner_id: str | None = None


def movement_of(event: DomainEvent) -> Movement:
    """The money one wallet event moved."""
    match event:
        case AccountOpened():
            return Movement(
                event.account_id, event.initial_balance, True, event.owner_id
            )
        case MoneyDeposited() | WalletRefunded():
            return Movement(event.account_id, event.amount, True)
        case MoneyWithdrawn() | WalletCharged():
            return Movement(event.account_id, event.amount, False)
    raise TypeError(f"{type(event).__name__} is not a wallet event")


def moved(balance: str | None, movement: Movement) -> str:
    """A stored balance (amount text) after a movement, as amount text."""
    current = Money(Decimal(balance or "0"), movement.amount.currency)
    after = current + movement.amount if movement.inflow else current - movement.amount
    return str(after.amount)
