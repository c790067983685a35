"""Contract: group commit, snapshots, checkpoints and documents, on every store."""

from __future__ import annotations

import math

import pytest

from ddd_sim.shared.errors import (
    DuplicateEventError,
    ValidationError,
    WrongExpectedVersion,
)
from ddd_sim.shared.events import Snapshot, StreamState
from ddd_sim.shared.ports import EventStore
from tests.contract.support import batch, log_shape, new_event


class Boom(Exception):
    """Raised by a test inside a transaction to force a rollback."""


def snapshot(stream_id: str, version: int, **state: int) -> Snapshot:
    return Snapshot(
        stream_id=stream_id, aggregate_type="Order", version=version, state=state
    )


def test_many_appends_commit_together(store: EventStore) -> None:
    with store.transaction() as tx:
        a = tx.append("a-1", batch(2), expected_version=StreamState.NO_STREAM)
        b = tx.append("b-1", batch(3), expected_version=0)
        c = tx.append("a-1", batch(1), expected_version=2)
        assert tx.stream_version("a-1") == 3
    assert [(r.first_position, r.last_position) for r in (a, b, c)] == [
        (1, 2),
        (3, 5),
        (6, 6),
    ]
    assert store.stream_version("a-1") == 3
    assert store.stream_version("b-1") == 3
    assert [e.global_position for e in store.read_all()] == list(range(1, 7))


def test_per_stream_checks_still_apply_inside_a_transaction(store: EventStore) -> None:
    store.append("a-1", batch(1))
    with store.transaction() as tx:
        tx.append("a-1", batch(1), expected_version=1)
        with pytest.raises(WrongExpectedVersion) as caught:
            tx.append("a-1", batch(1), expected_version=1)
        assert caught.value.actual == 2
        with pytest.raises(WrongExpectedVersion):
            tx.append("b-1", batch(1), expected_version=StreamState.STREAM_EXISTS)
        tx.append("b-1", batch(1), expected_version=StreamState.NO_STREAM)
    assert store.stream_version("a-1") == 2
    assert store.stream_version("b-1") == 1
    assert store.head_position() == 3


def test_a_refused_append_leaves_no_partial_rows_in_its_transaction(
    store: EventStore,
) -> None:
    taken = new_event()
    store.append("a-1", [taken])
    fresh = new_event()
    with store.transaction() as tx:
        with pytest.raises(DuplicateEventError):
            tx.append("b-1", [fresh, taken])  # first row inserts, second clashes
        tx.append("c-1", batch(1))
    assert store.stream_version("b-1") == 0
    assert fresh.event_id not in {e.event_id for e in store.read_all()}
    assert [e.global_position for e in store.read_all()] == [1, 2]
    store.append("b-1", [fresh], expected_version=0)


def test_an_error_rolls_back_everything(store: EventStore) -> None:
    store.append("a-1", batch(2))
    with store.transaction() as tx:
        tx.save_checkpoint("projector", 2)
        tx.save_snapshot(snapshot("a-1", 2, total=2))
        tx.put_document("orders", "kept", {"v": 1})
        tx.put_document("orders", "gone", {"v": 1})
    before = log_shape(store)

    def write_everything_then_fail() -> None:
        with store.transaction() as tx:
            tx.append("a-1", batch(3), expected_version=2)
            tx.append("b-1", batch(2))
            tx.save_checkpoint("projector", 7)
            tx.save_checkpoint("other", 3)
            tx.save_snapshot(snapshot("a-1", 5, total=5))
            tx.save_snapshot(snapshot("a-1", 2, total=99))
            tx.put_document("orders", "kept", {"v": 2})
            tx.put_document("orders", "new", {"v": 1})
            tx.delete_document("orders", "gone")
            assert tx.get_document("orders", "kept") == {"v": 2}
            assert tx.checkpoint("projector") == 7
            raise Boom

    with pytest.raises(Boom):
        write_everything_then_fail()

    assert log_shape(store) == before
    assert store.head_position() == 2
    assert store.streams()[0].stream_id == "a-1"
    assert store.stream_version("b-1") == 0
    assert store.checkpoint("projector") == 2
    assert store.checkpoint("other") == 0
    assert store.load_snapshot("a-1") == snapshot("a-1", 2, total=2)
    assert store.documents("orders") == {"gone": {"v": 1}, "kept": {"v": 1}}
    after = store.append("a-1", batch(1), expected_version=2)
    assert after.first_position == 3  # the rolled-back positions are reused: no gap


def test_snapshots_load_the_latest_at_or_below(store: EventStore) -> None:
    assert store.load_snapshot("a-1") is None
    with store.transaction() as tx:
        tx.save_snapshot(snapshot("a-1", 10, total=10))
        tx.save_snapshot(snapshot("a-1", 20, total=20))
        tx.save_snapshot(snapshot("b-1", 5, total=5))
    assert store.load_snapshot("a-1") == snapshot("a-1", 20, total=20)
    assert store.load_snapshot("a-1", at_or_below=25) == snapshot("a-1", 20, total=20)
    assert store.load_snapshot("a-1", at_or_below=20) == snapshot("a-1", 20, total=20)
    assert store.load_snapshot("a-1", at_or_below=19) == snapshot("a-1", 10, total=10)
    assert store.load_snapshot("a-1", at_or_below=9) is None
    assert store.load_snapshot("c-1") is None
    with store.transaction() as tx:
        tx.save_snapshot(
            Snapshot(
                stream_id="a-1",
                aggregate_type="OrderV2",
                version=20,
                state={"total": 21},
                schema_version=2,
            )
        )
    replaced = store.load_snapshot("a-1")
    assert replaced is not None
    assert (replaced.aggregate_type, replaced.schema_version) == ("OrderV2", 2)
    assert replaced.state == {"total": 21}


def test_a_snapshot_that_is_not_json_is_refused(store: EventStore) -> None:
    with pytest.raises(ValidationError), store.transaction() as tx:
        tx.save_snapshot(
            Snapshot(
                stream_id="a-1", aggregate_type="A", version=1, state={"x": math.nan}
            )
        )
    assert store.load_snapshot("a-1") is None


def test_checkpoints(store: EventStore) -> None:
    assert store.checkpoint("projector") == 0
    with store.transaction() as tx:
        assert tx.checkpoint("projector") == 0
        tx.save_checkpoint("projector", 5)
        assert tx.checkpoint("projector") == 5
    with store.transaction() as tx:
        tx.save_checkpoint("projector", 9)
        tx.save_checkpoint("mailer", 1)
    assert store.checkpoint("projector") == 9
    assert store.checkpoint("mailer") == 1


def test_documents(store: EventStore) -> None:
    assert store.get_document("orders", "o-1") is None
    assert store.documents("orders") == {}
    with store.transaction() as tx:
        tx.put_document("orders", "o-2", {"total": 2, "lines": [{"sku": "x"}]})
        tx.put_document("orders", "o-1", {"total": 1})
        tx.put_document("customers", "o-1", {"name": "Zoë"})
        assert tx.get_document("orders", "o-2") == {"total": 2, "lines": [{"sku": "x"}]}
    with store.transaction() as tx:
        tx.put_document("orders", "o-1", {"total": 10})
        tx.delete_document("orders", "o-2")
        tx.delete_document("orders", "never-there")
        assert tx.get_document("orders", "o-2") is None
    assert store.get_document("orders", "o-1") == {"total": 10}
    assert store.documents("orders") == {"o-1": {"total": 10}}
    assert store.documents("customers") == {"o-1": {"name": "Zoë"}}
    assert list(store.documents("orders")) == sorted(store.documents("orders"))


def test_stored_documents_and_snapshots_are_copies(store: EventStore) -> None:
    body = {"lines": [1]}
    state = {"lines": [1]}
    with store.transaction() as tx:
        tx.put_document("orders", "o-1", body)
        tx.save_snapshot(
            Snapshot(stream_id="a-1", aggregate_type="A", version=1, state=state)
        )
    body["lines"].append(2)
    state["lines"].append(2)
    read = store.get_document("orders", "o-1")
    assert read == {"lines": [1]}
    read["lines"].append(3)
    assert store.get_document("orders", "o-1") == {"lines": [1]}
    loaded = store.load_snapshot("a-1")
    assert loaded is not None
    assert loaded.state == {"lines": [1]}


def test_a_document_that_is_not_json_is_refused(store: EventStore) -> None:
    with pytest.raises(ValidationError), store.transaction() as tx:
        tx.put_document("orders", "o-1", {"x": math.inf})
    assert store.documents("orders") == {}
