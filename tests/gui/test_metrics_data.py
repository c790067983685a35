"""The metrics' binning, without Qt: per-second rates and totals as of a position."""

from __future__ import annotations

from ddd_sim.gui.panels.metrics_data import MetricsData, bin_width_for, counts_as
from ddd_sim.runtime.session.rows import EventRow


def _row(
    position: int,
    time: float,
    type: str = "StepStarted",
    summary: str = "",
    lag: int | None = None,
) -> EventRow:
    return EventRow(
        position=position,
        sim_time=time,
        stream="s",
        version=1,
        type=type,
        lane="sales",
        kind="domain",
        summary=summary,
        event_id=str(position),
        lag=lag,
    )


ROWS = [
    _row(1, 0.1, "OrderPlaced"),
    _row(2, 0.5, "ProjectionsAdvanced", lag=0),
    _row(3, 1.2, "OrderPlaced"),
    _row(4, 1.4, "StepCompensated"),
    _row(5, 1.5, "BreakerStateChanged", "breaker payment: closed → open"),
    _row(6, 2.5, "BreakerStateChanged", "breaker payment: open → half_open"),
    _row(7, 2.6, "ProjectionsAdvanced", lag=4),
    _row(8, 3.2, "BreakerStateChanged", "breaker payment: half_open → open"),
]


def test_each_row_counts_where_it_belongs() -> None:
    assert counts_as(ROWS[0]) == ("entries", "orders")
    assert counts_as(ROWS[3]) == ("entries", "compensations")
    assert counts_as(ROWS[4]) == ("entries", "trips")
    assert counts_as(ROWS[5]) == ("entries",)


def test_rates_per_second_and_totals_as_of_the_head() -> None:
    data = MetricsData()
    assert data.append(ROWS) == 8
    assert data.append(ROWS[:3]) == 0
    series = data.as_of(8, now=3.2)
    assert list(series.edges) == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert list(series.entries_per_s) == [2, 3, 2, 1]
    assert list(series.orders_per_s) == [1, 1, 0, 0]
    assert list(series.compensations_per_s) == [0, 1, 0, 0]
    assert list(series.trips_total) == [0, 1, 1, 2]
    assert list(series.lag_events) == [0, 4]
    assert list(series.lag_times) == [0.5, 2.6]
    assert series.totals == {"entries": 8, "orders": 2, "compensations": 1, "trips": 2}


def test_as_of_an_earlier_position_only_what_had_happened_counts() -> None:
    data = MetricsData()
    data.append(ROWS)
    series = data.as_of(5, now=1.5)
    assert list(series.edges) == [0.0, 1.0, 2.0]
    assert list(series.entries_per_s) == [2, 3]
    assert list(series.trips_total) == [0, 1]
    assert list(series.lag_events) == [0]


def test_wide_bins_still_give_rates_per_second() -> None:
    data = MetricsData()
    data.append(ROWS)
    series = data.as_of(8, now=3.2, bin_width=2.0)
    assert list(series.entries_per_s) == [2.5, 1.5]
    assert series.totals["entries"] == 8
    assert bin_width_for(20.0) == 1.0
    assert bin_width_for(3_000.0) == 5.0
