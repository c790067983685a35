"""The timeline's shared pieces: growable numpy columns, lane rows, rectangles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ddd_sim.runtime.session.rows import LANES, EventRow

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

LANE_INDEX: dict[str, int] = {lane: i for i, lane in enumerate(LANES)}
"""A lane's row on the plot: 0 at the top."""
DECIMATE_ABOVE = 2_000
"""A kind with more marks than this in view is drawn once per pixel and lane."""
NEVER = np.iinfo(np.int64).max
"""A position no row reaches: "has not happened"."""


def newer(rows: Iterable[EventRow], last: int) -> list[EventRow]:
    """The rows after position ``last`` (rows come in log order)."""
    kept = list(rows)
    if not kept or kept[0].position > last:
        return kept
    return [r for r in kept if r.position > last]


def lane_of(name: str | None) -> int:
    """The plot row of a lane or context (unknown names go to the simulation lane)."""
    return LANE_INDEX.get(name or "", LANE_INDEX["simulation"])


MOVE_FROM = 1 << 18
"""A column this long (or longer) moves to its doubled array in steps."""
MOVE_STEP = 1 << 16
"""Values copied to the doubled array per extend while a column moves (or
eight times the values appended, if more: the copy, started with a quarter
of the array free, then catches up before the array is full)."""


class Growable:
    """A numpy column that grows geometrically, so appending stays amortised O(1).

    Values are only ever appended.  A long column starts copying itself into
    an array twice its size once it is three quarters full, a step per
    extend, and changes over when the copy has caught up: doubling a
    million-value column at once (every column of a panel doubles at about
    the same row) stopped the window for 50 ms.
    """

    def __init__(self, dtype: type[np.generic]) -> None:
        self._data: npt.NDArray[np.generic] = np.empty(256, dtype=dtype)
        self.size = 0
        self._next: npt.NDArray[np.generic] | None = None
        """The doubled array being filled, while the column moves."""
        self._copied = 0

    def extend(
        self, values: Sequence[float] | Sequence[int] | npt.NDArray[np.generic]
    ) -> None:
        """Append values at the end."""
        needed = self.size + len(values)
        if needed > len(self._data):
            self._move_now(needed)
        self._data[self.size : needed] = values
        self.size = needed
        self._move_a_step(8 * len(values))

    def _move_now(self, needed: int) -> None:
        target = self._next
        if target is None or len(target) < needed:
            target = np.empty(max(needed, 2 * len(self._data)), dtype=self._data.dtype)
            self._copied = 0
        target[self._copied : self.size] = self._data[self._copied : self.size]
        self._data, self._next, self._copied = target, None, 0

    def _move_a_step(self, at_least: int) -> None:
        capacity = len(self._data)
        if self._next is None:
            if capacity < MOVE_FROM or 4 * self.size < 3 * capacity:
                return
            self._next = np.empty(2 * capacity, dtype=self._data.dtype)
            self._copied = 0
        stop = min(self.size, self._copied + max(MOVE_STEP, at_least))
        self._next[self._copied : stop] = self._data[self._copied : stop]
        self._copied = stop
        if stop == self.size:
            self._data, self._next, self._copied = self._next, None, 0

    def set(self, index: int, value: float | int | bool) -> None:
        """Change a value already appended (a view's write may be lost in a move)."""
        if not 0 <= index < self.size:
            raise IndexError(f"index {index} is outside the column's {self.size}")
        self._data[index] = value
        if self._next is not None and index < self._copied:
            self._next[index] = value

    @property
    def view(self) -> npt.NDArray[np.generic]:
        """The filled part, a view (not a copy): change values with :meth:`set`."""
        return self._data[: self.size]


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
