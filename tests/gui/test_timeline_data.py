"""The timeline's numbers, without Qt: columns, decimation, picking, spans, windows."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ddd_sim.gui.panels.timeline_columns import DECIMATE_ABOVE, LANE_INDEX
from ddd_sim.gui.panels.timeline_data import TimelineData, decimate, tick_segments
from ddd_sim.gui.panels.timeline_spans import (
    SAGA_GROUP_NAMES,
    SAGA_SLOTS,
    SagaSpans,
    breaker_windows,
    fault_windows,
    merge_spans,
    saga_bars,
    window_bars,
)
from ddd_sim.runtime.session.rows import EventRow
from ddd_sim.runtime.world.model import FaultRow


def _row(
    position: int,
    time: float,
    lane: str = "sales",
    kind: str = "domain",
    type: str = "OrderPlaced",
    summary: str = "",
    target: str | None = None,
) -> EventRow:
    return EventRow(
        position=position,
        sim_time=time,
        stream="s",
        version=1,
        type=type,
        lane=lane,
        kind=kind,
        summary=summary,
        event_id=str(position),
        target=target,
    )


def test_rows_are_kept_once_in_order_and_counted_per_kind() -> None:
    data = TimelineData()
    rows = [
        _row(i, i / 10, kind="domain" if i % 3 else "process") for i in range(1, 31)
    ]
    assert data.append(rows[:20]) == 20
    assert data.append(rows[10:]) == 10  # an overlap is not kept twice
    assert data.count_until(15) == 15
    assert data.kind_counts(30) == {
        **dict.fromkeys(data.kinds, 0),
        "domain": 20,
        "process": 10,
    }
    assert data.kind_counts(9)["process"] == 3
    assert data.row(7) == rows[6]
    assert data.row(99) is None


def test_marks_are_clipped_to_the_position_and_the_view() -> None:
    data = TimelineData()
    data.append([_row(i, float(i)) for i in range(1, 101)])
    xs, lanes = data.marks("domain", 50, 10.0, 80.0, 0.0)
    assert list(xs) == [float(t) for t in range(10, 51)]
    assert set(lanes) == {LANE_INDEX["sales"]}


def test_a_crowded_view_is_drawn_once_per_pixel_and_lane() -> None:
    data = TimelineData()
    n = DECIMATE_ABOVE * 20
    lanes = ("sales", "payment")
    data.append([_row(i, i / n * 100, lane=lanes[i % 2]) for i in range(1, n + 1)])
    xs, ys = data.marks("domain", n, 0.0, 100.0, 0.5)
    assert len(xs) <= 2 * 202
    assert set(ys) == {LANE_INDEX["sales"], LANE_INDEX["payment"]}
    assert xs.min() >= 0.0
    assert xs.max() <= 100.5


def test_decimation_keeps_every_occupied_bin() -> None:
    times = np.array([0.1, 0.2, 5.1, 9.9])
    lanes = np.array([1, 1, 3, 1])
    xs, ys = decimate(times, lanes, 0.0, 10.0, 1.0)
    assert sorted(zip(ys.tolist(), np.floor(xs).tolist(), strict=True)) == [
        (1, 0),
        (1, 9),
        (3, 5),
    ]


def test_picking_finds_the_nearest_shown_mark_in_the_lane() -> None:
    data = TimelineData()
    data.append(
        [_row(1, 1.0), _row(2, 1.05, lane="payment"), _row(3, 1.2), _row(4, 1.3)]
    )
    sales = LANE_INDEX["sales"]
    assert data.pick(1.04, sales + 0.2, 0.1, 4) == 1
    assert data.pick(1.04, LANE_INDEX["payment"], 0.1, 4) == 2
    assert data.pick(1.29, sales, 0.05, 4) == 4
    assert data.pick(1.29, sales, 0.05, 3) is None  # after the position
    assert data.pick(5.0, sales, 0.1, 4) is None


def test_locate_gives_the_chains_coordinates() -> None:
    data = TimelineData()
    data.append([_row(i, float(i), lane="processes") for i in range(1, 6)])
    xs, ys, positions = data.locate([2, 4, 99])
    assert list(xs) == [2.0, 4.0]
    assert list(positions) == [2, 4]
    assert set(ys) == {LANE_INDEX["processes"]}


def _process(position: int, time: float, type: str, saga: int) -> EventRow:
    row = _row(position, time, lane="processes", kind="process", type=type)
    return replace(row, stream=f"Saga-{saga}")


def test_saga_spans_follow_each_process_as_of_a_position() -> None:
    data = TimelineData()
    data.append(
        [
            _process(1, 1.0, "ProcessStarted", 1),
            _process(2, 2.0, "ProcessCompleted", 1),
            _process(3, 3.0, "ProcessStarted", 2),
            _process(4, 4.0, "ProcessStarted", 3),
            _process(5, 4.5, "StepStarted", 3),  # not a span's row
            _process(6, 5.0, "CompensationStarted", 2),
        ]
    )
    data.append(
        [
            _process(7, 6.0, "ProcessCompensated", 2),
            _process(8, 7.0, "ProcessAbandoned", 3),
            _process(9, 9.0, "ProcessStarted", 4),
            _process(10, 9.5, "ProcessCompleted", 4),
            _process(11, 9.6, "ProcessCompleted", 5),  # never started: ignored
        ]
    )
    names = SAGA_GROUP_NAMES
    spans = data.sagas.spans(6, now=5.0)
    assert spans.ids == ("Saga-1", "Saga-2", "Saga-3")  # Saga-4 starts later
    assert list(spans.starts) == [1.0, 3.0, 4.0]
    assert list(spans.ends) == [2.0, 5.0, 5.0]  # still going: up to now
    assert [names[g] for g in spans.groups] == [
        "completed",
        "compensating",
        "in_flight",
    ]
    spans = data.sagas.spans(10, now=9.5)
    assert list(spans.ends) == [2.0, 6.0, 9.5, 9.5]
    assert [names[g] for g in spans.groups] == [
        "completed",
        "compensated",
        "compensated",  # abandoned, its compensation not over
        "completed",
    ]


def test_saga_bars_are_the_spans_in_view_in_the_processes_lane() -> None:
    spans = SagaSpans(
        ("a", "b", "c"),
        np.array([1.0, 3.0, 4.0]),
        np.array([1.0, 6.0, 5.0]),
        np.array([2, 3, 0]),
    )
    bars = saga_bars(spans, 0.0, 10.0, min_width=0.2)
    assert list(bars["completed"].x1) == [1.2]  # a short one stays visible
    assert list(bars["compensated"].x0) == [3.0]
    assert list(bars["in_flight"].x1) == [5.0]
    assert len(bars["compensating"]) == 0
    lane = LANE_INDEX["processes"]
    for group in bars.values():
        assert all(lane - 0.5 < y < lane + 0.5 for y in (*group.y0, *group.y1))
    assert len(saga_bars(spans, 5.5, 10.0)["in_flight"]) == 0  # out of view


def test_crowded_saga_bars_are_merged_per_row_and_group() -> None:
    count = 4 * DECIMATE_ABOVE
    starts = np.arange(count, dtype=np.float64) * 0.001
    spans = SagaSpans(
        tuple(map(str, range(count))),
        starts,
        np.asarray(starts + 0.0005, dtype=np.float64),
        np.zeros(count, dtype=np.int64),
    )
    bars = saga_bars(spans, 0.0, 10.0, gap=0.01)["in_flight"]
    assert len(bars) == SAGA_SLOTS  # one merged bar per row
    assert min(bars.x0) == 0.0
    assert max(bars.x1) == pytest.approx(starts[-1] + 0.0005)
    assert merge_spans(np.array([0.0, 1.0]), np.array([0.5, 1.5]), 0.1)[0].size == 2


def test_fault_windows_pair_injections_with_clearings_as_of_a_position() -> None:
    rows = [
        _row(
            1,
            1.0,
            "simulation",
            "fault",
            "FaultInjected",
            "fault down on payment",
            "payment",
        ),
        _row(
            2,
            3.0,
            "simulation",
            "fault",
            "FaultCleared",
            "fault down on payment cleared",
            "payment",
        ),
        _row(
            3,
            4.0,
            "simulation",
            "fault",
            "FaultInjected",
            "fault slow on shipping",
            "shipping",
        ),
    ]
    active = (FaultRow("slow:shipping@4", "shipping", "slow", 4.0, None),)
    windows = fault_windows(rows, active, 3, now=6.0)
    assert [(w.lane, w.start, w.end) for w in windows] == [
        ("payment", 1.0, 3.0),
        ("shipping", 4.0, 6.0),
    ]
    assert fault_windows(rows, (), 1, now=2.0) == []  # still open: the world says so
    bars = window_bars(windows, -0.5, 0.5)
    assert list(bars.y0) == [LANE_INDEX["payment"] - 0.5, LANE_INDEX["shipping"] - 0.5]


def test_breaker_bands_follow_each_breakers_states() -> None:
    def change(p: int, t: float, a: str, b: str) -> EventRow:
        return _row(
            p,
            t,
            "simulation",
            "breaker",
            "BreakerStateChanged",
            f"breaker shipping: {a} → {b}",
            "shipping",
        )

    rows = [
        change(1, 1.0, "closed", "open"),
        change(2, 3.0, "open", "half_open"),
        change(3, 3.5, "half_open", "closed"),
        change(4, 7.0, "closed", "open"),
    ]
    spans = [(w.label, w.start, w.end) for w in breaker_windows(rows, 4, now=9.0)]
    assert spans == [("open", 1.0, 3.0), ("half_open", 3.0, 3.5), ("open", 7.0, 9.0)]
    assert [(w.label, w.end) for w in breaker_windows(rows, 1, now=2.0)] == [
        ("open", 2.0)
    ]


def test_ticks_are_vertical_pairs() -> None:
    xs, ys = tick_segments(np.array([1.0, 2.0]), np.array([3, 4]), 0.25)
    assert list(xs) == [1.0, 1.0, 2.0, 2.0]
    assert list(ys) == [2.75, 3.25, 3.75, 4.25]


def test_a_partition_shades_both_of_its_sides() -> None:
    rows = [
        _row(
            1,
            1.0,
            "simulation",
            "fault",
            "FaultInjected",
            "fault partition on inventory~payment",
            "inventory",
        ),
        _row(
            2,
            3.0,
            "simulation",
            "fault",
            "FaultCleared",
            "fault partition on inventory cleared",
            "inventory",
        ),
        _row(
            3,
            4.0,
            "simulation",
            "fault",
            "FaultInjected",
            "fault partition on sales~shipping",
            "sales",
        ),
    ]
    still_open = [FaultRow("partition:sales@4", "sales", "partition", 4.0, None)]
    windows = fault_windows(rows, still_open, position=3, now=6.0)
    shaded = sorted((w.lane, w.start, w.end) for w in windows)
    assert shaded == [
        ("inventory", 1.0, 3.0),
        ("payment", 1.0, 3.0),
        ("sales", 4.0, 6.0),
        ("shipping", 4.0, 6.0),
    ]
