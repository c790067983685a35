"""A tiny wallet shop for runtime tests: handlers, a projection in two versions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ddd_sim.contexts.payment.domain.account import Account
from ddd_sim.contexts.payment.domain.events import (
    ACCOUNT_EVENTS,
    AccountOpened,
    MoneyDeposited,
    MoneyWithdrawn,
)
from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.integration.translation import Translator
from ddd_sim.runtime.buses import CommandBus, QueryBus
from ddd_sim.runtime.projection_feed import Wire
from ddd_sim.runtime.projections import ProjectionRunner
from ddd_sim.shared.cqrs import CommandContext, CommandResult, save
from ddd_sim.shared.messages import Command, Query, message
from ddd_sim.shared.money import Money
from ddd_sim.shared.ports import EventStore
from ddd_sim.shared.read_models import EventMeta, Projection, ReadModelWriter
from ddd_sim.shared.repository import AggregateRepository
from ddd_sim.shared.serialization import EventRegistry


@message
class Open(Command):
    account_id: str
    amount: str


@message
class PayIn(Command):
    account_id: str
    amount: str


@message
class TakeOut(Command):
    account_id: str
    amount: str


@message
class GetBalance(Query):
    account_id: str


class Balances(Projection):
    """v1 has the bug the seed talks about: withdrawals are added, not taken."""

    name = "test.balances"
    version = 1
    event_types = ("AccountOpened", "MoneyDeposited", "MoneyWithdrawn")

    def handle(self, event: Any, meta: EventMeta, rm: ReadModelWriter) -> None:
        if isinstance(event, AccountOpened):
            amount = event.initial_balance.amount
        elif isinstance(event, MoneyDeposited):
            amount = event.amount.amount
        else:
            amount = self.withdrawn(event)
        doc = rm.get(meta.stream_id) or {"balance": "0", "events": 0}
        rm.put(
            meta.stream_id,
            {
                "balance": str(Money.of(doc["balance"]).amount + amount),
                "events": doc["events"] + 1,
                "last_time": meta.sim_time,
            },
        )

    def withdrawn(self, event: MoneyWithdrawn) -> Any:
        return event.amount.amount


class BalancesFixed(Balances):
    version = 2

    def withdrawn(self, event: MoneyWithdrawn) -> Any:
        return -event.amount.amount


@message
class BigMove(IntegrationEvent):
    event_type = "test.big.move"
    source_context = "payment"
    account_id: str
    amount: str


def publish(event: Any, meta: EventMeta) -> IntegrationEvent | None:
    if isinstance(event, MoneyDeposited) and event.amount.amount >= 100:
        return BigMove(account_id=event.account_id, amount=str(event.amount.amount))
    return None


class BigMoves(Projection):
    name = "test.big_moves"
    source = "integration"
    event_types = ("test.big.move",)

    def handle(self, event: Any, meta: EventMeta, rm: ReadModelWriter) -> None:
        assert isinstance(event, BigMove)
        rm.put(
            f"{meta.position:06d}",
            {"account": event.account_id, "amount": event.amount},
        )


@dataclass
class Shop:
    store: EventStore
    commands: CommandBus
    queries: QueryBus
    runner: ProjectionRunner

    def do(self, command: Command, at: float = 0.0) -> CommandResult:
        return self.commands.dispatch(command, CommandContext(sim_time=at))


def make_shop(
    location: str = "memory:",
    *,
    translators: dict[str, Translator] | None = None,
    wire: Wire | None = None,
) -> Shop:
    registry = EventRegistry()
    registry.register(*ACCOUNT_EVENTS)
    store = open_store(location, upcasters=registry.upcasters)
    accounts = AggregateRepository(store, registry, Account)

    def open_(cmd: Open, ctx: CommandContext) -> CommandResult:
        return save(
            accounts, Account.open(cmd.account_id, "CUST-1", Money.of(cmd.amount)), ctx
        )

    def pay_in(cmd: PayIn, ctx: CommandContext) -> CommandResult:
        account = accounts.load(cmd.account_id)
        account.deposit(Money.of(cmd.amount))
        return save(accounts, account, ctx)

    def take_out(cmd: TakeOut, ctx: CommandContext) -> CommandResult:
        account = accounts.load(cmd.account_id)
        account.withdraw(Money.of(cmd.amount))
        return save(accounts, account, ctx)

    commands = CommandBus()
    commands.register(
        {Open: open_, PayIn: pay_in, TakeOut: take_out}, context="payment"
    )
    runner = ProjectionRunner(
        store,
        registry,
        translators=translators
        if translators is not None
        else {"MoneyDeposited": publish},
        wire=wire,
        batch_size=3,
    )
    runner.add(Balances())
    runner.add(BigMoves())

    def get_balance(query: GetBalance) -> str | None:
        doc = runner.reader("test.balances").get(f"Account-{query.account_id}")
        return None if doc is None else str(doc["balance"])

    queries = QueryBus()
    queries.register({GetBalance: get_balance}, context="payment")
    return Shop(store, commands, queries, runner)
