"""Message bases: commands say what to do, events say what happened, queries ask.

Every concrete message is declared with ``@message`` (frozen, slotted,
keyword-only).  An event class names its stored schema with ``event_type`` and
``schema_version``: change either only together with an upcaster.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar, dataclass_transform

_T = TypeVar("_T", bound=type[Any])


@dataclass_transform(frozen_default=True, kw_only_default=True)
def message(cls: _T) -> _T:
    """Declare a message class: frozen, slotted and keyword-only."""
    return dataclass(frozen=True, slots=True, kw_only=True)(cls)  # type: ignore[return-value]


@dataclass(frozen=True, slots=True, kw_only=True)
class Command:
    """An imperative request to change state (``PlaceOrder``, ``Deposit``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Query:
    """A request for data that changes nothing (``GetOrder``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DomainEvent:
    """Something that happened, in the past tense (``MoneyDeposited``).

    ``event_type`` defaults to the class name; ``schema_version`` to 1.
    """

    event_type: ClassVar[str] = ""
    schema_version: ClassVar[int] = 1

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # explicit form: slots=True rebuilds the class, breaking zero-argument super()
        super(DomainEvent, cls).__init_subclass__(**kwargs)
        if "event_type" not in cls.__dict__:
            cls.event_type = cls.__name__
