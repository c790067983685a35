"""How a publishing context turns its stored events into the published language.

Each publisher keeps a table from its stored event type to a translator;
the runtime calls the translator with the decoded domain event and where it
was recorded, and carries the result to every consumer.
"""

from __future__ import annotations

import types
import typing
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


def published_types(translator: Translator) -> frozenset[str] | None:
    """The integration event types a translator can return, from its annotation.

    ``-> OrderPlaced`` or ``-> OrderPlaced | None`` name exactly what it
    publishes, so a consumer of other types need not be fed its events;
    an annotation of the base class (or none) could be anything: None.
    """
    try:
        hint = typing.get_type_hints(translator).get("return")
    except (NameError, TypeError):
        return None
    if hint is None:
        return None
    options = (
        typing.get_args(hint)
        if typing.get_origin(hint) in (typing.Union, types.UnionType)
        else (hint,)
    )
    found: set[str] = set()
    for option in options:
        if option is type(None):
            continue
        if (
            not isinstance(option, type)
            or not issubclass(option, IntegrationEvent)
            or not option.event_type
        ):
            return None
        found.add(option.event_type)
    return frozenset(found)
