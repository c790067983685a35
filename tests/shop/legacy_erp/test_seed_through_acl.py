"""The seed catalogue through inventory's anti-corruption layer, wired end to end."""

from __future__ import annotations

import pytest

from ddd_sim.contexts.inventory.application.commands import ImportLegacyProducts
from ddd_sim.contexts.inventory.application.legacy_acl import (
    ImportedProduct,
    LegacyRecordRejected,
    translate_record,
)
from ddd_sim.contexts.inventory.application.queries import (
    ListStock,
    PreviewLegacyImport,
)
from ddd_sim.contexts.legacy_erp.domain.product_master import LegacyProductMaster
from ddd_sim.shared.ids import ProductId
from ddd_sim.shared.money import Money
from tests.shop.inventory.harness import Inventory

GOOD = [
    ImportedProduct(
        legacy_code="P001",
        product_id=ProductId("PROD-001"),
        name="Widget Deluxe",
        price=Money.of("49.99", "USD"),
        stock=100,
        last_updated="2024-01-15",
        active=True,
    ),
    ImportedProduct(
        legacy_code="P002",
        product_id=ProductId("PROD-002"),
        name="Gadget Pro",
        price=Money.of("125.00", "EUR"),
        stock=25,
        last_updated="2024-02-29",
        active=True,
    ),
    ImportedProduct(
        legacy_code="P003",
        product_id=ProductId("PROD-003"),
        name="Sprocket",
        price=Money.of("7.50", "USD"),
        stock=0,
        last_updated="2023-11-01",
        active=True,
    ),
    ImportedProduct(
        legacy_code="P004",
        product_id=ProductId("PROD-004"),
        name="Old Thingamajig",
        price=Money.of("10.00", "USD"),
        stock=10,
        last_updated="2019-06-01",
        active=False,
    ),
]


@pytest.mark.parametrize("expected", GOOD, ids=lambda p: p.legacy_code)
def test_each_good_seed_record_translates_exactly(expected) -> None:
    assert translate_record(LegacyProductMaster().fetch(expected.legacy_code)) == (
        expected
    )


@pytest.mark.parametrize(
    ("code", "field", "value"),
    [
        ("P005", "UNIT_PRICE_CENTS", "12.99"),
        ("P006", "LAST_UPDATED", "20230230"),
        ("P007", "CURRENCY_CD", "XYZ"),
        ("P008", "QTY_ON_HAND", "-005"),
        ("X9", "PRODUCT_CODE", "X9"),
    ],
)
def test_each_bad_seed_record_is_rejected_naming_code_and_field(
    code, field, value
) -> None:
    with pytest.raises(LegacyRecordRejected) as caught:
        translate_record(LegacyProductMaster().fetch(code))
    assert (caught.value.code, caught.value.field, caught.value.value) == (
        code,
        field,
        value,
    )
    assert repr(code) in str(caught.value)
    assert field in str(caught.value)


def test_the_preview_of_the_seed_accepts_three_skips_one_rejects_the_rest() -> None:
    shop = Inventory(legacy_catalog=LegacyProductMaster())
    report = shop.ask(PreviewLegacyImport())
    assert list(report.accepted) == GOOD[:3]
    assert [(s.legacy_code, s.reason) for s in report.skipped] == [
        ("P004", "discontinued in the legacy ERP")
    ]
    assert [(r.code, r.field) for r in report.rejected] == [
        ("P005", "UNIT_PRICE_CENTS"),
        ("P006", "LAST_UPDATED"),
        ("P007", "CURRENCY_CD"),
        ("P008", "QTY_ON_HAND"),
        ("X9", "PRODUCT_CODE"),
        ("P009", "PRODUCT_CODE"),
        ("P009", "PRODUCT_CODE"),
    ]


def test_importing_the_seed_stores_only_the_accepted_products() -> None:
    shop = Inventory(legacy_catalog=LegacyProductMaster())
    result = shop.do(ImportLegacyProducts())
    assert (result.stream_id, result.written) == ("Product-PROD-003", True)
    stored = list(shop.deps.store.read_all())
    assert {e.stream_id for e in stored} == {
        "Product-PROD-001",
        "Product-PROD-002",
        "Product-PROD-003",
    }
    text = " ".join(str(e.payload) for e in stored)
    for code in ("004", "005", "006", "007", "008", "009", "X9", "XYZ", "12.99"):
        assert code not in text
    levels = shop.ask(ListStock())
    assert [(lv.name, lv.price, lv.available) for lv in levels] == [
        ("Widget Deluxe", Money.of("49.99"), 100),
        ("Gadget Pro", Money.of("125", "EUR"), 25),
        ("Sprocket", Money.of("7.50"), 0),
    ]
