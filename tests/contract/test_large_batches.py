"""Batches too big for one INSERT statement keep all-or-nothing semantics."""

from __future__ import annotations

import pytest

from ddd_sim.shared.errors import DuplicateEventError
from ddd_sim.shared.events import StreamState
from tests.conftest import StoreFactory
from tests.contract.support import batch


@pytest.mark.parametrize("size", [1999, 2000, 2001, 4500])
def test_a_clash_in_the_last_event_writes_nothing(
    make_store: StoreFactory, size: int
) -> None:
    store = make_store()
    earlier = batch(1)
    store.append("other", earlier)
    events = [*batch(size - 1), earlier[0]]
    with pytest.raises(DuplicateEventError):
        store.append("big", events, StreamState.NO_STREAM)
    assert store.head_position() == 1
    assert store.stream_version("big") == 0

    fine = batch(size)
    result = store.append("big", fine, StreamState.NO_STREAM)
    assert (result.first_position, result.last_position) == (2, size + 1)
    assert [e.payload["n"] for e in store.read_stream("big")] == list(range(size))
    again = store.append("big", fine, StreamState.NO_STREAM)
    assert not again.written
    assert store.head_position() == size + 1
