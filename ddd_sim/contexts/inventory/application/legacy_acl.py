"""The anti-corruption layer between inventory and the legacy ERP's product master.

Inventory is downstream and protects itself: it names what it needs from the
ERP as a port (:class:`LegacyCatalogPort`), never imports the ERP's package,
and turns each flat, padded, text-only record into its own language
(:class:`ImportedProduct`) or refuses it with :class:`LegacyRecordRejected`.
No unchecked legacy value gets past :func:`translate_record`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Protocol

from ddd_sim.shared.errors import ValidationError
from ddd_sim.shared.ids import ProductId
from ddd_sim.shared.messages import message
from ddd_sim.shared.money import Money

CODE = "PRODUCT_CODE"
NAME = "PRODUCT_NAME"
PRICE = "UNIT_PRICE_CENTS"
CURRENCY = "CURRENCY_CD"
QUANTITY = "QTY_ON_HAND"
UPDATED = "LAST_UPDATED"
STATUS = "STATUS"

_CODE = re.compile(r"P([0-9]{3,6})")
_DIGITS = re.compile(r"[0-9]+")
_DATE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_STATUSES = {"A": True, "D": False}
_MISSING = "<missing>"


class LegacyCatalogPort(Protocol):
    """What inventory needs of the legacy ERP: every product record, raw."""

    def fetch_all(self) -> Sequence[Mapping[str, str]]:
        """Every record of the product master, as the ERP stores it."""
        ...


class LegacyRecordRejected(ValidationError):
    """A legacy record breaks one of inventory's rules; it names code, field, value."""

    def __init__(self, code: str, field: str, value: str, reason: str) -> None:
        self.code = code
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"legacy record {code!r}: {field} {reason}, got {value!r}")


@message
class ImportedProduct:
    """A legacy product in inventory's language, every value checked."""

    legacy_code: str
    product_id: ProductId
    name: str
    price: Money
    stock: int
    last_updated: str
    active: bool


def translate_record(record: Mapping[str, str]) -> ImportedProduct:
    """Turn one raw legacy record into an :class:`ImportedProduct`, or reject it."""
    code = _field(record, CODE, "?")
    match = _CODE.fullmatch(code)
    if match is None:
        raise LegacyRecordRejected(code, CODE, code, "must be P followed by 3-6 digits")
    return ImportedProduct(
        legacy_code=code,
        product_id=ProductId(f"PROD-{match.group(1)}"),
        name=_name(record, code),
        price=_price(record, code),
        stock=_count(record, code),
        last_updated=_iso_date(record, code),
        active=_active(record, code),
    )


def _field(record: Mapping[str, str], field: str, code: str) -> str:
    """A field's value without the ERP's fixed-width padding; missing is refused."""
    value = record.get(field)
    if value is None:
        raise LegacyRecordRejected(code, field, _MISSING, "is missing")
    if not isinstance(value, str):
        raise LegacyRecordRejected(code, field, repr(value), "must be text")
    return value.strip()


def _name(record: Mapping[str, str], code: str) -> str:
    text = _field(record, NAME, code)
    if not text:
        raise LegacyRecordRejected(code, NAME, text, "must not be blank")
    words = text.split()
    return " ".join(word.capitalize() for word in words)


def _price(record: Mapping[str, str], code: str) -> Money:
    currency = _field(record, CURRENCY, code)
    try:
        Money.zero(currency)
    except ValidationError as exc:
        raise LegacyRecordRejected(
            code, CURRENCY, currency, f"is not usable ({exc})"
        ) from exc
    cents = _field(record, PRICE, code)
    if not _DIGITS.fullmatch(cents):
        raise LegacyRecordRejected(code, PRICE, cents, "must be digits only")
    amount = Decimal(int(cents)).scaleb(-2)
    if amount == 0:
        raise LegacyRecordRejected(code, PRICE, cents, "must be positive")
    price = Money(amount, currency)
    if price.amount != amount:  # e.g. cents of a currency with no minor unit
        raise LegacyRecordRejected(
            code, PRICE, cents, f"is not a whole amount in {currency}"
        )
    return price


def _count(record: Mapping[str, str], code: str) -> int:
    quantity = _field(record, QUANTITY, code)
    if not _DIGITS.fullmatch(quantity):
        raise LegacyRecordRejected(
            code, QUANTITY, quantity, "must be a whole number of zero or more"
        )
    return int(quantity)


def _iso_date(record: Mapping[str, str], code: str) -> str:
    """YYYYMMDD as an ISO date, checked by hand (contexts may not use datetime)."""
    text = _field(record, UPDATED, code)
    match = _DATE.fullmatch(text)
    if match is None:
        raise LegacyRecordRejected(code, UPDATED, text, "must be a date as YYYYMMDD")
    year, month, day = (int(part) for part in match.groups())
    if year < 1900:
        raise LegacyRecordRejected(code, UPDATED, text, "has a year before 1900")
    if not 1 <= month <= 12:
        raise LegacyRecordRejected(code, UPDATED, text, "has no such month")
    if not 1 <= day <= days_in_month(year, month):
        raise LegacyRecordRejected(code, UPDATED, text, "has no such day in its month")
    return f"{year:04d}-{month:02d}-{day:02d}"


def days_in_month(year: int, month: int) -> int:
    """Days in a month of the Gregorian calendar, leap years included."""
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _active(record: Mapping[str, str], code: str) -> bool:
    status = _field(record, STATUS, code)
    if status not in _STATUSES:
        raise LegacyRecordRejected(
            code, STATUS, status, "must be A (active) or D (discontinued)"
        )
    return _STATUSES[status]
