"""Session-level reads for the store browser and the read-model panel.

How a stream's aggregate loads (from which snapshot, replaying how many
events) and a wallet's balance after each of its events.  Each function
takes the :class:`~.session.Session` and answers with immutable values, so
the GUI can call it through ``controller.query``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ddd_sim.contexts.billing.domain.invoice import Invoice
from ddd_sim.contexts.customer.domain.customer import Customer
from ddd_sim.contexts.inventory.domain.product import Product
from ddd_sim.contexts.payment.application.queries import GetBalanceHistory
from ddd_sim.contexts.payment.domain.account import Account
from ddd_sim.contexts.payment.domain.card_payment import CardPayment
from ddd_sim.contexts.sales.domain.order import Order
from ddd_sim.contexts.shipping.domain.shipment import Shipment
from ddd_sim.processes.choreography_state import OrderChoreography
from ddd_sim.processes.fulfilment_state import OrderFulfilment
from ddd_sim.processes.saga_state import OrderSaga
from ddd_sim.shared.aggregate import Aggregate
from ddd_sim.shared.ids import AccountId
from ddd_sim.shared.repository import AggregateRepository, LoadStats

if TYPE_CHECKING:
    from ddd_sim.runtime.session.session import Session

AGGREGATES: dict[str, type[Aggregate]] = {
    cls.aggregate_type: cls
    for cls in (
        Account,
        CardPayment,
        Customer,
        Invoice,
        Order,
        Product,
        Shipment,
        OrderSaga,
        OrderChoreography,
        OrderFulfilment,
    )
}
"""The aggregate class behind each stream category (the stream's prefix)."""


def aggregate_class(stream_id: str) -> type[Aggregate] | None:
    """The aggregate a stream holds, or None (simulation records, unknown)."""
    return AGGREGATES.get(stream_id.split("-", 1)[0])


def load_stats(
    session: Session, stream_id: str, version: int | None = None
) -> LoadStats | None:
    """Load a stream's aggregate from the store as a repository does; how it went.

    The load goes around the aggregate cache (a cached aggregate replays
    nothing, which says nothing about the store) and uses the newest
    snapshot at or below ``version`` whenever the stream has one, as the
    repository with a snapshot policy does.  None for a stream that holds
    no aggregate.
    """
    cls = aggregate_class(stream_id)
    if cls is None:
        return None
    category, aggregate_id = stream_id.split("-", 1)
    store = session.store
    has_snapshot = store.load_snapshot(stream_id, at_or_below=version) is not None
    registry = session.shop.registry if session.shop is not None else None
    if registry is None:
        return None
    repository: AggregateRepository[Aggregate] = AggregateRepository(
        store,
        registry,
        cls,
        stream_prefix=category,
        # only whether a policy exists matters to a load: it then starts
        # from the newest snapshot below the version it wants
        snapshot_every=1 if has_snapshot else None,
    )
    repository.load(aggregate_id, at_version=version)
    return repository.last_load


@dataclass(frozen=True, slots=True)
class BalancePoint:
    """A wallet's balance right after one of its events."""

    position: int
    sim_time: float
    version: int
    event_type: str
    balance: Decimal


def wallets(session: Session) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every wallet the log holds, with the currencies it has used, by id."""
    if session.shop is None:
        return ()
    documents = session.shop.projections.reader("payment.account_summary").all()
    return tuple(
        (key, tuple(sorted(doc.get("currencies") or {})))
        for key, doc in sorted(documents.items())
    )


def balance_history(
    session: Session, account_id: str, currency: str
) -> tuple[BalancePoint, ...]:
    """The wallet's balance after each of its events (the temporal query)."""
    if session.shop is None:
        return ()
    answer = session.shop.ask(
        GetBalanceHistory(account_id=AccountId(account_id), currency=currency)
    )
    return tuple(
        BalancePoint(
            position=entry.position,
            sim_time=entry.sim_time,
            version=entry.version,
            event_type=entry.event_type,
            balance=entry.balance.amount,
        )
        for entry in answer
    )
