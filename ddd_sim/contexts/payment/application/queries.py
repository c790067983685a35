"""Payment's queries and the immutable rows they answer with."""

from __future__ import annotations

from dataclasses import dataclass

from ddd_sim.shared.ids import AccountId, CustomerId
from ddd_sim.shared.messages import Query, message
from ddd_sim.shared.money import Money


@message
class GetBalance(Query):
    """A wallet's balance in one currency, now or as of a position or time."""

    account_id: AccountId
    currency: str
    at_sim_time: float | None = None
    at_position: int | None = None


@message
class GetBalanceHistory(Query):
    """A wallet's balance in one currency after each of its events."""

    account_id: AccountId
    currency: str


@message
class GetAccountSummary(Query):
    """One wallet's totals per currency (from ``payment.account_summary``)."""

    account_id: AccountId


@message
class GetAccountsByOwner(Query):
    """The summaries of every wallet a customer owns, by account id."""

    owner_id: CustomerId


@message
class SearchAccounts(Query):
    """Wallets whose id, owner or a tag contains the text, ignoring case."""

    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountBalance:
    """A balance and the account version it was read at."""

    account_id: str
    balance: Money
    version: int


@dataclass(frozen=True, slots=True, kw_only=True)
class BalanceHistoryEntry:
    """The balance right after one event of a wallet's stream."""

    version: int
    position: int
    sim_time: float
    event_type: str
    balance: Money


@dataclass(frozen=True, slots=True, kw_only=True)
class CurrencySummary:
    """What went in and out of a wallet in one currency.

    Deposits include the opening balance and refunds; withdrawals include
    charges.  ``last_activity`` is in simulated seconds.
    """

    currency: str
    total_deposits: Money
    total_withdrawals: Money
    balance: Money
    transaction_count: int
    last_activity: float


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountSummary:
    """A wallet's owner, activity and per-currency totals."""

    account_id: str
    owner_id: str
    transaction_count: int
    last_activity: float
    currencies: tuple[CurrencySummary, ...]

    def currency(self, code: str) -> CurrencySummary | None:
        """The totals in one currency, if the wallet ever used it."""
        return next((c for c in self.currencies if c.currency == code), None)


@dataclass(frozen=True, slots=True, kw_only=True)
class AccountSearchHit:
    """A wallet found by search: its balances and tags."""

    account_id: str
    owner_id: str
    balances: tuple[Money, ...]
    tags: tuple[str, ...]
