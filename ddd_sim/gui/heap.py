"""Keeps a session's long-lived heap out of the cyclic garbage collector's view.

A folded log is millions of small objects (the world index, the simulation's
state, the rows every panel keeps) that live as long as the session.
CPython's full collection walks every one of them while holding the GIL, so
on a large session it stops both threads, the window's included, for up to a
second, and again each time the heap has grown by a quarter.  Folding and
running make (as measured on a million-event log) no garbage cycles, so what
the session has folded is moved out of the collector's view (``gc.freeze``)
as it comes; a full collection then walks only what came since.  Frozen
objects are still freed by reference counting; only a cycle that dies after
being frozen waits for :meth:`HeapKeeper.release`.
"""

from __future__ import annotations

import gc

REFREEZE_EVERY = 1_000
"""Log positions folded between two freezes (a live tick folds thousands)."""
FULL_EVERY = 1_000_000
"""Young collections between two automatic full ones while a keeper holds the
heap: in effect none, since what lives long is frozen in steps instead (a
full collection over what came since the last freeze still took 20 ms)."""

_held: list[tuple[int, int, int] | None] = [None]
"""The collector's thresholds from before any keeper held the heap."""
_thaws = [0]
"""How many times a keeper has thawed the heap (``gc.get_freeze_count`` would
tell too, but it walks every frozen object, a stall of its own)."""


class HeapKeeper:
    """Freezes the heap each time the session has folded enough new positions.

    One keeper per simulation thread.  The first call freezes at once (the
    application's own long-lived objects); after that, every
    :data:`REFREEZE_EVERY` positions, and again at once after a release by
    any keeper has thawed the heap.
    """

    def __init__(self, every: int = REFREEZE_EVERY) -> None:
        self.every = every
        self.frozen_at: int | None = None
        self.freezes = 0
        self._thaw = _thaws[0]

    def due(self, head: int) -> bool:
        """True when a freeze is due at a folded head."""
        if self.frozen_at is None or self._thaw != _thaws[0]:
            return True
        return head - self.frozen_at >= self.every

    def folded(self, head: int) -> bool:
        """Tell the keeper the folded head; it freezes when due (True if it did)."""
        if not self.due(head):
            return False
        # only the young generations: a full collection here would walk all
        # that came since the last freeze, the very stall this avoids
        gc.collect(1)
        gc.freeze()
        if _held[0] is None:
            young, middle, full = gc.get_threshold()
            _held[0] = (young, middle, full)
            gc.set_threshold(young, middle, FULL_EVERY)
        self.frozen_at = head
        self._thaw = _thaws[0]
        self.freezes += 1
        return True

    def release(self) -> None:
        """Give the frozen heap back to the collector (the session is closing)."""
        gc.unfreeze()
        if _held[0] is not None:
            gc.set_threshold(*_held[0])
            _held[0] = None
        _thaws[0] += 1
        self.frozen_at = None
