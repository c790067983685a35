"""Wallet account events; their names and versions are stored schema."""

from __future__ import annotations

from typing import Any

from ddd_sim.shared.messages import DomainEvent, message
from ddd_sim.shared.money import Money
from ddd_sim.shared.upcasting import Upcasters


@message
class AccountOpened(DomainEvent):
    """A wallet was opened for an owner with an opening balance."""

    account_id: str
    owner_id: str
    initial_balance: Money


@message
class MoneyDeposited(DomainEvent):
    """Money was paid into a wallet (v2: the amount carries its currency)."""

    schema_version = 2
    account_id: str
    amount: Money


@message
class MoneyWithdrawn(DomainEvent):
    """Money was taken out of a wallet."""

    account_id: str
    amount: Money


@message
class WalletCharged(DomainEvent):
    """A wallet paid for an order; ``idempotency_key`` makes a retry harmless."""

    account_id: str
    customer_id: str
    payment_id: str
    order_id: str
    amount: Money
    idempotency_key: str


@message
class WalletRefunded(DomainEvent):
    """A wallet charge was given back in full to the same wallet."""

    account_id: str
    customer_id: str
    payment_id: str
    order_id: str
    amount: Money
    idempotency_key: str


def deposit_v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
    """V1 deposits predate currencies: their bare amount was always US dollars."""
    return {
        "account_id": payload["account_id"],
        "amount": {"amount": str(payload["amount"]), "currency": "USD"},
    }


def register_upcasters(upcasters: Upcasters) -> None:
    """Install the wallet's upcasters into a chain."""
    upcasters.register(MoneyDeposited.event_type, 1, deposit_v1_to_v2)


ACCOUNT_EVENTS: tuple[type[DomainEvent], ...] = (
    AccountOpened,
    MoneyDeposited,
    MoneyWithdrawn,
    WalletCharged,
    WalletRefunded,
)
"""Every event stored in a wallet's stream."""
