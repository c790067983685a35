"""Shipping wired over a memory store, the way bootstrap wires it."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.shipping.application import wiring
from ddd_sim.contexts.shipping.domain.shipment import Shipment
from tests.shop.support import ContextWorld


class ShippingWorld(ContextWorld):
    """Shipping's tables; commands run at chosen simulated times (0 unless given)."""

    def __init__(self, *, store: Any = None) -> None:
        super().__init__(wiring, store=store)

    def shipment(self, shipment_id: str) -> Shipment:
        shipment: Shipment = self.deps.repository(Shipment).load(shipment_id)
        return shipment
