"""Integration events to plain JSON data and back, driven by the class's type hints.

Money travels as ``{"amount": "12.50", "currency": "USD"}`` (never a float);
tuples as arrays; nested messages as objects.  Decoding expects data that has
already passed the event's schema, and refuses only what a schema cannot
see: an unknown currency, or more decimals than the currency has.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from decimal import Decimal
from typing import Any, TypeVar

from ddd_sim.integration.schemas import published_fields
from ddd_sim.shared.errors import ContractViolation, ValidationError
from ddd_sim.shared.money import Money

_E = TypeVar("_E")


_FIELDS: dict[type[Any], tuple[tuple[str, Any], ...]] = {}


def _fields(cls: type[Any]) -> tuple[tuple[str, Any], ...]:
    """A class's published fields, resolved once."""
    # resolving type hints is slow; a class's fields never change
    fields = _FIELDS.get(cls)
    if fields is None:
        fields = _FIELDS[cls] = published_fields(cls)
    return fields


def _without_none(hint: Any) -> Any:
    """``X`` for an ``X | None`` hint; any other hint as it is."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return next(a for a in typing.get_args(hint) if a is not type(None))
    return hint


def _encode(hint: Any, value: Any) -> Any:
    """One field value in its JSON form."""
    if value is None:
        return None
    hint = _without_none(hint)
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        return [_encode(item, v) for v in value]
    if hint is Money:
        # format "f" never switches to exponent notation, which the schema refuses
        return {"amount": format(value.amount, "f"), "currency": value.currency}
    if dataclasses.is_dataclass(hint):
        return to_data(value)
    return value


def to_data(message: Any) -> dict[str, Any]:
    """The JSON form of an integration event (or a nested message), field by field."""
    return {
        name: _encode(hint, getattr(message, name))
        for name, hint in _fields(type(message))
    }


def _money(value: dict[str, Any], path: str) -> Money:
    """Money from the wire, refusing what ``Money`` would round or reject."""
    amount = Decimal(value["amount"])
    try:
        money = Money(amount, value["currency"])
    except ValidationError as exc:
        raise ContractViolation(f"{path}: {exc}") from exc
    if money.amount != amount:
        raise ContractViolation(
            f"{path}.amount: {value['amount']!r} has more decimal places "
            f"than {money.currency} allows"
        )
    return money


def _decode(hint: Any, value: Any, path: str) -> Any:
    """One field value from its JSON form."""
    if value is None:
        return None
    hint = _without_none(hint)
    if typing.get_origin(hint) is tuple:
        item = typing.get_args(hint)[0]
        return tuple(_decode(item, v, f"{path}[{i}]") for i, v in enumerate(value))
    if hint is Money:
        return _money(value, path)
    if hint is float:
        return float(value)
    if dataclasses.is_dataclass(hint):
        return from_data(typing.cast(type[Any], hint), value, path=path)
    return value


def from_data(cls: type[_E], data: dict[str, Any], *, path: str = "data") -> _E:
    """Build an event (or nested message) from schema-valid JSON data."""
    values = {
        name: _decode(hint, data[name], f"{path}.{name}") for name, hint in _fields(cls)
    }
    return cls(**values)
