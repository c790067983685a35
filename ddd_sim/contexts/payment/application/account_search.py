"""The ``payment.account_search`` read model: wallets by id, owner and tag."""

from __future__ import annotations

from decimal import Decimal

from ddd_sim.contexts.payment.application.movements import (
    AccountDocumentProjection,
    Movement,
    moved,
)
from ddd_sim.contexts.payment.application.queries import AccountSearchHit
from ddd_sim.shared.events import JsonObject
from ddd_sim.shared.money import Money
from ddd_sim.shared.read_models import EventMeta

HIGH_BALANCE = Decimal(10_000)
"""A balance above this, in any one currency, tags the wallet ``high-balance``."""


def tags_for(balances: dict[str, str], transaction_count: int) -> list[str]:
    """A wallet's tags, recomputed from its state after every event.

    ``active``: every open wallet (wallets cannot be closed yet).
    ``new-account``: opened and not used since.  ``high-balance``: while
    some balance exceeds 10,000 in its currency; it goes when none does.
    """
    tags = ["active"]
    if transaction_count <= 1:
        tags.append("new-account")
    if any(Decimal(amount) > HIGH_BALANCE for amount in balances.values()):
        tags.append("high-balance")
    return tags


class AccountSearchProjection(AccountDocumentProjection):
    """Keeps each wallet's owner, balances and tags for text search."""

    name = "payment.account_search"
    version = 1
    description = "Wallets by id, owner and tag (active, new-account, high-balance)"

    def folded(
        self, doc: JsonObject | None, movement: Movement, meta: EventMeta
    ) -> JsonObject:
        """The search document after one movement: balances, count and tags."""
        balances = dict(doc["balances"]) if doc else {}
        code = movement.amount.currency
        balances[code] = moved(balances.get(code), movement)
        count = (doc["transaction_count"] if doc else 0) + 1
        owner = movement.owner_id or (doc["owner_id"] if doc else "")
        return {
            "account_id": movement.account_id,
            "owner_id": owner,
            "balances": balances,
            "transaction_count": count,
            "tags": tags_for(balances, count),
            "last_position": meta.position,
        }


def matches(doc: JsonObject, text: str) -> bool:
    """Case-insensitive substring match on id, owner or any tag."""
    needle = text.strip().lower()
    fields = [doc["account_id"], doc["owner_id"], *doc["tags"]]
    return any(needle in value.lower() for value in fields)


def hit_from(doc: JsonObject) -> AccountSearchHit:
    """The immutable search row of one document."""
    return AccountSearchHit(
        account_id=doc["account_id"],
        owner_id=doc["owner_id"],
        balances=tuple(
            Money.of(amount, code) for code, amount in sorted(doc["balances"].items())
        ),
        tags=tuple(doc["tags"]),
    )
