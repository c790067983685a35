"""The timeline as of a position before the newest row: bounded, and exact.

With the slider moved back over a long run, the marks still come from the
occupancy grid (its bins wholly before the position's time, the bin holding
that time mark by mark) and the saga bars from the settled runs (a
checkpoint and the few processes ended since); both must be exactly what
the exact paths give, at any position, in any order of positions, for any
view width, and the exact paths must take over when the log's times go back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import cache
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddd_sim.gui.panels import timeline_data, timeline_spans
from ddd_sim.gui.panels.timeline_data import (
    TimelineData,
    _Occupancy,
    exact_marks,
)
from ddd_sim.gui.panels.timeline_runs import CHECKPOINT_ENDS
from ddd_sim.gui.panels.timeline_spans import saga_bars
from ddd_sim.runtime.session.rows import KINDS, EventRow
from tests.gui.test_timeline_bounded import _rows, _sorted, _whole

ROWS = 40_000


@cache
def _log() -> tuple[EventRow, ...]:
    return tuple(_rows(ROWS, seed=5))


def _filled(rows: tuple[EventRow, ...] | list[EventRow]) -> TimelineData:
    data = TimelineData()
    for start in range(0, len(rows), 4_000):
        data.append(rows[start : start + 4_000])
    return data


def _assert_as_exact(
    data: TimelineData, position: int, now: float, pixels: float
) -> None:
    """Marks of every kind and saga bars as the exact paths draw them."""
    x0, x1 = _whole(data.last_time)  # following: the view is the whole run
    per_pixel = (x1 - x0) / pixels
    for kind in KINDS:
        got = data.marks(kind, position, x0, x1, 1.5 * per_pixel)
        want = exact_marks(data, kind, position, x0, x1, 1.5 * per_pixel)
        for got_column, want_column in zip(got, want, strict=True):
            assert np.array_equal(got_column, want_column), (kind, position)
    width = 2 * per_pixel
    bars = data.sagas.bars(position, now, x0, x1, width, width / 2)
    spans = data.sagas.spans(position, now)
    for group, want in saga_bars(spans, x0, x1, width, width / 2).items():
        got_bars, want_bars = _sorted(bars[group]), _sorted(want)
        assert got_bars.shape == want_bars.shape, (group, position)
        assert np.allclose(got_bars, want_bars, rtol=0, atol=1e-9), (group, position)


@settings(max_examples=30, deadline=None)
@given(
    length=st.integers(8_000, ROWS),
    moves=st.lists(
        st.tuples(
            st.floats(0.0, 1.0),  # where the slider goes, as a share of the log
            st.sampled_from([60.0, 333.0, 900.0, 1_700.0]),  # the view's pixels
            st.sampled_from([0.0, 0.0, 0.7]),  # the world's clock past the row's
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_any_position_in_any_order_is_drawn_as_exactly(
    length: int, moves: list[tuple[float, float, float]]
) -> None:
    rows = _log()[:length]
    data = _filled(rows)
    _assert_as_exact(data, data.last_position, data.last_time, 900.0)  # the head
    for share, pixels, later in moves:
        row = rows[min(len(rows) - 1, int(share * len(rows)))]
        _assert_as_exact(data, row.position, row.sim_time + later, pixels)


def _counting(
    monkeypatch: pytest.MonkeyPatch, owner: Any, name: str
) -> list[tuple[Any, ...]]:
    """Calls of ``owner.name`` (still called through), by their arguments."""
    calls: list[tuple[Any, ...]] = []
    original: Callable[..., Any] = getattr(owner, name)

    def counted(*args: Any) -> Any:
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_moving_back_reads_the_grid_and_the_settled_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = _log()
    data = _filled(rows)
    pixels = 60.0  # few pixels: the grid holds far fewer bins than marks
    _assert_as_exact(data, data.last_position, data.last_time, pixels)
    bounds = _counting(monkeypatch, _Occupancy, "bounds")
    decimated = _counting(monkeypatch, timeline_data, "decimate")

    def no_exact_merge(*args: Any) -> Any:
        raise AssertionError("the saga bars took the exact path")

    monkeypatch.setattr(timeline_spans, "saga_bars", no_exact_merge)
    x0, x1 = _whole(data.last_time)
    per_pixel = (x1 - x0) / pixels
    for share in (0.9, 0.35, 0.6, 0.3):  # back, back, on, back: all before the head
        row = rows[int(share * len(rows))]
        bounds.clear()
        decimated.clear()
        xs, _ = data.marks("domain", row.position, x0, x1, 1.5 * per_pixel)
        in_view = data.kinds["domain"].cut(row.position)
        assert len(bounds) == 1  # the grid served
        assert len(decimated[0][0]) < in_view / 4  # not every mark decimated
        assert len(xs) > 0
        width = 2 * per_pixel
        data.sagas.bars(row.position, row.sim_time, x0, x1, width, width / 2)
    assert len(data.sagas) > 4 * CHECKPOINT_ENDS  # several checkpoints served


def test_times_going_back_hand_the_marks_to_the_exact_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = list(_log()[:20_000])
    # one entry stamped earlier than the one before it (a clock set back)
    late = next(i for i in range(12_000, len(rows)) if rows[i].kind == "domain")
    rows[late] = replace(rows[late], sim_time=rows[late - 1].sim_time - 5.0)
    data = _filled(rows)
    assert not data.kinds["domain"].ordered
    assert data.kinds["projection"].ordered
    bounds = _counting(monkeypatch, _Occupancy, "bounds")
    for share in (1.0, 0.7, 0.3):
        row = rows[int(share * (len(rows) - 1))]
        _assert_as_exact(data, row.position, row.sim_time, 900.0)
    assert bounds  # the ordered kinds still read their grids
    assert data.kinds["domain"].grid is None


def test_a_clock_behind_the_ended_sagas_takes_the_exact_path() -> None:
    rows = _log()[:20_000]
    data = _filled(rows)
    row = rows[15_000]
    # ``now`` before some process ended as of the position: the exact path
    # draws those ends at ``now``, so the settled runs must not serve
    _assert_as_exact(data, row.position, row.sim_time - 3.0, 900.0)
