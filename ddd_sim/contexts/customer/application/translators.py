"""Customer's domain events translated into the shop's published language."""

from __future__ import annotations

from collections.abc import Callable

from ddd_sim.contexts.customer.domain import events as domain
from ddd_sim.integration import events as published
from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import EventMeta

Translator = Callable[[DomainEvent, EventMeta], IntegrationEvent | None]


def customer_registered(event: DomainEvent, meta: EventMeta) -> IntegrationEvent:
    """A registration is published with the name and email it was made with."""
    if not isinstance(event, domain.CustomerRegistered):
        raise TypeError(f"expected CustomerRegistered, got {type(event).__name__}")
    return published.CustomerRegistered(
        customer_id=str(event.customer_id), name=event.name, email=event.email
    )


TRANSLATORS: dict[str, Translator] = {
    # email changes stay private: the published language has no event for them
    domain.CustomerRegistered.event_type: customer_registered,
}
