"""Contract: expected-version checks and input validation, on every store."""

from __future__ import annotations

import math
import uuid
from decimal import Decimal
from typing import Any

import pytest

from ddd_sim.shared.errors import ValidationError, WrongExpectedVersion
from ddd_sim.shared.events import ExpectedVersion, NewEvent, StreamState
from ddd_sim.shared.ports import EventStore
from tests.contract.support import batch, log_shape, new_event

ANY, NO_STREAM, STREAM_EXISTS = (
    StreamState.ANY,
    StreamState.NO_STREAM,
    StreamState.STREAM_EXISTS,
)


@pytest.mark.parametrize(
    ("expected", "ok"),
    [(0, True), (1, False), (ANY, True), (NO_STREAM, True), (STREAM_EXISTS, False)],
)
def test_expected_version_on_a_new_stream(
    store: EventStore, expected: ExpectedVersion, ok: bool
) -> None:
    if ok:
        result = store.append("s-1", batch(2), expected_version=expected)
        assert (result.first_version, result.last_version) == (1, 2)
        assert store.stream_version("s-1") == 2
    else:
        with pytest.raises(WrongExpectedVersion):
            store.append("s-1", batch(2), expected_version=expected)
        assert store.stream_version("s-1") == 0
        assert store.head_position() == 0


@pytest.mark.parametrize(
    ("expected", "ok"),
    [
        (3, True),
        (2, False),
        (4, False),
        (0, False),
        (ANY, True),
        (NO_STREAM, False),
        (STREAM_EXISTS, True),
    ],
)
def test_expected_version_on_an_existing_stream(
    store: EventStore, expected: ExpectedVersion, ok: bool
) -> None:
    store.append("s-1", batch(3))
    store.append("other", batch(1))
    if ok:
        result = store.append("s-1", batch(1), expected_version=expected)
        assert (result.first_version, result.first_position) == (4, 5)
    else:
        with pytest.raises(WrongExpectedVersion) as caught:
            store.append("s-1", batch(1), expected_version=expected)
        err = caught.value
        assert (err.stream_id, err.expected, err.actual) == ("s-1", expected, 3)
        assert store.stream_version("s-1") == 3
        assert store.head_position() == 4


def test_wrong_expected_version_names_stream_expected_and_actual(
    store: EventStore,
) -> None:
    store.append("order-42", batch(5))
    with pytest.raises(WrongExpectedVersion) as caught:
        store.append("order-42", batch(1), expected_version=2)
    message = str(caught.value)
    assert "order-42" in message
    assert "2" in message
    assert "5" in message
    with pytest.raises(WrongExpectedVersion, match="no stream"):
        store.append("order-42", batch(1), expected_version=NO_STREAM)
    with pytest.raises(WrongExpectedVersion, match="stream exists"):
        store.append("order-43", batch(1), expected_version=STREAM_EXISTS)


def test_an_empty_append_checks_but_writes_nothing(store: EventStore) -> None:
    store.append("s-1", batch(2))
    result = store.append("s-1", [], expected_version=2)
    assert not result.written
    assert store.head_position() == 2
    with pytest.raises(WrongExpectedVersion):
        store.append("s-1", [], expected_version=1)


# Bad inputs are checked in loops, not parametrized: each case needs no fresh store.
NOT_JSON: dict[str, dict[Any, Any]] = {
    "decimal": {"amount": Decimal("1.10")},
    "nan": {"ratio": math.nan},
    "inf": {"ratio": math.inf},
    "object": {"when": object()},
    "set": {"nested": {"deep": [1, {2, 3}]}},
    "mixed-keys": {1: "a", "b": 2},
}
MALFORMED: dict[str, dict[str, Any]] = {
    "id": {"event_id": "not-a-uuid"},
    "empty-type": {"type": ""},
    "long-type": {"type": "T" * 201},
    "schema-version": {"schema_version": 0},
    "payload-list": {"payload": ["not", "an", "object"]},
}


def test_an_impossible_expected_version_is_refused(store: EventStore) -> None:
    for expected in [-1, 1.0, True, "1"]:
        with pytest.raises(ValueError, match="expected version"):
            store.append("s-1", batch(1), expected_version=expected)  # type: ignore[arg-type]
    assert store.head_position() == 0


def test_a_bad_stream_id_is_refused(store: EventStore) -> None:
    for stream_id in ["", "x" * 201, "tab\there", "new\nline", 42]:
        with pytest.raises(ValidationError, match="stream id"):
            store.append(stream_id, batch(1))  # type: ignore[arg-type]
    assert store.head_position() == 0
    assert store.streams() == []


def test_a_payload_that_is_not_json_is_refused(store: EventStore) -> None:
    store.append("s-1", batch(1))
    before = log_shape(store)
    good = new_event()
    for case, payload in NOT_JSON.items():
        with pytest.raises(ValidationError, match="not plain JSON"):
            store.append("s-1", [good, new_event("Bad", payload)])
        assert log_shape(store) == before, case
    store.append("s-1", [good], expected_version=1)  # its id was not consumed


def test_a_malformed_event_is_refused(store: EventStore) -> None:
    for case, fields in MALFORMED.items():
        values: dict[str, Any] = {
            "event_id": uuid.uuid4(),
            "type": "Happened",
            "payload": {"n": 1},
            **fields,
        }
        with pytest.raises(ValidationError):
            store.append("s-1", [new_event(), NewEvent(**values)])
        assert store.head_position() == 0, case
    assert store.streams() == []


def test_a_refused_append_in_a_transaction_rolls_back_the_rest(
    store: EventStore,
) -> None:
    def good_then_bad() -> None:
        with store.transaction() as tx:
            tx.append("s-1", batch(2))
            tx.append("s-2", [new_event("Bad", {"x": math.nan})])

    with pytest.raises(ValidationError):
        good_then_bad()
    assert store.head_position() == 0
    assert store.stream_version("s-1") == 0
