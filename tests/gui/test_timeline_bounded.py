"""The timeline's bounded paths give the exact paths' picture.

Marks of a crowded view read from an occupancy grid must be the marks the
exact decimation gives; saga bars from the settled runs must be
the bars merged from every span.  Both are checked as a run grows frame by
frame (the grid and runs brought forward), as the view widens (coarsened),
and after moving back (the same grid and runs, see ``test_timeline_asof``)
or zooming in (the exact paths).
"""

from __future__ import annotations

import numpy as np

from ddd_sim.gui.panels.timeline_columns import DECIMATE_ABOVE, Bars
from ddd_sim.gui.panels.timeline_data import (
    TimelineData,
    _Occupancy,
    decimate,
    grid_width,
)
from ddd_sim.gui.panels.timeline_spans import saga_bars
from ddd_sim.runtime.session.rows import LANES, EventRow

PIXELS = 900.0


def _rows(count: int, seed: int = 7) -> list[EventRow]:
    """A run's rows: marks of two kinds on random lanes; sagas that overlap.

    Most sagas end (completed or compensated) a while after they start; some
    compensate first and some are abandoned and never end.
    """
    rng = np.random.default_rng(seed)
    times = np.cumsum(rng.exponential(0.01, count))
    lanes = rng.integers(0, len(LANES) - 2, count)
    rows: list[EventRow] = []
    pending: list[tuple[float, int, str]] = []  # (time due, saga, type)
    sagas = 0
    for i in range(count):
        position, time = i + 1, float(times[i])
        pending.sort()
        if pending and pending[0][0] <= time:
            _, saga, kind = pending.pop(0)
            rows.append(_row(position, time, "process", kind, f"Saga-{saga}"))
            continue
        if i % 4 == 0:
            sagas += 1
            rows.append(_row(position, time, "process", "ProcessStarted", sagas))
            fate = rng.random()
            later = time + float(rng.exponential(0.3))
            if fate < 0.1:
                pending.append((later, sagas, "CompensationStarted"))
                pending.append((later + 0.2, sagas, "ProcessCompensated"))
            elif fate < 0.13:
                pending.append((later, sagas, "ProcessAbandoned"))
            else:
                pending.append((later, sagas, "ProcessCompleted"))
            continue
        kind = "domain" if i % 3 else "projection"
        rows.append(_row(position, time, kind, "Something", "s", LANES[lanes[i]]))
    return rows


def _row(
    position: int,
    time: float,
    kind: str,
    type: str,
    stream: str | int,
    lane: str = "processes",
) -> EventRow:
    return EventRow(
        position=position,
        sim_time=time,
        stream=stream if isinstance(stream, str) else f"Saga-{stream}",
        version=1,
        type=type,
        lane=lane,
        kind=kind,
        summary="",
        event_id=str(position),
    )


def _exact_marks(
    data: TimelineData, kind: str, position: int, x0: float, x1: float
) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    columns = data.kinds[kind]
    cut = columns.cut(position)
    times = columns.times.view[:cut]
    start, stop = np.searchsorted(times, [x0, x1])
    xs = np.asarray(times[start:stop], dtype=np.float64)
    lanes = np.asarray(columns.lanes.view[start:stop], dtype=np.int64)
    if len(xs) <= DECIMATE_ABOVE:
        return xs, lanes
    return decimate(xs, lanes, x0, x1, 1.5 * (x1 - x0) / PIXELS)


def _assert_marks_match(
    data: TimelineData, position: int, x0: float, x1: float
) -> None:
    for kind in ("domain", "projection"):
        got = data.marks(kind, position, x0, x1, 1.5 * (x1 - x0) / PIXELS)
        want = _exact_marks(data, kind, position, x0, x1)
        assert len(want[0]) > 0
        # the very marks decimating every one in view gives
        for got_column, want_column in zip(got, want, strict=True):
            assert np.array_equal(got_column, want_column), kind


def _assert_bars_match(
    data: TimelineData, position: int, now: float, x0: float, x1: float
) -> None:
    width = 2 * (x1 - x0) / PIXELS
    got = data.sagas.bars(position, now, x0, x1, width, width / 2)
    want = saga_bars(data.sagas.spans(position, now), x0, x1, width, width / 2)
    for group, bars in want.items():
        got_bars, want_bars = _sorted(got[group]), _sorted(bars)
        assert got_bars.shape == want_bars.shape, group
        # the exact merge lifts each row's spans apart, which rounds a little
        assert np.allclose(got_bars, want_bars, rtol=0, atol=1e-9), group


def _sorted(bars: Bars) -> np.ndarray:
    rows = np.column_stack((bars.x0, bars.x1, bars.y0, bars.y1))
    return rows[np.lexsort((rows[:, 0], rows[:, 2]))]


def _whole(time: float) -> tuple[float, float]:
    """The view while following: the whole run, padded as the panel pads it."""
    return -0.02 * time, 1.02 * time


def test_following_a_growing_run_draws_what_the_exact_paths_draw() -> None:
    rows = _rows(40_000)
    data = TimelineData()
    data.append(rows[:20_000])
    for start in range(20_000, len(rows), 2_500):
        data.append(rows[start : start + 2_500])
        position, now = data.last_position, data.last_time
        x0, x1 = _whole(now)
        _assert_marks_match(data, position, x0, x1)
        _assert_bars_match(data, position, now, x0, x1)
    assert data.kinds["domain"].grid is not None  # the grid served
    assert len(data.sagas) > DECIMATE_ABOVE  # and the settled runs did


def test_moving_back_and_zooming_in_are_drawn_as_exactly() -> None:
    rows = _rows(30_000, seed=11)
    data = TimelineData()
    data.append(rows)
    x0, x1 = _whole(data.last_time)
    _assert_marks_match(data, data.last_position, x0, x1)
    _assert_bars_match(data, data.last_position, data.last_time, x0, x1)
    grid = data.kinds["domain"].grid
    back = rows[19_999]
    x0, x1 = _whole(back.sim_time)
    _assert_marks_match(data, back.position, x0, x1)  # moved back: the same grid
    _assert_bars_match(data, back.position, back.sim_time, x0, x1)
    assert grid is not None
    assert data.kinds["domain"].grid is grid
    assert grid.filled == data.kinds["domain"].times.size  # every mark, still
    zoomed = (0.1 * back.sim_time, 0.9 * back.sim_time)
    _assert_marks_match(data, back.position, *zoomed)  # a narrower view
    _assert_bars_match(data, back.position, back.sim_time, *zoomed)
    for row in (rows[21_999], rows[23_999]):  # playing on from there
        x0, x1 = _whole(row.sim_time)
        _assert_marks_match(data, row.position, x0, x1)
        _assert_bars_match(data, row.position, row.sim_time, x0, x1)
    x0, x1 = _whole(data.last_time)  # and on to the end
    _assert_marks_match(data, data.last_position, x0, x1)
    _assert_bars_match(data, data.last_position, data.last_time, x0, x1)


def test_a_coarsened_grid_is_the_grid_built_at_that_width() -> None:
    rng = np.random.default_rng(3)
    times = np.sort(rng.uniform(0.0, 97.3, 5_000))
    lanes = rng.integers(0, len(LANES), 5_000)
    fine = _Occupancy(0.25)
    fine.fill(times[:2_000], lanes[:2_000])
    fine.coarsen()
    fine.fill(times[2_000:], lanes[2_000:])
    fine.coarsen()
    coarse = _Occupancy(1.0)
    coarse.fill(times, lanes)
    assert fine.width == coarse.width
    assert fine.filled == coarse.filled == 5_000
    got, want = fine.bounds(-5, 500), coarse.bounds(-5, 500)
    assert np.array_equal(got[0], want[0])
    assert np.array_equal(got[1], want[1])
    assert set(np.floor(got[0] / 1.0).tolist()) == set(np.floor(times).tolist())
    assert grid_width(1.0) == 0.25
    assert 0.3 / 8 < grid_width(0.3) <= 0.3 / 4
