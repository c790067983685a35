"""The timeline's marks: every log row kept as numpy columns, sliced per kind.

Pure numpy, no Qt, so every rule here is tested without a screen.  Log rows
arrive in position order (and so in simulated-time order); they are kept as
growable numpy columns, one set per kind, so that "the marks of a kind as of
a position, inside the view" is two binary searches and a slice.  When a
slice holds more marks than the view has pixels, marks that would land on
the same pixel of the same lane are drawn once.  A view over a long run (the
whole of it, while following a live one or with the slider moved back)
reads those pixels from an occupancy grid kept per kind as rows arrive
(:class:`_Occupancy`), so its cost is bounded by the pixels drawn and the
rows new since the last redraw, not by the run's length; as of an earlier
position it takes the grid's bins before that position's time (the log's
times never go back) and the marks of one bin more.  Saga spans, fault
windows and breaker bands are in :mod:`.timeline_spans`.
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter

import numpy as np

from ddd_sim.gui.panels.timeline_columns import (
    DECIMATE_ABOVE,
    LANE_INDEX,
    FloatArray,
    Growable,
    IntArray,
    newer,
)
from ddd_sim.gui.panels.timeline_spans import PROCESS_TYPES, SagaColumns
from ddd_sim.runtime.session.rows import KINDS, LANES, EventRow

KIND_INDEX: dict[str, int] = {kind: i for i, kind in enumerate(KINDS)}
MAX_BINS = 8_000
"""No view is wider than this many pixel bins (guards a degenerate bin width)."""
INGEST_ROWS = 4_000
"""A panel takes in at most this many new rows per event-loop turn."""
BULK_ROWS = 2_000
"""A frame bringing more new rows than this is redrawn on the next turn."""


class _Lookup(dict[str, int]):
    """A name's index, or a fallback for a name not listed."""

    def __init__(self, indices: dict[str, int], fallback: str) -> None:
        super().__init__(indices)
        self.fallback = indices[fallback]

    def __missing__(self, key: str) -> int:
        return self.fallback


_LANE_LOOKUP = _Lookup(LANE_INDEX, "simulation")
_KIND_LOOKUP = _Lookup(KIND_INDEX, "run")
_POSITION = attrgetter("position")
_TIME = attrgetter("sim_time")
_LANE = attrgetter("lane")
_KIND = attrgetter("kind")
_TYPE = attrgetter("type")
_WATCHED_TYPES = PROCESS_TYPES | {
    "FaultInjected",
    "FaultCleared",
    "BreakerStateChanged",
}


class _Occupancy:
    """The earliest and latest time of a kind's first ``filled`` marks per (lane, bin).

    Bins are ``width`` wide, anchored at t = 0, and the width is a power of
    two, so a grid halves its resolution in place (two bins folded into one)
    as the view widens, and grows at the end as marks arrive.  A bin at most
    half as wide as a view's pixel bin holds marks that land in at most two
    neighbouring pixel bins, those of its earliest and its latest mark (a
    pixel bin is found by a rounding that never decreases with the time), so
    decimating just those two gives the very pixels decimating all its marks
    gives.  An empty bin has ``earliest`` +inf and ``latest`` -inf.
    """

    def __init__(self, width: float) -> None:
        self.width = width
        self.filled = 0
        self.earliest = np.full((len(LANES), 256), np.inf)
        self.latest = np.full((len(LANES), 256), -np.inf)
        self.used = 0
        """Bins up to the last occupied one (the rest is spare capacity)."""

    def fill(self, times: FloatArray, lanes: IntArray) -> None:
        """Take in some more marks (the next ones after ``filled``)."""
        which = np.floor(times / self.width).astype(np.int64)
        if len(which):
            needed = int(which.max()) + 1
            if needed > self.earliest.shape[1]:
                size = max(needed, 2 * self.earliest.shape[1])
                self.earliest = self._grown(self.earliest, size, np.inf)
                self.latest = self._grown(self.latest, size, -np.inf)
            self.used = max(self.used, needed)
            np.minimum.at(self.earliest, (lanes, which), times)
            np.maximum.at(self.latest, (lanes, which), times)
        self.filled += len(times)

    def _grown(self, cells: FloatArray, size: int, empty: float) -> FloatArray:
        grown = np.full((len(LANES), size), empty)
        grown[:, : self.used] = cells[:, : self.used]
        return grown

    def coarsen(self) -> None:
        """Double the bin width: each new bin holds its two halves' marks."""
        used = self.used
        self.used = (used + 1) // 2
        for cells, fold, empty in (
            (self.earliest, np.minimum, np.inf),
            (self.latest, np.maximum, -np.inf),
        ):
            merged = cells[:, 0:used:2].copy()
            half = merged[:, : used // 2]
            fold(half, cells[:, 1:used:2], out=half)
            cells[:, :] = empty
            cells[:, : self.used] = merged
        self.width *= 2.0

    def bounds(self, first: int, last: int) -> tuple[FloatArray, IntArray]:
        """(time, lane) of the first and last mark of each occupied bin in a range."""
        first, last = max(0, first), min(self.used, last)
        if last <= first:
            return np.zeros(0, dtype=np.float64), np.zeros(0, dtype=np.int64)
        earliest = self.earliest[:, first:last]
        lane_rows, columns = np.nonzero(earliest <= self.latest[:, first:last])
        times = np.concatenate(
            (
                earliest[lane_rows, columns],
                self.latest[:, first:last][lane_rows, columns],
            )
        )
        return times, np.concatenate((lane_rows, lane_rows)).astype(np.int64)


GRID_FINER = 4
"""A grid's bins are made 1/GRID_FINER to half that of a view's bin wide."""


def grid_width(bin_width: float) -> float:
    """The power of two in (bin_width / 2 GRID_FINER, bin_width / GRID_FINER]."""
    return float(2.0 ** np.floor(np.log2(bin_width / GRID_FINER)))


class _KindColumns:
    """One kind's marks: position, simulated time and lane, in log order."""

    def __init__(self) -> None:
        self.positions = Growable(np.int64)
        self.times = Growable(np.float64)
        self.lanes = Growable(np.int64)
        self.grid: _Occupancy | None = None
        """Every mark kept, in bins; kept up to date only while views can use it."""
        self.ordered = True
        """True while the marks' times never go back (in log order): the grid
        serves a position before the newest mark only then (see :meth:`occupancy`)."""

    def extend_arrays(
        self, positions: IntArray, times: FloatArray, lanes: IntArray
    ) -> None:
        if self.ordered and len(times):
            previous = self.times.view[-1:]
            joined = np.concatenate((previous, times))
            self.ordered = bool(np.all(joined[1:] >= joined[:-1]))
        self.positions.extend(positions)
        self.times.extend(times)
        self.lanes.extend(lanes)

    def cut(self, position: int) -> int:
        """How many of this kind's marks are at or before a position."""
        return int(np.searchsorted(self.positions.view, position, side="right"))

    def occupancy(self, cut: int, in_view: int, bin_width: float) -> _Occupancy | None:
        """A grid holding every mark kept, fine enough for the view, if it serves.

        The grid kept is brought forward by the marks new since the last call
        (a live run) and coarsened as the view widens.  It serves a view as
        of any position (``cut`` marks), not only the newest: the marks' times
        never go back, so the first ``cut`` marks are all the grid's marks
        before the time of mark ``cut - 1`` and some at that time, and
        :meth:`TimelineData.marks` takes the grid's bins wholly before that
        time and the marks of the bin holding it one by one.  If the times
        ever went back there is no grid and the caller decimates the marks in
        view, as it would without one.  A grid too coarse for the view is
        built anew when that is likely to pay: the view holds at least half
        of the marks as of the position, so building costs about what
        decimating them would, and serves every later view of that width.
        """
        if not self.ordered:
            return None
        grid = self.grid
        if grid is None or grid.width > bin_width / 2:
            if 2 * in_view < cut:
                return None
            grid = self.grid = _Occupancy(grid_width(bin_width))
        while 2 * grid.width <= bin_width / GRID_FINER:
            grid.coarsen()
        size = self.times.size
        if grid.filled < size:
            times = self.times.view[grid.filled : size]
            lanes = self.lanes.view[grid.filled : size]
            grid.fill(np.asarray(times, np.float64), np.asarray(lanes, np.int64))
        return grid


class TimelineData:
    """Every log row seen so far, as columns the timeline can slice fast.

    Rows may be handed over twice (the first answer and the first frames can
    overlap): a row at or below the last position kept is ignored.
    """

    def __init__(self) -> None:
        self.rows: list[EventRow] = []
        self.positions = Growable(np.int64)
        self.times = Growable(np.float64)
        self.lanes = Growable(np.int64)
        self.kinds: dict[str, _KindColumns] = {kind: _KindColumns() for kind in KINDS}
        self.fault_rows: list[EventRow] = []
        self.breaker_rows: list[EventRow] = []
        self.sagas = SagaColumns()

    @property
    def last_position(self) -> int:
        """The newest position kept (0 before any row)."""
        return self.rows[-1].position if self.rows else 0

    @property
    def last_time(self) -> float:
        """The newest simulated time kept (0 before any row)."""
        return self.rows[-1].sim_time if self.rows else 0.0

    def append(self, rows: Iterable[EventRow]) -> int:
        """Keep the rows newer than the last one kept; how many were new."""
        new = newer(rows, self.last_position)
        if not new:
            return 0
        count = len(new)
        # each column in one C-level pass (map, attrgetter, dict lookups) with
        # no object made per row: a 20k-row batch costs a few ms
        positions = np.fromiter(map(_POSITION, new), np.int64, count)
        times = np.fromiter(map(_TIME, new), np.float64, count)
        lanes = np.fromiter(
            map(_LANE_LOOKUP.__getitem__, map(_LANE, new)), np.int64, count
        )
        kinds = np.fromiter(
            map(_KIND_LOOKUP.__getitem__, map(_KIND, new)), np.int64, count
        )
        self.rows.extend(new)
        self.positions.extend(positions)
        self.times.extend(times)
        self.lanes.extend(lanes)
        for kind, index in KIND_INDEX.items():
            chosen = np.flatnonzero(kinds == index)
            if len(chosen):
                self.kinds[kind].extend_arrays(
                    positions[chosen], times[chosen], lanes[chosen]
                )
        watched = _WATCHED_TYPES
        wanted = [i for i, kind in enumerate(map(_TYPE, new)) if kind in watched]
        processes: list[EventRow] = []
        for row in (new[i] for i in wanted):
            kind = row.type
            if kind in PROCESS_TYPES:
                processes.append(row)
            elif kind == "BreakerStateChanged":
                self.breaker_rows.append(row)
            else:
                self.fault_rows.append(row)
        self.sagas.add(processes)
        return count

    def count_until(self, position: int) -> int:
        """How many rows are at or before a position."""
        return int(np.searchsorted(self.positions.view, position, side="right"))

    def kind_counts(self, position: int) -> dict[str, int]:
        """Rows per kind at or before a position."""
        return {kind: columns.cut(position) for kind, columns in self.kinds.items()}

    def row(self, position: int) -> EventRow | None:
        """The row at a position, if kept."""
        found = int(np.searchsorted(self.positions.view, position))
        if found < len(self.rows) and self.rows[found].position == position:
            return self.rows[found]
        return None

    def marks(
        self, kind: str, position: int, x0: float, x1: float, bin_width: float
    ) -> tuple[FloatArray, IntArray]:
        """(times, lanes) of a kind's marks as of a position within [x0, x1].

        More than :data:`DECIMATE_ABOVE` marks are merged per ``bin_width``
        (about a pixel) and lane: the picture is the same, the cost is bounded.
        Those marks are read from the kind's occupancy grid when it serves:
        the same pixels, at a cost bounded by the pixels and the new marks.
        """
        columns = self.kinds[kind]
        cut = columns.cut(position)
        times = columns.times.view[:cut]
        start = int(np.searchsorted(times, x0, side="left"))
        stop = int(np.searchsorted(times, x1, side="right"))
        if stop - start <= DECIMATE_ABOVE or bin_width <= 0:
            xs = np.asarray(times[start:stop], dtype=np.float64)
            return xs, np.asarray(columns.lanes.view[start:stop], dtype=np.int64)
        # bins are anchored at t = 0: a run starts there, so no time is earlier
        wide = x1 - x0 >= 2 * bin_width and times[0] >= 0
        grid = columns.occupancy(cut, stop - start, bin_width) if wide else None
        if grid is None:
            xs = np.asarray(times[start:stop], dtype=np.float64)
            lanes = np.asarray(columns.lanes.view[start:stop], dtype=np.int64)
            return decimate(xs, lanes, x0, x1, bin_width)
        # the bins wholly inside the view from the grid; the marks in the
        # partial bins at its two ends (under a bin's width each) one by one
        first = int(np.ceil(x0 / grid.width))
        last = int(np.floor(x1 / grid.width))
        if cut < grid.filled:
            # as of an earlier position: the grid's bins wholly before the
            # last mark's time hold just the marks up to it (times never go
            # back); the bin holding that time is taken one by one
            last = min(last, int(np.floor(times[cut - 1] / grid.width)))
        inner_xs, inner_lanes = grid.bounds(first, last)
        inner_from = int(np.searchsorted(times, first * grid.width, side="left"))
        inner_to = int(np.searchsorted(times, last * grid.width, side="left"))
        if inner_to < inner_from:  # no whole bin in view
            inner_from = inner_to = stop
        ends = np.r_[start:inner_from, max(inner_to, start) : stop]
        xs = np.concatenate((inner_xs, np.asarray(times[ends], dtype=np.float64)))
        lanes = np.concatenate(
            (inner_lanes, np.asarray(columns.lanes.view[ends], dtype=np.int64))
        )
        return decimate(xs, lanes, x0, x1, bin_width)

    def pick(self, x: float, y: float, tolerance: float, position: int) -> int | None:
        """The position of the mark nearest ``x`` in lane row ``round(y)``, if close."""
        lane = round(y)
        if not 0 <= lane < len(LANES):
            return None
        times = np.asarray(
            self.times.view[: self.count_until(position)], dtype=np.float64
        )
        start, stop = np.searchsorted(times, [x - tolerance, x + tolerance])
        if start == stop:
            return None
        lanes = self.lanes.view[start:stop]
        hits = np.flatnonzero(lanes == lane)
        if len(hits) == 0:
            return None
        distances = np.abs(times[start:stop][hits] - x)
        return int(self.positions.view[start + hits[int(np.argmin(distances))]])

    def locate(self, positions: Iterable[int]) -> tuple[FloatArray, IntArray, IntArray]:
        """(times, lanes, positions) of the kept rows at some positions."""
        wanted = np.fromiter(positions, dtype=np.int64)
        kept = self.positions.view
        found = np.searchsorted(kept, wanted)
        inside = found < len(kept)
        found, wanted = found[inside], wanted[inside]
        exact = kept[found] == wanted
        found = found[exact]
        return (
            np.asarray(self.times.view[found], dtype=np.float64),
            np.asarray(self.lanes.view[found], dtype=np.int64),
            np.asarray(kept[found], dtype=np.int64),
        )


def exact_marks(
    data: TimelineData, kind: str, position: int, x0: float, x1: float, width: float
) -> tuple[FloatArray, IntArray]:
    """A kind's marks in view as of a position, every one decimated when crowded.

    The reference the grid's answers (:meth:`TimelineData.marks`) must equal;
    O(marks in view), so only tests and benchmarks call it.
    """
    columns = data.kinds[kind]
    times = columns.times.view[: columns.cut(position)]
    start = int(np.searchsorted(times, x0, side="left"))
    stop = int(np.searchsorted(times, x1, side="right"))
    xs = np.asarray(times[start:stop], dtype=np.float64)
    lanes = np.asarray(columns.lanes.view[start:stop], dtype=np.int64)
    if len(xs) <= DECIMATE_ABOVE:
        return xs, lanes
    return decimate(xs, lanes, x0, x1, width)


def decimate(
    times: FloatArray, lanes: IntArray, x0: float, x1: float, bin_width: float
) -> tuple[FloatArray, IntArray]:
    """One mark per occupied (lane, bin of ``bin_width``): an occupancy grid, O(n)."""
    bins = min(MAX_BINS, int(np.ceil((x1 - x0) / bin_width)) + 1)
    width = (x1 - x0) / max(1, bins - 1) if bins > 1 else bin_width
    which = np.clip(((times - x0) / width).astype(np.int64), 0, bins - 1)
    grid = np.zeros((len(LANES), bins), dtype=bool)
    grid[lanes, which] = True
    lane_rows, bin_columns = np.nonzero(grid)
    xs = (x0 + (bin_columns + 0.5) * width).astype(np.float64)
    return xs, lane_rows.astype(np.int64)


def tick_segments(
    times: FloatArray, lanes: IntArray, half: float
) -> tuple[FloatArray, FloatArray]:
    """Vertical ticks as point pairs for a curve drawn with ``connect="pairs"``."""
    xs = np.repeat(times, 2)
    ys = np.empty(2 * len(lanes), dtype=np.float64)
    ys[0::2] = lanes - half
    ys[1::2] = lanes + half
    return xs, ys
