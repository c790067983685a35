"""Every wallet event seen as money moving in or out, for the read models.

Charges count as withdrawals and refunds as deposits: for a wallet's owner
both are money leaving or coming back, whatever the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ddd_sim.contexts.payment.domain.events import (
    ACCOUNT_EVENTS,
    AccountOpened,
    MoneyDeposited,
    MoneyWithdrawn,
    WalletCharged,
    WalletRefunded,
)
from ddd_sim.shared.events import JsonObject
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.money import Money
from ddd_sim.shared.read_models import (
    EventMeta,
    Projection,
    ReadModelWriter,
    already_folded,
)

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


class AccountDocumentProjection(Projection):
    """One document per wallet, refolded by each of its movements.

    An event at or below the document's last position was already folded (a
    redelivery after a crash) and is skipped.  Subclasses say only how a
    movement changes the document.
    """

    source = "domain"
    event_types = ACCOUNT_EVENT_TYPES

    def handle(self, event: Any, meta: EventMeta, rm: ReadModelWriter) -> None:
        """Fold one wallet event into its account's document."""
        movement = movement_of(event)
        doc = rm.get(movement.account_id)
        if already_folded(doc, meta):
            return
        rm.put(movement.account_id, self.folded(doc, movement, meta))

    def folded(
        self, doc: JsonObject | None, movement: Movement, meta: EventMeta
    ) -> JsonObject:
        """The document after one movement (``doc`` is None for a new wallet)."""
        raise NotImplementedError
