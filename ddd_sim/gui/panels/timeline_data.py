"""The timeline's numbers: marks per kind, saga spans, fault windows, breaker bands.

Pure numpy, no Qt, so every rule here is tested without a screen.  Log rows
arrive in position order (and so in simulated-time order); they are kept as
growable numpy columns, one set per kind, so that "the marks of a kind as of
a position, inside the view" is two binary searches and a slice.  When a
slice holds more marks than the view has pixels, marks that would land on
the same pixel of the same lane are drawn once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter

import numpy as np
import numpy.typing as npt

from ddd_sim.runtime.session.rows import KINDS, LANES, EventRow
from ddd_sim.runtime.world.model import FaultRow

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

LANE_INDEX: dict[str, int] = {lane: i for i, lane in enumerate(LANES)}
"""A lane's row on the plot: 0 at the top."""
KIND_INDEX: dict[str, int] = {kind: i for i, kind in enumerate(KINDS)}
DECIMATE_ABOVE = 2_000
"""A kind with more marks than this in view is drawn once per pixel and lane."""
MAX_BINS = 8_000
"""No view is wider than this many pixel bins (guards a degenerate bin width)."""
SAGA_SLOTS = 4
"""Saga spans are stacked in this many thin rows of the processes lane."""
SAGA_GROUP_NAMES = ("in_flight", "compensating", "completed", "compensated")
"""How a saga is drawn (an abandoned one as compensated)."""
SAGA_GROUP_IDS = {name: i for i, name in enumerate(SAGA_GROUP_NAMES)}
COMPENSATED = SAGA_GROUP_IDS["compensated"]
PROCESS_TYPES = frozenset(
    {
        "ProcessStarted",
        "CompensationStarted",
        "ProcessAbandoned",
        "ProcessCompleted",
        "ProcessCompensated",
    }
)
"""The log rows a saga span is made of."""
INGEST_ROWS = 4_000
"""A panel takes in at most this many new rows per event-loop turn."""
BULK_ROWS = 2_000
"""A frame bringing more new rows than this is redrawn on the next turn."""
NEVER = np.iinfo(np.int64).max
"""A position no row reaches: "has not happened"."""


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


def newer(rows: Iterable[EventRow], last: int) -> list[EventRow]:
    """The rows after position ``last`` (rows come in log order)."""
    kept = list(rows)
    if not kept or kept[0].position > last:
        return kept
    return [r for r in kept if r.position > last]


def lane_of(name: str | None) -> int:
    """The plot row of a lane or context (unknown names go to the simulation lane)."""
    return LANE_INDEX.get(name or "", LANE_INDEX["simulation"])


class Growable:
    """A numpy column that grows geometrically, so appending stays amortised O(1)."""

    def __init__(self, dtype: type[np.generic]) -> None:
        self._data: npt.NDArray[np.generic] = np.empty(256, dtype=dtype)
        self.size = 0

    def extend(
        self, values: Sequence[float] | Sequence[int] | npt.NDArray[np.generic]
    ) -> None:
        """Append values at the end."""
        needed = self.size + len(values)
        if needed > len(self._data):
            grown = np.empty(max(needed, 2 * len(self._data)), dtype=self._data.dtype)
            grown[: self.size] = self._data[: self.size]
            self._data = grown
        self._data[self.size : needed] = values
        self.size = needed

    @property
    def view(self) -> npt.NDArray[np.generic]:
        """The filled part (a view, not a copy)."""
        return self._data[: self.size]


class _KindColumns:
    """One kind's marks: position, simulated time and lane, in log order."""

    def __init__(self) -> None:
        self.positions = Growable(np.int64)
        self.times = Growable(np.float64)
        self.lanes = Growable(np.int64)

    def extend_arrays(
        self, positions: IntArray, times: FloatArray, lanes: IntArray
    ) -> None:
        self.positions.extend(positions)
        self.times.extend(times)
        self.lanes.extend(lanes)

    def cut(self, position: int) -> int:
        """How many of this kind's marks are at or before a position."""
        return int(np.searchsorted(self.positions.view, position, side="right"))


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
        """
        columns = self.kinds[kind]
        cut = columns.cut(position)
        times = columns.times.view[:cut]
        start = int(np.searchsorted(times, x0, side="left"))
        stop = int(np.searchsorted(times, x1, side="right"))
        xs = np.asarray(times[start:stop], dtype=np.float64)
        lanes = np.asarray(columns.lanes.view[start:stop], dtype=np.int64)
        if len(xs) <= DECIMATE_ABOVE or bin_width <= 0:
            return xs, lanes
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


@dataclass(frozen=True, slots=True)
class Bars:
    """Rectangles in plot coordinates: x from ``x0`` to ``x1``, y ``y0`` to ``y1``."""

    x0: FloatArray
    x1: FloatArray
    y0: FloatArray
    y1: FloatArray

    def __len__(self) -> int:
        return len(self.x0)

    @staticmethod
    def empty() -> Bars:
        """No rectangles."""
        nothing = np.zeros(0, dtype=np.float64)
        return Bars(nothing, nothing, nothing, nothing)


@dataclass(frozen=True, slots=True)
class Window:
    """A span of simulated time on one lane: a fault window or a breaker state."""

    lane: str
    label: str
    start: float
    end: float


@dataclass(frozen=True, slots=True)
class SagaSpans:
    """Processes started as of a position, in start order: lifetime and drawn group.

    ``ids`` are the process streams; ``groups`` index :data:`SAGA_GROUP_NAMES`.
    """

    ids: tuple[str, ...]
    starts: FloatArray
    ends: FloatArray
    groups: IntArray

    def __len__(self) -> int:
        return len(self.starts)


class SagaColumns:
    """Each process's lifetime from its own log rows, kept as numpy columns.

    The rule is the world's (see ``ddd_sim.runtime.world.sagas``): a process
    runs from its ProcessStarted; it is compensating from a CompensationStarted
    while running, abandoned from a ProcessAbandoned, and over at its
    ProcessCompleted or ProcessCompensated.  Each column holds the position
    where that happened (:data:`NEVER` if not yet), so the state as of any
    position is a handful of vector comparisons.
    """

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.ids: list[str] = []
        self.start_positions = Growable(np.int64)
        self.start_times = Growable(np.float64)
        self.compensating_from = Growable(np.int64)
        self.abandoned_from = Growable(np.int64)
        self.ended_from = Growable(np.int64)
        self.end_times = Growable(np.float64)
        self.completed = Growable(np.bool_)

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, rows: Sequence[EventRow]) -> None:
        """Take process rows (of :data:`PROCESS_TYPES`) in log order."""
        started = [r for r in rows if r.type == "ProcessStarted"]
        fresh: list[EventRow] = []
        for row in started:
            if row.stream not in self.index:
                self.index[row.stream] = len(self.ids)
                self.ids.append(row.stream)
                fresh.append(row)
        if fresh:
            count = len(fresh)
            never = np.full(count, NEVER, dtype=np.int64)
            self.start_positions.extend([r.position for r in fresh])
            self.start_times.extend([r.sim_time for r in fresh])
            self.compensating_from.extend(never)
            self.abandoned_from.extend(never)
            self.ended_from.extend(never)
            self.end_times.extend(np.zeros(count))
            self.completed.extend(np.zeros(count, dtype=np.bool_))
        starts = self.start_positions.view
        for row in rows:
            ordinal = self.index.get(row.stream)
            if (
                row.type == "ProcessStarted"
                or ordinal is None
                or starts[ordinal] > row.position
            ):
                continue
            if row.type == "CompensationStarted":
                column = self.compensating_from.view
            elif row.type == "ProcessAbandoned":
                column = self.abandoned_from.view
            else:
                column = self.ended_from.view
                if column[ordinal] == NEVER:
                    self.end_times.view[ordinal] = row.sim_time
                    self.completed.view[ordinal] = row.type == "ProcessCompleted"
            if column[ordinal] == NEVER:
                column[ordinal] = row.position

    def spans(self, position: int, now: float) -> SagaSpans:
        """Every process started at or before a position, as it stood there.

        One still running (as of the position) ends at ``now``.
        """
        count = int(np.searchsorted(self.start_positions.view, position, "right"))

        def since(column: Growable) -> IntArray:
            return np.asarray(column.view[:count], dtype=np.int64)

        ended = since(self.ended_from) <= position
        ends = np.where(ended, np.minimum(self.end_times.view[:count], now), now)
        over = np.where(
            self.completed.view[:count], SAGA_GROUP_IDS["completed"], COMPENSATED
        )
        under_way = np.where(
            since(self.abandoned_from) <= position,
            COMPENSATED,
            np.where(
                since(self.compensating_from) <= position,
                SAGA_GROUP_IDS["compensating"],
                SAGA_GROUP_IDS["in_flight"],
            ),
        )
        return SagaSpans(
            tuple(self.ids[:count]),
            np.asarray(self.start_times.view[:count], dtype=np.float64),
            ends.astype(np.float64),
            np.where(ended, over, under_way).astype(np.int64),
        )


def _merge_runs(
    starts: FloatArray, ends: FloatArray, gap: float
) -> tuple[IntArray, FloatArray]:
    """(index of each run's first span, the run's end) for spans sorted by start."""
    if len(starts) == 0:
        return np.zeros(0, dtype=np.int64), ends
    reach = np.maximum.accumulate(ends)
    breaks = np.flatnonzero(starts[1:] > reach[:-1] + gap) + 1
    firsts = np.concatenate(([0], breaks)).astype(np.int64)
    lasts = np.concatenate((breaks - 1, [len(starts) - 1]))
    return firsts, reach[lasts]


def merge_spans(
    starts: FloatArray, ends: FloatArray, gap: float
) -> tuple[FloatArray, FloatArray]:
    """Spans (sorted by start) closer than ``gap`` joined into one: O(n), vectorised."""
    firsts, run_ends = _merge_runs(starts, ends, gap)
    return starts[firsts], run_ends


def saga_bars(
    spans: SagaSpans,
    x0: float,
    x1: float,
    min_width: float = 0.0,
    gap: float = 0.0,
) -> dict[str, Bars]:
    """The spans in view as thin bars in the processes lane, by status group.

    Sagas take turns over :data:`SAGA_SLOTS` rows so that neighbours do not
    overlap; ``min_width`` keeps a short one visible.  More than
    :data:`DECIMATE_ABOVE` in view are merged where closer than ``gap`` (about
    a pixel) in the same row and group: the picture is the same, the cost bounded.
    """
    # starts are sorted: those after the view are cut off by one search
    stop = int(np.searchsorted(spans.starts, x1, side="right"))
    visible = np.flatnonzero(spans.ends[:stop] >= x0)
    starts = spans.starts[visible]
    ends = np.maximum(spans.ends[visible], starts + min_width)
    keys = spans.groups[visible] * SAGA_SLOTS + visible % SAGA_SLOTS
    if len(visible) > DECIMATE_ABOVE:
        # sort by (group, row), keeping start order, and shift each (group,
        # row) far from the others: one vectorised merge serves them all
        order = np.argsort(keys, kind="stable")
        keys, starts, ends = keys[order], starts[order], ends[order]
        unit = 2.0 * (float(ends.max() - starts.min()) + gap) + 1.0
        shift = keys * unit
        firsts, reach = _merge_runs(starts + shift, ends + shift, gap)
        keys, starts, ends = keys[firsts], starts[firsts], reach - shift[firsts]
    lane = LANE_INDEX["processes"]
    height = 0.84 / SAGA_SLOTS
    tops = lane - 0.42 + (keys % SAGA_SLOTS) * height
    groups = keys // SAGA_SLOTS
    out: dict[str, Bars] = {}
    for group_id, group in enumerate(SAGA_GROUP_NAMES):
        chosen = groups == group_id
        out[group] = Bars(
            starts[chosen],
            ends[chosen],
            tops[chosen] + 0.15 * height,
            tops[chosen] + 0.85 * height,
        )
    return out


def _fault_kind(row: EventRow) -> str:
    """The fault kind named in a fault row's summary ("fault down on shipping …")."""
    words = row.summary.split()
    return words[1] if len(words) > 1 else ""


def fault_windows(
    fault_rows: Sequence[EventRow],
    active: Sequence[FaultRow],
    position: int,
    now: float,
) -> list[Window]:
    """Fault windows as of a position: closed ones from the log, open from the world.

    An injection is paired with the first later clearing of the same kind on
    the same target; what is still open as of the position is the world's
    active faults, drawn up to ``now``.
    """
    opened: dict[tuple[str, str], list[float]] = {}
    windows: list[Window] = []
    for row in fault_rows:
        if row.position > position:
            break
        key = (row.target or "", _fault_kind(row))
        if row.type == "FaultInjected":
            opened.setdefault(key, []).append(row.sim_time)
        elif opened.get(key):
            start = opened[key].pop(0)
            windows.append(Window(key[0], key[1], start, row.sim_time))
    windows.extend(Window(f.target, f.kind, f.since, now) for f in active)
    return windows


def breaker_state(row: EventRow) -> str:
    """The state a breaker row changed to ("breaker X: closed → open" → "open")."""
    return row.summary.rsplit("→", 1)[-1].strip()


def breaker_windows(
    breaker_rows: Sequence[EventRow], position: int, now: float
) -> list[Window]:
    """Spans of each breaker's open and half-open states as of a position.

    A state lasts until the target's next change, or up to ``now``.
    """
    current: dict[str, tuple[str, float]] = {}
    windows: list[Window] = []
    for row in breaker_rows:
        if row.position > position:
            break
        target = row.target or ""
        if target in current:
            state, since = current[target]
            if state != "closed":
                windows.append(Window(target, state, since, row.sim_time))
        current[target] = (breaker_state(row), row.sim_time)
    for target, (state, since) in current.items():
        if state != "closed":
            windows.append(Window(target, state, since, now))
    return windows


def window_bars(
    windows: Iterable[Window], top: float, bottom: float, min_width: float = 0.0
) -> Bars:
    """Windows as rectangles on their lanes, from ``top`` to ``bottom`` of the lane."""
    chosen = list(windows)
    lanes = np.fromiter((lane_of(w.lane) for w in chosen), dtype=np.float64)
    starts = np.fromiter((w.start for w in chosen), dtype=np.float64)
    ends = np.fromiter((w.end for w in chosen), dtype=np.float64)
    return Bars(
        starts, np.maximum(ends, starts + min_width), lanes + top, lanes + bottom
    )


def tick_segments(
    times: FloatArray, lanes: IntArray, half: float
) -> tuple[FloatArray, FloatArray]:
    """Vertical ticks as point pairs for a curve drawn with ``connect="pairs"``."""
    xs = np.repeat(times, 2)
    ys = np.empty(2 * len(lanes), dtype=np.float64)
    ys[0::2] = lanes - half
    ys[1::2] = lanes + half
    return xs, ys
