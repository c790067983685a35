"""Money as an exact decimal amount in one currency; there is no float money."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from ddd_sim.shared.errors import ValidationError

_MINOR_UNITS = {"USD": 2, "EUR": 2, "GBP": 2, "CHF": 2, "JPY": 0, "IDR": 2}
_QUANTA = {code: Decimal(1).scaleb(-digits) for code, digits in _MINOR_UNITS.items()}
_set = object.__setattr__


def _unknown_currency(code: object) -> ValidationError:
    known = ", ".join(sorted(_MINOR_UNITS))
    return ValidationError(f"unknown currency {code!r} (known: {known})")


@dataclass(frozen=True, slots=True)
class Money:
    """An amount quantised to its currency's minor unit; sums need one currency."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        amount = self.amount
        if not isinstance(amount, Decimal):
            raise ValidationError(
                f"money amount must be a Decimal or a decimal string, "
                f"not {type(amount).__name__}"
            )
        quantum = _QUANTA.get(self.currency)
        if quantum is None:
            raise _unknown_currency(self.currency)
        if not amount.is_finite():
            raise ValidationError(f"money amount must be finite, got {amount}")
        try:
            exact = amount.quantize(quantum, rounding=ROUND_HALF_EVEN)
        except InvalidOperation as exc:
            raise ValidationError(f"money amount is too large: {amount}") from exc
        _set(self, "amount", exact)

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str = "USD") -> Money:
        """Parse an amount given as text, an integer or a Decimal."""
        if isinstance(amount, float | bool):
            raise ValidationError("money amount must not be a float; pass a string")
        try:
            value = Decimal(amount)
        except (InvalidOperation, ValueError) as exc:
            raise ValidationError(f"not a money amount: {amount!r}") from exc
        return cls(value, currency)

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> Money:
        """Money back from :meth:`to_json` (an amount that is not a number raises)."""
        return cls(Decimal(document["amount"]), document["currency"])

    def to_json(self) -> dict[str, str]:
        """``{"amount": "12.50", "currency": "USD"}``: exact, never a float."""
        # format "f" never switches to exponent notation
        return {"amount": format(self.amount, "f"), "currency": self.currency}

    @classmethod
    def zero(cls, currency: str = "USD") -> Money:
        """Nothing, in the given currency."""
        return cls(Decimal(0), currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValidationError(
                f"cannot combine {self.currency} and {other.currency} amounts"
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    @property
    def is_negative(self) -> bool:
        """True below zero."""
        return self.amount < 0

    @property
    def is_positive(self) -> bool:
        """True above zero."""
        return self.amount > 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
