"""What a consumer receives: an integration event with its envelope's facts.

Kept apart from the wire format so that processes can name it without
depending on how events are encoded (or on anything that reads dates).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from ddd_sim.integration.base import IntegrationEvent


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
