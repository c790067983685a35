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
