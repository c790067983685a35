"""A shipment: booked for one order, then delivered or cancelled, never both."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from ddd_sim.contexts.shipping.domain.events import (
    ShipmentCancelled,
    ShipmentCreated,
    ShipmentDelivered,
)
from ddd_sim.shared.aggregate import Aggregate, applies
from ddd_sim.shared.errors import DomainError, ValidationError
from ddd_sim.shared.ids import OrderId, TypedId

DEFAULT_LEAD_TIME = 172_800.0
"""Two simulated days from booking to expected delivery."""


@dataclass(frozen=True, slots=True, order=True)
class ShipmentId(TypedId):
    """A shipment (SHP-…); shipping owns this id, the shared kernel does not."""

    prefix: ClassVar[str] = "SHP"


def require_shipment_id(value: str) -> str:
    """The id as given, if it is a well-formed SHP-… id."""
    return str(ShipmentId(value))


def require_lead_time(shipment_id: str, lead_time: float) -> float:
    """A lead time must be a finite, positive number of simulated seconds."""
    if (
        isinstance(lead_time, bool)
        or not isinstance(lead_time, int | float)
        or not math.isfinite(lead_time)
        or lead_time <= 0
    ):
        raise ValidationError(
            f"lead time must be a positive number of simulated seconds, "
            f"got {lead_time!r} for {shipment_id}"
        )
    return float(lead_time)


class ShipmentStatus(StrEnum):
    """Where a shipment is."""

    CREATED = "created"
    CANCELLED = "cancelled"
    DELIVERED = "delivered"


class ShipmentAlreadyCreated(DomainError):
    """A shipment id was booked again for another order."""


class InvalidShipmentTransition(DomainError):
    """Delivering a cancelled shipment or cancelling a delivered one."""


class Shipment(Aggregate):
    """One order per shipment; delivered and cancelled exclude each other.

    Repeating a booking for the same order, a cancellation or a delivery
    records nothing, so sagas may retry and compensate freely.
    """

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.status: ShipmentStatus | None = None
        self.order_id: OrderId | None = None
        self.estimated_delivery = 0.0
        self.cancel_reason: str | None = None

    # -- decisions ----------------------------------------------------------
    def create(self, order_id: OrderId, now: float, lead_time: float) -> None:
        """Book the shipment, due ``lead_time`` simulated seconds after ``now``."""
        require_shipment_id(self.id)
        lead = require_lead_time(self.id, lead_time)
        if self.order_id is not None:
            if order_id == self.order_id:
                return
            raise ShipmentAlreadyCreated(
                f"shipment {self.id} already exists for {self.order_id}, "
                f"cannot book it for {order_id}"
            )
        self._record(
            ShipmentCreated(
                shipment_id=self.id, order_id=order_id, estimated_delivery=now + lead
            )
        )

    def cancel(self, reason: str) -> None:
        """Call off a booked shipment; a cancelled one records nothing."""
        order_id = self._require_created("cancel")
        if not reason.strip():
            raise ValidationError(f"cancelling shipment {self.id} needs a reason")
        if self.status is ShipmentStatus.CANCELLED:
            return
        if self.status is ShipmentStatus.DELIVERED:
            raise InvalidShipmentTransition(
                f"cannot cancel {self.id}: already delivered"
            )
        self._record(
            ShipmentCancelled(
                shipment_id=self.id, order_id=order_id, reason=reason.strip()
            )
        )

    def deliver(self) -> None:
        """Hand the shipment over; a delivered one records nothing."""
        order_id = self._require_created("deliver")
        if self.status is ShipmentStatus.DELIVERED:
            return
        if self.status is ShipmentStatus.CANCELLED:
            raise InvalidShipmentTransition(
                f"cannot deliver {self.id}: it was cancelled"
            )
        self._record(ShipmentDelivered(shipment_id=self.id, order_id=order_id))

    def _require_created(self, step: str) -> OrderId:
        if self.order_id is None:
            raise DomainError(f"cannot {step} {self.id}: it was never created")
        return self.order_id

    # -- state --------------------------------------------------------------
    @applies(ShipmentCreated)
    def _created(self, event: ShipmentCreated) -> None:
        self.status = ShipmentStatus.CREATED
        self.order_id = event.order_id
        self.estimated_delivery = event.estimated_delivery

    @applies(ShipmentCancelled)
    def _cancelled(self, event: ShipmentCancelled) -> None:
        self.status = ShipmentStatus.CANCELLED
        self.cancel_reason = event.reason

    @applies(ShipmentDelivered)
    def _delivered(self, event: ShipmentDelivered) -> None:
        self.status = ShipmentStatus.DELIVERED
