"""A customer's wallet as an event-sourced account with balances per currency."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ddd_sim.contexts.payment.domain.events import (
    AccountOpened,
    MoneyDeposited,
    MoneyWithdrawn,
)
from ddd_sim.shared.aggregate import Aggregate, applies
from ddd_sim.shared.errors import DomainError, ValidationError
from ddd_sim.shared.money import Money


class InsufficientFunds(DomainError):
    """A withdrawal would take a balance below zero."""


class Account(Aggregate):
    """Balances never go negative; only an opened account takes money."""

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.owner_id = ""
        self.balances: dict[str, Decimal] = {}
        self.opened = False

    # -- decisions ----------------------------------------------------------
    @classmethod
    def open(cls, account_id: str, owner_id: str, initial_balance: Money) -> Account:
        """Open a wallet; the opening balance may be zero but not negative."""
        if initial_balance.is_negative:
            raise ValidationError(
                f"opening balance must not be negative: {initial_balance}"
            )
        account = cls(account_id)
        account._record(
            AccountOpened(
                account_id=account_id,
                owner_id=owner_id,
                initial_balance=initial_balance,
            )
        )
        return account

    def deposit(self, amount: Money) -> None:
        """Pay in a positive amount in any currency."""
        self._require_open()
        if not amount.is_positive:
            raise ValidationError(f"deposit must be positive, got {amount}")
        self._record(MoneyDeposited(account_id=self.id, amount=amount))

    def withdraw(self, amount: Money) -> None:
        """Take out a positive amount the balance in that currency covers."""
        self._require_open()
        if not amount.is_positive:
            raise ValidationError(f"withdrawal must be positive, got {amount}")
        if self.balance(amount.currency) < amount:
            raise InsufficientFunds(
                f"account {self.id} holds {self.balance(amount.currency)}, "
                f"cannot withdraw {amount}"
            )
        self._record(MoneyWithdrawn(account_id=self.id, amount=amount))

    def _require_open(self) -> None:
        if not self.opened:
            raise DomainError(f"account {self.id} is not open")

    # -- state --------------------------------------------------------------
    def balance(self, currency: str = "USD") -> Money:
        """The balance in one currency (zero if never used)."""
        return Money(self.balances.get(currency, Decimal(0)), currency)

    @applies(AccountOpened)
    def _opened(self, event: AccountOpened) -> None:
        self.opened = True
        self.owner_id = event.owner_id
        money = event.initial_balance
        self.balances = {money.currency: money.amount}

    @applies(MoneyDeposited)
    def _deposited(self, event: MoneyDeposited) -> None:
        money = event.amount
        self.balances[money.currency] = (
            self.balances.get(money.currency, Decimal(0)) + money.amount
        )

    @applies(MoneyWithdrawn)
    def _withdrawn(self, event: MoneyWithdrawn) -> None:
        money = event.amount
        self.balances[money.currency] = self.balances[money.currency] - money.amount

    # -- snapshots ----------------------------------------------------------
    def snapshot_state(self) -> dict[str, Any]:
        return {
            "owner_id": self.owner_id,
            "opened": self.opened,
            "balances": {c: str(a) for c, a in sorted(self.balances.items())},
        }

    def restore_state(self, state: Any) -> None:
        self.owner_id = state["owner_id"]
        self.opened = state["opened"]
        self.balances = {c: Decimal(a) for c, a in state["balances"].items()}
