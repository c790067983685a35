"""An append-only chunked list behaves as a list, across chunk boundaries."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddd_sim.gui.panels import chunked
from ddd_sim.gui.panels.chunked import ChunkedList


@settings(max_examples=150, deadline=None)
@given(
    batches=st.lists(st.lists(st.integers(), max_size=40), max_size=12),
    probes=st.lists(st.integers(-200, 200), max_size=20),
)
def test_it_reads_as_the_list_of_everything_appended(
    batches: list[list[int]], probes: list[int]
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chunked, "CHUNK", 7)  # many chunk boundaries
        items: ChunkedList[int] = ChunkedList()
        model: list[int] = []
        for batch in batches:
            items.extend(iter(batch))  # any iterable, taken once
            model.extend(batch)
            assert len(items) == len(model)
            assert list(items) == model
        for probe in probes:
            if -len(model) <= probe < len(model):
                assert items[probe] == model[probe]
            else:
                with pytest.raises(IndexError):
                    items[probe]
        assert items[2:-3:2] == model[2:-3:2]
        assert items[::-1] == model[::-1]


def test_growing_never_reallocates_a_chunk_already_full() -> None:
    items: ChunkedList[int] = ChunkedList(range(chunked.CHUNK))
    first = items._chunks[0]
    items.extend(range(3 * chunked.CHUNK))
    assert items._chunks[0] is first
    assert len(items._chunks) == 4
    assert items[-1] == 3 * chunked.CHUNK - 1
