"""What bootstrap reads from analytics: no aggregate, one sales fold, two queries."""

from __future__ import annotations

from collections.abc import Callable

from ddd_sim.contexts.analytics.application.queries import (
    DaySales,
    GetOrdersPerDay,
    GetSalesMetrics,
    SalesMetrics,
)
from ddd_sim.contexts.analytics.application.sales import (
    DAY_PREFIX,
    TOTALS,
    SalesFigures,
    blank_totals,
)
from ddd_sim.contexts.analytics.domain.figures import (
    average,
    money_list,
    net_money,
    rate,
)
from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.shared.cqrs import CommandTable, ContextDeps, QueryTable
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import EventMeta, Projection
from ddd_sim.shared.upcasting import Upcasters

EVENTS: tuple[type[DomainEvent], ...] = ()
STREAM_CATEGORIES: tuple[str, ...] = ()
PROJECTIONS: tuple[type[Projection], ...] = (SalesFigures,)
TRANSLATORS: dict[str, Callable[[DomainEvent, EventMeta], IntegrationEvent | None]] = {}


def register_upcasters(upcasters: Upcasters) -> None:
    """Analytics stores no events of its own: nothing to upcast."""


def command_handlers(deps: ContextDeps) -> CommandTable:
    """Analytics takes no commands: it only folds what others publish."""
    return {}


def query_handlers(deps: ContextDeps) -> QueryTable:
    """GetSalesMetrics (run totals) and GetOrdersPerDay (one row per day)."""

    def sales_metrics(query: GetSalesMetrics) -> SalesMetrics:
        t = deps.read_model(SalesFigures.name).get(TOTALS) or blank_totals()
        placed_value = money_list(t["placed_value"])
        return SalesMetrics(
            orders_placed=t["placed"],
            orders_confirmed=t["confirmed"],
            orders_cancelled=t["cancelled"],
            cancellation_rate=rate(t["cancelled"], t["placed"]),
            placed_value=placed_value,
            revenue=net_money(t["captured"], t["refunded"]),
            average_order_value=tuple(
                average(value, t["placed_by_currency"][value.currency])
                for value in placed_value
            ),
            units_reserved=tuple(sorted(t["units_reserved"].items())),
        )

    def orders_per_day(query: GetOrdersPerDay) -> tuple[DaySales, ...]:
        days = [
            doc
            for key, doc in deps.read_model(SalesFigures.name).all().items()
            if key.startswith(DAY_PREFIX)
        ]
        return tuple(
            DaySales(
                day=doc["day"],
                placed=doc["placed"],
                confirmed=doc["confirmed"],
                cancelled=doc["cancelled"],
                revenue=net_money(doc["captured"], doc["refunded"]),
            )
            for doc in sorted(days, key=lambda doc: doc["day"])
        )

    return {GetSalesMetrics: sales_metrics, GetOrdersPerDay: orders_per_day}
