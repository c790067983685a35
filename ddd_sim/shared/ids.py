"""Typed identifiers: each kind of id has its own prefix and its own type."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import ClassVar, Self

from ddd_sim.shared.errors import ValidationError


@dataclass(frozen=True, slots=True, order=True)
class TypedId:
    """An id of the form PREFIX-SUFFIX; subclasses fix the prefix."""

    value: str
    prefix: ClassVar[str] = ""
    _pattern: ClassVar[re.Pattern[str]] = re.compile(
        r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}"
    )

    def __post_init__(self) -> None:
        if not isinstance(self.value, str) or not self._pattern.fullmatch(self.value):
            raise ValidationError(f"malformed {type(self).__name__}: {self.value!r}")
        if self.prefix and not self.value.startswith(self.prefix + "-"):
            raise ValidationError(
                f"{type(self).__name__} must start with {self.prefix}-, "
                f"got {self.value!r}"
            )

    @classmethod
    def from_number(cls, number: int) -> Self:
        """Build the id PREFIX-000123 for a sequence number."""
        return cls(f"{cls.prefix}-{number:03d}")

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True, order=True)
class CustomerId(TypedId):
    """A customer, shared by every context that knows customers (CUST-…)."""

    prefix: ClassVar[str] = "CUST"


@dataclass(frozen=True, slots=True, order=True)
class AccountId(TypedId):
    """A wallet account (ACC-…)."""

    prefix: ClassVar[str] = "ACC"


@dataclass(frozen=True, slots=True, order=True)
class OrderId(TypedId):
    """An order (ORD-…)."""

    prefix: ClassVar[str] = "ORD"


@dataclass(frozen=True, slots=True, order=True)
class ProductId(TypedId):
    """A product (PROD-…)."""

    prefix: ClassVar[str] = "PROD"


class IdFactory:
    """Makes event ids from a seeded source so a seeded run is reproducible."""

    def __init__(self, seed: int | None = None) -> None:
        import random

        self._random = random.Random(seed) if seed is not None else None

    def new_uuid(self) -> uuid.UUID:
        """A version-4 UUID: seeded when the factory is, random otherwise."""
        if self._random is None:
            return uuid.uuid4()
        return uuid.UUID(int=self._random.getrandbits(128), version=4)
