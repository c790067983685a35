"""Shipping's command handlers: load the shipment, let it decide, save."""

from __future__ import annotations

from ddd_sim.contexts.shipping.application.commands import (
    CancelShipment,
    CreateShipment,
    DeliverShipment,
)
from ddd_sim.contexts.shipping.domain.shipment import Shipment
from ddd_sim.shared.cqrs import CommandContext, CommandResult, ContextDeps, save
from ddd_sim.shared.errors import NotFound, WrongExpectedVersion
from ddd_sim.shared.repository import AggregateNotFound, AggregateRepository


class ShipmentHandlers:
    """Every shipment command runs against one shipment stream."""

    def __init__(self, deps: ContextDeps) -> None:
        self.shipments: AggregateRepository[Shipment] = deps.repository(Shipment)

    def create_shipment(
        self, command: CreateShipment, context: CommandContext
    ) -> CommandResult:
        """Book a shipment due lead time after the command's simulated time.

        Losing the race to create the stream is decided again against what
        won: the same order is a retry that writes nothing, another is refused.
        """
        try:
            return self._book(command, context)
        except WrongExpectedVersion:
            return self._book(command, context)

    def cancel_shipment(
        self, command: CancelShipment, context: CommandContext
    ) -> CommandResult:
        """Call the shipment off; a repeat writes nothing."""
        shipment = self._load(command.shipment_id)
        shipment.cancel(command.reason)
        return save(self.shipments, shipment, context)

    def deliver_shipment(
        self, command: DeliverShipment, context: CommandContext
    ) -> CommandResult:
        """Record the delivery; a repeat writes nothing."""
        shipment = self._load(command.shipment_id)
        shipment.deliver()
        return save(self.shipments, shipment, context)

    def _book(self, command: CreateShipment, context: CommandContext) -> CommandResult:
        try:
            shipment = self.shipments.load(command.shipment_id)
        except AggregateNotFound:
            shipment = Shipment(command.shipment_id)
        shipment.create(command.order_id, context.sim_time, command.lead_time)
        return save(self.shipments, shipment, context)

    def _load(self, shipment_id: str) -> Shipment:
        try:
            return self.shipments.load(shipment_id)
        except AggregateNotFound as exc:
            raise NotFound(f"shipment {shipment_id} does not exist") from exc
