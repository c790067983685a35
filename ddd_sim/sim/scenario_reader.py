"""Reading one TOML table strictly: known keys, checked types, exact key paths.

Every problem becomes a :class:`ScenarioError` reading
``FILE: key.path: what is wrong``; the limits a scenario must stay within
live here too.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from ddd_sim.shared.errors import ValidationError
from ddd_sim.shared.money import Money

MAX_FILE_BYTES = 1 << 20
MAX_DURATION = 7 * 86_400.0
MAX_RATE = 5_000.0
MAX_ORDERS = 2_000_000
MAX_PRODUCTS, MAX_CUSTOMERS = 10_000, 100_000
MAX_COMMANDS, MAX_FAULTS = 100_000, 1_000
MAX_STOCK = 10**9
MAX_MONEY = Decimal(10**12)
MAX_QUANTITY = 1_000

_T = TypeVar("_T")


class ScenarioError(ValidationError):
    """A scenario file that cannot run, with the file, the key path and why."""


class TableReader:
    """Reads one TOML table, tracking the key path for messages."""

    def __init__(self, source: str, path: str, table: Any) -> None:
        self.source, self.path = source, path
        if not isinstance(table, dict):
            self.fail(f"expected a table, got {_kind(table)}")
        self.table: dict[str, Any] = table
        self.used: set[str] = set()

    def fail(self, problem: str, key: str | None = None) -> ScenarioError:
        where = self.at(key) if key else self.path or "(top level)"
        raise ScenarioError(f"{self.source}: {where}: {problem}")

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return key in self.table

    def raw(self, key: str, default: Any = ...) -> Any:
        self.used.add(key)
        if key not in self.table:
            if default is ...:
                self.fail("missing (required)", key)
            return default
        return self.table[key]

    def string(self, key: str, default: Any = ...) -> Any:
        value = self.raw(key, default)
        if value is default and default is not ...:
            return value
        if not isinstance(value, str):
            self.fail(f"expected a string, got {_kind(value)}", key)
        if len(value) > 10_000:
            self.fail("is longer than 10,000 characters", key)
        return value

    def number(
        self,
        key: str,
        default: Any = ...,
        *,
        low: float = 0.0,
        high: float = math.inf,
        strict_low: bool = False,
    ) -> Any:
        value = self.raw(key, default)
        if value is default and default is not ...:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"expected a number, got {_kind(value)}", key)
        try:
            value = float(value)
        except OverflowError:  # an integer with hundreds of digits
            self.fail(f"is far too large ({len(str(value))} digits)", key)
        if not math.isfinite(value):
            self.fail(f"must be a finite number, got {value}", key)
        if value < low or (strict_low and value == low):
            self.fail(
                f"must be {'greater than' if strict_low else 'at least'} {low:g}, "
                f"got {value:g}",
                key,
            )
        if value > high:
            self.fail(f"must be at most {high:g}, got {value:g}", key)
        return value

    def integer(
        self, key: str, default: Any = ..., *, low: int = 0, high: int = 2**62
    ) -> Any:
        value = self.raw(key, default)
        if value is default and default is not ...:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"expected a whole number, got {_kind(value)}", key)
        if value < low:
            self.fail(f"must be at least {low}, got {value}", key)
        if value > high:
            self.fail(f"must be at most {high:,}, got {value:,}", key)
        return value

    def money(self, key: str, currency: str, default: Any = ...) -> Any:
        value = self.raw(key, default)
        if value is default and default is not ...:
            return value
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(f'expected an amount like "50.00", got {_kind(value)}', key)
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            self.fail(f"is not an amount: {value!r}", key)
        if not amount.is_finite() or amount < 0:
            self.fail(f"must be a non-negative amount, got {value!r}", key)
        if amount > MAX_MONEY:
            self.fail(f"must be at most {MAX_MONEY:,}, got {value!r}", key)
        try:
            money = Money.of(str(amount), currency)
        except ValidationError as error:
            self.fail(str(error), key)
        if money.amount != amount:  # Money rounds; a scenario must say what it means
            self.fail(f"has more decimals than {currency} allows: {value!r}", key)
        return money

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.raw(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail("expected a list of strings", key)
        return tuple(value)

    def tables(self, key: str, limit: int) -> list[TableReader]:
        value = self.raw(key, [])
        if not isinstance(value, list):
            self.fail(
                f"expected an array of tables ([[{key}]]), got {_kind(value)}", key
            )
        if len(value) > limit:
            self.fail(f"has {len(value):,} entries; at most {limit:,} are allowed", key)
        return [
            TableReader(self.source, f"{self.at(key)}[{i}]", t)
            for i, t in enumerate(value)
        ]

    def sub(self, key: str) -> TableReader:
        return TableReader(self.source, self.at(key), self.raw(key, {}))

    def done(self) -> None:
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            known = ", ".join(sorted(self.used)) or "none"
            self.fail(f"unknown key (known: {known})", unknown[0])


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"boolean {value}"
    if isinstance(value, str):
        return f"string {value!r}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return f"{type(value).__name__} {value!r}"


def _checked_id(reader: TableReader, key: str, kind: Callable[[str], Any]) -> str:
    value = reader.string(key)
    try:
        kind(value)
    except ValidationError as error:
        reader.fail(str(error), key)
    return str(value)


def _currency(r: TableReader) -> str:
    """The table's ``currency`` (USD if omitted), checked at its own key."""
    currency = r.string("currency", "USD")
    try:
        Money.of("0", currency)
    except ValidationError as error:
        r.fail(str(error), "currency")
    return str(currency)
