"""The order lifecycle as a table: every step from every status."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ddd_sim.contexts.sales.domain.events import (
    OrderCancelled,
    OrderCompleted,
    OrderConfirmed,
    OrderPlaced,
    OrderShipped,
)
from ddd_sim.contexts.sales.domain.lines import OrderLine
from ddd_sim.contexts.sales.domain.order import InvalidOrderTransition, Order
from ddd_sim.shared.errors import DomainError
from ddd_sim.shared.ids import CustomerId, OrderId, ProductId
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.money import Money

OID = OrderId("ORD-001")
CID = CustomerId("CUST-001")
TOTAL = Money.of("20.00")
PLACED = OrderPlaced(
    order_id=OID,
    customer_id=CID,
    lines=(
        OrderLine(
            product_id=ProductId("PROD-001"), quantity=2, unit_price=Money.of("10")
        ),
    ),
    total=TOTAL,
)
CONFIRMED = OrderConfirmed(order_id=OID, customer_id=CID, total=TOTAL)
SHIPPED = OrderShipped(order_id=OID, customer_id=CID, shipment_id="SHP-001")
COMPLETED = OrderCompleted(order_id=OID, customer_id=CID, total=TOTAL)
CANCELLED = OrderCancelled(order_id=OID, customer_id=CID, total=TOTAL, reason="oops")

HISTORY: dict[str, tuple[DomainEvent, ...]] = {
    "placed": (PLACED,),
    "confirmed": (PLACED, CONFIRMED),
    "shipped": (PLACED, CONFIRMED, SHIPPED),
    "completed": (PLACED, CONFIRMED, SHIPPED, COMPLETED),
    "cancelled": (PLACED, CANCELLED),
}
STEPS: dict[str, Callable[[Order], None]] = {
    "confirm": lambda order: order.confirm(),
    "ship": lambda order: order.mark_shipped("SHP-001"),
    "complete": lambda order: order.complete(),
    "cancel": lambda order: order.cancel("oops"),
}
EVENT_OF_STEP: dict[str, DomainEvent] = {
    "confirm": CONFIRMED,
    "ship": SHIPPED,
    "complete": COMPLETED,
    "cancel": CANCELLED,
}
NOOP = "no-op"

# status -> step -> the status it leads to, NOOP, or the refusal's wording
TABLE: dict[str, dict[str, str]] = {
    "placed": {
        "confirm": "confirmed",
        "ship": "cannot ship ORD-001: it is not confirmed yet",
        "complete": "cannot complete ORD-001: it is not confirmed yet",
        "cancel": "cancelled",
    },
    "confirmed": {
        "confirm": NOOP,
        "ship": "shipped",
        "complete": "cannot complete ORD-001: it is not shipped yet",
        "cancel": "cancelled",
    },
    "shipped": {
        "confirm": "cannot confirm ORD-001: already shipped",
        "ship": NOOP,
        "complete": "completed",
        "cancel": "cannot cancel ORD-001: already shipped",
    },
    "completed": {
        "confirm": "cannot confirm ORD-001: already completed",
        "ship": "cannot ship ORD-001: already completed",
        "complete": NOOP,
        "cancel": "cannot cancel ORD-001: already completed",
    },
    "cancelled": {
        "confirm": "cannot confirm ORD-001: it was cancelled",
        "ship": "cannot ship ORD-001: it was cancelled",
        "complete": "cannot complete ORD-001: it was cancelled",
        "cancel": NOOP,
    },
}
CASES = [(status, step, TABLE[status][step]) for status in TABLE for step in STEPS]


@pytest.mark.parametrize(("status", "step", "outcome"), CASES)
def test_each_step_from_each_status(status: str, step: str, outcome: str) -> None:
    order = Order(str(OID))
    order.replay(HISTORY[status])
    assert order.status == status
    if outcome == NOOP:
        STEPS[step](order)
        assert order.pending_events == ()
        assert order.status == status
    elif outcome.startswith("cannot"):
        with pytest.raises(InvalidOrderTransition) as err:
            STEPS[step](order)
        assert str(err.value) == outcome
        assert order.pending_events == ()
        assert order.status == status
    else:
        STEPS[step](order)
        assert order.pending_events == (EVENT_OF_STEP[step],)
        assert order.status == outcome


@pytest.mark.parametrize("step", sorted(STEPS))
def test_no_step_applies_to_an_order_never_placed(step: str) -> None:
    with pytest.raises(DomainError, match=rf"cannot {step} ORD-001: .*never placed"):
        STEPS[step](Order(str(OID)))
