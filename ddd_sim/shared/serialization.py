"""Maps domain events to stored JSON payloads and back, by registered type name."""

from __future__ import annotations

import dataclasses
import types
import typing
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ddd_sim.shared.errors import UnknownEventType
from ddd_sim.shared.events import EventMetadata, NewEvent, RecordedEvent
from ddd_sim.shared.ids import TypedId
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.money import Money
from ddd_sim.shared.upcasting import Upcasters

Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]


def _identity(value: Any) -> Any:
    return value


def _codec_for(hint: Any) -> Codec:
    """Encoder and decoder for one annotated field type."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        enc, dec = _codec_for(inner[0]) if len(inner) == 1 else (_identity, _identity)
        return (
            lambda v: None if v is None else enc(v),
            lambda v: None if v is None else dec(v),
        )
    if origin is tuple:
        enc, dec = _codec_for(typing.get_args(hint)[0])
        return (lambda v: [enc(x) for x in v], lambda v: tuple(dec(x) for x in v))
    if origin is dict:
        enc, dec = _codec_for(typing.get_args(hint)[1])
        return (
            lambda v: {k: enc(x) for k, x in v.items()},
            lambda v: {k: dec(x) for k, x in v.items()},
        )
    if hint is Decimal:
        return str, Decimal
    if hint is uuid.UUID:
        return str, uuid.UUID
    if hint is Money:
        return (
            lambda m: {"amount": str(m.amount), "currency": m.currency},
            lambda d: Money(Decimal(d["amount"]), d["currency"]),
        )
    if isinstance(hint, type) and issubclass(hint, TypedId):
        return str, hint
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        nested = _FieldCodecs(hint)
        return nested.encode, nested.decode
    return _identity, _identity


class _FieldCodecs:
    """Per-field codecs of one dataclass, computed once from its annotations."""

    def __init__(self, cls: type[Any]) -> None:
        self.cls = cls
        hints = typing.get_type_hints(cls)
        self.fields = [
            (f.name, *_codec_for(hints[f.name]))
            for f in dataclasses.fields(cls)
            if f.init
        ]

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: enc(getattr(obj, name)) for name, enc, _ in self.fields}

    def decode(self, data: dict[str, Any]) -> Any:
        try:
            kwargs = {name: dec(data[name]) for name, _, dec in self.fields}
        except KeyError as exc:
            raise UnknownEventType(
                f"stored {self.cls.__name__} lacks field {exc.args[0]!r}"
            ) from exc
        return self.cls(**kwargs)


class EventRegistry:
    """Knows every domain event class by stored type name and its upcasters."""

    def __init__(self, upcasters: Upcasters | None = None) -> None:
        self.upcasters = upcasters or Upcasters()
        self._codecs: dict[str, _FieldCodecs] = {}

    def register(self, *classes: type[DomainEvent]) -> None:
        """Register event classes under their ``event_type`` and schema version."""
        for cls in classes:
            existing = self._codecs.get(cls.event_type)
            if existing is not None and existing.cls is not cls:
                raise ValueError(f"two classes claim event type {cls.event_type}")
            self._codecs[cls.event_type] = _FieldCodecs(cls)
            self.upcasters.declare(cls.event_type, cls.schema_version)

    def to_new_event(
        self, event: DomainEvent, *, event_id: uuid.UUID, metadata: EventMetadata
    ) -> NewEvent:
        """The stored form of a domain event."""
        codec = self._codecs.get(event.event_type)
        if codec is None or codec.cls is not type(event):
            raise UnknownEventType(
                f"event class {type(event).__name__} is not registered"
            )
        return NewEvent(
            event_id=event_id,
            type=event.event_type,
            schema_version=event.schema_version,
            payload=codec.encode(event),
            metadata=metadata,
        )

    def to_domain_event(self, recorded: RecordedEvent) -> DomainEvent:
        """Decode a stored event (upcasting first if the store has not)."""
        codec = self._codecs.get(recorded.type)
        if codec is None:
            raise UnknownEventType(
                f"unknown event type {recorded.type} "
                f"(schema version {recorded.schema_version})"
            )
        _, payload = self.upcasters.upcast(
            recorded.type, recorded.schema_version, dict(recorded.payload)
        )
        event: DomainEvent = codec.decode(payload)
        return event
