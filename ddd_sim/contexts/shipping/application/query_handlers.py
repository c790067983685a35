"""Answers shipping's queries from the shipments read model (eventually consistent)."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.shipping.application.queries import (
    GetShipment,
    ListShipments,
    ShipmentView,
)
from ddd_sim.contexts.shipping.application.shipments_view import SHIPMENTS
from ddd_sim.shared.cqrs import ContextDeps
from ddd_sim.shared.errors import NotFound
from ddd_sim.shared.ids import OrderId


class ShipmentQueries:
    """Reads ``shipping.shipments``; an unknown id is a NotFound naming it."""

    def __init__(self, deps: ContextDeps) -> None:
        self._deps = deps

    def get_shipment(self, query: GetShipment) -> ShipmentView:
        """One shipment, or NotFound."""
        doc = self._deps.read_model(SHIPMENTS).get(query.shipment_id)
        if doc is None:
            raise NotFound(f"shipment {query.shipment_id} does not exist")
        return _to_view(doc)

    def list_shipments(self, query: ListShipments) -> tuple[ShipmentView, ...]:
        """Shipments by booking time (then id), optionally of one order."""
        docs = [
            doc
            for doc in self._deps.read_model(SHIPMENTS).all().values()
            if query.order_id is None or doc["order_id"] == query.order_id
        ]
        docs.sort(key=lambda doc: (doc["created_at"], doc["shipment_id"]))
        return tuple(_to_view(doc) for doc in docs)


def _to_view(doc: Any) -> ShipmentView:
    return ShipmentView(
        shipment_id=doc["shipment_id"],
        order_id=OrderId(doc["order_id"]),
        status=doc["status"],
        estimated_delivery=doc["estimated_delivery"],
        created_at=doc["created_at"],
        delivered_at=doc["delivered_at"],
        cancel_reason=doc["cancel_reason"],
    )
