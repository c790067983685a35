"""What bootstrap reads to plug shipping in: events, handlers, views, translators."""

from __future__ import annotations

from ddd_sim.contexts.shipping.application.commands import (
    CancelShipment,
    CreateShipment,
    DeliverShipment,
)
from ddd_sim.contexts.shipping.application.handlers import ShipmentHandlers
from ddd_sim.contexts.shipping.application.queries import GetShipment, ListShipments
from ddd_sim.contexts.shipping.application.query_handlers import ShipmentQueries
from ddd_sim.contexts.shipping.application.shipments_view import ShipmentsProjection
from ddd_sim.contexts.shipping.application.translators import (
    TRANSLATORS as TRANSLATORS,
)
from ddd_sim.contexts.shipping.domain.events import SHIPMENT_EVENTS
from ddd_sim.contexts.shipping.domain.shipment import Shipment
from ddd_sim.shared.cqrs import CommandTable, ContextDeps, QueryTable
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import Projection
from ddd_sim.shared.upcasting import Upcasters

EVENTS: tuple[type[DomainEvent], ...] = SHIPMENT_EVENTS
STREAM_CATEGORIES: tuple[str, ...] = (Shipment.aggregate_type,)
PROJECTIONS: tuple[type[Projection], ...] = (ShipmentsProjection,)


def register_upcasters(upcasters: Upcasters) -> None:
    """Every shipment event is still at its first schema: nothing to upcast."""


def command_handlers(deps: ContextDeps) -> CommandTable:
    """Book, cancel and deliver shipments."""
    shipments = ShipmentHandlers(deps)
    return {
        CreateShipment: shipments.create_shipment,
        CancelShipment: shipments.cancel_shipment,
        DeliverShipment: shipments.deliver_shipment,
    }


def query_handlers(deps: ContextDeps) -> QueryTable:
    """Look shipments up, alone or by order."""
    queries = ShipmentQueries(deps)
    return {
        GetShipment: queries.get_shipment,
        ListShipments: queries.list_shipments,
    }
