"""Contract: a batch groups one thread's writes into one commit, on every store."""

from __future__ import annotations

import threading

import pytest

from ddd_sim.shared.errors import WrongExpectedVersion
from ddd_sim.shared.ports import EventStore
from tests.contract.support import batch, log_shape


class Boom(Exception):
    """Raised inside a batch to force it to roll back."""


def test_a_batch_reads_its_own_writes_and_commits_once(store: EventStore) -> None:
    with store.batch():
        store.append("a-1", batch(2))
        with store.transaction() as tx:
            tx.append("b-1", batch(1))
            tx.save_checkpoint("c", 3)
        assert store.stream_version("a-1") == 2
        assert [e.global_position for e in store.read_all()] == [1, 2, 3]
        assert store.checkpoint("c") == 3
    assert store.head_position() == 3


def test_a_failed_batch_leaves_nothing(store: EventStore) -> None:
    store.append("a-1", batch(1))

    def fail_in_a_batch() -> None:
        with store.batch():
            store.append("a-1", batch(2, start=1))
            raise Boom

    with pytest.raises(Boom):
        fail_in_a_batch()
    assert store.head_position() == 1
    assert store.stream_version("a-1") == 1


def test_a_refused_append_inside_a_batch_keeps_the_rest(store: EventStore) -> None:
    with store.batch():
        store.append("a-1", batch(1))
        with pytest.raises(WrongExpectedVersion):
            store.append("a-1", batch(1, start=1), expected_version=5)
        store.append("a-1", batch(1, start=2))
    assert [v for _, _, v, _ in log_shape(store)] == [1, 2]


def test_other_threads_see_a_batch_only_after_it_commits(store: EventStore) -> None:
    if type(store).__name__.startswith("InMemory"):
        pytest.skip("the memory store has no isolation between threads")
    seen: list[int] = []
    with store.batch():
        store.append("a-1", batch(2))
        reader = threading.Thread(target=lambda: seen.append(store.head_position()))
        reader.start()
        reader.join()
    seen.append(store.head_position())
    assert seen == [0, 2]


def append_then_fail(store: EventStore) -> None:
    with store.transaction() as tx:
        tx.append("a-1", batch(3, start=2))
        tx.append("b-1", batch(1))
        raise Boom


def test_a_rolled_back_transaction_inside_a_batch_leaves_no_hole(
    store: EventStore,
) -> None:
    """After a rollback the batch numbers on from what is really stored."""
    with store.batch():
        store.append("a-1", batch(2))
        with pytest.raises(Boom):
            append_then_fail(store)
        assert store.stream_version("a-1") == 2
        assert store.stream_version("b-1") == 0
        assert store.head_position() == 2
        store.append("b-1", batch(1, start=5), expected_version=0)
        store.append("a-1", batch(1, start=6), expected_version=2)
    shape = [
        (stream, version, position) for position, stream, version, _ in log_shape(store)
    ]
    assert shape == [("a-1", 1, 1), ("a-1", 2, 2), ("b-1", 1, 3), ("a-1", 3, 4)]


def test_a_batch_sees_a_stream_written_before_it_began(store: EventStore) -> None:
    store.append("a-1", batch(3))
    with store.batch():
        assert store.stream_version("a-1") == 3
        with pytest.raises(WrongExpectedVersion):
            store.append("a-1", batch(1, start=3), expected_version=2)
        store.append("a-1", batch(1, start=4), expected_version=3)
        assert store.stream_version("a-1") == 4
        assert store.head_position() == 4
