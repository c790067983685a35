"""Contract: KurrentDB's idempotent-append decision table, on every store.

Sequences are named the KurrentDB way: ``3e2`` appends event 3 expecting
revision 2 (0-based; our versions are 1-based, so that is expected version 3),
``em1`` is "no stream", ``any`` and ``ex`` are ANY and STREAM_EXISTS, and
``S … E`` brackets a multi-event batch.
"""

from __future__ import annotations

import uuid

import pytest

from ddd_sim.shared.errors import DuplicateEventError, WrongExpectedVersion
from ddd_sim.shared.events import AppendResult, ExpectedVersion, NewEvent, StreamState
from ddd_sim.shared.ports import EventStore
from tests.contract.support import batch, log_shape, new_event

Step = tuple[list[int], ExpectedVersion]
EVENTS = [
    new_event("Happened", {"n": n}, event_id=uuid.UUID(int=n + 1)) for n in range(8)
]


def parse_expected(text: str) -> ExpectedVersion:
    special = {"em1": StreamState.NO_STREAM, "any": StreamState.ANY}
    return special.get(text) or (
        StreamState.STREAM_EXISTS if text == "ex" else int(text.removeprefix("e")) + 1
    )


def parse(sequence: str) -> list[Step]:
    """``"S 0em1 1em1 E 0any"`` → [([0, 1], NO_STREAM), ([0], ANY)]."""
    steps: list[Step] = []
    group: list[tuple[int, ExpectedVersion]] | None = None
    for token in sequence.split():
        if token == "S":
            group = []
        elif token == "E":
            assert group
            steps.append(([n for n, _ in group], group[0][1]))
            group = None
        else:
            digits = len(token) - len(token.lstrip("0123456789"))
            item = (int(token[:digits]), parse_expected(token[digits:]))
            if group is None:
                steps.append(([item[0]], item[1]))
            else:
                group.append(item)
    return steps


def run(store: EventStore, steps: list[Step]) -> AppendResult:
    result = None
    for ids, expected in steps:
        result = store.append("s-1", [EVENTS[n] for n in ids], expected)
    assert result is not None
    return result


P6 = "0em1 1e0 2e1 3e2 4e3 5e4"
TABLE: list[tuple[str, type[Exception] | None, int]] = [
    (f"{P6} 0em1", None, 6),
    (f"{P6} 0any", None, 6),
    (f"{P6} 0ex", None, 6),
    (f"{P6} 1e0", None, 6),
    (f"{P6} 5e4", None, 6),
    (f"{P6} 0e5", DuplicateEventError, 6),  # KurrentDB would write a 7th copy
    (f"{P6} 0e6", WrongExpectedVersion, 6),
    (f"{P6} 0e4", WrongExpectedVersion, 6),
    ("0em1 0em1", None, 1),
    ("0em1 0any", None, 1),
    ("0em1 0e0", DuplicateEventError, 1),
    ("0em1 1e0 2e1 1any 1any", None, 3),
    ("S 0em1 1em1 E S 0em1 E", None, 2),
    ("S 0em1 1em1 E S 0any E", None, 2),
    ("S 0em1 1em1 E S 1e0 E", None, 2),
    ("S 0em1 1em1 E S 1any E", None, 2),
    ("S 0em1 1em1 E S 1em1 E", WrongExpectedVersion, 2),
    ("S 0em1 1em1 E S 0em1 1em1 2em1 E", DuplicateEventError, 2),
    ("S 0em1 1em1 2em1 E S 1e0 2e1 E", None, 3),
    ("S 0em1 1em1 2em1 E S 2e1 1e2 E", DuplicateEventError, 3),
    ("S 0em1 1em1 2em1 E S 0em1 2em1 E", DuplicateEventError, 3),
    ("0em1 1e0 S 2e1 0e1 E", DuplicateEventError, 2),
]


@pytest.mark.parametrize(
    ("sequence", "error", "count"), TABLE, ids=[row[0] for row in TABLE]
)
def test_decision_table(
    store: EventStore, sequence: str, error: type[Exception] | None, count: int
) -> None:
    *setup, last = parse(sequence)
    for ids, expected in setup:
        store.append("s-1", [EVENTS[n] for n in ids], expected)
    before = log_shape(store)
    if error is None:
        result = run(store, [last])
        assert not result.written
        stored = [
            e for e in store.read_all() if e.event_id == EVENTS[last[0][0]].event_id
        ]
        assert result.first_position == stored[0].global_position
    else:
        with pytest.raises(error):
            run(store, [last])
    assert log_shape(store) == before
    assert store.head_position() == store.stream_version("s-1") == count


def test_a_full_retry_is_acknowledged_with_the_original_positions(
    store: EventStore,
) -> None:
    store.append("other", batch(2))
    events = batch(3)
    first = store.append("s-1", events, expected_version=0)
    store.append("other", batch(1))
    before = log_shape(store)
    for expected in (
        0,
        StreamState.ANY,
        StreamState.STREAM_EXISTS,
        StreamState.NO_STREAM,
    ):
        again = store.append("s-1", events, expected_version=expected)
        assert not again.written
        assert (again.first_version, again.last_version) == (1, 3)
        assert (again.first_position, again.last_position) == (3, 5)
        assert (again.first_position, again.last_position) == (
            first.first_position,
            first.last_position,
        )
    assert log_shape(store) == before


def test_a_stale_retry_after_later_appends_is_still_acknowledged(
    store: EventStore,
) -> None:
    events = batch(2)
    store.append("s-1", events, expected_version=0)
    store.append("s-1", batch(3), expected_version=2)
    again = store.append("s-1", events, expected_version=0)
    assert (again.written, again.first_version, again.last_version) == (False, 1, 2)
    assert store.stream_version("s-1") == 5


def test_a_partial_overlap_writes_nothing(store: EventStore) -> None:
    events = batch(2)
    store.append("s-1", events)
    before = log_shape(store)
    fresh = new_event()
    with pytest.raises(DuplicateEventError, match="partially"):
        store.append("s-1", [*events, fresh])
    with pytest.raises(DuplicateEventError):
        store.append("s-1", [fresh, events[0]], expected_version=2)
    assert log_shape(store) == before


@pytest.mark.parametrize(
    "change",
    [{"payload": {"n": 99}}, {"type": "Other"}, {"schema_version": 2}],
    ids=["payload", "type", "schema-version"],
)
def test_the_same_id_with_other_content_is_a_conflict(
    store: EventStore, change: dict[str, object]
) -> None:
    original = new_event("Happened", {"n": 1})
    store.append("s-1", [original])
    fields: dict[str, object] = {
        "event_id": original.event_id,
        "type": original.type,
        "payload": original.payload,
        "schema_version": original.schema_version,
    }
    fields.update(change)
    altered = NewEvent(**fields)  # type: ignore[arg-type]
    for expected in (StreamState.ANY, 0):
        with pytest.raises(DuplicateEventError, match=str(original.event_id)):
            store.append("s-1", [altered], expected_version=expected)
    assert store.head_position() == 1


def test_the_same_id_in_another_stream_is_a_conflict(store: EventStore) -> None:
    event = new_event()
    store.append("s-1", [event])
    for expected in (StreamState.ANY, StreamState.NO_STREAM, 0):
        with pytest.raises(DuplicateEventError, match="s-1"):
            store.append("s-2", [event], expected_version=expected)
    assert store.stream_version("s-2") == 0
    assert store.head_position() == 1


def test_a_batch_may_not_carry_one_id_twice(store: EventStore) -> None:
    event = new_event()
    with pytest.raises(DuplicateEventError, match="twice"):
        store.append("s-1", [event, new_event(), event])
    assert store.head_position() == 0


def test_a_lower_exact_version_with_unknown_ids_is_wrong_expected_version(
    store: EventStore,
) -> None:
    store.append("s-1", batch(4))
    with pytest.raises(WrongExpectedVersion) as caught:
        store.append("s-1", batch(2), expected_version=2)
    assert (caught.value.expected, caught.value.actual) == (2, 4)
    assert store.head_position() == 4


def test_an_idempotent_append_inside_a_transaction(store: EventStore) -> None:
    events = batch(2)
    store.append("s-1", events)
    with store.transaction() as tx:
        assert not tx.append("s-1", events, expected_version=0).written
        written = tx.append("s-2", batch(1))
    assert (written.first_position, written.written) == (3, True)
    assert store.head_position() == 3
