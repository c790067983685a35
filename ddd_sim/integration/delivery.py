"""What a consumer receives: an integration event with its envelope's facts.

Kept apart from the wire format so that processes can name it without
depending on how events are encoded (or on anything that reads dates).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.shared.events import RecordedEvent


@dataclass(frozen=True, slots=True, kw_only=True)
class Delivery:
    """An integration event as a consumer received it, with its envelope."""

    event: IntegrationEvent
    event_id: uuid.UUID
    type: str
    version: int
    source: str
    sim_time: float
    subject: str | None = None
    correlation_id: uuid.UUID | None = None
    causation_id: uuid.UUID | None = None


def delivery_of(published: IntegrationEvent, recorded: RecordedEvent) -> Delivery:
    """How a consumer receives the published form of a stored event."""
    return Delivery(
        event=published,
        event_id=recorded.event_id,
        type=published.event_type,
        version=published.version,
        source=f"/shop/{published.source_context}",
        sim_time=recorded.metadata.sim_time,
        subject=recorded.stream_id,
        correlation_id=recorded.metadata.correlation_id,
        causation_id=recorded.event_id,
    )
