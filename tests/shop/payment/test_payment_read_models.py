"""The account summary and account search read models, and their queries."""

from __future__ import annotations

import pytest

from ddd_sim.contexts.payment.application.account_search import (
    AccountSearchProjection,
)
from ddd_sim.contexts.payment.application.account_summary import (
    AccountSummaryProjection,
)
from ddd_sim.contexts.payment.application.commands import (
    ChargeWallet,
    Deposit,
    OpenAccount,
    RefundWallet,
    Withdraw,
)
from ddd_sim.contexts.payment.application.queries import (
    AccountSearchHit,
    CurrencySummary,
    GetAccountsByOwner,
    GetAccountSummary,
    SearchAccounts,
)
from ddd_sim.contexts.payment.domain.ids import PaymentId
from ddd_sim.shared.errors import NotFound
from ddd_sim.shared.money import Money
from tests.shop.payment.payment_support import Payment, acc, cust, order, payment, usd
from tests.shop.support import fold_domain


def fold(p: Payment) -> None:
    fold_domain(p.deps, AccountSummaryProjection())
    fold_domain(p.deps, AccountSearchProjection())


def open_account(p: Payment, n: int, amount: str, owner: int | None = None) -> None:
    p.do(
        OpenAccount(
            account_id=acc(n), owner_id=cust(owner or n), initial_balance=usd(amount)
        )
    )


def search(p: Payment, text: str) -> list[str]:
    return [hit.account_id for hit in p.ask(SearchAccounts(text=text))]


def test_seed_figures_open_1000_deposit_500_withdraw_200() -> None:
    p = payment()
    open_account(p, 1, "1000")
    p.do(Deposit(account_id=acc(1), amount=usd("500")), 2.0)
    p.do(Withdraw(account_id=acc(1), amount=usd("200")), 3.0)
    fold(p)
    summary = p.ask(GetAccountSummary(account_id=acc(1)))
    assert (summary.owner_id, summary.transaction_count, summary.last_activity) == (
        "CUST-001",
        3,
        3.0,
    )
    assert summary.currencies == (
        CurrencySummary(
            currency="USD",
            total_deposits=usd("1500"),
            total_withdrawals=usd("200"),
            balance=usd("1300"),
            transaction_count=3,
            last_activity=3.0,
        ),
    )


def test_charges_count_as_withdrawals_and_refunds_as_deposits() -> None:
    p = payment()
    open_account(p, 1, "100")
    for n in (1, 2):
        p.do(
            ChargeWallet(
                account_id=acc(1),
                payment_id=PaymentId.from_number(n),
                order_id=order(n),
                amount=usd("30"),
                idempotency_key=f"k-{n}",
            ),
            float(n),
        )
    p.do(RefundWallet(account_id=acc(1), idempotency_key="k-1"), 4.0)
    p.do(Deposit(account_id=acc(1), amount=Money.of("700", "JPY")), 5.0)
    fold(p)
    summary = p.ask(GetAccountSummary(account_id=acc(1)))
    assert summary.currency("USD") == CurrencySummary(
        currency="USD",
        total_deposits=usd("130"),
        total_withdrawals=usd("60"),
        balance=usd("70"),
        transaction_count=4,
        last_activity=4.0,
    )
    assert summary.currency("JPY") == CurrencySummary(
        currency="JPY",
        total_deposits=Money.of("700", "JPY"),
        total_withdrawals=Money.of("0", "JPY"),
        balance=Money.of("700", "JPY"),
        transaction_count=1,
        last_activity=5.0,
    )
    assert (summary.transaction_count, summary.last_activity) == (5, 5.0)


def test_folding_the_log_again_changes_nothing() -> None:
    p = payment()
    open_account(p, 1, "1000")
    p.do(Deposit(account_id=acc(1), amount=usd("500")))
    fold(p)
    before = p.ask(GetAccountSummary(account_id=acc(1)))
    hits = p.ask(SearchAccounts(text=""))
    fold(p)
    assert p.ask(GetAccountSummary(account_id=acc(1))) == before
    assert p.ask(SearchAccounts(text="")) == hits


def test_accounts_by_owner_and_a_missing_summary() -> None:
    p = payment()
    open_account(p, 2, "5", owner=7)
    open_account(p, 1, "6", owner=7)
    open_account(p, 3, "7", owner=8)
    fold(p)
    owned = p.ask(GetAccountsByOwner(owner_id=cust(7)))
    assert [s.account_id for s in owned] == ["ACC-001", "ACC-002"]
    assert p.ask(GetAccountsByOwner(owner_id=cust(9))) == ()
    with pytest.raises(NotFound, match="no account summary for ACC-404"):
        p.ask(GetAccountSummary(account_id=acc(404)))


def test_search_for_high_balance_finds_exactly_the_account_over_10000() -> None:
    p = payment()
    open_account(p, 1, "9000")
    open_account(p, 2, "10000")
    open_account(p, 3, "500")
    p.do(Deposit(account_id=acc(1), amount=usd("1000.01")))
    p.do(Deposit(account_id=acc(3), amount=usd("100")))
    fold(p)
    assert search(p, "high-balance") == ["ACC-001"]
    [hit] = p.ask(SearchAccounts(text="HIGH"))
    assert hit == AccountSearchHit(
        account_id="ACC-001",
        owner_id="CUST-001",
        balances=(usd("10000.01"),),
        tags=("active", "high-balance"),
    )


def test_the_high_balance_tag_goes_when_the_balance_falls_back() -> None:
    p = payment()
    open_account(p, 1, "15000")
    fold(p)
    assert search(p, "high-balance") == ["ACC-001"]
    p.do(Withdraw(account_id=acc(1), amount=usd("5000")))
    fold(p)
    assert search(p, "high-balance") == []


def test_new_account_lasts_until_the_wallet_is_first_used() -> None:
    p = payment()
    open_account(p, 1, "10")
    open_account(p, 2, "10")
    p.do(Deposit(account_id=acc(2), amount=usd("1")))
    fold(p)
    assert search(p, "new-account") == ["ACC-001"]
    assert search(p, "ACTIVE") == ["ACC-001", "ACC-002"]


def test_search_matches_id_and_owner_ignoring_case() -> None:
    p = payment()
    open_account(p, 1, "10", owner=42)
    open_account(p, 2, "10", owner=7)
    fold(p)
    assert search(p, "cust-042") == ["ACC-001"]
    assert search(p, "acc-002") == ["ACC-002"]
    assert search(p, "  ") == ["ACC-001", "ACC-002"]
    assert search(p, "nothing-like-this") == []
