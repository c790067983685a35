"""The simulated legacy product master: raw records, copies, clear misses."""

from __future__ import annotations

import pytest

from ddd_sim.contexts.legacy_erp.application import wiring
from ddd_sim.contexts.legacy_erp.domain.product_master import (
    LegacyProductMaster,
    UnknownProductCode,
)
from ddd_sim.contexts.legacy_erp.domain.records import FIELDS, SEED_CATALOGUE
from ddd_sim.shared.errors import NotFound
from tests.shop.support import make_deps


def test_the_seed_catalogue_is_served_raw_in_order() -> None:
    master = LegacyProductMaster()
    records = master.fetch_all()
    assert records == [dict(r) for r in SEED_CATALOGUE]
    assert all(tuple(r) == FIELDS for r in records)
    assert records[0] == {
        "PRODUCT_CODE": "P001",
        "PRODUCT_NAME": "WIDGET DELUXE   ",
        "UNIT_PRICE_CENTS": "004999",
        "CURRENCY_CD": "USD",
        "QTY_ON_HAND": "0100",
        "LAST_UPDATED": "20240115",
        "STATUS": "A",
    }


def test_the_master_serves_the_records_it_was_given() -> None:
    master = LegacyProductMaster([{"PRODUCT_CODE": "P777", "STATUS": "A"}])
    assert master.fetch_all() == [{"PRODUCT_CODE": "P777", "STATUS": "A"}]
    assert LegacyProductMaster([]).fetch_all() == []


def test_fetch_finds_a_record_by_code_ignoring_padding() -> None:
    master = LegacyProductMaster()
    assert master.fetch("P002")["PRODUCT_NAME"].strip() == "GADGET PRO"
    assert master.fetch(" P002 ") == master.fetch("P002")


def test_a_duplicated_code_answers_with_its_first_record() -> None:
    assert LegacyProductMaster().fetch("P009")["UNIT_PRICE_CENTS"] == "000199"


def test_an_unknown_code_is_a_clear_not_found() -> None:
    with pytest.raises(
        UnknownProductCode,
        match="the legacy product master has no record with PRODUCT_CODE 'P999'",
    ) as caught:
        LegacyProductMaster().fetch("P999")
    assert isinstance(caught.value, NotFound)


def test_callers_cannot_change_the_masters_data() -> None:
    given = [{"PRODUCT_CODE": "P001", "STATUS": "A"}]
    master = LegacyProductMaster(given)
    given[0]["STATUS"] = "D"
    master.fetch_all()[0]["STATUS"] = "D"
    master.fetch("P001")["STATUS"] = "D"
    assert master.fetch("P001")["STATUS"] == "A"


def test_the_erp_adds_nothing_to_the_shops_log_or_buses() -> None:
    deps = make_deps()
    assert wiring.EVENTS == ()
    assert wiring.STREAM_CATEGORIES == ()
    assert wiring.PROJECTIONS == ()
    assert wiring.TRANSLATORS == {}
    assert wiring.command_handlers(deps) == {}
    assert wiring.query_handlers(deps) == {}
