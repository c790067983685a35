"""``ddd-sim demo``: the catalogue's wallet examples (61-65), run against the store."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from ddd_sim.bootstrap import App
from ddd_sim.contexts.payment.domain.account import Account
from ddd_sim.runtime.subscriptions import CatchUpSubscription
from ddd_sim.shared.events import EventMetadata, NewEvent, RecordedEvent, StreamState
from ddd_sim.shared.money import Money
from ddd_sim.shared.ports import WriteTransaction


class AccountSummary:
    """Example 65's read model: totals per wallet, kept as documents."""

    name = "demo-account-summary"

    def handle(self, event: RecordedEvent, tx: WriteTransaction) -> None:
        """Fold one wallet event into its summary document."""
        if event.type not in ("AccountOpened", "MoneyDeposited", "MoneyWithdrawn"):
            return
        key = str(event.payload["account_id"])
        doc: dict[str, Any] = dict(tx.get_document("account-summary", key) or {})
        money = event.payload.get("amount") or event.payload["initial_balance"]
        amount = Decimal(money["amount"])
        deposits = Decimal(doc.get("total_deposits", "0"))
        withdrawals = Decimal(doc.get("total_withdrawals", "0"))
        if event.type == "MoneyWithdrawn":
            withdrawals += amount
        else:
            deposits += amount
        doc.update(
            total_deposits=str(deposits),
            total_withdrawals=str(withdrawals),
            balance=str(deposits - withdrawals),
            transactions=int(doc.get("transactions", 0)) + 1,
            last_activity=event.metadata.sim_time,
        )
        tx.put_document("account-summary", key, doc)


def usd(amount: str) -> Money:
    """US dollars."""
    return Money.of(amount, "USD")


def run_demo(app: App) -> list[str]:
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
        payload={"account_id": first, "amount": "25.00"},
        metadata=EventMetadata(sim_time=5.0),
    )
    stream = repo.stream_id(first)
    app.store.append(stream, [legacy], StreamState.STREAM_EXISTS)
    raw = app.store.read_stream(stream, raw=True)[-1]
    upcast = app.store.read_stream(stream)[-1]
    out.append(
        f"64 upcasting:   stored v{raw.schema_version} {dict(raw.payload)} reads as "
        f"v{upcast.schema_version} {dict(upcast.payload)}"
    )

    summary = CatchUpSubscription(app.store, AccountSummary(), stream_prefix="Account-")
    result = summary.poll()
    doc = app.store.get_document("account-summary", first)
    out.append(
        f"65 projection:  {result.handled} events folded (lag {result.lag}); {first}: "
        f"{doc}"
    )
    return out
