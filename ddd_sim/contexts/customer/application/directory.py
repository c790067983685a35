"""The ``customer.directory`` read model: one document per registered customer."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.customer.domain.events import (
    CustomerEmailChanged,
    CustomerRegistered,
)
from ddd_sim.shared.read_models import (
    EventMeta,
    Projection,
    ReadModelWriter,
    already_folded,
)

DIRECTORY = "customer.directory"


class CustomerDirectory(Projection):
    """Follows registrations and email changes; redelivered events are ignored."""

    name = DIRECTORY
    version = 1
    source = "domain"
    event_types = (CustomerRegistered.event_type, CustomerEmailChanged.event_type)
    description = "Per customer: id, name, current email and when they registered."

    def handle(self, event: Any, meta: EventMeta, rm: ReadModelWriter) -> None:
        """Fold one customer event into that customer's document."""
        key = str(event.customer_id)
        current = rm.get(key)
        if already_folded(current, meta):
            return  # seen before a crash between effect and checkpoint
        if isinstance(event, CustomerRegistered):
            doc: dict[str, Any] = {
                "customer_id": key,
                "name": event.name,
                "email": event.email,
                "registered_at": meta.sim_time,
            }
        elif current is None:
            return  # a change without its registration cannot be placed
        else:
            doc = dict(current)
            doc["email"] = event.email
        doc["last_position"] = meta.position
        rm.put(key, doc)
