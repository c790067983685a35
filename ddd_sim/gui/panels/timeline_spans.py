"""The timeline's spans: saga lifetimes, fault windows and breaker bands as bars.

Pure numpy, no Qt.  Saga lifetimes are kept as columns of the positions
where each process changed state, so the picture as of any position is a few
vector comparisons (a view over a whole long run reads the ended ones from
the runs of :mod:`.timeline_runs`); fault windows and breaker bands are
paired from their own log rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ddd_sim.gui.panels.timeline_columns import (
    DECIMATE_ABOVE,
    LANE_INDEX,
    NEVER,
    Bars,
    FloatArray,
    Growable,
    IntArray,
    lane_of,
)
from ddd_sim.gui.panels.timeline_runs import SettledRuns, fold_runs
from ddd_sim.runtime.session.rows import EventRow
from ddd_sim.runtime.world.model import FaultRow

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
        self.end_order = Growable(np.int64)
        self.end_positions = Growable(np.int64)
        """Which process ended at which position, in log (so position) order."""
        self.latest_end = Growable(np.float64)
        """The latest end time among the first so many processes in end order."""
        self._settled: SettledRuns | None = None

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
        ended: list[int] = []
        ended_at: list[int] = []
        for row in rows:
            ordinal = self.index.get(row.stream)
            if (
                row.type == "ProcessStarted"
                or ordinal is None
                or starts[ordinal] > row.position
            ):
                continue
            if row.type == "CompensationStarted":
                column = self.compensating_from
            elif row.type == "ProcessAbandoned":
                column = self.abandoned_from
            else:
                column = self.ended_from
                if column.view[ordinal] == NEVER:
                    self.end_times.set(ordinal, row.sim_time)
                    self.completed.set(ordinal, row.type == "ProcessCompleted")
                    ended.append(ordinal)
                    ended_at.append(row.position)
            if column.view[ordinal] == NEVER:
                column.set(ordinal, row.position)
        self.end_order.extend(ended)
        self.end_positions.extend(ended_at)
        if ended:
            so_far = self.latest_end.view[-1:]
            reach = np.maximum.accumulate(
                np.concatenate((so_far, self.end_times.view[ended]))
            )
            self.latest_end.extend(reach[len(so_far) :])

    def spans(self, position: int, now: float) -> SagaSpans:
        """Every process started at or before a position, as it stood there.

        One still running (as of the position) ends at ``now``.
        """
        count = int(np.searchsorted(self.start_positions.view, position, "right"))
        chosen = np.arange(count, dtype=np.int64)
        starts, ends, groups = self._lifetimes(chosen, position, now)
        return SagaSpans(tuple(self.ids[:count]), starts, ends, groups)

    def _lifetimes(
        self, chosen: IntArray, position: int, now: float
    ) -> tuple[FloatArray, FloatArray, IntArray]:
        """(start, end, group) of some processes as they stood at a position."""

        def since(column: Growable) -> IntArray:
            return np.asarray(column.view[chosen], dtype=np.int64)

        ended = since(self.ended_from) <= position
        ends = np.where(ended, np.minimum(self.end_times.view[chosen], now), now)
        over = np.where(
            self.completed.view[chosen], SAGA_GROUP_IDS["completed"], COMPENSATED
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
        return (
            np.asarray(self.start_times.view[chosen], dtype=np.float64),
            ends.astype(np.float64),
            np.where(ended, over, under_way).astype(np.int64),
        )

    def bars(
        self,
        position: int,
        now: float,
        x0: float,
        x1: float,
        min_width: float = 0.0,
        gap: float = 0.0,
    ) -> dict[str, Bars]:
        """``saga_bars(self.spans(position, now), x0, x1, min_width, gap)``, bounded.

        When every process is in view and there are enough to be merged (a
        view over a whole long run), the ones ended as of the position come
        from runs merged as they ended (:class:`SettledRuns`, which keeps
        the runs as of every so many ends, so an earlier position is served
        too) and only the few ended since that checkpoint and those under way
        as of the position are looked at: a few vector operations over the
        runs (bounded by the pixels) and those processes.  Runs merged for a
        coarser gap than the view's are built anew; any other view takes the
        exact path.
        """
        count = int(np.searchsorted(self.start_positions.view, position, "right"))
        starts = self.start_times.view
        ended = int(np.searchsorted(self.end_positions.view, position, "right"))
        whole = (
            count > DECIMATE_ABOVE
            and gap > 0
            and min_width >= 2 * gap
            and x0 <= starts[0]
            and x1 >= starts[count - 1]
            # a run ends where its processes ended: none may end after ``now``
            and (ended == 0 or self.latest_end.view[ended - 1] <= now)
        )
        if not whole:
            return saga_bars(self.spans(position, now), x0, x1, min_width, gap)
        settled = self._settled_for(gap)
        self._bring_forward(settled, ended)
        checkpoint = settled.as_of(ended)
        # ended since the checkpoint, and under way as of the position (started
        # by then, not ended by then): two disjoint sets
        since = np.asarray(self.end_order.view[checkpoint.ended : ended], np.int64)
        ended_from = np.asarray(self.ended_from.view[:count], np.int64)
        under_way = np.flatnonzero(ended_from > position)
        chosen = np.concatenate((since, under_way))
        run_starts, ends, groups = self._lifetimes(chosen, position, now)
        keys = np.concatenate(
            (checkpoint.keys, groups * SAGA_SLOTS + chosen % SAGA_SLOTS)
        )
        firsts = np.concatenate((checkpoint.firsts, run_starts))
        lasts = np.concatenate((checkpoint.lasts, run_starts))
        reach = np.concatenate((checkpoint.reach, ends))
        keys, firsts, lasts, reach = fold_runs(
            keys, firsts, lasts, reach, gap, min_width
        )
        return _bars_by_group(keys, firsts, np.maximum(reach, lasts + min_width))

    def _settled_for(self, gap: float) -> SettledRuns:
        """The settled runs, merged for the power of two at most ``gap``.

        Merged coarser as the gap grows; built anew if it got finer than the
        runs were merged for.
        """
        settled = self._settled
        if settled is None or settled.gap > gap:
            settled = self._settled = SettledRuns(float(2.0 ** np.floor(np.log2(gap))))
        while 2 * settled.gap <= gap:
            settled.coarsen()
        return settled

    def _bring_forward(self, settled: SettledRuns, ended: int) -> None:
        """Fold in the first ``ended`` processes to end, a checkpoint at a time."""
        while settled.ended < ended:
            upto = min(ended, settled.next_checkpoint)
            chosen = np.asarray(self.end_order.view[settled.ended : upto], np.int64)
            groups = np.where(
                self.completed.view[chosen], SAGA_GROUP_IDS["completed"], COMPENSATED
            )
            settled.add(
                groups * SAGA_SLOTS + chosen % SAGA_SLOTS,
                np.asarray(self.start_times.view[chosen], np.float64),
                np.asarray(self.end_times.view[chosen], np.float64),
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
    return _bars_by_group(keys, starts, ends)


def _bars_by_group(
    keys: IntArray, starts: FloatArray, ends: FloatArray
) -> dict[str, Bars]:
    """Bars keyed ``group * SAGA_SLOTS + row`` as rectangles, by group name."""
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


def _partner(row: EventRow) -> str | None:
    """The other side of a partition ("fault partition on a~b" → "b"), else None."""
    words = row.summary.split()
    if len(words) > 3 and "~" in words[3]:
        return words[3].split("~", 1)[1]
    return None


def fault_windows(
    fault_rows: Sequence[EventRow],
    active: Sequence[FaultRow],
    position: int,
    now: float,
) -> list[Window]:
    """Fault windows as of a position: closed ones from the log, open from the world.

    An injection is paired with the first later clearing of the same kind on
    the same target; what is still open as of the position is the world's
    active faults, drawn up to ``now``.  A partition shades both its sides.
    """
    opened: dict[tuple[str, str], list[tuple[float, str | None]]] = {}
    partners: dict[tuple[str, str], str | None] = {}
    windows: list[Window] = []

    def shade(
        key: tuple[str, str], partner: str | None, start: float, end: float
    ) -> None:
        windows.append(Window(key[0], key[1], start, end))
        if partner is not None:
            windows.append(Window(partner, key[1], start, end))

    for row in fault_rows:
        if row.position > position:
            break
        key = (row.target or "", _fault_kind(row))
        if row.type == "FaultInjected":
            partners[key] = _partner(row)
            opened.setdefault(key, []).append((row.sim_time, partners[key]))
        elif opened.get(key):
            start, partner = opened[key].pop(0)
            shade(key, partner, start, row.sim_time)
    for fault in active:
        key = (fault.target, fault.kind)
        shade(key, partners.get(key), fault.since, now)
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
