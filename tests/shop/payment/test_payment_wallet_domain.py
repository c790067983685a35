"""Wallet rules: given past events, when a command, then new events or an error."""

from __future__ import annotations

import pytest

from ddd_sim.contexts.payment.domain.account import Account, InsufficientFunds
from ddd_sim.contexts.payment.domain.events import (
    AccountOpened,
    MoneyDeposited,
    WalletCharged,
    WalletRefunded,
)
from ddd_sim.shared.errors import DomainError, ValidationError
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.money import Money
from tests.shop.payment.payment_support import usd

OPENED = AccountOpened(
    account_id="ACC-001", owner_id="CUST-001", initial_balance=usd("100")
)
CHARGED = WalletCharged(
    account_id="ACC-001",
    customer_id="CUST-001",
    payment_id="PAY-001",
    order_id="ORD-001",
    amount=usd("30"),
    idempotency_key="k-1",
)


def given(*events: DomainEvent) -> Account:
    account = Account("ACC-001")
    account.replay(events)
    return account


def test_charge_records_wallet_charged_naming_the_owner() -> None:
    account = given(OPENED)
    account.charge("PAY-001", "ORD-001", usd("30"), "k-1")
    assert account.pending_events == (CHARGED,)
    assert account.balance("USD") == usd("70")


def test_charge_beyond_the_balance_names_account_balance_and_amount() -> None:
    account = given(OPENED)
    with pytest.raises(
        InsufficientFunds,
        match=r"account ACC-001 holds 100\.00 USD, cannot charge 100\.01 USD "
        r"for ORD-001",
    ):
        account.charge("PAY-001", "ORD-001", usd("100.01"), "k-1")
    assert account.pending_events == ()


def test_charge_in_a_currency_never_paid_in_is_insufficient() -> None:
    account = given(OPENED)
    with pytest.raises(InsufficientFunds, match=r"holds 0\.00 EUR"):
        account.charge("PAY-001", "ORD-001", Money.of("1", "EUR"), "k-1")


def test_same_key_and_same_charge_again_records_nothing() -> None:
    account = given(OPENED, CHARGED)
    account.charge("PAY-001", "ORD-001", usd("30"), "k-1")
    assert account.pending_events == ()
    assert account.balance("USD") == usd("70")


@pytest.mark.parametrize(
    ("payment_id", "order_id", "amount"),
    [
        ("PAY-001", "ORD-001", "31"),
        ("PAY-001", "ORD-002", "30"),
        ("PAY-002", "ORD-001", "30"),
    ],
)
def test_same_key_for_a_different_charge_is_refused(
    payment_id: str, order_id: str, amount: str
) -> None:
    account = given(OPENED, CHARGED)
    with pytest.raises(DomainError, match=r"idempotency key 'k-1' on account ACC-001"):
        account.charge(payment_id, order_id, usd(amount), "k-1")
    assert account.pending_events == ()


def test_charge_must_be_positive_and_keyed() -> None:
    account = given(OPENED)
    with pytest.raises(ValidationError, match=r"must be positive, got 0\.00 USD"):
        account.charge("PAY-001", "ORD-001", usd("0"), "k-1")
    with pytest.raises(ValidationError, match="needs an idempotency key"):
        account.charge("PAY-001", "ORD-001", usd("1"), " ")


def test_an_unopened_wallet_cannot_be_charged() -> None:
    with pytest.raises(DomainError, match="account ACC-001 is not open"):
        given().charge("PAY-001", "ORD-001", usd("1"), "k-1")


def test_refund_gives_back_exactly_the_charge_of_that_key() -> None:
    account = given(OPENED, CHARGED)
    account.refund("k-1")
    assert account.pending_events == (
        WalletRefunded(
            account_id="ACC-001",
            customer_id="CUST-001",
            payment_id="PAY-001",
            order_id="ORD-001",
            amount=usd("30"),
            idempotency_key="k-1",
        ),
    )
    assert account.balance("USD") == usd("100")


def test_refund_of_a_key_never_charged_records_nothing() -> None:
    account = given(OPENED, CHARGED)
    account.refund("k-never")
    assert account.pending_events == ()


def test_refund_twice_records_one_refund() -> None:
    account = given(OPENED, CHARGED)
    account.refund("k-1")
    account.refund("k-1")
    assert [type(e) for e in account.pending_events] == [WalletRefunded]
    assert account.balance("USD") == usd("100")


def test_a_refunded_charge_retried_with_its_key_is_still_a_no_op() -> None:
    refunded = WalletRefunded(
        account_id="ACC-001",
        customer_id="CUST-001",
        payment_id="PAY-001",
        order_id="ORD-001",
        amount=usd("30"),
        idempotency_key="k-1",
    )
    account = given(OPENED, CHARGED, refunded)
    account.charge("PAY-001", "ORD-001", usd("30"), "k-1")
    assert account.pending_events == ()
    assert account.balance("USD") == usd("100")


def test_snapshot_state_restores_balances_and_charges() -> None:
    eur = MoneyDeposited(account_id="ACC-001", amount=Money.of("5", "EUR"))
    account = given(OPENED, eur, CHARGED)
    restored = Account.from_snapshot("ACC-001", 3, account.snapshot_state())
    assert restored.balances == account.balances
    assert restored.charges == account.charges
    restored.charge("PAY-001", "ORD-001", usd("30"), "k-1")
    assert restored.pending_events == ()
    restored.refund("k-1")
    assert [type(e) for e in restored.pending_events] == [WalletRefunded]


def test_a_snapshot_from_before_charges_existed_still_restores() -> None:
    old_state = {"owner_id": "CUST-001", "opened": True, "balances": {"USD": "5.00"}}
    account = Account.from_snapshot("ACC-001", 1, old_state)
    assert (account.balance("USD"), account.charges) == (usd("5"), {})
