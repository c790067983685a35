"""The SQL store's tail: reads it serves equal what the database holds.

Each check compares reads of the store that wrote (served from its tail
where they can be) with reads of another store object on the same database,
which has an empty tail and so reads every row with SQL.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddd_sim.infrastructure.eventstore.postgres_backend import PostgresBackend
from ddd_sim.infrastructure.eventstore.sql_store import SqlEventStore
from ddd_sim.infrastructure.eventstore.sqlite_backend import SqliteBackend
from ddd_sim.shared.events import NewEvent, RecordedEvent
from ddd_sim.shared.upcasting import Upcasters
from tests.contract.support import batch, new_event

OpenSql = Callable[..., SqlEventStore]


class Boom(Exception):
    """Raised to roll a batch or a transaction back."""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def open_sql(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenSql]:
    """Open SQL store objects on one database (each with a tail of its own)."""
    opened: list[SqlEventStore] = []
    url = request.getfixturevalue("pg_url") if request.param == "postgres" else None

    def factory(
        upcasters: Upcasters | None = None, tail_events: int = 20_000
    ) -> SqlEventStore:
        backend = PostgresBackend(url) if url else SqliteBackend(tmp_path / "store.db")
        store = SqlEventStore(backend, upcasters, tail_events=tail_events)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


def _fail_in_a_transaction(
    store: SqlEventStore, stream: str, events: list[NewEvent]
) -> None:
    with store.transaction() as tx:
        tx.append(stream, events)
        raise Boom


def _shape(events: list[RecordedEvent]) -> list[tuple[int, str, Any]]:
    return [(e.global_position, e.stream_id, e.payload) for e in events]


def test_recent_events_are_served_from_memory(open_sql: OpenSql) -> None:
    store = open_sql()
    store.append("a-1", batch(3))
    first, again = list(store.read_all()), list(store.read_all(from_position=2))
    assert first[1] is again[0]  # one record object: no second fetch and decode
    assert first == list(open_sql().read_all())


def test_a_rolled_back_batch_leaves_no_phantom(open_sql: OpenSql) -> None:
    store = open_sql()
    store.append("a-1", batch(1))
    seen: list[int] = []

    def fail_in_a_batch() -> None:
        with store.batch():
            store.append("a-1", [new_event(payload={"n": "phantom"})])
            seen.extend(e.global_position for e in store.read_all())
            raise Boom

    with pytest.raises(Boom):
        fail_in_a_batch()
    assert seen == [1, 2]  # the batch read its own write
    assert _shape(list(store.read_all())) == [(1, "a-1", {"n": 0})]
    store.append("b-1", [new_event(payload={"n": "real"})])  # takes position 2
    expected = [(1, "a-1", {"n": 0}), (2, "b-1", {"n": "real"})]
    assert _shape(list(store.read_all())) == expected
    assert _shape(list(open_sql().read_all())) == expected


def test_a_rolled_back_savepoint_leaves_no_phantom(open_sql: OpenSql) -> None:
    store = open_sql()
    with store.batch():
        store.append("a-1", batch(1))
        with pytest.raises(Boom):
            _fail_in_a_transaction(store, "b-1", [new_event(payload={"n": "x"})])
        assert _shape(list(store.read_all())) == [(1, "a-1", {"n": 0})]
    assert _shape(list(store.read_all())) == [(1, "a-1", {"n": 0})]
    assert _shape(list(store.read_all(from_position=2))) == []
    store.append("c-1", [new_event(payload={"n": "real"})])
    assert _shape(list(store.read_all(from_position=2))) == [(2, "c-1", {"n": "real"})]


def test_a_failed_transaction_leaves_no_phantom(open_sql: OpenSql) -> None:
    store = open_sql()
    store.append("a-1", batch(1))
    with pytest.raises(Boom):
        _fail_in_a_transaction(store, "b-1", batch(2))
    assert [e.global_position for e in store.read_all()] == [1]


def test_another_writers_events_are_not_skipped(open_sql: OpenSql) -> None:
    mine, theirs = open_sql(), open_sql()
    mine.append("a-1", batch(2))
    assert len(list(mine.read_all())) == 2  # held
    theirs.append("x-1", [new_event(payload={"n": "theirs"})])
    assert _shape(list(mine.read_all(from_position=2, to_position=3))) == [
        (2, "a-1", {"n": 1}),
        (3, "x-1", {"n": "theirs"}),
    ]
    mine.append("a-1", batch(1, start=2))  # position 4 does not follow 2: restart
    assert _shape(list(mine.read_all())) == _shape(list(open_sql().read_all()))
    assert [e.stream_id for e in mine.read_all()] == ["a-1", "a-1", "x-1", "a-1"]


def test_other_threads_see_only_what_committed(open_sql: OpenSql) -> None:
    store = open_sql()
    store.append("a-1", batch(1))
    seen: list[list[int]] = []

    def read() -> None:
        seen.append([e.global_position for e in store.read_all()])

    with store.batch():
        store.append("a-1", batch(2, start=1))
        assert [e.global_position for e in store.read_all()] == [1, 2, 3]
        reader = threading.Thread(target=read)
        reader.start()
        reader.join()
    assert seen == [[1]]
    read()
    assert seen[-1] == [1, 2, 3]


def test_held_events_are_upcast_per_read_and_stay_as_stored(
    open_sql: OpenSql,
) -> None:
    upcasters = Upcasters()
    upcasters.declare("Renamed", 2)
    upcasters.register("Renamed", 1, lambda d: {"name": d["old"], "v2": True})
    store = open_sql(upcasters)
    store.append("a-1", [new_event("Renamed", {"old": "x"}), new_event("Other")])
    for _ in range(2):
        read = list(store.read_all())
        assert [(e.schema_version, e.payload) for e in read] == [
            (2, {"name": "x", "v2": True}),
            (1, {"n": 0}),
        ]
        assert read == list(open_sql(upcasters).read_all())
    raw = list(store.read_all(raw=True))
    assert [(e.schema_version, e.payload) for e in raw] == [
        (1, {"old": "x"}),
        (1, {"n": 0}),
    ]


def test_a_batch_larger_than_the_tail_is_read_from_the_database(
    open_sql: OpenSql,
) -> None:
    store = open_sql(tail_events=4)
    store.append("a-1", batch(2))
    with store.batch():
        store.append("b-1", batch(6))
        assert len(list(store.read_all())) == 8
    assert _shape(list(store.read_all())) == _shape(list(open_sql().read_all()))


# -- every read equals the database's, whatever was written and asked -----------
STREAMS = ["a-1", "a-2", "b-1", "bb-1"]
TYPES = ["Placed", "Paid", "Shipped"]

write = st.one_of(
    st.tuples(
        st.just("append"),
        st.sampled_from(STREAMS),
        st.lists(st.tuples(st.sampled_from(TYPES), st.integers(0, 9)), max_size=5),
    ),
    st.tuples(st.just("foreign"), st.sampled_from(STREAMS), st.integers(1, 3)),
    st.tuples(st.just("failed"), st.sampled_from(STREAMS), st.integers(1, 3)),
)
step = st.one_of(
    st.tuples(st.just("batch"), st.lists(write, max_size=4), st.booleans()),
    write,
)
query = st.fixed_dictionaries(
    {},
    optional={
        "from_position": st.integers(-1, 40),
        "to_position": st.integers(-1, 40),
        "until_sim_time": st.sampled_from([0.0, 3.5, 7, 9.0]),
        "stream_prefix": st.sampled_from(["", "a", "a-1", "b", "bb", "zz"]),
        "types": st.lists(st.sampled_from([*TYPES, "Nope"]), max_size=3),
        "limit": st.integers(-1, 12),
    },
)

GRID = [
    {
        k: v
        for k, v in {
            "from_position": start,
            "stream_prefix": prefix,
            "types": types,
            "until_sim_time": until,
            "limit": limit,
        }.items()
        if v is not None
    }
    for start in (None, 3)
    for prefix in (None, "a", "b")
    for types in (None, ["Paid"], ["Placed", "Shipped"])
    for until in (None, 3.5)
    for limit in (None, 1, 3)
]
"""Every combination of filters, asked in every example besides the drawn ones."""


def _do(
    store: SqlEventStore, other: SqlEventStore, op: tuple[Any, ...], run: str
) -> None:
    kind, stream = op[0], run + op[1]
    if kind == "append":
        events = [new_event(t, {"t": t}, sim_time=float(s)) for t, s in op[2]]
        store.append(stream, events)
    elif kind == "foreign":
        other.append(stream, batch(op[2], "Placed"))
    else:  # a transaction that appends, then fails and rolls back
        with pytest.raises(Boom):
            _fail_in_a_transaction(store, stream, batch(op[2], "Paid"))


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(step, max_size=8), queries=st.lists(query, max_size=6))
def test_reads_from_the_tail_equal_reads_of_the_database(
    open_sql: OpenSql, steps: list[tuple[Any, ...]], queries: list[dict[str, Any]]
) -> None:
    # unique streams per example: the database lives for the whole test
    run = uuid.uuid4().hex[:6]
    store, other, fresh = open_sql(tail_events=6), open_sql(), open_sql()
    try:
        asked = [_here(q, run) for q in [*GRID, *queries]]
        _run(store, other, fresh, steps, asked, run)
    finally:  # each example's connections go now, not at the end of the test
        for opened in (store, other, fresh):
            opened.close()


def _run(
    store: SqlEventStore,
    other: SqlEventStore,
    fresh: SqlEventStore,
    steps: list[tuple[Any, ...]],
    asked: list[dict[str, Any]],
    run: str,
) -> None:
    base = store.head_position()
    asked = [_after(q, base) for q in asked]

    def check(expected: Callable[[dict[str, Any]], list[RecordedEvent]]) -> None:
        for q in asked:
            assert list(store.read_all(**q)) == expected(q), q

    def in_a_batch(ops: list[tuple[Any, ...]], fail: bool) -> None:
        with store.batch():
            for op in ops:
                if op[0] != "foreign":  # another writer would wait for the batch
                    _do(store, other, op, run)
            # only this connection sees the writes yet: compare with its raw
            # SQL reads (equal to upcast ones: there are no upcasters here)
            check(lambda q: list(store.read_all(**q, raw=True)))
            if fail:
                raise Boom

    for op in steps:
        if op[0] != "batch":
            _do(store, other, op, run)
        elif op[2]:
            with pytest.raises(Boom):
                in_a_batch(op[1], fail=True)
        else:
            in_a_batch(op[1], fail=False)
    check(lambda q: list(fresh.read_all(**q)))


def _here(q: dict[str, Any], run: str) -> dict[str, Any]:
    """A query about this example's streams."""
    if q.get("stream_prefix") in (None, "", "zz"):
        return q
    return {**q, "stream_prefix": run + q["stream_prefix"]}


def _after(q: dict[str, Any], base: int) -> dict[str, Any]:
    """A query about this example's positions (the test's database goes on)."""
    q = {"from_position": 1, **q}
    return {k: v + base if k.endswith("_position") else v for k, v in q.items()}
