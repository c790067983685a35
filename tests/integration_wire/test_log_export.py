"""The log exports as CloudEvents JSON lines, page by page, and reads back equal."""

from __future__ import annotations

import dataclasses
import io
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.integration.export import export_line, export_log, read_export
from ddd_sim.shared.errors import ContractViolation
from ddd_sim.shared.events import EventMetadata, NewEvent, RecordedEvent
from ddd_sim.shared.ports import EventStore
from ddd_sim.shared.upcasting import Upcasters

CONTEXTS = {"Order": "sales", "Account": "payment", "Stock": "inventory"}


def context_of(stream_id: str) -> str:
    return CONTEXTS[stream_id.split("-", 1)[0]]


def event(
    type: str,
    payload: dict[str, Any],
    n: int,
    *,
    sim_time: float = 0.0,
    schema_version: int = 1,
    correlated: bool = False,
) -> NewEvent:
    return NewEvent(
        event_id=uuid.UUID(int=n),
        type=type,
        payload=payload,
        schema_version=schema_version,
        metadata=EventMetadata(
            correlation_id=uuid.UUID(int=10_000 + n) if correlated else None,
            causation_id=uuid.UUID(int=20_000 + n) if correlated else None,
            sim_time=sim_time,
        ),
    )


def shop_store(upcasters: Upcasters | None = None) -> EventStore:
    store = open_store("memory:", upcasters=upcasters)
    store.append(
        "Order-ORD-001",
        [
            event(
                "OrderPlaced", {"order_id": "ORD-001", "lines": [1, 2]}, 1, sim_time=1
            ),
            event("OrderConfirmed", {"order_id": "ORD-001"}, 2, sim_time=2.5),
        ],
    )
    store.append(
        "Account-ACC-001",
        [event("MoneyDeposited", {"amount": "9.99"}, 3, sim_time=3, correlated=True)],
    )
    store.append(
        "Stock-PROD-001",
        [event("StockReceived", {"quantity": 5, "note": None}, 4, sim_time=3.25)],
    )
    store.append(
        "Order-ORD-002",
        [event("OrderPlaced", {"order_id": "ORD-002", "lines": []}, 5, sim_time=7)],
    )
    return store


def exported(store: EventStore, **kwargs: Any) -> str:
    out = io.StringIO()
    count = export_log(store, out, context_of=context_of, **kwargs)
    text = out.getvalue()
    assert count == text.count("\n")
    return text


def same(line: Any, recorded: RecordedEvent) -> None:
    assert line.recorded() == RecordedEvent(
        event_id=recorded.event_id,
        stream_id=recorded.stream_id,
        stream_version=recorded.stream_version,
        global_position=recorded.global_position,
        type=recorded.type,
        schema_version=recorded.schema_version,
        payload=recorded.payload,
        metadata=EventMetadata(
            correlation_id=recorded.metadata.correlation_id,
            causation_id=recorded.metadata.causation_id,
            sim_time=recorded.metadata.sim_time,
        ),
    )


def test_export_reads_back_equal_across_streams() -> None:
    store = shop_store()
    lines = list(read_export(exported(store).splitlines()))
    stored = list(store.read_all())
    assert len(lines) == len(stored) == 5
    for line, recorded in zip(lines, stored, strict=True):
        same(line, recorded)
        assert line.context == context_of(recorded.stream_id)
    assert [x.correlation_id for x in lines][2] == uuid.UUID(int=10_003)


def test_each_line_is_a_cloudevent_with_the_log_attributes() -> None:
    first = json.loads(exported(shop_store()).splitlines()[2])
    assert first == {
        "specversion": "1.0",
        "type": "ddd_sim.payment.MoneyDeposited",
        "source": "/payment/Account-ACC-001",
        "id": str(uuid.UUID(int=3)),
        "subject": "Account-ACC-001",
        "time": "2026-01-01T00:00:03Z",
        "datacontenttype": "application/json",
        "dataschema": "urn:ddd-sim:event:MoneyDeposited:1",
        "position": 3,
        "streamversion": 1,
        "simtime": "3.0",
        "correlationid": str(uuid.UUID(int=10_003)),
        "causationid": str(uuid.UUID(int=20_003)),
        "data": {"amount": "9.99"},
    }


def test_export_is_deterministic_whatever_the_key_order() -> None:
    one, other = open_store("memory:"), open_store("memory:")
    one.append("Stock-P", [event("Counted", {"b": 1, "a": {"y": 2, "x": 3}}, 1)])
    other.append("Stock-P", [event("Counted", {"a": {"x": 3, "y": 2}, "b": 1}, 1)])
    assert exported(one) == exported(other)
    # stores may hand back keys in any order (PostgreSQL's jsonb reorders them)
    [stored] = one.read_all()
    shuffled = dataclasses.replace(stored, payload={"b": 1, "a": {"y": 2, "x": 3}})
    assert export_line(shuffled, "inventory") == export_line(stored, "inventory")
    assert '"data": {"a": {"x": 3, "y": 2}, "b": 1}' in export_line(shuffled, "x")
    assert exported(shop_store()) == exported(shop_store())


def test_export_shows_the_upcast_payload() -> None:
    chain = Upcasters()
    chain.declare("MoneyDeposited", 2)
    chain.register("MoneyDeposited", 1, lambda p: {**p, "currency": "USD"})
    store = shop_store(chain)
    [line] = [x for x in read_export(exported(store).splitlines()) if x.position == 3]
    assert (line.schema_version, line.payload) == (
        2,
        {"amount": "9.99", "currency": "USD"},
    )
    [raw] = [e for e in store.read_all(raw=True) if e.global_position == 3]
    assert (raw.schema_version, raw.payload) == (1, {"amount": "9.99"})


def test_until_position_is_honoured() -> None:
    store = shop_store()
    lines = list(read_export(exported(store, until_position=3).splitlines()))
    assert [x.position for x in lines] == [1, 2, 3]
    assert exported(store, until_position=0) == ""


def test_small_pages_give_the_same_export() -> None:
    store = shop_store()
    assert exported(store, batch=2) == exported(store) == exported(store, batch=1)


class SpyStore:
    """A store that records how the export reads it."""

    def __init__(self, inner: EventStore) -> None:
        self.inner = inner
        self.reads: list[tuple[int, int | None, int | None, int]] = []

    def head_position(self) -> int:
        return self.inner.head_position()

    def read_all(self, **kwargs: Any) -> Iterator[RecordedEvent]:
        page = list(self.inner.read_all(**kwargs))
        self.reads.append(
            (kwargs["from_position"], kwargs["to_position"], kwargs["limit"], len(page))
        )
        return iter(page)


class LineCounter(io.TextIOBase):
    """A sink that keeps nothing but the number of lines and the last one."""

    def __init__(self) -> None:
        self.lines = 0
        self.last = ""

    def write(self, text: str) -> int:
        self.lines += text.count("\n")
        if text != "\n":
            self.last = text
        return len(text)


def test_a_large_log_is_read_page_by_page() -> None:
    store = open_store("memory:")
    for start in range(0, 20_000, 1_000):
        store.append(
            f"Order-ORD-{start}",
            [event("Ticked", {"n": start + i}, start + i + 1) for i in range(1_000)],
        )
    spy, sink = SpyStore(store), LineCounter()
    assert export_log(spy, sink, context_of=context_of, batch=1_000) == 20_000
    assert sink.lines == 20_000
    assert json.loads(sink.last)["position"] == 20_000
    assert all(limit == 1_000 and size <= 1_000 for _, _, limit, size in spy.reads)
    assert [start for start, *_ in spy.reads] == list(range(1, 20_001, 1_000))
    assert {end for _, end, _, _ in spy.reads} == {20_000}


def test_appends_during_an_export_are_not_included() -> None:
    store = shop_store()
    spy = SpyStore(store)
    original = spy.read_all

    def read_then_append(**kwargs: Any) -> Iterator[RecordedEvent]:
        page = original(**kwargs)
        store.append("Order-ORD-003", [event("OrderPlaced", {}, 99 + len(spy.reads))])
        return page

    spy.read_all = read_then_append
    assert export_log(spy, io.StringIO(), context_of=context_of, batch=2) == 5


def test_a_bad_line_is_named_by_number() -> None:
    lines = exported(shop_store()).splitlines()
    lines.insert(1, "")  # blank lines are skipped but still counted
    lines[3] = lines[3].replace('"position": 3', '"position": "two"')
    parsed = read_export(lines)
    assert [next(parsed).position, next(parsed).position] == [1, 2]
    with pytest.raises(
        ContractViolation,
        match=r"^export line 4: position must be a positive integer, got 'two'$",
    ):
        next(parsed)
    with pytest.raises(ContractViolation, match=r"^export line 1: not JSON"):
        list(read_export(["{oops"]))


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (
            lambda d: d.update(type="other.sales.X"),
            "is not ddd_sim.<context>.<event type>",
        ),
        (lambda d: d.pop("subject"), "subject (the stream id) is missing"),
        (lambda d: d.update(source="/billing/Order-ORD-001"), "does not match /sales/"),
        (
            lambda d: d.update(dataschema="urn:ddd-sim:event:Other:1"),
            "dataschema must be",
        ),
        (
            lambda d: d.update(streamversion=0),
            "streamversion must be a positive integer",
        ),
    ],
)
def test_malformed_export_lines(edit: Any, problem: str) -> None:
    document = json.loads(exported(shop_store()).splitlines()[0])
    edit(document)
    with pytest.raises(ContractViolation) as caught:
        list(read_export([json.dumps(document)]))
    assert str(caught.value).startswith("export line 1: ")
    assert problem in str(caught.value)


def test_context_names_and_batch_sizes_are_checked() -> None:
    [recorded, *_] = shop_store().read_all()
    with pytest.raises(ValueError, match=r"context name 'sales\.eu' must be non-empty"):
        export_line(recorded, "sales.eu")
    with pytest.raises(ValueError, match="batch must be at least 1, got 0"):
        export_log(shop_store(), io.StringIO(), context_of=context_of, batch=0)
