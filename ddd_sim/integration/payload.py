"""Integration events to plain JSON data and back, driven by the class's type hints.

Money travels as ``{"amount": "12.50", "currency": "USD"}`` (never a float);
tuples as arrays; nested messages as objects.  Decoding expects data that has
already passed the event's schema, and refuses only what a schema cannot
see: an unknown currency, or more decimals than the currency has.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from ddd_sim.integration.schemas import published_fields
from ddd_sim.shared.errors import ContractViolation, ValidationError
from ddd_sim.shared.money import Money
from ddd_sim.shared.serialization import compile_codec

_E = TypeVar("_E")


Encoder = Callable[[Any], Any]
Decoder = Callable[[Any, str], Any]


def _same(value: Any) -> Any:
    return value


def _same_at(value: Any, path: str) -> Any:
    return value


def _without_none(hint: Any) -> Any:
    """``X`` for an ``X | None`` hint; any other hint as it is."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return next(a for a in typing.get_args(hint) if a is not type(None))
    return hint


class _MessageCodec:
    """``to_data`` and ``from_data`` of one message class, made once from its hints.

    Reading type hints is slow and a class's fields never change, so every
    message after the first of its class costs only the conversions, which
    are generated as source as for stored events
    (:func:`~ddd_sim.shared.serialization.compile_codec`).
    """

    def __init__(self, cls: type[Any]) -> None:
        fields = [(name, *_field_codec(hint)) for name, hint in published_fields(cls)]
        self.to_data, self.from_data = compile_codec(
            cls, fields, same=(_same, _same_at), with_path=True
        )


_CODECS: dict[type[Any], _MessageCodec] = {}


def _codec(cls: type[Any]) -> _MessageCodec:
    codec = _CODECS.get(cls)
    if codec is None:
        codec = _CODECS[cls] = _MessageCodec(cls)
    return codec


def _field_codec(hint: Any) -> tuple[Encoder, Decoder]:
    """The encoder and decoder of one field type; None passes through both."""
    hint = _without_none(hint)
    if typing.get_origin(hint) is tuple:
        item_enc, item_dec = _field_codec(typing.get_args(hint)[0])
        return (
            lambda v: None if v is None else [item_enc(x) for x in v],
            lambda v, path: (
                None
                if v is None
                else tuple([item_dec(x, f"{path}[{i}]") for i, x in enumerate(v)])
            ),
        )
    if hint is Money:
        return (
            lambda v: None if v is None else v.to_json(),
            lambda v, path: None if v is None else _money(v, path),
        )
    if hint is float:
        return (_same, lambda v, path: None if v is None else float(v))
    if dataclasses.is_dataclass(hint):
        nested = typing.cast(type[Any], hint)
        return (
            lambda v: None if v is None else to_data(v),
            lambda v, path: None if v is None else from_data(nested, v, path=path),
        )
    return (_same, _same_at)


def to_data(message: Any) -> dict[str, Any]:
    """The JSON form of an integration event (or a nested message), field by field."""
    return _codec(type(message)).to_data(message)


def _money(value: dict[str, Any], path: str) -> Money:
    """Money from the wire, refusing what ``Money`` would round or reject."""
    try:
        money = _exact_money(value["amount"], value["currency"])
    except ValidationError as exc:
        raise ContractViolation(f"{path}: {exc}") from exc
    if money is None:
        raise ContractViolation(
            f"{path}.amount: {value['amount']!r} has more decimal places "
            f"than {value['currency']} allows"
        )
    return money


@functools.lru_cache(maxsize=4096)
def _exact_money(amount: str, currency: str) -> Money | None:
    """The Money an amount sent as text stands for; None if ``Money`` would round it.

    Kept for the amounts seen last: the same prices and totals cross the
    wire again and again, Money is immutable, and building one (a Decimal
    parsed and quantised) was a fifth of decoding an order placement.
    """
    exact = Decimal(amount)
    money = Money(exact, currency)
    return money if money.amount == exact else None


def from_data(cls: type[_E], data: dict[str, Any], *, path: str = "data") -> _E:
    """Build an event (or nested message) from schema-valid JSON data."""
    message: _E = _codec(cls).from_data(data, path)
    return message
