"""Shipping's handlers, view, queries and translators, wired like bootstrap."""

from __future__ import annotations

import uuid

import pytest

from ddd_sim.contexts.shipping.application import wiring
from ddd_sim.contexts.shipping.application.commands import (
    CancelShipment,
    CreateShipment,
    DeliverShipment,
)
from ddd_sim.contexts.shipping.application.queries import (
    GetShipment,
    ListShipments,
    ShipmentView,
)
from ddd_sim.contexts.shipping.domain import events as domain
from ddd_sim.contexts.shipping.domain.shipment import (
    InvalidShipmentTransition,
    ShipmentAlreadyCreated,
)
from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.integration import events as published
from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.shared.errors import NotFound
from ddd_sim.shared.ids import OrderId
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import EventMeta
from tests.shop.shipping.shipping_world import ShippingWorld
from tests.shop.support import StaleFirstRead

ORD1, ORD2 = OrderId("ORD-001"), OrderId("ORD-002")


def test_creating_uses_the_commands_simulated_time_and_returns_version_one() -> None:
    world = ShippingWorld()
    result = world.do(
        CreateShipment(shipment_id="SHP-001", order_id=ORD1, lead_time=3600.0), at=50.0
    )
    assert (result.stream_id, result.version, result.written) == (
        "Shipment-SHP-001",
        1,
        True,
    )
    assert world.shipment("SHP-001").estimated_delivery == 3650.0


def test_creating_again_for_the_same_order_writes_nothing() -> None:
    world = ShippingWorld()
    first = world.do(CreateShipment(shipment_id="SHP-001", order_id=ORD1))
    again = world.do(CreateShipment(shipment_id="SHP-001", order_id=ORD1), at=9.0)
    assert (again.version, again.written, again.position) == (1, False, first.position)


def test_creating_an_existing_shipment_for_another_order_is_refused() -> None:
    world = ShippingWorld()
    world.do(CreateShipment(shipment_id="SHP-001", order_id=ORD1))
    with pytest.raises(ShipmentAlreadyCreated, match=r"SHP-001 already exists"):
        world.do(CreateShipment(shipment_id="SHP-001", order_id=ORD2))


def test_losing_the_race_to_book_is_decided_against_the_winner() -> None:
    stale = StaleFirstRead(open_store("memory:"))
    world = ShippingWorld(store=stale)
    first = world.do(CreateShipment(shipment_id="SHP-001", order_id=ORD1))
    stale.stale = True
    retry = world.do(CreateShipment(shipment_id="SHP-001", order_id=ORD1))
    assert (retry.version, retry.written, retry.position) == (1, False, first.position)
    stale.stale = True
    with pytest.raises(ShipmentAlreadyCreated, match=r"exists for ORD-001"):
        world.do(CreateShipment(shipment_id="SHP-001", order_id=ORD2))


def test_cancel_and_deliver_return_the_new_version_and_repeats_write_nothing() -> None:
    world = ShippingWorld()
    world.do(CreateShipment(shipment_id="SHP-001", order_id=ORD1))
    world.do(CreateShipment(shipment_id="SHP-002", order_id=ORD2))
    cancelled = world.do(CancelShipment(shipment_id="SHP-001", reason="stop"))
    cancelled_again = world.do(CancelShipment(shipment_id="SHP-001", reason="stop"))
    delivered = world.do(DeliverShipment(shipment_id="SHP-002"))
    delivered_again = world.do(DeliverShipment(shipment_id="SHP-002"))
    assert [(r.version, r.written) for r in (cancelled, cancelled_again)] == [
        (2, True),
        (2, False),
    ]
    assert [(r.version, r.written) for r in (delivered, delivered_again)] == [
        (2, True),
        (2, False),
    ]
    with pytest.raises(InvalidShipmentTransition, match=r"deliver SHP-001"):
        world.do(DeliverShipment(shipment_id="SHP-001"))
    with pytest.raises(InvalidShipmentTransition, match=r"cancel SHP-002"):
        world.do(CancelShipment(shipment_id="SHP-002", reason="late"))


@pytest.mark.parametrize(
    "command",
    [
        CancelShipment(shipment_id="SHP-404", reason="r"),
        DeliverShipment(shipment_id="SHP-404"),
    ],
)
def test_a_step_for_an_unknown_shipment_is_not_found(command: object) -> None:
    with pytest.raises(NotFound, match=r"shipment SHP-404 does not exist"):
        ShippingWorld().do(command)


def test_the_view_follows_each_shipment_with_its_times() -> None:
    world = ShippingWorld()
    world.do(CreateShipment(shipment_id="SHP-002", order_id=ORD1, lead_time=100), at=5)
    world.do(CreateShipment(shipment_id="SHP-001", order_id=ORD2, lead_time=100), at=7)
    world.do(CreateShipment(shipment_id="SHP-003", order_id=ORD1, lead_time=100), at=9)
    world.do(DeliverShipment(shipment_id="SHP-002"), at=80)
    world.do(CancelShipment(shipment_id="SHP-003", reason="lost"), at=90)
    assert world.ask(GetShipment(shipment_id="SHP-002")) == ShipmentView(
        shipment_id="SHP-002",
        order_id=ORD1,
        status="delivered",
        estimated_delivery=105.0,
        created_at=5.0,
        delivered_at=80.0,
        cancel_reason=None,
    )
    cancelled = world.ask(GetShipment(shipment_id="SHP-003"))
    assert (cancelled.status, cancelled.cancel_reason, cancelled.delivered_at) == (
        "cancelled",
        "lost",
        None,
    )
    every = world.ask(ListShipments())
    assert [s.shipment_id for s in every] == ["SHP-002", "SHP-001", "SHP-003"]
    of_order = world.ask(ListShipments(order_id="ORD-001"))
    assert [s.shipment_id for s in of_order] == ["SHP-002", "SHP-003"]
    assert world.ask(ListShipments()) == every  # folding again changes nothing


def test_an_unknown_shipment_is_not_found_in_the_view() -> None:
    with pytest.raises(NotFound, match=r"shipment SHP-404 does not exist"):
        ShippingWorld().ask(GetShipment(shipment_id="SHP-404"))


META = EventMeta(
    event_id=uuid.UUID(int=3),
    stream_id="Shipment-SHP-001",
    stream_version=1,
    position=3,
    sim_time=1.0,
)


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (
            domain.ShipmentCreated(
                shipment_id="SHP-001", order_id=ORD1, estimated_delivery=42.0
            ),
            published.ShipmentCreated(
                shipment_id="SHP-001", order_id="ORD-001", estimated_delivery=42.0
            ),
        ),
        (
            domain.ShipmentCancelled(shipment_id="SHP-001", order_id=ORD1, reason="r"),
            published.ShipmentCancelled(
                shipment_id="SHP-001", order_id="ORD-001", reason="r"
            ),
        ),
        (
            domain.ShipmentDelivered(shipment_id="SHP-001", order_id=ORD1),
            published.ShipmentDelivered(shipment_id="SHP-001", order_id="ORD-001"),
        ),
    ],
    ids=["created", "cancelled", "delivered"],
)
def test_each_shipment_event_is_published(
    event: DomainEvent, expected: IntegrationEvent
) -> None:
    assert wiring.TRANSLATORS[event.event_type](event, META) == expected


def test_every_stored_shipment_event_has_a_translator() -> None:
    assert set(wiring.TRANSLATORS) == {cls.event_type for cls in wiring.EVENTS}
    assert wiring.STREAM_CATEGORIES == ("Shipment",)
