"""A customer's wallet as an event-sourced account with balances per currency."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from ddd_sim.contexts.payment.domain.events import (
    AccountOpened,
    MoneyDeposited,
    MoneyWithdrawn,
    WalletCharged,
    WalletRefunded,
)
from ddd_sim.shared.aggregate import Aggregate, applies
from ddd_sim.shared.errors import DomainError, ValidationError
from ddd_sim.shared.money import Money


class InsufficientFunds(DomainError):
    """A withdrawal would take a balance below zero."""


@dataclass(frozen=True, slots=True)
class WalletCharge:
    """One charge a wallet made, remembered under its idempotency key."""

    payment_id: str
    order_id: str
    amount: Money
    refunded: bool = False

    def same_request(self, payment_id: str, order_id: str, amount: Money) -> bool:
        """True when a retry asks for exactly this charge again."""
        return (self.payment_id, self.order_id, self.amount) == (
            payment_id,
            order_id,
            amount,
        )


class Account(Aggregate):
    """Balances never go negative; only an opened account takes money.

    Charges are idempotent by key: a repeat of the same charge changes nothing,
    and a refund gives back one charge at most once.
    """

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.owner_id = ""
        self.balances: dict[str, Decimal] = {}
        self.opened = False
        self.charges: dict[str, WalletCharge] = {}

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

    def charge(
        self, payment_id: str, order_id: str, amount: Money, idempotency_key: str
    ) -> None:
        """Pay for an order once per key; a same-key retry records nothing."""
        self._require_open()
        if not amount.is_positive:
            raise ValidationError(
                f"charge amount must be positive, got {amount} for {order_id}"
            )
        if not idempotency_key.strip():
            raise ValidationError(f"charge for {order_id} needs an idempotency key")
        earlier = self.charges.get(idempotency_key)
        if earlier is not None:
            if earlier.same_request(payment_id, order_id, amount):
                return
            raise DomainError(
                f"idempotency key {idempotency_key!r} on account {self.id} already "
                f"charged {earlier.amount} for {earlier.order_id} "
                f"({earlier.payment_id}); it cannot be reused for {amount} "
                f"for {order_id} ({payment_id})"
            )
        if self.balance(amount.currency) < amount:
            raise InsufficientFunds(
                f"account {self.id} holds {self.balance(amount.currency)}, "
                f"cannot charge {amount} for {order_id}"
            )
        self._record(
            WalletCharged(
                account_id=self.id,
                customer_id=self.owner_id,
                payment_id=payment_id,
                order_id=order_id,
                amount=amount,
                idempotency_key=idempotency_key,
            )
        )

    def refund(self, idempotency_key: str) -> None:
        """Give back the charge made under a key; nothing to give back is no error.

        A saga compensates steps it may never have completed, so refunding a
        key that never charged, or one already refunded, records nothing.
        """
        self._require_open()
        charge = self.charges.get(idempotency_key)
        if charge is None or charge.refunded:
            return
        self._record(
            WalletRefunded(
                account_id=self.id,
                customer_id=self.owner_id,
                payment_id=charge.payment_id,
                order_id=charge.order_id,
                amount=charge.amount,
                idempotency_key=idempotency_key,
            )
        )

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

    @applies(WalletCharged)
    def _charged(self, event: WalletCharged) -> None:
        money = event.amount
        self.balances[money.currency] = self.balances[money.currency] - money.amount
        self.charges[event.idempotency_key] = WalletCharge(
            payment_id=event.payment_id, order_id=event.order_id, amount=money
        )

    @applies(WalletRefunded)
    def _refunded(self, event: WalletRefunded) -> None:
        money = event.amount
        self.balances[money.currency] = (
            self.balances.get(money.currency, Decimal(0)) + money.amount
        )
        key = event.idempotency_key
        self.charges[key] = replace(self.charges[key], refunded=True)

    # -- snapshots ----------------------------------------------------------
    def snapshot_entries(self) -> int:
        return len(self.charges)

    def snapshot_state(self) -> dict[str, Any]:
        return {
            "owner_id": self.owner_id,
            "opened": self.opened,
            "balances": {c: str(a) for c, a in sorted(self.balances.items())},
            "charges": {
                key: {
                    "payment_id": c.payment_id,
                    "order_id": c.order_id,
                    **c.amount.to_json(),
                    "refunded": c.refunded,
                }
                for key, c in sorted(self.charges.items())
            },
        }

    def restore_state(self, state: Any) -> None:
        self.owner_id = state["owner_id"]
        self.opened = state["opened"]
        self.balances = {c: Decimal(a) for c, a in state["balances"].items()}
        # snapshots taken before wallets could charge have no "charges" entry
        self.charges = {
            key: WalletCharge(
                payment_id=c["payment_id"],
                order_id=c["order_id"],
                amount=Money.from_json(c),
                refunded=c["refunded"],
            )
            for key, c in state.get("charges", {}).items()
        }
