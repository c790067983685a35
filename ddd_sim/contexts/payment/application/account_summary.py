"""The ``payment.account_summary`` read model: each wallet's totals per currency."""

from __future__ import annotations

from ddd_sim.contexts.payment.application.movements import (
    AccountDocumentProjection,
    Movement,
    moved,
)
from ddd_sim.contexts.payment.application.queries import (
    AccountSummary,
    CurrencySummary,
)
from ddd_sim.shared.events import JsonObject
from ddd_sim.shared.money import Money
from ddd_sim.shared.read_models import EventMeta


class AccountSummaryProjection(AccountDocumentProjection):
    """Totals in and out, balance, count and last activity, per wallet and currency.

    The opening balance counts as a deposit and as a transaction; charges
    count as withdrawals, refunds as deposits.
    """

    name = "payment.account_summary"
    version = 2
    description = "Per wallet and currency: deposits, withdrawals, balance, activity"

    def folded(
        self, doc: JsonObject | None, movement: Movement, meta: EventMeta
    ) -> JsonObject:
        """The summary document after one movement: its currency's line and totals."""
        if doc is None:
            doc = {
                "account_id": movement.account_id,
                "owner_id": movement.owner_id or "",
                "transaction_count": 0,
                "currencies": {},
            }
        code = movement.amount.currency
        currencies = dict(doc["currencies"])
        zero = str(Money.zero(code).amount)
        line = dict(
            currencies.get(code)
            or {
                "total_deposits": zero,
                "total_withdrawals": zero,
                "balance": zero,
                "transaction_count": 0,
            }
        )
        total = "total_deposits" if movement.inflow else "total_withdrawals"
        line[total] = str((Money.of(line[total], code) + movement.amount).amount)
        line["balance"] = moved(line["balance"], movement)
        line["transaction_count"] += 1
        line["last_activity"] = meta.sim_time
        currencies[code] = line
        return {
            **doc,
            "owner_id": movement.owner_id or doc["owner_id"],
            "transaction_count": doc["transaction_count"] + 1,
            "last_activity": meta.sim_time,
            "last_position": meta.position,
            "currencies": currencies,
        }


class AccountSummaryV1(AccountSummaryProjection):
    """The summary as first written (examples 61-65), before wallets took charges.

    It folds only openings, deposits and withdrawals, so once orders were
    paid from wallets it overstated every paying customer's balance.  Retired
    by version 2; kept so a rebuild can show what the fix changed in the past.
    """

    version = 1
    event_types = ("AccountOpened", "MoneyDeposited", "MoneyWithdrawn")


def summary_from(doc: JsonObject) -> AccountSummary:
    """The immutable summary row of one document."""
    return AccountSummary(
        account_id=doc["account_id"],
        owner_id=doc["owner_id"],
        transaction_count=doc["transaction_count"],
        last_activity=doc["last_activity"],
        currencies=tuple(
            CurrencySummary(
                currency=code,
                total_deposits=Money.of(line["total_deposits"], code),
                total_withdrawals=Money.of(line["total_withdrawals"], code),
                balance=Money.of(line["balance"], code),
                transaction_count=line["transaction_count"],
                last_activity=line["last_activity"],
            )
            for code, line in sorted(doc["currencies"].items())
        ),
    )
