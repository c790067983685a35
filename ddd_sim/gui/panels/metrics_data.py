"""The metrics panel's numbers: per-second rates and running totals as of a position.

Pure numpy, no Qt.  Each series keeps the (position, simulated time) of the
log rows it counts, in log order, so "as of a position" is a binary search
and "per simulated second" is one ``bincount``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter

import numpy as np

from ddd_sim.gui.panels.timeline_columns import FloatArray, Growable, newer
from ddd_sim.runtime.session.rows import EventRow

COUNTED = ("entries", "orders", "compensations", "trips")
"""The counted series: every log entry, OrderPlaced, StepCompensated, breaker opens."""
SPECIAL_TYPES = frozenset({"OrderPlaced", "StepCompensated", "BreakerStateChanged"})
"""The row types that may count in a series besides ``entries``."""
_POSITION = attrgetter("position")
_TIME = attrgetter("sim_time")
_TYPE = attrgetter("type")
_LAG = attrgetter("lag")


def counts_as(row: EventRow) -> tuple[str, ...]:
    """Which counted series a log row adds one to."""
    names = ["entries"]
    if row.type == "OrderPlaced":
        names.append("orders")
    elif row.type == "StepCompensated":
        names.append("compensations")
    elif row.type == "BreakerStateChanged" and row.summary.endswith("→ open"):
        names.append("trips")
    return tuple(names)


class _Series:
    """The positions and simulated times of the rows one series counts."""

    def __init__(self) -> None:
        self.positions = Growable(np.int64)
        self.times = Growable(np.float64)

    def times_until(self, position: int) -> FloatArray:
        cut = int(np.searchsorted(self.positions.view, position, side="right"))
        return np.asarray(self.times.view[:cut], dtype=np.float64)


@dataclass(frozen=True, slots=True)
class MetricSeries:
    """What the metrics plots show as of one position.

    ``edges`` are the bin edges (one more than each per-bin series);
    ``lag_times``/``lag_events`` are the worst projection lag as recorded.
    """

    edges: FloatArray
    entries_per_s: FloatArray
    orders_per_s: FloatArray
    compensations_per_s: FloatArray
    trips_total: FloatArray
    lag_times: FloatArray
    lag_events: FloatArray

    @property
    def totals(self) -> dict[str, int]:
        """How many of each counted thing, over every bin."""
        width = float(self.edges[1] - self.edges[0]) if len(self.edges) > 1 else 1.0
        return {
            "entries": round(self.entries_per_s.sum() * width),
            "orders": round(self.orders_per_s.sum() * width),
            "compensations": round(self.compensations_per_s.sum() * width),
            "trips": int(self.trips_total[-1]) if len(self.trips_total) else 0,
        }


class MetricsData:
    """Every counted log row seen so far; rows at or below the last kept are skipped."""

    def __init__(self) -> None:
        self.series = {name: _Series() for name in COUNTED}
        self.lag_positions = Growable(np.int64)
        self.lag_times = Growable(np.float64)
        self.lag_events = Growable(np.float64)
        self.last_position = 0
        self.last_time = 0.0

    def append(self, rows: Iterable[EventRow]) -> int:
        """Count the rows newer than the last one kept; how many were new."""
        new = newer(rows, self.last_position)
        if not new:
            return 0
        count = len(new)
        positions = np.fromiter(map(_POSITION, new), np.int64, count)
        times = np.fromiter(map(_TIME, new), np.float64, count)
        self.series["entries"].positions.extend(positions)
        self.series["entries"].times.extend(times)
        # only the few rows of other series, and those with a lag, are looked at
        chosen: dict[str, list[int]] = {name: [] for name in COUNTED[1:]}
        special = SPECIAL_TYPES
        for i in [i for i, kind in enumerate(map(_TYPE, new)) if kind in special]:
            for name in counts_as(new[i])[1:]:
                chosen[name].append(i)
        lag_of = list(map(_LAG, new))
        lagging = [i for i, lag in enumerate(lag_of) if lag is not None]
        for name, indices in chosen.items():
            self.series[name].positions.extend(positions[indices])
            self.series[name].times.extend(times[indices])
        self.lag_positions.extend(positions[lagging])
        self.lag_times.extend(times[lagging])
        self.lag_events.extend([float(lag_of[i] or 0) for i in lagging])
        self.last_position = new[-1].position
        self.last_time = new[-1].sim_time
        return count

    def as_of(self, position: int, now: float, bin_width: float = 1.0) -> MetricSeries:
        """Every series as of a position, binned per ``bin_width`` simulated seconds.

        The bins run from 0 to ``now`` (the position's simulated time).
        """
        bins = max(1, int(np.floor(max(now, 0.0) / bin_width)) + 1)
        edges = np.arange(bins + 1, dtype=np.float64) * bin_width

        def counts(name: str) -> FloatArray:
            # times are in log order, so sorted: a bin's count is the gap
            # between two binary searches, whatever the number of rows
            times = self.series[name].times_until(position)
            inner = np.searchsorted(times, edges[1:-1], side="left")
            cuts = np.concatenate(([0], inner, [len(times)]))
            return np.diff(cuts).astype(np.float64)

        cut = int(np.searchsorted(self.lag_positions.view, position, side="right"))
        return MetricSeries(
            edges=edges,
            entries_per_s=counts("entries") / bin_width,
            orders_per_s=counts("orders") / bin_width,
            compensations_per_s=counts("compensations") / bin_width,
            trips_total=np.cumsum(counts("trips")),
            lag_times=np.asarray(self.lag_times.view[:cut], dtype=np.float64),
            lag_events=np.asarray(self.lag_events.view[:cut], dtype=np.float64),
        )


def bin_width_for(duration: float, most_bins: int = 600) -> float:
    """A round bin width (1, 2, 5, 10 … s) that keeps a run under ``most_bins``."""
    for width in (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0):
        if duration / width <= most_bins:
            return width
    return float(np.ceil(duration / most_bins / 600.0) * 600.0)
