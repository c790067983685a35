"""Query handlers: balances from the wallet's own stream, the rest from read models."""

from __future__ import annotations

from ddd_sim.contexts.payment.application.account_search import (
    AccountSearchProjection,
    hit_from,
    matches,
)
from ddd_sim.contexts.payment.application.account_summary import (
    AccountSummaryProjection,
    summary_from,
)
from ddd_sim.contexts.payment.application.queries import (
    AccountBalance,
    AccountSearchHit,
    AccountSummary,
    BalanceHistoryEntry,
    GetAccountsByOwner,
    GetAccountSummary,
    GetBalance,
    GetBalanceHistory,
    SearchAccounts,
)
from ddd_sim.contexts.payment.domain.account import Account
from ddd_sim.shared.cqrs import ContextDeps, QueryTable
from ddd_sim.shared.errors import NotFound
from ddd_sim.shared.repository import AggregateRepository


def payment_query_handlers(deps: ContextDeps) -> QueryTable:
    """The payment context's query table."""
    accounts: AggregateRepository[Account] = deps.repository(Account)
    summaries = deps.read_model(AccountSummaryProjection.name)
    search = deps.read_model(AccountSearchProjection.name)

    def get_balance(query: GetBalance) -> AccountBalance:
        """The balance now, or as of a log position or simulated time."""
        account = accounts.load(
            str(query.account_id),
            at_position=query.at_position,
            at_sim_time=query.at_sim_time,
        )
        return AccountBalance(
            account_id=account.id,
            balance=account.balance(query.currency),
            version=account.version,
        )

    def get_balance_history(
        query: GetBalanceHistory,
    ) -> tuple[BalanceHistoryEntry, ...]:
        """The balance after every event of the wallet, oldest first."""
        account_id = str(query.account_id)
        history = accounts.history(
            account_id, lambda account: account.balance(query.currency)
        )
        if not history:
            raise NotFound(f"account {account_id} does not exist")
        return tuple(
            BalanceHistoryEntry(
                version=entry.event.stream_version,
                position=entry.event.global_position,
                sim_time=entry.event.metadata.sim_time,
                event_type=entry.event.type,
                balance=entry.state,
            )
            for entry in history
        )

    def get_account_summary(query: GetAccountSummary) -> AccountSummary:
        """One wallet's summary, once the read model has seen it."""
        doc = summaries.get(str(query.account_id))
        if doc is None:
            raise NotFound(f"no account summary for {query.account_id}")
        return summary_from(doc)

    def get_accounts_by_owner(
        query: GetAccountsByOwner,
    ) -> tuple[AccountSummary, ...]:
        """A customer's wallets by account id (none is an empty answer)."""
        owner = str(query.owner_id)
        return tuple(
            summary_from(doc)
            for _, doc in sorted(summaries.all().items())
            if doc["owner_id"] == owner
        )

    def search_accounts(query: SearchAccounts) -> tuple[AccountSearchHit, ...]:
        """Wallets matching the text by id, owner or tag; blank text matches all."""
        return tuple(
            hit_from(doc)
            for _, doc in sorted(search.all().items())
            if matches(doc, query.text)
        )

    return {
        GetBalance: get_balance,
        GetBalanceHistory: get_balance_history,
        GetAccountSummary: get_account_summary,
        GetAccountsByOwner: get_accounts_by_owner,
        SearchAccounts: search_accounts,
    }
