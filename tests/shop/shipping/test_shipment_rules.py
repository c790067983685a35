"""Shipment rules: given past events, when a command, then new events or an error."""

from __future__ import annotations

import math
from typing import Any

import pytest

from ddd_sim.contexts.shipping.application.commands import (
    CancelShipment,
    CreateShipment,
    DeliverShipment,
)
from ddd_sim.contexts.shipping.domain.events import (
    ShipmentCancelled,
    ShipmentCreated,
    ShipmentDelivered,
)
from ddd_sim.contexts.shipping.domain.shipment import (
    DEFAULT_LEAD_TIME,
    InvalidShipmentTransition,
    Shipment,
    ShipmentAlreadyCreated,
)
from ddd_sim.shared.errors import DomainError, ValidationError
from ddd_sim.shared.ids import OrderId
from ddd_sim.shared.messages import DomainEvent

SID = "SHP-001"
ORD1, ORD2 = OrderId("ORD-001"), OrderId("ORD-002")
CREATED = ShipmentCreated(shipment_id=SID, order_id=ORD1, estimated_delivery=172_900.0)
CANCELLED = ShipmentCancelled(shipment_id=SID, order_id=ORD1, reason="order cancelled")
DELIVERED = ShipmentDelivered(shipment_id=SID, order_id=ORD1)


def given(*events: DomainEvent) -> Shipment:
    shipment = Shipment(SID)
    shipment.replay(events)
    return shipment


def test_creating_sets_the_estimated_delivery_from_now_and_the_lead_time() -> None:
    shipment = given()
    shipment.create(ORD1, now=100.0, lead_time=DEFAULT_LEAD_TIME)
    assert shipment.pending_events == (CREATED,)
    assert shipment.status == "created"


def test_creating_again_for_the_same_order_records_nothing() -> None:
    shipment = given(CREATED)
    shipment.create(ORD1, now=5000.0, lead_time=10.0)
    assert shipment.pending_events == ()
    assert shipment.estimated_delivery == 172_900.0


def test_creating_again_for_another_order_is_refused() -> None:
    with pytest.raises(
        ShipmentAlreadyCreated,
        match=r"shipment SHP-001 already exists for ORD-001, "
        r"cannot book it for ORD-002",
    ):
        given(CREATED).create(ORD2, now=0.0, lead_time=10.0)


@pytest.mark.parametrize("lead_time", [0, -1.5, math.inf, math.nan, True, "2"])
def test_the_lead_time_must_be_positive_simulated_seconds(lead_time: Any) -> None:
    with pytest.raises(
        ValidationError, match=r"lead time must be a positive number"
    ) as err:
        given().create(ORD1, now=0.0, lead_time=lead_time)
    assert "SHP-001" in str(err.value)
    assert repr(lead_time) in str(err.value)


@pytest.mark.parametrize("shipment_id", ["ORD-001", "SHP", "shp-001", ""])
def test_a_shipment_id_must_be_an_shp_id(shipment_id: str) -> None:
    with pytest.raises(ValidationError, match=r"ShipmentId") as err:
        CreateShipment(shipment_id=shipment_id, order_id=ORD1)
    assert repr(shipment_id) in str(err.value)


def test_the_commands_check_their_ids_and_lead_time_as_they_are_built() -> None:
    with pytest.raises(ValidationError, match=r"got -5 for SHP-001"):
        CreateShipment(shipment_id=SID, order_id=ORD1, lead_time=-5)
    with pytest.raises(ValidationError, match=r"'X-1'"):
        CancelShipment(shipment_id="X-1", reason="r")
    with pytest.raises(ValidationError, match=r"'X-1'"):
        DeliverShipment(shipment_id="X-1")
    assert CreateShipment(shipment_id=SID, order_id=ORD1).lead_time == 172_800.0


def test_cancelling_records_the_order_and_reason() -> None:
    shipment = given(CREATED)
    shipment.cancel("  order cancelled ")
    assert shipment.pending_events == (CANCELLED,)


def test_cancelling_a_cancelled_shipment_records_nothing() -> None:
    shipment = given(CREATED, CANCELLED)
    shipment.cancel("again")
    assert shipment.pending_events == ()
    assert shipment.cancel_reason == "order cancelled"


def test_a_delivered_shipment_cannot_be_cancelled() -> None:
    with pytest.raises(
        InvalidShipmentTransition, match=r"^cannot cancel SHP-001: already delivered$"
    ):
        given(CREATED, DELIVERED).cancel("too late")


def test_a_cancellation_needs_a_reason() -> None:
    with pytest.raises(ValidationError, match=r"cancelling shipment SHP-001 needs"):
        given(CREATED).cancel(" ")


def test_delivering_records_the_delivery_once() -> None:
    shipment = given(CREATED)
    shipment.deliver()
    shipment.deliver()
    assert shipment.pending_events == (DELIVERED,)
    assert shipment.status == "delivered"


def test_a_cancelled_shipment_cannot_be_delivered() -> None:
    with pytest.raises(
        InvalidShipmentTransition, match=r"^cannot deliver SHP-001: it was cancelled$"
    ):
        given(CREATED, CANCELLED).deliver()


def test_a_shipment_never_created_cannot_be_cancelled() -> None:
    with pytest.raises(DomainError, match=r"cannot cancel SHP-001: it was never"):
        given().cancel("r")


def test_a_shipment_never_created_cannot_be_delivered() -> None:
    with pytest.raises(DomainError, match=r"cannot deliver SHP-001: it was never"):
        given().deliver()
