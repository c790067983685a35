"""Analytics' queries and the immutable figures they answer with."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ddd_sim.shared.messages import Query, message
from ddd_sim.shared.money import Money


@message
class GetSalesMetrics(Query):
    """The shop's sales figures over the whole run."""


@message
class GetOrdersPerDay(Query):
    """Orders placed and cancelled, and revenue, per simulated day."""


@dataclass(frozen=True, slots=True, kw_only=True)
class SalesMetrics:
    """Totals; money per currency (ordered by code), never mixed or floated."""

    orders_placed: int
    orders_confirmed: int
    orders_cancelled: int
    cancellation_rate: Decimal
    placed_value: tuple[Money, ...]
    revenue: tuple[Money, ...]
    average_order_value: tuple[Money, ...]
    units_reserved: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class DaySales:
    """One simulated day: orders placed, confirmed and cancelled, revenue."""

    day: int
    placed: int
    confirmed: int
    cancelled: int
    revenue: tuple[Money, ...]
