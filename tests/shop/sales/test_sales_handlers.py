"""Sales' command handlers over a store: versions written, refusals, repeats."""

from __future__ import annotations

import pytest

from ddd_sim.contexts.sales.application.commands import (
    CancelOrder,
    CompleteOrder,
    ConfirmOrder,
    MarkOrderShipped,
    PlaceOrder,
)
from ddd_sim.contexts.sales.domain.order import (
    InvalidOrderTransition,
    OrderAlreadyPlaced,
)
from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.shared.errors import NotFound, WrongExpectedVersion
from ddd_sim.shared.ids import CustomerId, OrderId
from ddd_sim.shared.money import Money
from tests.shop.sales.sales_world import SalesWorld, line
from tests.shop.support import StaleFirstRead

OID = OrderId("ORD-001")
CID = CustomerId("CUST-001")
PLACE = PlaceOrder(order_id=OID, customer_id=CID, lines=(line("001", 2, "10.00"),))


def test_each_step_of_the_happy_path_returns_the_new_stream_version() -> None:
    world = SalesWorld()
    results = [
        world.do(PLACE),
        world.do(ConfirmOrder(order_id=OID)),
        world.do(MarkOrderShipped(order_id=OID, shipment_id="SHP-001")),
        world.do(CompleteOrder(order_id=OID)),
    ]
    assert [(r.stream_id, r.version, r.written) for r in results] == [
        ("Order-ORD-001", 1, True),
        ("Order-ORD-001", 2, True),
        ("Order-ORD-001", 3, True),
        ("Order-ORD-001", 4, True),
    ]
    positions = [r.position for r in results]
    assert positions == sorted(positions)
    assert world.stored_types(OID) == [
        "OrderPlaced",
        "OrderConfirmed",
        "OrderShipped",
        "OrderCompleted",
    ]
    order = world.order(OID)
    assert (order.status, order.shipment_id, order.total) == (
        "completed",
        "SHP-001",
        Money.of("20.00"),
    )


def test_cancelling_twice_writes_once_and_the_repeat_reports_written_false() -> None:
    world = SalesWorld()
    world.do(PLACE)
    first = world.do(CancelOrder(order_id=OID, reason="changed my mind"))
    again = world.do(CancelOrder(order_id=OID, reason="changed my mind"))
    assert (first.version, first.written) == (2, True)
    assert (again.version, again.written, again.position) == (
        2,
        False,
        first.position,
    )
    assert world.order(OID).cancel_reason == "changed my mind"


def test_a_shipped_order_cannot_be_cancelled_through_the_handler() -> None:
    world = SalesWorld()
    world.do(PLACE)
    world.do(ConfirmOrder(order_id=OID))
    world.do(MarkOrderShipped(order_id=OID, shipment_id="SHP-001"))
    with pytest.raises(
        InvalidOrderTransition, match=r"^cannot cancel ORD-001: already shipped$"
    ):
        world.do(CancelOrder(order_id=OID, reason="too late"))
    assert world.stored_types(OID)[-1] == "OrderShipped"


def test_placing_an_existing_order_id_is_refused() -> None:
    world = SalesWorld()
    world.do(PLACE)
    with pytest.raises(OrderAlreadyPlaced, match=r"order ORD-001 is already placed"):
        world.do(PLACE)
    assert world.stored_types(OID) == ["OrderPlaced"]


def test_losing_the_race_to_place_an_order_id_is_reported_as_already_placed() -> None:
    stale = StaleFirstRead(open_store("memory:"))
    world = SalesWorld(store=stale)
    world.do(PLACE)
    stale.stale = True
    with pytest.raises(OrderAlreadyPlaced, match=r"order ORD-001 is already") as err:
        world.do(PLACE)
    assert isinstance(err.value.__cause__, WrongExpectedVersion)


@pytest.mark.parametrize(
    "command",
    [
        ConfirmOrder(order_id=OrderId("ORD-404")),
        MarkOrderShipped(order_id=OrderId("ORD-404"), shipment_id="SHP-1"),
        CancelOrder(order_id=OrderId("ORD-404"), reason="x"),
        CompleteOrder(order_id=OrderId("ORD-404")),
    ],
)
def test_a_step_for_an_unknown_order_is_not_found(command: object) -> None:
    with pytest.raises(NotFound, match=r"order ORD-404 does not exist"):
        SalesWorld().do(command)


def test_a_refused_step_writes_nothing() -> None:
    world = SalesWorld()
    world.do(PLACE)
    with pytest.raises(InvalidOrderTransition, match=r"ORD-001: it is not confirmed"):
        world.do(MarkOrderShipped(order_id=OID, shipment_id="SHP-001"))
    assert world.stored_types(OID) == ["OrderPlaced"]
