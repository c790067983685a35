"""Reading one TOML table strictly: known keys, checked types, exact key paths.

Every problem becomes a :class:`ScenarioError` reading
``FILE: key.path: what is wrong``; the limits a scenario must stay within
live here too.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from ddd_sim.shared.errors import ValidationError
from ddd_sim.shared.money import Money

MAX_FILE_BYTES = 1 << 20
MAX_DURATION = 7 * 86_400.0
MAX_RATE = 5_000.0
MAX_ORDERS = 2_000_000
MAX_PRODUCTS, MAX_CUSTOMERS = 10_000, 100_000
MAX_LOADS, MAX_COMMANDS, MAX_FAULTS = 100, 100_000, 1_000
MAX_STOCK = 10**9
MAX_MONEY = Decimal(10**12)
MAX_QUANTITY = 1_000
MAX_STRING = 10_000


class ScenarioError(ValidationError):
    """A scenario file that cannot run, with the file, the key path and why."""


class TableReader:
    """Reads one TOML table; every key read is marked, the rest are unknown."""

    def __init__(self, source: str, path: str, table: Any) -> None:
        self.source, self.path = source, path
        if not isinstance(table, dict):
            self.fail(f"expected a table, got {kind_of(table)}")
        self.table: dict[str, Any] = table
        self.used: set[str] = set()

    def error(self, problem: str, key: str | None = None) -> ScenarioError:
        """The error naming the file, this table's key path (and ``key``)."""
        where = self.at(key) if key else self.path or "(top level)"
        return ScenarioError(f"{self.source}: {where}: {problem}")

    def fail(self, problem: str, key: str | None = None) -> NoReturn:
        raise self.error(problem, key)

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def raw(self, key: str, default: Any = ...) -> Any:
        """The value as TOML gave it; no default (``...``) means required."""
        self.used.add(key)
        if key not in self.table:
            if default is ...:
                self.fail("missing (required)", key)
            return default
        return self.table[key]

    def string(self, key: str, default: Any = ...) -> Any:
        value = self.raw(key, default)
        if key not in self.table:
            return value
        if not isinstance(value, str):
            self.fail(f"expected a string, got {kind_of(value)}", key)
        if len(value) > MAX_STRING:
            self.fail(f"is longer than {MAX_STRING:,} characters", key)
        return value

    def number(
        self,
        key: str,
        default: Any = ...,
        *,
        low: float = 0.0,
        high: float = math.inf,
        strict_low: bool = False,
        limit: str = "",
    ) -> Any:
        """A finite int or float in range; ``limit`` says what ``high`` is."""
        value = self.raw(key, default)
        if key not in self.table:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"expected a number, got {kind_of(value)}", key)
        try:
            value = float(value)
        except OverflowError:  # an integer with hundreds of digits
            self.fail(f"is far too large ({len(str(value))} digits)", key)
        if not math.isfinite(value):
            self.fail(f"must be a finite number, got {value}", key)
        if value < low or (strict_low and value == low):
            bound = f"at least {show(low)}"
            if strict_low:
                bound = "positive" if low == 0 else f"greater than {show(low)}"
            self.fail(f"must be {bound}, got {show(value)}", key)
        if value > high:
            note = f" ({limit})" if limit else ""
            self.fail(f"must be at most {show(high)}{note}, got {show(value)}", key)
        return value

    def integer(
        self, key: str, default: Any = ..., *, low: int = 0, high: int = 2**62
    ) -> Any:
        """A TOML integer in range (a float such as 3.0 is refused)."""
        value = self.raw(key, default)
        if key not in self.table:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"expected a whole number, got {kind_of(value)}", key)
        if value < low:
            self.fail(f"must be at least {low:,}, got {value:,}", key)
        if value > high:
            self.fail(f"must be at most {high:,}, got {value:,}", key)
        return value

    def money(self, key: str, currency: str, default: Any = ...) -> Any:
        """An exact amount in ``currency``: "50.00" (or 50, or 50.0)."""
        value = self.raw(key, default)
        if key not in self.table:
            return value
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(f'expected an amount like "50.00", got {kind_of(value)}', key)
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            self.fail(f"is not an amount: {value!r}", key)
        if not amount.is_finite() or amount < 0:
            self.fail(f"must be a non-negative amount, got {value!r}", key)
        if amount > MAX_MONEY:
            self.fail(f"must be at most {MAX_MONEY:,}, got {value!r}", key)
        money = Money.of(str(amount), currency)
        if money.amount != amount:  # Money rounds; a scenario must say what it means
            self.fail(f"has more decimals than {currency} allows: {value!r}", key)
        return money

    def strings(self, key: str) -> tuple[str, ...]:
        """A list of strings (empty if omitted)."""
        value = self.raw(key, [])
        if not isinstance(value, list):
            self.fail(f"expected a list of strings, got {kind_of(value)}", key)
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(f"expected a string, got {kind_of(item)}", f"{key}[{i}]")
        return tuple(value)

    def tables(self, key: str, limit: int) -> list[TableReader]:
        """An array of tables (``[[key]]``), at most ``limit`` of them."""
        value = self.raw(key, [])
        if not isinstance(value, list):
            self.fail(
                f"expected an array of tables ([[{key}]]), got {kind_of(value)}", key
            )
        if len(value) > limit:
            self.fail(f"has {len(value):,} entries; at most {limit:,} are allowed", key)
        return [
            TableReader(self.source, f"{self.at(key)}[{i}]", t)
            for i, t in enumerate(value)
        ]

    def sub(self, key: str) -> TableReader:
        """A sub-table (``[key]``), empty if omitted."""
        return TableReader(self.source, self.at(key), self.raw(key, {}))

    def done(self) -> None:
        """Refuse any key nobody read: a typo must never silently do nothing."""
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            known = ", ".join(sorted(self.used)) or "none"
            self.fail(f"unknown key (known: {known})", unknown[0])


def show(value: float) -> str:
    """A number as a message shows it: always as a float (``5.0``)."""
    return repr(float(value))


def kind_of(value: Any) -> str:
    """What a TOML value is, for "expected …, got …"."""
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"string {value!r}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, int):
        return f"integer {value}"
    return f"{type(value).__name__} {value}"


def checked_id(r: TableReader, key: str, kind: Callable[[str], Any]) -> str:
    """A string that the typed id ``kind`` accepts (checked at its own key)."""
    value = r.string(key)
    try:
        kind(value)
    except ValidationError as error:
        r.fail(str(error), key)
    return str(value)


def currency_of(r: TableReader) -> str:
    """The table's ``currency`` (USD if omitted), checked at its own key."""
    currency = r.string("currency", "USD")
    try:
        Money.of("0", currency)
    except ValidationError as error:
        r.fail(str(error), "currency")
    return str(currency)


def check_unique(r: TableReader, key: str, ids: list[str]) -> None:
    """Refuse the second of two entries of ``key`` with the same id."""
    seen: set[str] = set()
    for i, value in enumerate(ids):
        if value in seen:
            r.fail(f"duplicate id {value!r}", f"{key}[{i}].id")
        seen.add(value)


def references(r: TableReader, key: str, known: set[str], what: str) -> tuple[str, ...]:
    """A list of ids, each one of ``known``."""
    values = r.strings(key)
    for i, value in enumerate(values):
        if value not in known:
            r.fail(f"unknown {what} {value!r}", f"{key}[{i}]")
    return values


def projection_name(
    r: TableReader, name: str, projections: Collection[str] | None, key: str
) -> str:
    """The full name of a projection named in full or by its unique short name."""
    if projections is None or name in projections:
        return name
    short = [p for p in projections if p.split(".", 1)[-1] == name]
    if len(short) == 1:
        return short[0]
    known = ", ".join(sorted(projections))
    problem = "ambiguous" if short else "unknown"
    raise r.error(f"{problem} projection {name!r} (known: {known})", key)
