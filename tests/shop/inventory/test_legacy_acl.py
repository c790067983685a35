"""The anti-corruption layer: legacy records into inventory's language, or refused."""

from __future__ import annotations

import pytest

from ddd_sim.contexts.inventory.application.legacy_acl import (
    ImportedProduct,
    LegacyRecordRejected,
    days_in_month,
    translate_record,
)
from ddd_sim.shared.errors import ValidationError
from ddd_sim.shared.ids import ProductId
from ddd_sim.shared.money import Money


def legacy(**overrides: str) -> dict[str, str]:
    record = {
        "PRODUCT_CODE": "P001",
        "PRODUCT_NAME": "WIDGET DELUXE   ",
        "UNIT_PRICE_CENTS": "004999",
        "CURRENCY_CD": "USD",
        "QTY_ON_HAND": "0100",
        "LAST_UPDATED": "20240115",
        "STATUS": "A",
    }
    record.update(overrides)
    return record


def test_a_good_record_is_translated_into_inventorys_language() -> None:
    assert translate_record(legacy()) == ImportedProduct(
        legacy_code="P001",
        product_id=ProductId("PROD-001"),
        name="Widget Deluxe",
        price=Money.of("49.99", "USD"),
        stock=100,
        last_updated="2024-01-15",
        active=True,
    )


@pytest.mark.parametrize(
    ("field", "value", "attribute", "expected"),
    [
        ("PRODUCT_CODE", "P123456", "product_id", ProductId("PROD-123456")),
        ("PRODUCT_CODE", " P042 ", "product_id", ProductId("PROD-042")),
        ("PRODUCT_NAME", "  OLD   THINGAMAJIG ", "name", "Old Thingamajig"),
        ("UNIT_PRICE_CENTS", "1", "price", Money.of("0.01")),
        ("QTY_ON_HAND", "0000", "stock", 0),
        ("LAST_UPDATED", "20240229", "last_updated", "2024-02-29"),
        ("LAST_UPDATED", "20000229", "last_updated", "2000-02-29"),
        ("LAST_UPDATED", "19991231", "last_updated", "1999-12-31"),
        ("STATUS", "D", "active", False),
    ],
)
def test_awkward_but_valid_values_are_translated(field, value, attribute, expected):
    product = translate_record(legacy(**{field: value}))
    assert getattr(product, attribute) == expected


def test_prices_keep_their_currency() -> None:
    product = translate_record(legacy(UNIT_PRICE_CENTS="012500", CURRENCY_CD="EUR"))
    assert product.price == Money.of("125.00", "EUR")


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("PRODUCT_NAME", "      ", "must not be blank"),
        ("UNIT_PRICE_CENTS", "12.99", "must be digits only"),
        ("UNIT_PRICE_CENTS", "", "must be digits only"),
        ("UNIT_PRICE_CENTS", "-00100", "must be digits only"),
        ("UNIT_PRICE_CENTS", "000000", "must be positive"),
        ("CURRENCY_CD", "XYZ", "is not usable (unknown currency 'XYZ'"),
        ("QTY_ON_HAND", "-005", "must be a whole number of zero or more"),
        ("QTY_ON_HAND", "12A", "must be a whole number of zero or more"),
        ("LAST_UPDATED", "20230230", "has no such day in its month"),
        ("LAST_UPDATED", "19000229", "has no such day in its month"),
        ("LAST_UPDATED", "20240431", "has no such day in its month"),
        ("LAST_UPDATED", "20241301", "has no such month"),
        ("LAST_UPDATED", "20240001", "has no such month"),
        ("LAST_UPDATED", "20240100", "has no such day in its month"),
        ("LAST_UPDATED", "2024-01-15", "must be a date as YYYYMMDD"),
        ("LAST_UPDATED", "00000000", "has a year before 1900"),
        ("STATUS", "X", "must be A (active) or D (discontinued)"),
    ],
)
def test_a_bad_value_is_rejected_naming_code_field_and_value(
    field, value, reason
) -> None:
    with pytest.raises(LegacyRecordRejected) as caught:
        translate_record(legacy(**{field: value}))
    rejected = caught.value
    assert (rejected.code, rejected.field, rejected.value) == (
        "P001",
        field,
        value.strip(),
    )
    message = str(rejected)
    assert "'P001'" in message
    assert field in message
    assert reason in message
    assert repr(value.strip()) in message
    assert isinstance(rejected, ValidationError)


@pytest.mark.parametrize("code", ["X9", "P01", "p001", "P-001", "P0000001", ""])
def test_a_malformed_code_is_rejected_naming_it(code: str) -> None:
    with pytest.raises(LegacyRecordRejected, match="PRODUCT_CODE must be P followed"):
        translate_record(legacy(PRODUCT_CODE=code))


def test_a_missing_field_is_rejected_naming_it() -> None:
    record = legacy()
    del record["QTY_ON_HAND"]
    with pytest.raises(
        LegacyRecordRejected, match="legacy record 'P001': QTY_ON_HAND is missing"
    ):
        translate_record(record)


def test_a_record_without_a_code_is_rejected() -> None:
    record = legacy()
    del record["PRODUCT_CODE"]
    with pytest.raises(LegacyRecordRejected, match="PRODUCT_CODE is missing"):
        translate_record(record)


@pytest.mark.parametrize(
    ("year", "month", "days"),
    [
        (2024, 2, 29),
        (2023, 2, 28),
        (1900, 2, 28),
        (2000, 2, 29),
        (2100, 2, 28),
        (2023, 4, 30),
        (2023, 12, 31),
    ],
)
def test_days_in_month_follow_the_gregorian_leap_rule(year, month, days) -> None:
    assert days_in_month(year, month) == days
