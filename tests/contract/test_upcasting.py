"""Contract: stored events are upcast on read and never rewritten, on every store."""

from __future__ import annotations

from typing import Any

import pytest

from ddd_sim.shared.errors import UnknownEventType
from ddd_sim.shared.upcasting import Upcasters
from tests.conftest import StoreFactory
from tests.contract.support import new_event


def add_currency(payload: dict[str, Any]) -> dict[str, Any]:
    return {**payload, "currency": "EUR"}


def cents(payload: dict[str, Any]) -> dict[str, Any]:
    return {"cents": payload["amount"] * 100, "currency": payload["currency"]}


def upcasters() -> Upcasters:
    chain = Upcasters()
    chain.declare("Deposited", 3)
    chain.register("Deposited", 1, add_currency)
    chain.register("Deposited", 2, cents)
    return chain


def test_old_versions_are_read_as_the_current_one(make_store: StoreFactory) -> None:
    store = make_store(upcasters=upcasters())
    store.append(
        "wallet-1",
        [
            new_event("Deposited", {"amount": 5}, schema_version=1),
            new_event("Deposited", {"amount": 7, "currency": "USD"}, schema_version=2),
            new_event("Deposited", {"cents": 900, "currency": "GBP"}, schema_version=3),
            new_event("Opened", {"owner": "ann"}, schema_version=4),
        ],
    )
    current = [(e.schema_version, e.payload) for e in store.read_stream("wallet-1")]
    assert current == [
        (3, {"cents": 500, "currency": "EUR"}),
        (3, {"cents": 700, "currency": "USD"}),
        (3, {"cents": 900, "currency": "GBP"}),
        (4, {"owner": "ann"}),  # undeclared types pass through untouched
    ]
    assert [(e.schema_version, e.payload) for e in store.read_all()] == current


def test_raw_reads_give_the_stored_form(make_store: StoreFactory) -> None:
    store = make_store(upcasters=upcasters())
    store.append("wallet-1", [new_event("Deposited", {"amount": 5}, schema_version=1)])
    [raw] = store.read_stream("wallet-1", raw=True)
    assert (raw.schema_version, raw.payload) == (1, {"amount": 5})
    [raw_all] = store.read_all(raw=True)
    assert (raw_all.schema_version, raw_all.payload) == (1, {"amount": 5})
    [upcast] = store.read_stream("wallet-1")
    assert upcast.schema_version == 3
    [again] = store.read_stream("wallet-1", raw=True)  # reading did not rewrite it
    assert (again.schema_version, again.payload) == (1, {"amount": 5})


def test_a_newer_schema_version_is_refused_by_name(make_store: StoreFactory) -> None:
    store = make_store(upcasters=upcasters())
    store.append("wallet-1", [new_event("Deposited", {"x": 1}, schema_version=4)])
    with pytest.raises(UnknownEventType, match=r"Deposited.*\b4\b"):
        store.read_stream("wallet-1")
    with pytest.raises(UnknownEventType, match=r"Deposited.*\b4\b"):
        list(store.read_all())
    [raw] = store.read_stream("wallet-1", raw=True)
    assert raw.schema_version == 4


def test_a_missing_step_is_refused_by_name(make_store: StoreFactory) -> None:
    chain = Upcasters()
    chain.declare("Charged", 3)
    chain.register("Charged", 2, lambda p: p)
    store = make_store(upcasters=chain)
    store.append("wallet-1", [new_event("Charged", {"x": 1}, schema_version=1)])
    with pytest.raises(UnknownEventType, match=r"Charged.*\b1\b"):
        store.read_stream("wallet-1")
