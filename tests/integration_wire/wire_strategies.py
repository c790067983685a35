"""Hypothesis strategies for integration events, derived from their type hints.

Values are drawn inside the published rules (ids non-empty, quantities ≥ 1,
amounts exact in a known currency) so every drawn event may be published.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from ddd_sim.integration.schemas import published_fields
from ddd_sim.shared.money import Money

ID_TEXT = st.text(min_size=1, max_size=12)
MONEY = st.one_of(
    st.builds(
        Money,
        st.decimals(
            min_value=Decimal("-1e9"),
            max_value=Decimal("1e9"),
            places=2,
            allow_nan=False,
            allow_infinity=False,
        ),
        st.sampled_from(["USD", "EUR", "GBP"]),
    ),
    st.builds(
        Money,
        st.decimals(min_value=0, max_value=10**9, places=0),
        st.just("JPY"),
    ),
)


def value_of(name: str, hint: Any) -> st.SearchStrategy[Any]:
    """A strategy for one field, from its name and type hint."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = next(a for a in typing.get_args(hint) if a is not type(None))
        return st.none() | value_of(name, inner)
    if origin is tuple:
        item = value_of(name, typing.get_args(hint)[0])
        return st.lists(item, max_size=3).map(tuple)
    if hint is str:
        return ID_TEXT if name.endswith("_id") else st.text(max_size=20)
    if hint is bool:
        return st.booleans()
    if hint is int:
        low = {"quantity": 1, "available": 0}.get(name, -(10**6))
        return st.integers(min_value=low, max_value=10**6)
    if hint is float:
        return st.floats(allow_nan=False, allow_infinity=False)
    if hint is Money:
        return MONEY
    if dataclasses.is_dataclass(hint):
        return messages(hint)
    raise TypeError(f"no strategy for field {name!r} of type {hint!r}")


def messages(cls: type[Any]) -> st.SearchStrategy[Any]:
    """Instances of a message class with every field drawn by its type."""
    fields = {name: value_of(name, hint) for name, hint in published_fields(cls)}
    return st.fixed_dictionaries(fields).map(lambda kwargs: cls(**kwargs))
