"""The window's own work, a piece per pass of the event loop.

Qt runs every timer that is due, and then the window's posted paint, in one
pass of its event loop.  A panel's render, another panel's redraw and the
paint (20-30 ms each on a large run) could follow one another and keep
input, and everything else, waiting for their sum.  A piece of work started
by a timer that finds another piece just finished (within
:data:`SPACING_S`) waits for a later pass instead; work asked for directly
(a screenshot's flush, a test) is never held.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QTimer

SPACING_S = 0.004
"""A piece of work this soon after another belongs to the same pass."""
RETRY_MS = 5
"""How long a held piece waits before trying again."""

_finished = [-math.inf]


def crowded() -> bool:
    """True when another piece of the window's work has only just finished."""
    return time.perf_counter() - _finished[0] < SPACING_S


def finished() -> None:
    """Note that a piece of the window's work has just finished."""
    _finished[0] = time.perf_counter()


def held(timer: QTimer, interval_ms: int = 0) -> bool:
    """True, with ``timer`` started again for a later pass, when the work it
    started should wait; else False, the timer's interval back to ``interval_ms``."""
    if crowded():
        timer.setInterval(RETRY_MS)
        timer.start()
        return True
    timer.setInterval(interval_ms)
    return False
