"""The catalogue's wallet examples (61-65), run against the session store."""

from __future__ import annotations

import uuid

from ddd_sim.bootstrap import App
from ddd_sim.contexts.payment.application.queries import GetAccountSummary
from ddd_sim.contexts.payment.domain.account import Account
from ddd_sim.shared.events import EventMetadata, NewEvent, StreamState
from ddd_sim.shared.ids import AccountId
from ddd_sim.shared.money import Money


def usd(amount: str) -> Money:
    """US dollars."""
    return Money.of(amount, "USD")


def run_wallet_demo(app: App) -> list[str]:
    """Write the examples' events into the store and report what it answers."""
    runs = sum(1 for s in app.store.streams(prefix="Account-ACC-DEMO"))
    first, second = f"ACC-DEMO-{runs + 1:03d}", f"ACC-DEMO-{runs + 2:03d}"
    repo = app.accounts
    out = [f"writing wallets {first} and {second} into {app.location}"]

    account = Account.open(first, "CUST-001", usd("1000"))
    repo.save(account, sim_time=1.0)
    account.deposit(usd("500"))
    repo.save(account, sim_time=2.0)
    account.withdraw(usd("200"))
    repo.save(account, sim_time=3.0)
    loaded = repo.load(first)
    out.append(
        f"61 event store: balance {loaded.balance()} at version {loaded.version}"
    )

    big = Account.open(second, "CUST-002", usd("1000"))
    for _ in range(249):
        big.deposit(usd("10"))
    repo.save(big, sim_time=4.0)
    reloaded = repo.load(second)
    stats = repo.last_load
    assert stats is not None
    out.append(
        f"62 snapshots:   balance {reloaded.balance()} at version {reloaded.version}, "
        f"from the snapshot at {stats.snapshot_version} + {stats.events_replayed} "
        f"events replayed"
    )

    then = repo.load(first, at_sim_time=2.5)
    history = repo.history(first, lambda a: str(a.balance()))
    steps = ", ".join(f"t={h.event.metadata.sim_time:g}: {h.state}" for h in history)
    out.append(f"63 temporal:    balance as of t=2.5 was {then.balance()}; {steps}")

    legacy = NewEvent(
        event_id=uuid.uuid4(),
        type="MoneyDeposited",
        schema_version=1,
        payload={"account_id": second, "amount": "25.00"},
        metadata=EventMetadata(sim_time=5.0),
    )
    stream = repo.stream_id(second)
    app.store.append(stream, [legacy], StreamState.STREAM_EXISTS)
    raw = app.store.read_stream(stream, raw=True)[-1]
    upcast = app.store.read_stream(stream)[-1]
    out.append(
        f"64 upcasting:   stored v{raw.schema_version} {dict(raw.payload)} reads as "
        f"v{upcast.schema_version} {dict(upcast.payload)}"
    )

    app.shop.catch_up()
    summary = app.shop.ask(GetAccountSummary(account_id=AccountId(first)))
    [usd_totals] = summary.currencies
    lag = app.shop.projections.lag("payment.account_summary")
    out.append(
        f"65 projection:  payment.account_summary (lag {lag.events} events): {first} "
        f"deposits {usd_totals.total_deposits}, withdrawals "
        f"{usd_totals.total_withdrawals}, balance {usd_totals.balance}, "
        f"{summary.transaction_count} transactions"
    )
    return out
