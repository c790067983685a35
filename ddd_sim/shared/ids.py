"""Typed identifiers: each kind of id has its own prefix and its own type."""

from __future__ import annotations

import os
import random
import re
import uuid
from collections.abc import Callable
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


_VERSION_4_MASK = ~((0xF000 << 64) | (0xC000 << 48))
_VERSION_4_BITS = (0x4000 << 64) | (0x8000 << 48)
_VERSION_7_BITS = (0x7000 << 64) | (0x8000 << 48)
_LOW_80 = (1 << 80) - 1
SIM_EPOCH_MS = 1_767_225_600_000
"""Unix milliseconds of 2026-01-01T00:00Z: the calendar moment simulated time
0 stands for (the wire's ``SIM_EPOCH`` too; a test holds the two together)."""
_new_object = object.__new__
_set = object.__setattr__
_UNKNOWN = uuid.SafeUUID.unknown  # enum member lookups are slow on the hot path


def _uuid4_from_int(value: int) -> uuid.UUID:
    """A version-4 UUID from 128 random bits, without UUID.__init__'s checks."""
    result = _new_object(uuid.UUID)
    _set(result, "int", (value & _VERSION_4_MASK) | _VERSION_4_BITS)
    _set(result, "is_safe", _UNKNOWN)
    return result


def _uuid7_from_int(value: int, unix_ms: int) -> uuid.UUID:
    """A version-7 UUID (RFC 9562): 48 bits of milliseconds, then random bits."""
    result = _new_object(uuid.UUID)
    bits = (unix_ms << 80) | ((value & _LOW_80) & _VERSION_4_MASK) | _VERSION_7_BITS
    _set(result, "int", bits)
    _set(result, "is_safe", _UNKNOWN)
    return result


class IdFactory:
    """Makes event ids: seeded (reproducible) or from the OS's randomness.

    Given a ``clock`` (simulated seconds), ids are version-7 UUIDs whose
    leading 48 bits are the simulated moment in milliseconds: ids made later
    sort later, so a store's unique index on event ids (and the read models
    keyed by message ids) grows at its end instead of at a random page.  On a
    store of a million events, random ids made every insert touch a page of
    its own: a simulated tick cost several times more in index upkeep.
    Without a clock they are version-4 UUIDs.  Unseeded ids come from
    ``os.urandom`` read 4 KiB at a time: one system call per 256 ids instead
    of one per id.
    """

    def __init__(
        self, seed: int | None = None, *, clock: Callable[[], float] | None = None
    ) -> None:
        self._random = random.Random(seed) if seed is not None else None
        self._pool: list[int] = []
        self._clock = clock

    def new_uuid(self) -> uuid.UUID:
        """A new UUID: seeded when the factory is, random otherwise."""
        if self._random is not None:
            bits = self._random.getrandbits(128)
        else:
            if not self._pool:
                raw = os.urandom(16 * 256)
                self._pool = [
                    int.from_bytes(raw[i : i + 16], "big")
                    for i in range(0, len(raw), 16)
                ]
            bits = self._pool.pop()
        if self._clock is None:
            return _uuid4_from_int(bits)
        return _uuid7_from_int(bits, SIM_EPOCH_MS + int(self._clock() * 1000))
