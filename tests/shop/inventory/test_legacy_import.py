"""Importing from the legacy ERP: list the valid, skip, reject, store no bad data."""

from __future__ import annotations

import dataclasses

import pytest

from ddd_sim.contexts.inventory.application.commands import (
    ImportLegacyProducts,
    ListProduct,
)
from ddd_sim.contexts.inventory.application.legacy_import import (
    ImportReport,
    RejectedRecord,
    SkippedProduct,
)
from ddd_sim.contexts.inventory.application.queries import (
    GetStock,
    PreviewLegacyImport,
)
from ddd_sim.shared.ids import ProductId
from ddd_sim.shared.money import Money
from tests.shop.inventory.harness import FakeCatalog, Inventory


def row(code: str, name: str, cents: str, qty: str, status: str = "A", **extra):
    record = {
        "PRODUCT_CODE": code,
        "PRODUCT_NAME": name,
        "UNIT_PRICE_CENTS": cents,
        "CURRENCY_CD": "USD",
        "QTY_ON_HAND": qty,
        "LAST_UPDATED": "20240115",
        "STATUS": status,
    }
    record.update(extra)
    return record


CATALOGUE = [
    row("P001", "WIDGET", "000500", "0010"),
    row("P002", "GADGET", "000700", "0000"),
    row("P003", "RELIC", "000900", "0003", status="D"),
    row("P004", "BROKEN", "9.99", "0001"),
    row("P005", "TWIN A", "000100", "0001"),
    row("P005", "TWIN B", "000200", "0002"),
]


@pytest.fixture
def shop() -> Inventory:
    return Inventory(legacy_catalog=FakeCatalog(CATALOGUE))


def test_the_preview_sorts_records_without_writing(shop: Inventory) -> None:
    report = shop.ask(PreviewLegacyImport())
    assert isinstance(report, ImportReport)
    assert [p.product_id for p in report.accepted] == [
        ProductId("PROD-001"),
        ProductId("PROD-002"),
    ]
    assert report.skipped == (
        SkippedProduct(
            product_id=ProductId("PROD-003"),
            legacy_code="P003",
            reason="discontinued in the legacy ERP",
        ),
    )
    assert [(r.code, r.field, r.value) for r in report.rejected] == [
        ("P004", "UNIT_PRICE_CENTS", "9.99"),
        ("P005", "PRODUCT_CODE", "P005"),
        ("P005", "PRODUCT_CODE", "P005"),
    ]
    assert "appears 2 times" in report.rejected[1].reason
    assert list(shop.deps.store.read_all()) == []
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.accepted = ()


def test_the_import_lists_valid_active_products_with_their_stock(
    shop: Inventory,
) -> None:
    result = shop.do(ImportLegacyProducts())
    assert (result.stream_id, result.version, result.written) == (
        "Product-PROD-002",
        1,
        True,
    )
    widget = shop.ask(GetStock(product_id=ProductId("PROD-001")))
    assert (widget.name, widget.price, widget.available) == (
        "Widget",
        Money.of("5"),
        10,
    )
    gadget = shop.ask(GetStock(product_id=ProductId("PROD-002")))
    assert (gadget.name, gadget.available) == ("Gadget", 0)


def test_rejected_and_skipped_records_leave_no_trace_in_the_store(
    shop: Inventory,
) -> None:
    shop.do(ImportLegacyProducts())
    streams = {e.stream_id for e in shop.deps.store.read_all()}
    assert streams == {"Product-PROD-001", "Product-PROD-002"}
    payloads = " ".join(str(e.payload) for e in shop.deps.store.read_all())
    for trace in ("PROD-003", "PROD-004", "PROD-005", "Relic", "Broken", "Twin"):
        assert trace not in payloads


def test_a_second_import_skips_what_is_listed_and_writes_nothing(
    shop: Inventory,
) -> None:
    shop.do(ImportLegacyProducts())
    before = len(list(shop.deps.store.read_all()))
    again = shop.do(ImportLegacyProducts())
    assert (again.written, again.stream_id, again.version) == (False, "", 0)
    assert len(list(shop.deps.store.read_all())) == before
    report = shop.ask(PreviewLegacyImport())
    assert report.accepted == ()
    assert {s.reason for s in report.skipped} == {
        "already listed",
        "discontinued in the legacy ERP",
    }


def test_a_product_listed_by_hand_is_not_imported_over() -> None:
    shop = Inventory(legacy_catalog=FakeCatalog(CATALOGUE))
    shop.do(
        ListProduct(product_id=ProductId("PROD-001"), name="Mine", price=Money.of("1"))
    )
    shop.do(ImportLegacyProducts())
    assert shop.ask(GetStock(product_id=ProductId("PROD-001"))).name == "Mine"


def test_an_empty_catalogue_imports_nothing() -> None:
    shop = Inventory(legacy_catalog=FakeCatalog([]))
    assert not shop.do(ImportLegacyProducts()).written
    assert shop.ask(PreviewLegacyImport()) == ImportReport(
        accepted=(), skipped=(), rejected=()
    )


def test_rejections_carry_the_full_reason() -> None:
    shop = Inventory(legacy_catalog=FakeCatalog([row("P009", "X", "1", "-1")]))
    (rejected,) = shop.ask(PreviewLegacyImport()).rejected
    assert rejected == RejectedRecord(
        code="P009",
        field="QTY_ON_HAND",
        value="-1",
        reason="legacy record 'P009': QTY_ON_HAND must be a whole number of zero "
        "or more, got '-1'",
    )
