"""``analytics.sales``: a columnar-style fold of sales facts per simulated day.

Every figure is counted on the simulated day its event happened (a
cancellation on day 3 of an order placed on day 1 counts on day 3).  Money
is summed per currency as exact decimal text.  Events reach a projection in
log order, so one at or below the last position folded is a duplicate and is
skipped: the counters never count a fact twice.
"""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.analytics.domain.figures import add_money, day_of
from ddd_sim.integration.events import (
    OrderCancelled,
    OrderConfirmed,
    OrderPlaced,
    PaymentCaptured,
    PaymentRefunded,
    StockReleased,
    StockReserved,
)
from ddd_sim.shared.read_models import (
    EventMeta,
    Projection,
    ReadModelWriter,
    already_folded,
)

TOTALS = "totals"
DAY_PREFIX = "day:"


def _blank_day(day: int) -> dict[str, Any]:
    return {
        "day": day,
        "placed": 0,
        "confirmed": 0,
        "cancelled": 0,
        "placed_value": {},
        "captured": {},
        "refunded": {},
    }


def blank_totals() -> dict[str, Any]:
    """The run's figures before any event (what queries read from an empty model)."""
    return {
        **_blank_day(0),
        "last_position": 0,
        "placed_by_currency": {},
        "units_reserved": {},
    }


class SalesFigures(Projection):
    """Orders, revenue and reserved units per day and in total."""

    name = "analytics.sales"
    version = 1
    source = "integration"
    event_types = (
        OrderPlaced.event_type,
        OrderConfirmed.event_type,
        OrderCancelled.event_type,
        PaymentCaptured.event_type,
        PaymentRefunded.event_type,
        StockReserved.event_type,
        StockReleased.event_type,
    )
    description = (
        "Orders per simulated day, placed value, cancellations, revenue "
        "(captured less refunded) per currency and units reserved per product"
    )

    def handle(self, event: Any, meta: EventMeta, rm: ReadModelWriter) -> None:
        totals = dict(rm.get(TOTALS) or blank_totals())
        if already_folded(totals, meta):
            return
        totals["last_position"] = meta.position
        if isinstance(event, StockReserved | StockReleased):
            units = dict(totals["units_reserved"])
            held = units.get(event.product_id, 0)
            if isinstance(event, StockReserved):
                units[event.product_id] = held + event.quantity
            else:
                units[event.product_id] = held - event.quantity
            totals["units_reserved"] = units
            rm.put(TOTALS, totals)
            return
        day = day_of(meta.sim_time)
        day_key = f"{DAY_PREFIX}{day}"
        today = dict(rm.get(day_key) or _blank_day(day))
        for doc in (today, totals):
            _count(doc, event)
        if isinstance(event, OrderPlaced):
            by_currency = dict(totals["placed_by_currency"])
            code = event.total.currency
            by_currency[code] = by_currency.get(code, 0) + 1
            totals["placed_by_currency"] = by_currency
        rm.put(day_key, today)
        rm.put(TOTALS, totals)


def _count(doc: dict[str, Any], event: Any) -> None:
    """Add one order or payment fact to a day's (or the run's) figures."""
    if isinstance(event, OrderPlaced):
        doc["placed"] += 1
        doc["placed_value"] = add_money(doc["placed_value"], event.total)
    elif isinstance(event, OrderConfirmed):
        doc["confirmed"] += 1
    elif isinstance(event, OrderCancelled):
        doc["cancelled"] += 1
    elif isinstance(event, PaymentCaptured):
        doc["captured"] = add_money(doc["captured"], event.amount)
    elif isinstance(event, PaymentRefunded):
        doc["refunded"] = add_money(doc["refunded"], event.amount)
