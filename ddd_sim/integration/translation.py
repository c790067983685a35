"""How a publishing context turns its stored events into the published language.

Each publisher keeps a table from its stored event type to a translator;
the runtime calls the translator with the decoded domain event and where it
was recorded, and carries the result to every consumer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias, TypeVar

from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import EventMeta

Translator: TypeAlias = Callable[[DomainEvent, EventMeta], IntegrationEvent | None]
"""A stored domain event (and its place in the log) to what is published, if any."""

_E = TypeVar("_E", bound=DomainEvent)


def expect(event: DomainEvent, cls: type[_E]) -> _E:
    """A translator only ever receives the stored type it is registered for."""
    if not isinstance(event, cls):
        raise TypeError(f"expected {cls.__name__}, got {type(event).__name__}")
    return event
