"""The pattern catalogue's own figures (examples 61-65), on every store backend."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from ddd_sim.bootstrap import build_registry
from ddd_sim.contexts.payment.domain.account import Account, InsufficientFunds
from ddd_sim.contexts.payment.domain.events import MoneyDeposited, MoneyWithdrawn
from ddd_sim.shared.errors import UnknownEventType, ValidationError
from ddd_sim.shared.events import NewEvent, StreamState
from ddd_sim.shared.money import Money
from ddd_sim.shared.repository import AggregateNotFound, AggregateRepository
from tests.conftest import StoreFactory

USD = "USD"


def usd(amount: str) -> Money:
    return Money.of(amount, USD)


@pytest.fixture
def registry():
    return build_registry()


@pytest.fixture
def repo(make_store: StoreFactory, registry):
    store = make_store(registry.upcasters)
    return AggregateRepository(store, registry, Account, snapshot_every=100)


def test_open_deposit_withdraw_gives_1300_at_version_3(repo) -> None:
    account = Account.open("ACC-001", "USER-123", usd("1000"))
    account.deposit(usd("500"))
    account.withdraw(usd("200"))
    result = repo.save(account)
    assert (result.first_version, result.last_version) == (1, 3)

    rebuilt = repo.load("ACC-001")
    assert rebuilt.balance(USD) == usd("1300")
    assert rebuilt.version == 3
    assert repo.last_load.events_replayed == 3


def test_250_events_with_snapshots_every_100_replay_50(repo) -> None:
    account = Account.open("ACC-001", "USER-123", usd("1000"))
    for _ in range(249):
        account.deposit(usd("10"))
    repo.save(account)

    reloaded = repo.load("ACC-001")
    assert reloaded.balance(USD) == usd("3490")
    assert reloaded.version == 250
    assert repo.last_load.snapshot_version == 200
    assert repo.last_load.events_replayed == 50


def test_snapshots_taken_one_command_at_a_time(repo) -> None:
    repo.save(Account.open("ACC-002", "USER-9", usd("0")))
    for _ in range(149):
        account = repo.load("ACC-002")
        account.deposit(usd("1"))
        repo.save(account)
    loaded = repo.load("ACC-002")
    assert loaded.balance(USD) == usd("149")
    assert repo.last_load.snapshot_version == 100
    assert repo.last_load.events_replayed == 50
    old = repo.load("ACC-002", at_version=120)
    assert old.balance(USD) == usd("119")
    assert (repo.last_load.snapshot_version, repo.last_load.events_replayed) == (
        100,
        20,
    )


def test_stored_v1_deposit_reads_back_as_v2_in_usd(repo, registry) -> None:
    store = repo._store
    stream = repo.stream_id("ACC-001")
    store.append(
        stream,
        [
            registry.to_new_event(
                Account.open("ACC-001", "USER-123", usd("0")).pending_events[0],
                event_id=uuid.uuid4(),
                metadata=_meta(0.0),
            )
        ],
        StreamState.NO_STREAM,
    )
    legacy = NewEvent(
        event_id=uuid.uuid4(),
        type="MoneyDeposited",
        schema_version=1,
        payload={"account_id": "ACC-001", "amount": "1000.00"},
    )
    store.append(stream, [legacy], 1)

    raw = store.read_stream(stream, raw=True)[1]
    assert (raw.schema_version, raw.payload) == (
        1,
        {"account_id": "ACC-001", "amount": "1000.00"},
    )
    upcast = store.read_stream(stream)[1]
    assert upcast.schema_version == 2
    assert upcast.payload["amount"] == {"amount": "1000.00", "currency": "USD"}
    event = registry.to_domain_event(upcast)
    assert event == MoneyDeposited(account_id="ACC-001", amount=usd("1000"))

    account = repo.load("ACC-001")
    account.deposit(Money.of("500", "EUR"))
    repo.save(account)
    final = repo.load("ACC-001")
    assert final.balance("USD") == usd("1000")
    assert final.balance("EUR") == Money.of("500", "EUR")


def test_unknown_newer_schema_version_is_named(repo) -> None:
    store = repo._store
    store.append(
        "Account-ACC-009",
        [
            NewEvent(
                event_id=uuid.uuid4(),
                type="MoneyDeposited",
                schema_version=7,
                payload={"account_id": "ACC-009"},
            )
        ],
    )
    with pytest.raises(UnknownEventType, match=r"MoneyDeposited schema version 7"):
        store.read_stream("Account-ACC-009")
    assert store.read_stream("Account-ACC-009", raw=True)[0].schema_version == 7


def _meta(t: float):
    from ddd_sim.shared.events import EventMetadata

    return EventMetadata(sim_time=t)


def test_as_of_between_deposit_and_withdrawal_is_1500(repo) -> None:
    account = Account.open("ACC-001", "USER-123", usd("1000"))
    repo.save(account, sim_time=1.0)
    account.deposit(usd("500"))
    repo.save(account, sim_time=2.0)
    account.withdraw(usd("200"))
    repo.save(account, sim_time=3.0)

    assert repo.load("ACC-001", at_sim_time=2.5).balance(USD) == usd("1500")
    assert repo.load("ACC-001", at_sim_time=3.0).balance(USD) == usd("1300")
    with pytest.raises(AggregateNotFound):
        repo.load("ACC-001", at_sim_time=0.5)

    history = repo.history("ACC-001", lambda a: a.balance(USD).amount)
    assert [(h.event.metadata.sim_time, h.state) for h in history] == [
        (1.0, Decimal("1000.00")),
        (2.0, Decimal("1500.00")),
        (3.0, Decimal("1300.00")),
    ]


def test_rules_refuse_and_record_nothing(repo) -> None:
    account = Account.open("ACC-001", "USER-123", usd("100"))
    with pytest.raises(InsufficientFunds, match=r"cannot withdraw 100\.01 USD"):
        account.withdraw(usd("100.01"))
    with pytest.raises(ValidationError, match="deposit must be positive"):
        account.deposit(usd("-5"))
    with pytest.raises(ValidationError, match="must not be negative"):
        Account.open("ACC-002", "USER-1", usd("-1"))
    assert [type(e) for e in account.pending_events] == [
        type(account.pending_events[0])
    ]
    assert not any(isinstance(e, MoneyWithdrawn) for e in account.pending_events)


def test_missing_account_is_not_found(repo) -> None:
    with pytest.raises(AggregateNotFound, match="ACC-404 does not exist"):
        repo.load("ACC-404")


def test_as_of_a_global_position_uses_the_snapshot_below_it(repo) -> None:
    account = Account.open("ACC-001", "USER-123", usd("0"))
    for _ in range(149):
        account.deposit(usd("1"))
    first = repo.save(account)
    other = Account.open("ACC-002", "USER-9", usd("5"))
    repo.save(other)
    assert first.last_position == 150

    at_120 = repo.load("ACC-001", at_position=120)
    assert (at_120.version, at_120.balance(USD)) == (120, usd("119"))
    assert (repo.last_load.snapshot_version, repo.last_load.events_replayed) == (
        100,
        20,
    )
    with pytest.raises(AggregateNotFound, match="did not exist at position 150"):
        repo.load("ACC-002", at_position=150)
    assert repo.load("ACC-002", at_position=151).balance(USD) == usd("5")
