"""Command handlers for wallets: open, deposit, withdraw, charge, refund."""

from __future__ import annotations

from ddd_sim.contexts.payment.application.commands import (
    ChargeWallet,
    Deposit,
    OpenAccount,
    RefundWallet,
    Withdraw,
)
from ddd_sim.contexts.payment.domain.account import Account
from ddd_sim.shared.cqrs import (
    CommandContext,
    CommandResult,
    CommandTable,
    ContextDeps,
    save,
)
from ddd_sim.shared.errors import DomainError
from ddd_sim.shared.repository import AggregateRepository


def _exists(accounts: AggregateRepository[Account], account_id: str) -> bool:
    """True when the wallet's stream holds events (without replaying them)."""
    return accounts.store.stream_version(accounts.stream_id(account_id)) > 0


def account_command_handlers(deps: ContextDeps) -> CommandTable:
    """The wallet's command table over the context's store."""
    accounts: AggregateRepository[Account] = deps.repository(Account)

    def open_account(command: OpenAccount, context: CommandContext) -> CommandResult:
        """Open a wallet under an id no wallet has used."""
        account_id = str(command.account_id)
        if _exists(accounts, account_id):
            raise DomainError(f"account {account_id} is already open")
        account = Account.open(
            account_id, str(command.owner_id), command.initial_balance
        )
        return save(accounts, account, context)

    def deposit(command: Deposit, context: CommandContext) -> CommandResult:
        """Pay into an open wallet."""
        account = accounts.load(str(command.account_id))
        account.deposit(command.amount)
        return save(accounts, account, context)

    def withdraw(command: Withdraw, context: CommandContext) -> CommandResult:
        """Take out of an open wallet what its balance covers."""
        account = accounts.load(str(command.account_id))
        account.withdraw(command.amount)
        return save(accounts, account, context)

    def charge_wallet(command: ChargeWallet, context: CommandContext) -> CommandResult:
        """Charge once per key; a retry writes nothing (``written=False``)."""
        account = accounts.load(str(command.account_id))
        account.charge(
            str(command.payment_id),
            str(command.order_id),
            command.amount,
            command.idempotency_key,
        )
        return save(accounts, account, context)

    def refund_wallet(command: RefundWallet, context: CommandContext) -> CommandResult:
        """Refund a key's charge; no account or no charge is a harmless no-op."""
        account_id = str(command.account_id)
        if not _exists(accounts, account_id):
            return CommandResult.unchanged(accounts.stream_id(account_id), 0, 0)
        account = accounts.load(account_id)
        account.refund(command.idempotency_key)
        return save(accounts, account, context)

    return {
        OpenAccount: open_account,
        Deposit: deposit,
        Withdraw: withdraw,
        ChargeWallet: charge_wallet,
        RefundWallet: refund_wallet,
    }
