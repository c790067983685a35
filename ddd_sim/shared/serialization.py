"""Maps domain events to stored JSON payloads and back, by registered type name."""

from __future__ import annotations

import dataclasses
import types
import typing
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ddd_sim.shared.errors import DddSimError, UnknownEventType
from ddd_sim.shared.events import EventData, EventMetadata, NewEvent, RecordedEvent
from ddd_sim.shared.ids import TypedId
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.money import Money
from ddd_sim.shared.upcasting import Upcasters

Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]
_DECODED_KEPT = 4096
"""Decoded events remembered: those of a few polls' worth of new records."""


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
        return Money.to_json, Money.from_json
    if isinstance(hint, type) and issubclass(hint, TypedId):
        return str, hint
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        nested = _FieldCodecs(hint)
        return nested.encode, nested.decode
    return _identity, _identity


FieldCodec = tuple[str, Callable[..., Any], Callable[..., Any]]
"""A field's name, its encoder and its decoder."""


def compile_codec(
    cls: type[Any],
    fields: list[FieldCodec],
    *,
    same: tuple[Callable[..., Any], Callable[..., Any]],
    with_path: bool = False,
) -> tuple[Callable[[Any], dict[str, Any]], Callable[..., Any]]:
    """A dataclass's encoder and decoder, generated as source (as ``dataclasses``
    generates ``__init__``): a conversion is one call with no per-field loop,
    and a field whose encoder or decoder is the one in ``same`` (the pair that
    pass a value as it is) costs no call at all.

    ``encode(obj)`` returns the fields by name; ``decode(data)`` builds the
    class, or, ``with_path``, ``decode(data, path)`` hands each field's
    decoder the path of its value too.  Only field names reach the source.
    """
    scope: dict[str, Any] = {"cls": cls}
    encoded, decoded = [], []
    same_encoder, same_decoder = same
    for i, (name, enc, dec) in enumerate(fields):
        if enc is same_encoder:
            encoded.append(f"{name!r}: obj.{name}")
        else:
            scope[f"enc{i}"] = enc
            encoded.append(f"{name!r}: enc{i}(obj.{name})")
        if dec is same_decoder:
            decoded.append(f"{name}=data[{name!r}]")
        else:
            scope[f"dec{i}"] = dec
            where = f", path + {'.' + name!r}" if with_path else ""
            decoded.append(f"{name}=dec{i}(data[{name!r}]{where})")
    path = ", path" if with_path else ""
    source = (
        f"def encode(obj):\n    return {{{', '.join(encoded)}}}\n"
        f"def decode(data{path}):\n    return cls({', '.join(decoded)})\n"
    )
    exec(source, scope)  # generated from dataclass field names only
    return scope["encode"], scope["decode"]


class _FieldCodecs:
    """Encoder and decoder of one dataclass, generated once from its annotations.

    Like ``dataclasses`` itself, the two functions are generated as source so
    a decode is one call with no per-field loop: replaying a long stream makes
    millions of them.  Only dataclass field names reach the generated code.
    """

    def __init__(self, cls: type[Any]) -> None:
        self.cls = cls
        hints = typing.get_type_hints(cls)
        fields = []
        for field in dataclasses.fields(cls):
            if field.init:
                enc, dec = _codec_for(hints[field.name])
                fields.append((field.name, enc, dec))
        self.encode, self._decode = compile_codec(
            cls, fields, same=(_identity, _identity)
        )

    def decode(self, data: dict[str, Any]) -> Any:
        try:
            return self._decode(data)
        except KeyError as exc:
            raise UnknownEventType(
                f"stored {self.cls.__name__} lacks field {exc.args[0]!r}"
            ) from exc
        except (TypeError, ValueError, ArithmeticError, DddSimError) as exc:
            raise UnknownEventType(
                f"stored {self.cls.__name__} has a malformed field: {exc}"
            ) from exc


class EventRegistry:
    """Knows every domain event class by stored type name and its upcasters."""

    def __init__(self, upcasters: Upcasters | None = None) -> None:
        self.upcasters = upcasters or Upcasters()
        self._codecs: dict[str, _FieldCodecs] = {}
        self._decoded: dict[int, tuple[RecordedEvent, DomainEvent]] = {}

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

    def decode_data(self, data: EventData) -> DomainEvent:
        """Decode a replay tuple (already upcast by the store)."""
        _, event_type, schema_version, payload = data
        codec = self._codecs.get(event_type)
        if codec is None:
            raise UnknownEventType(
                f"unknown event type {event_type} (schema version {schema_version})"
            )
        if self.upcasters.needs_upcast(event_type, schema_version):
            _, payload = self.upcasters.upcast(
                event_type, schema_version, dict(payload)
            )
        event: DomainEvent = codec.decode(payload)  # type: ignore[arg-type]
        return event

    def decode_all(self, datas: list[EventData]) -> list[DomainEvent]:
        """Decode replay tuples in order (the loop of :meth:`decode_data`, inlined)."""
        codecs, needs = self._codecs, self.upcasters.needs_upcast
        out: list[DomainEvent] = []
        for data in datas:
            _, event_type, schema_version, payload = data
            codec = codecs.get(event_type)
            if codec is None or needs(event_type, schema_version):
                out.append(self.decode_data(data))
            else:
                out.append(codec.decode(payload))  # type: ignore[arg-type]
        return out

    def to_domain_event(self, recorded: RecordedEvent) -> DomainEvent:
        """Decode a stored event (upcasting first if the store has not).

        A store hands the same record object to every projection that reads
        a recent event; they share one decoded event (frozen, so nobody can
        change it for the others).  The memo is keyed by the record's identity
        and holds the record, so while an entry lives no other object can have
        its key.
        """
        memo = self._decoded
        hit = memo.get(id(recorded))
        if hit is not None:
            return hit[1]
        codec = self._codecs.get(recorded.type)
        if codec is None:
            raise UnknownEventType(
                f"unknown event type {recorded.type} "
                f"(schema version {recorded.schema_version})"
            )
        payload: Any = recorded.payload
        if self.upcasters.needs_upcast(recorded.type, recorded.schema_version):
            _, payload = self.upcasters.upcast(
                recorded.type, recorded.schema_version, dict(payload)
            )
        event: DomainEvent = codec.decode(payload)
        if len(memo) >= _DECODED_KEPT:
            memo.clear()  # cheaper than ordering; a miss only decodes again
        memo[id(recorded)] = (recorded, event)
        return event
