"""Wallet commands and balance queries through the context's handler tables."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from ddd_sim.contexts.payment.application.commands import (
    ChargeWallet,
    Deposit,
    OpenAccount,
    RefundWallet,
    Withdraw,
)
from ddd_sim.contexts.payment.application.queries import (
    BalanceHistoryEntry,
    GetBalance,
    GetBalanceHistory,
)
from ddd_sim.contexts.payment.domain.account import Account, InsufficientFunds
from ddd_sim.contexts.payment.domain.ids import PaymentId
from ddd_sim.shared.errors import DomainError, NotFound, ValidationError
from ddd_sim.shared.events import NewEvent
from ddd_sim.shared.money import Money
from ddd_sim.shared.repository import AggregateRepository
from tests.conftest import StoreFactory
from tests.shop.payment.payment_support import (
    Payment,
    acc,
    cust,
    order,
    payment,
    usd,
)


def opened(p: Payment, n: int = 1, amount: str = "1000", at: float = 1.0) -> None:
    p.do(
        OpenAccount(account_id=acc(n), owner_id=cust(n), initial_balance=usd(amount)),
        at,
    )


def charge(n: int = 1, amount: str = "30", key: str = "k-1") -> ChargeWallet:
    return ChargeWallet(
        account_id=acc(1),
        payment_id=PaymentId.from_number(n),
        order_id=order(n),
        amount=usd(amount),
        idempotency_key=key,
    )


def balance(p: Payment, **as_of: float | int) -> Money:
    return p.ask(GetBalance(account_id=acc(1), currency="USD", **as_of)).balance


def test_open_deposit_withdraw_through_handlers() -> None:
    p = payment()
    opened(p)
    p.do(Deposit(account_id=acc(1), amount=usd("500")), 2.0)
    result = p.do(Withdraw(account_id=acc(1), amount=usd("200")), 3.0)
    assert (result.stream_id, result.version, result.position) == (
        "Account-ACC-001",
        3,
        3,
    )
    assert balance(p) == usd("1300")


def test_opening_an_open_account_again_is_refused() -> None:
    p = payment()
    opened(p)
    with pytest.raises(DomainError, match="account ACC-001 is already open"):
        opened(p, amount="5")


def test_commands_on_a_missing_account_name_it() -> None:
    p = payment()
    with pytest.raises(NotFound, match="Account ACC-001 does not exist"):
        p.do(Deposit(account_id=acc(1), amount=usd("5")))
    with pytest.raises(NotFound, match="ACC-001 does not exist"):
        p.do(charge())


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: Deposit(account_id=acc(1), amount=usd("-5")),
            r"Deposit\.amount must be positive, got -5\.00 USD for ACC-001",
        ),
        (
            lambda: Withdraw(account_id=acc(1), amount=usd("0")),
            r"Withdraw\.amount must be positive, got 0\.00 USD for ACC-001",
        ),
        (
            lambda: charge(amount="-0.01"),
            r"ChargeWallet\.amount must be positive, got -0\.01 USD for ORD-001",
        ),
        (
            lambda: charge(key=""),
            r"ChargeWallet\.idempotency_key must not be empty \(ORD-001\)",
        ),
        (
            lambda: RefundWallet(account_id=acc(1), idempotency_key=" "),
            r"RefundWallet\.idempotency_key must not be empty \(ACC-001\)",
        ),
        (
            lambda: OpenAccount(
                account_id=acc(1), owner_id=cust(1), initial_balance=usd("-1")
            ),
            r"OpenAccount\.initial_balance must not be negative, got -1\.00 USD",
        ),
    ],
)
def test_bad_amounts_and_keys_are_named_when_the_command_is_made(
    build, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        build()


def test_charge_beyond_the_balance_writes_nothing() -> None:
    p = payment()
    opened(p, amount="10")
    with pytest.raises(InsufficientFunds, match=r"ACC-001 holds 10\.00 USD"):
        p.do(charge(amount="10.01"))
    assert len(p.stored()) == 1


def test_retried_charge_writes_nothing_and_reports_the_first_write() -> None:
    p = payment()
    opened(p)
    first = p.do(charge(), 2.0)
    again = p.do(charge(), 3.0)
    assert first.written
    assert not again.written
    assert (again.stream_id, again.version, again.position) == (
        first.stream_id,
        first.version,
        first.position,
    )
    assert balance(p) == usd("970")


def test_same_key_for_another_order_is_an_error() -> None:
    p = payment()
    opened(p)
    p.do(charge())
    with pytest.raises(
        DomainError, match=r"cannot be reused for 30\.00 USD for ORD-002"
    ):
        p.do(charge(n=2))


def test_refund_gives_the_money_back_once() -> None:
    p = payment()
    opened(p)
    p.do(charge())
    first = p.do(RefundWallet(account_id=acc(1), idempotency_key="k-1"))
    again = p.do(RefundWallet(account_id=acc(1), idempotency_key="k-1"))
    assert (first.written, again.written) == (True, False)
    assert again.version == first.version == 3
    assert balance(p) == usd("1000")


def test_compensating_a_charge_that_never_happened_is_harmless() -> None:
    p = payment()
    missing = p.do(RefundWallet(account_id=acc(1), idempotency_key="k-1"))
    assert (missing.written, missing.version, missing.stream_id) == (
        False,
        0,
        "Account-ACC-001",
    )
    opened(p)
    never = p.do(RefundWallet(account_id=acc(1), idempotency_key="k-never"))
    assert (never.written, never.version) == (False, 1)
    assert [t for t, _ in p.stored()] == ["AccountOpened"]


def test_balance_as_of_a_time_and_a_position() -> None:
    p = payment()
    opened(p, at=1.0)
    p.do(Deposit(account_id=acc(1), amount=usd("500")), 2.0)
    p.do(charge(amount="200"), 3.0)
    assert balance(p, at_sim_time=2.5) == usd("1500")
    assert balance(p, at_sim_time=3.0) == usd("1300")
    assert balance(p, at_position=1) == usd("1000")
    with pytest.raises(NotFound, match=r"did not exist at simulated time 0\.5"):
        balance(p, at_sim_time=0.5)


def test_balance_history_lists_every_event_with_its_balance() -> None:
    p = payment()
    opened(p, at=1.0)
    p.do(Deposit(account_id=acc(1), amount=usd("500")), 2.0)
    p.do(charge(amount="200"), 3.0)
    p.do(RefundWallet(account_id=acc(1), idempotency_key="k-1"), 4.0)
    history = p.ask(GetBalanceHistory(account_id=acc(1), currency="USD"))
    assert history == (
        BalanceHistoryEntry(
            version=1,
            position=1,
            sim_time=1.0,
            event_type="AccountOpened",
            balance=usd("1000"),
        ),
        BalanceHistoryEntry(
            version=2,
            position=2,
            sim_time=2.0,
            event_type="MoneyDeposited",
            balance=usd("1500"),
        ),
        BalanceHistoryEntry(
            version=3,
            position=3,
            sim_time=3.0,
            event_type="WalletCharged",
            balance=usd("1300"),
        ),
        BalanceHistoryEntry(
            version=4,
            position=4,
            sim_time=4.0,
            event_type="WalletRefunded",
            balance=usd("1500"),
        ),
    )
    with pytest.raises(NotFound, match="account ACC-404 does not exist"):
        p.ask(GetBalanceHistory(account_id=acc(404), currency="USD"))


def test_a_stored_v1_deposit_reads_as_a_v2_deposit_in_dollars() -> None:
    p = payment()
    opened(p, amount="0")
    p.deps.store.append(
        "Account-ACC-001",
        [
            NewEvent(
                event_id=uuid.uuid4(),
                type="MoneyDeposited",
                schema_version=1,
                payload={"account_id": "ACC-001", "amount": "250.00"},
            )
        ],
        1,
    )
    p.do(charge(amount="50"))
    assert balance(p) == usd("200")
    history = p.ask(GetBalanceHistory(account_id=acc(1), currency="USD"))
    assert [h.balance for h in history] == [usd("0"), usd("250"), usd("200")]


def test_snapshots_with_charges_equal_a_full_replay(make_store: StoreFactory) -> None:
    # a store of each kind, reading with a wired registry's upcasters
    store = make_store(payment().deps.registry.upcasters)
    p = payment(snapshot_every={"Account": 5}, store=store)
    opened(p, amount="100")
    for i in range(1, 13):
        p.do(charge(n=i, amount="3", key=f"k-{i}"), float(i))
        if i % 3 == 0:
            p.do(RefundWallet(account_id=acc(1), idempotency_key=f"k-{i}"))
        p.do(Deposit(account_id=acc(1), amount=Money.of("1", "EUR")))
    snapshotted = AggregateRepository(store, p.deps.registry, Account, snapshot_every=5)
    replayed = AggregateRepository(store, p.deps.registry, Account)
    fast, full = snapshotted.load("ACC-001"), replayed.load("ACC-001")
    assert snapshotted.last_load.snapshot_version is not None
    assert snapshotted.last_load.events_replayed < fast.version
    assert (fast.version, fast.balances, fast.charges) == (
        full.version,
        full.balances,
        full.charges,
    )
    assert fast.balance("USD").amount == Decimal("100") - 3 * 12 + 3 * 4
    assert not p.do(charge(n=7, amount="3", key="k-7")).written
