"""Payment's commands; each checks its own fields so bad input fails at the edge."""

from __future__ import annotations

from dataclasses import field

from ddd_sim.contexts.payment.domain.ids import PaymentId
from ddd_sim.shared.errors import ValidationError
from ddd_sim.shared.ids import AccountId, CustomerId, OrderId
from ddd_sim.shared.messages import Command, message
from ddd_sim.shared.money import Money


def _require_positive(command: str, name: str, amount: Money, subject: object) -> None:
    """An amount moved must be above zero; the message names field and value."""
    if not amount.is_positive:
        raise ValidationError(
            f"{command}.{name} must be positive, got {amount} for {subject}"
        )


def _require_key(command: str, key: str, subject: object) -> None:
    """Retries are recognised by key, so a charge without one is refused."""
    if not key.strip():
        raise ValidationError(
            f"{command}.idempotency_key must not be empty ({subject})"
        )


@message
class OpenAccount(Command):
    """Open a wallet for a customer with an opening balance (zero allowed)."""

    account_id: AccountId
    owner_id: CustomerId
    initial_balance: Money

    def __post_init__(self) -> None:
        if self.initial_balance.is_negative:
            raise ValidationError(
                f"OpenAccount.initial_balance must not be negative, "
                f"got {self.initial_balance} for {self.account_id}"
            )


@message
class Deposit(Command):
    """Pay money into a wallet."""

    account_id: AccountId
    amount: Money

    def __post_init__(self) -> None:
        _require_positive("Deposit", "amount", self.amount, self.account_id)


@message
class Withdraw(Command):
    """Take money out of a wallet."""

    account_id: AccountId
    amount: Money

    def __post_init__(self) -> None:
        _require_positive("Withdraw", "amount", self.amount, self.account_id)


@message
class ChargeWallet(Command):
    """Pay for an order from a wallet, once per idempotency key."""

    account_id: AccountId
    payment_id: PaymentId
    order_id: OrderId
    amount: Money
    idempotency_key: str

    def __post_init__(self) -> None:
        _require_positive("ChargeWallet", "amount", self.amount, self.order_id)
        _require_key("ChargeWallet", self.idempotency_key, self.order_id)


@message
class RefundWallet(Command):
    """Give back the wallet charge made under a key (nothing if there was none)."""

    account_id: AccountId
    idempotency_key: str

    def __post_init__(self) -> None:
        _require_key("RefundWallet", self.idempotency_key, self.account_id)


@message
class PayByCard(Command):
    """Pay for an order by card through the provider; the card is never stored."""

    payment_id: PaymentId
    order_id: OrderId
    customer_id: CustomerId
    card_number: str = field(repr=False)
    exp_month: int
    exp_year: int
    cvv: str = field(repr=False)
    amount: Money
    idempotency_key: str

    def __post_init__(self) -> None:
        _require_positive("PayByCard", "amount", self.amount, self.order_id)
        _require_key("PayByCard", self.idempotency_key, self.order_id)
        number = self.card_number
        # the message must not echo the number: errors reach logs and screens
        if not (number.isascii() and number.isdigit() and 12 <= len(number) <= 19):
            raise ValidationError(
                f"PayByCard.card_number must be 12 to 19 digits, got "
                f"{len(number)} characters for {self.order_id}"
            )

    @property
    def card_last4(self) -> str:
        """The last four digits: all of the card payment keeps."""
        return self.card_number[-4:]


@message
class RefundCardPayment(Command):
    """Give a captured card payment back (nothing if it took no money)."""

    payment_id: PaymentId
