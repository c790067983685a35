"""Property: random append sequences give what a tiny reference model predicts.

The model is written from the decision table, not from the store's code: each
event is (id, content variant); an append either writes, is acknowledged as an
exact repeat, or fails with WrongExpectedVersion or DuplicateEventError.
"""

from __future__ import annotations

import contextlib
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.shared.errors import (
    ConcurrencyError,
    DuplicateEventError,
    WrongExpectedVersion,
)
from ddd_sim.shared.events import ExpectedVersion, NewEvent, StreamState
from ddd_sim.shared.ports import EventStore
from tests.conftest import PG_URL, require_postgres

Item = tuple[int, int]  # (event id number, content variant)
Op = tuple[str, list[Item], ExpectedVersion]
Outcome = tuple[int, int, int, int, bool] | type[Exception]


@dataclass
class Model:
    streams: dict[str, list[Item]] = field(default_factory=dict)
    where: dict[int, tuple[str, int, int, int]] = field(default_factory=dict)
    """id → (stream, version, variant, position)"""
    head: int = 0

    def append(
        self, stream: str, items: list[Item], expected: ExpectedVersion
    ) -> Outcome:
        ids = [i for i, _ in items]
        if len(set(ids)) < len(ids):
            return DuplicateEventError
        current = len(self.streams.get(stream, []))
        if isinstance(expected, int):
            holds = expected == current
        else:
            holds = {
                StreamState.ANY: True,
                StreamState.NO_STREAM: current == 0,
                StreamState.STREAM_EXISTS: current > 0,
            }[expected]
        stored = [self.where.get(i) for i in ids]
        if not any(stored):
            if not holds:
                return WrongExpectedVersion
            return self._write(stream, items, current)
        for (_, variant), found in zip(items, stored, strict=True):
            if found is None:
                return DuplicateEventError  # partial overlap
            if found[0] != stream or found[2] != variant:
                return DuplicateEventError  # elsewhere, or other content
        versions = [found[1] for found in stored if found]
        if versions != list(range(versions[0], versions[0] + len(versions))):
            return DuplicateEventError
        start = versions[0] - 1
        if isinstance(expected, int) and expected != start:
            return DuplicateEventError if expected == current else WrongExpectedVersion
        if expected is StreamState.NO_STREAM and start != 0:
            return WrongExpectedVersion
        positions = [found[3] for found in stored if found]
        return (versions[0], versions[-1], positions[0], positions[-1], False)

    def _write(self, stream: str, items: list[Item], current: int) -> Outcome:
        if not items:
            return (current + 1, current, 0, 0, False)
        log = self.streams.setdefault(stream, [])
        first = self.head + 1
        for i, variant in items:
            log.append((i, variant))
            self.head += 1
            self.where[i] = (stream, len(log), variant, self.head)
        return (current + 1, len(log), first, self.head, True)


def event(item: Item) -> NewEvent:
    number, variant = item
    return NewEvent(
        event_id=uuid.UUID(int=number + 1),
        type="Happened",
        payload={"n": number, "variant": variant},
    )


CURRENT = "current"  # resolved when the step runs: the stream's version right then
expected_versions = st.one_of(
    st.sampled_from([*StreamState, CURRENT, CURRENT]), st.integers(0, 6)
)
items = st.lists(
    st.tuples(st.integers(0, 9), st.sampled_from([0, 0, 0, 1])), max_size=4
)
fresh_ops = st.tuples(st.sampled_from(["s-a", "s-b"]), items, expected_versions)
RESHAPES: dict[str, Callable[[list[Item], list[Item]], list[Item]]] = {
    "same": lambda earlier, _: earlier,
    "tail": lambda earlier, _: earlier[1:],
    "reverse": lambda earlier, _: earlier[::-1],
    "skip": lambda earlier, _: earlier[::2],
    "join": lambda earlier, before: before + earlier,
}
"""How a repeat reshapes an earlier batch (``before`` is the batch before it)."""
repeats = st.tuples(
    st.integers(0, 30),
    st.one_of(st.none(), expected_versions),
    st.sampled_from(["same", "same", *RESHAPES]),
)
programs = st.lists(st.one_of(fresh_ops, repeats), min_size=1, max_size=14)


def outcome_of(store: EventStore, op: Op) -> Outcome:
    stream, batch, expected = op
    try:
        r = store.append(stream, [event(item) for item in batch], expected)
    except ConcurrencyError as exc:
        return type(exc)
    return (
        r.first_version,
        r.last_version,
        r.first_position,
        r.last_position,
        r.written,
    )


def check(store: EventStore, program: list[Any]) -> None:
    model = Model()
    done: list[Op] = []
    for step in program:
        if isinstance(step[0], int):  # an earlier append again, maybe reshaped
            if not done:
                continue
            index = step[0] % len(done)
            stream, batch, expected = done[index]
            before = done[index - 1][1] if index else []
            batch = RESHAPES[step[2]](batch, before)
            drawn: Any = (stream, batch, expected if step[1] is None else step[1])
        else:
            drawn = step
        if drawn[2] == CURRENT:
            drawn = (drawn[0], drawn[1], len(model.streams.get(drawn[0], [])))
        op: Op = drawn
        done.append(op)
        assert outcome_of(store, op) == model.append(*op), op
        assert store.head_position() == model.head
    stored = [
        (e.global_position, e.stream_id, e.stream_version, e.event_id.int - 1)
        for e in store.read_all()
    ]
    assert stored == sorted((p, s, v, i) for i, (s, v, _, p) in model.where.items())
    assert [e.payload["variant"] for e in store.read_all()] == [
        model.where[i][2] for _, _, _, i in stored
    ]


quick = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@settings(quick, max_examples=300)
@given(program=programs)
def test_memory_store_matches_the_model(program: list[Any]) -> None:
    check(open_store("memory:"), program)


@quick
@given(program=programs)
def test_sqlite_store_matches_the_model(program: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "store.db")
        try:
            check(store, program)
        finally:
            store.close()


@contextlib.contextmanager
def fresh_schema() -> Iterator[str]:
    base = PG_URL.replace("+psycopg", "")
    schema = f"h_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        sep = "&" if "?" in base else "?"
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.mark.postgres
@settings(quick, max_examples=15)
@given(program=programs)
def test_postgres_store_matches_the_model(program: list[Any]) -> None:
    require_postgres()
    with fresh_schema() as url:
        store = open_store(url)
        try:
            check(store, program)
        finally:
            store.close()
