"""The window's own work, a piece per pass of the event loop.

Qt runs every timer that is due, and then the window's posted paint, in one
pass of its event loop.  A panel's render, another panel's redraw and the
paint (20-30 ms each on a large run) could follow one another and keep
input, and everything else, waiting for their sum.  A piece of work started
by a timer that finds another piece just finished (within
:data:`SPACING_S`) waits for a later pass instead; work asked for directly
(a screenshot's flush, a test) is never held.

While a piece runs the simulation thread gives way (:func:`piece`, and
:mod:`ddd_sim.shared.courtesy` on the simulation's side): the two threads
share the interpreter lock, and every call a piece makes into Qt would
otherwise hand it over and wait to win it back.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QTimer

from ddd_sim.shared import courtesy

SPACING_S = 0.004
"""A piece of work this soon after another belongs to the same pass."""
RETRY_MS = 5
"""How long a held piece waits before trying again."""
GIVE_WAY_S = 0.1
"""The longest the simulation waits for one piece: a piece that takes longer
shares the lock again (and nothing the window waits for can deadlock)."""

_finished = [-math.inf]
_running = threading.Event()
"""Set while no piece runs."""
_running.set()
_pieces = [0, 0, 0]
"""[pieces under way (nested), pieces begun, the piece last waited for]"""
SWITCH_INTERVAL_S = 0.001
"""The interpreter's thread switch interval while the window shares it with
a run (Python's default is 5 ms): how long the window may wait for the lock
at the start of each of its handlers outside the pieces.  A thread running
alone never switches, so a run the window leaves alone loses nothing."""

_window_thread = [-1]
_shared = [0]
_interval = [sys.getswitchinterval()]


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


@contextmanager
def piece() -> Iterator[None]:
    """A piece of the window's work: the simulation gives way until it ends."""
    _pieces[0] += 1
    _pieces[1] += 1
    _running.clear()
    try:
        yield
    finally:
        _pieces[0] -= 1
        if not _pieces[0]:
            _running.set()


def _give_way() -> None:
    """The simulation's side: wait (once per piece, bounded) while a piece runs."""
    if _running.is_set() or threading.get_ident() == _window_thread[0]:
        return
    begun = _pieces[1]
    if _pieces[2] == begun:
        return  # waited for this piece already: it is a long one
    _pieces[2] = begun
    _running.wait(GIVE_WAY_S)


def share_with_simulation() -> None:
    """Make the simulation give way to the window's pieces (until :func:`unshare`)."""
    if not _shared[0]:
        _window_thread[0] = threading.get_ident()
        courtesy.install(_give_way)
        _interval[0] = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_S)
    _shared[0] += 1


def unshare() -> None:
    """Undo one :func:`share_with_simulation` (the last one uninstalls the hook)."""
    if not _shared[0]:
        return
    _shared[0] -= 1
    if not _shared[0]:
        courtesy.uninstall(_give_way)
        sys.setswitchinterval(_interval[0])
