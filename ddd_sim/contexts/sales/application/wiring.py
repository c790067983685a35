"""What bootstrap reads to plug sales in: events, handlers, views, translators."""

from __future__ import annotations

from ddd_sim.contexts.sales.application.commands import (
    CancelOrder,
    CompleteOrder,
    ConfirmOrder,
    MarkOrderShipped,
    PlaceOrder,
)
from ddd_sim.contexts.sales.application.handlers import OrderHandlers
from ddd_sim.contexts.sales.application.order_detail import OrderDetailProjection
from ddd_sim.contexts.sales.application.order_list import OrderListProjection
from ddd_sim.contexts.sales.application.order_search import OrderSearchProjection
from ddd_sim.contexts.sales.application.queries import (
    GetOrder,
    ListOrders,
    SearchOrders,
)
from ddd_sim.contexts.sales.application.query_handlers import OrderQueries
from ddd_sim.contexts.sales.application.translators import (
    TRANSLATORS as TRANSLATORS,
)
from ddd_sim.contexts.sales.domain.events import ORDER_EVENTS
from ddd_sim.contexts.sales.domain.order import Order
from ddd_sim.shared.cqrs import CommandTable, ContextDeps, QueryTable
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import Projection
from ddd_sim.shared.upcasting import Upcasters

EVENTS: tuple[type[DomainEvent], ...] = ORDER_EVENTS
STREAM_CATEGORIES: tuple[str, ...] = (Order.aggregate_type,)
PROJECTIONS: tuple[type[Projection], ...] = (
    OrderListProjection,
    OrderDetailProjection,
    OrderSearchProjection,
)


def register_upcasters(upcasters: Upcasters) -> None:
    """Every order event is still at its first schema: nothing to upcast."""


def command_handlers(deps: ContextDeps) -> CommandTable:
    """Place orders and move them through their lifecycle."""
    orders = OrderHandlers(deps)
    return {
        PlaceOrder: orders.place_order,
        ConfirmOrder: orders.confirm_order,
        MarkOrderShipped: orders.mark_order_shipped,
        CancelOrder: orders.cancel_order,
        CompleteOrder: orders.complete_order,
    }


def query_handlers(deps: ContextDeps) -> QueryTable:
    """List, look up and search orders."""
    queries = OrderQueries(deps)
    return {
        ListOrders: queries.list_orders,
        GetOrder: queries.get_order,
        SearchOrders: queries.search_orders,
    }
