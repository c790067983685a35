"""The settled saga runs: ended processes merged per (group, row), as of any end.

Pure numpy, no Qt.  Processes are folded in in the order they ended; the
runs are kept as of every :data:`CHECKPOINT_ENDS` ends, so the runs of the
processes ended as of any position are a checkpoint and a few more.  Used
by :meth:`.timeline_spans.SagaColumns.bars`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ddd_sim.gui.panels.timeline_columns import FloatArray, IntArray

CHECKPOINT_ENDS = 1_024
"""Settled runs are kept as of every this many processes ended."""


@dataclass(frozen=True, slots=True)
class Runs:
    """Runs per (group, row) of the first ``ended`` processes to end.

    A run is its first start, its last start and the latest end of its
    processes; ``keys`` are ``group * SAGA_SLOTS + row``.
    """

    ended: int
    keys: IntArray
    firsts: FloatArray
    lasts: FloatArray
    reach: FloatArray

    def refolded(self, gap: float) -> Runs:
        """The same processes merged for a (coarser) gap."""
        keys, firsts, lasts, reach = fold_runs(
            self.keys, self.firsts, self.lasts, self.reach, gap, 2 * gap
        )
        return Runs(self.ended, keys, firsts, lasts, reach)


class SettledRuns:
    """Ended processes merged into runs per (group, row), for a gap ``gap``.

    Drawing a run with any ``min_width`` of at least twice the gap it was
    merged for gives the same bar as drawing its processes one by one:
    merging with a smaller gap and narrower bars only joins processes that
    the view's merge joins too, and a run's drawn end is ``max(reach, last
    start + min_width)``.  Processes are folded in in end (so log) order;
    the runs as of every :data:`CHECKPOINT_ENDS` processes are kept (they
    share their arrays, which are never written in place), so the runs as
    of any earlier position are a checkpoint and at most that many more.
    """

    def __init__(self, gap: float) -> None:
        self.gap = gap
        nothing = np.zeros(0, dtype=np.float64)
        self.runs = Runs(0, np.zeros(0, dtype=np.int64), nothing, nothing, nothing)
        self.checkpoints: list[Runs] = [self.runs]
        """The runs as of 0, 1, 2… times :data:`CHECKPOINT_ENDS` processes ended."""

    @property
    def ended(self) -> int:
        """How many processes (in end order) are folded in."""
        return self.runs.ended

    @property
    def next_checkpoint(self) -> int:
        """How many processes the next checkpoint will hold."""
        return (self.ended // CHECKPOINT_ENDS + 1) * CHECKPOINT_ENDS

    def add(self, keys: IntArray, starts: FloatArray, ends: FloatArray) -> None:
        """Fold in the next few ended processes (at most to the next checkpoint)."""
        runs = self.runs
        self.runs = Runs(
            runs.ended + len(keys),
            np.concatenate((runs.keys, keys)),
            np.concatenate((runs.firsts, starts)),
            np.concatenate((runs.lasts, starts)),
            np.concatenate((runs.reach, ends)),
        ).refolded(self.gap)
        if self.runs.ended == len(self.checkpoints) * CHECKPOINT_ENDS:
            self.checkpoints.append(self.runs)

    def coarsen(self) -> None:
        """Double the gap: the runs and every checkpoint merged for it."""
        self.gap *= 2.0
        latest_kept = self.checkpoints[-1] is self.runs
        self.checkpoints = [runs.refolded(self.gap) for runs in self.checkpoints]
        self.runs = (
            self.checkpoints[-1] if latest_kept else self.runs.refolded(self.gap)
        )

    def as_of(self, ended: int) -> Runs:
        """The runs of the first ``ended`` processes to end, or of fewer."""
        if ended >= self.runs.ended:
            return self.runs
        return self.checkpoints[ended // CHECKPOINT_ENDS]


def fold_runs(
    keys: IntArray,
    firsts: FloatArray,
    lasts: FloatArray,
    reach: FloatArray,
    gap: float,
    min_width: float,
) -> tuple[IntArray, FloatArray, FloatArray, FloatArray]:
    """Runs (any order) of the same key merged where closer than ``gap``.

    A run is drawn from its first start to ``max(reach, last start +
    min_width)``; merged runs keep the earliest first start and the latest
    last start and reach.  The order of the input does not matter: merging
    is a union of intervals.
    """
    if len(keys) == 0:
        return keys, firsts, lasts, reach
    order = np.lexsort((firsts, keys))
    keys, firsts, lasts, reach = keys[order], firsts[order], lasts[order], reach[order]
    drawn_to = np.maximum(reach, lasts + min_width)
    # the reach so far within each key: a running maximum restarted per key
    # by lifting each key above every earlier one
    lift = keys * (2.0 * (float(drawn_to.max() - firsts.min()) + gap) + 1.0)
    so_far = np.maximum.accumulate(drawn_to + lift) - lift
    breaks = (keys[1:] != keys[:-1]) | (firsts[1:] > so_far[:-1] + gap)
    starts = np.concatenate(([0], np.flatnonzero(breaks) + 1))
    return (
        keys[starts],
        firsts[starts],
        np.maximum.reduceat(lasts, starts),
        np.maximum.reduceat(reach, starts),
    )
