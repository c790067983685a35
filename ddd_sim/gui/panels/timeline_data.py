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

import numpy as np
import numpy.typing as npt

from ddd_sim.runtime.session.rows import KINDS, LANES, EventRow
from ddd_sim.runtime.world.model import FaultRow, SagaRow

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

LANE_INDEX: dict[str, int] = {lane: i for i, lane in enumerate(LANES)}
"""A lane's row on the plot: 0 at the top."""
KIND_INDEX: dict[str, int] = {kind: i for i, kind in enumerate(KINDS)}
DECIMATE_ABOVE = 2_000
"""A kind with more marks than this in view is drawn once per pixel and lane."""
MAX_BINS = 8_000
"""No view is wider than this many pixel bins (guards a degenerate bin width)."""
SAGA_GROUPS: dict[str, str] = {
    "running": "in_flight",
    "compensating": "compensating",
    "completed": "completed",
    "compensated": "compensated",
    "abandoned": "compensated",
}
"""How a saga's status is drawn: in flight, compensating, completed, compensated."""
SAGA_SLOTS = 4
"""Saga spans are stacked in this many thin rows of the processes lane."""


def lane_of(name: str | None) -> int:
    """The plot row of a lane or context (unknown names go to the simulation lane)."""
    return LANE_INDEX.get(name or "", LANE_INDEX["simulation"])


class Growable:
    """A numpy column that grows geometrically, so appending stays amortised O(1)."""

    def __init__(self, dtype: type[np.generic]) -> None:
        self._data: npt.NDArray[np.generic] = np.empty(256, dtype=dtype)
        self.size = 0

    def extend(self, values: Sequence[float] | Sequence[int]) -> None:
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

    def extend(self, rows: Sequence[EventRow]) -> None:
        self.positions.extend([r.position for r in rows])
        self.times.extend([r.sim_time for r in rows])
        self.lanes.extend([lane_of(r.lane) for r in rows])

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
        last = self.last_position
        new = [r for r in rows if r.position > last]
        if not new:
            return 0
        self.rows.extend(new)
        self.positions.extend([r.position for r in new])
        self.times.extend([r.sim_time for r in new])
        self.lanes.extend([lane_of(r.lane) for r in new])
        by_kind: dict[str, list[EventRow]] = {}
        for row in new:
            by_kind.setdefault(
                row.kind if row.kind in KIND_INDEX else "run", []
            ).append(row)
        for kind, kind_rows in by_kind.items():
            self.kinds[kind].extend(kind_rows)
        self.fault_rows.extend(
            r for r in new if r.type in ("FaultInjected", "FaultCleared")
        )
        self.breaker_rows.extend(r for r in new if r.type == "BreakerStateChanged")
        return len(new)

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


def saga_bars(
    sagas: Sequence[SagaRow], now: float, min_width: float = 0.0
) -> dict[str, Bars]:
    """Each saga's lifetime as a thin bar in the processes lane, by status group.

    A saga still running ends at ``now``; a saga that started after ``now``
    is left out.  Sagas take turns over :data:`SAGA_SLOTS` rows so that
    neighbours do not overlap; ``min_width`` keeps a short one visible.
    """
    kept = [s for s in sagas if s.started_at <= now]
    starts = np.fromiter((s.started_at for s in kept), dtype=np.float64)
    ends = np.fromiter(
        (now if s.ended_at is None else min(s.ended_at, now) for s in kept),
        dtype=np.float64,
    )
    ends = np.maximum(ends, starts + min_width)
    groups = np.array([SAGA_GROUPS.get(s.status, "in_flight") for s in kept])
    slot = np.arange(len(kept)) % SAGA_SLOTS
    lane = LANE_INDEX["processes"]
    height = 0.84 / SAGA_SLOTS
    tops = lane - 0.42 + slot * height
    out: dict[str, Bars] = {}
    for group in dict.fromkeys(SAGA_GROUPS.values()):
        chosen = groups == group
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
