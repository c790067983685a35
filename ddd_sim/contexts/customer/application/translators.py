"""Customer's domain events translated into the shop's published language."""

from __future__ import annotations

from ddd_sim.contexts.customer.domain import events as domain
from ddd_sim.integration import events as published
from ddd_sim.integration.translation import Translator, expect
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import EventMeta


def customer_registered(
    event: DomainEvent, meta: EventMeta
) -> published.CustomerRegistered:
    """A registration is published with the name and email it was made with."""
    e = expect(event, domain.CustomerRegistered)
    return published.CustomerRegistered(
        customer_id=str(e.customer_id), name=e.name, email=e.email
    )


TRANSLATORS: dict[str, Translator] = {
    # email changes stay private: the published language has no event for them
    domain.CustomerRegistered.event_type: customer_registered,
}
