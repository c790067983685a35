"""A growable column: appends and changes survive its moves to bigger arrays."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddd_sim.gui.panels import timeline_columns
from ddd_sim.gui.panels.timeline_columns import Growable

steps = st.lists(
    st.one_of(
        st.tuples(st.just("extend"), st.integers(0, 300)),
        st.tuples(st.just("set"), st.integers(0, 10_000)),
    ),
    max_size=120,
)


@settings(max_examples=200, deadline=None)
@given(steps=steps)
def test_a_column_holds_what_was_appended_and_set_through_every_move(
    steps: list[tuple[str, int]],
) -> None:
    # small thresholds: a few hundred values already move in several steps
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timeline_columns, "MOVE_FROM", 256)
        patch.setattr(timeline_columns, "MOVE_STEP", 37)
        column = Growable(np.int64)
        model: list[int] = []
        counter = 0
        for action, amount in steps:
            if action == "extend":
                values = list(range(counter, counter + amount))
                counter += amount
                column.extend(np.array(values, dtype=np.int64))
                model.extend(values)
            elif model:
                index = amount % len(model)
                column.set(index, -amount - 1)
                model[index] = -amount - 1
            assert column.size == len(model)
            assert column.view.tolist() == model


def test_a_long_column_moves_in_steps_never_all_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(timeline_columns, "MOVE_FROM", 1024)
    monkeypatch.setattr(timeline_columns, "MOVE_STEP", 100)
    at_once: list[int] = []
    move_now = Growable._move_now

    def counted(self: Growable, needed: int) -> None:
        at_once.append(len(self._data))
        move_now(self, needed)

    monkeypatch.setattr(Growable, "_move_now", counted)
    column = Growable(np.float64)
    capacities = set()
    for start in range(0, 20_000, 50):
        column.extend(np.arange(start, start + 50, dtype=np.float64))
        capacities.add(len(column._data))
    assert max(capacities) >= 4 * 1024  # it moved several times past the threshold
    assert all(size < 1024 for size in at_once), at_once  # only short ones at once
    assert column.view.tolist() == list(map(float, range(20_000)))
    with pytest.raises(IndexError):
        column.set(20_000, 1.0)
