"""What the log-fed panels share: the rows they keep, their playheads, "Fit run".

A panel fed by the log (timeline, metrics, event store, context map) keeps
every log row it has seen (frames carry only the new ones, so the run so far
is asked for once), takes a large batch in slices, one per event-loop turn,
and coalesces its redraws.  (``ddd_sim.gui``, this
package's parent, has imported PySide6 before pyqtgraph is imported here.)
"""

from __future__ import annotations

import bisect
import math
import time
from collections import deque
from collections.abc import Callable, Sequence
from operator import attrgetter

import pyqtgraph as pg  # type: ignore[import-untyped]
from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QToolButton

from ddd_sim.gui import turns
from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.timeline_data import BULK_ROWS, INGEST_ROWS
from ddd_sim.gui.theme import ACCENT
from ddd_sim.runtime.session.rows import EventRow, Frame

_POSITION = attrgetter("position")
REDRAW_MS = 15
"""Redraws asked for within this long are done once."""
INGEST_BUDGET_S = 0.006
"""Wall time one event-loop turn may spend taking in rows (each panel's own
cost per row sets how many that is, never more than ``INGEST_ROWS``)."""
FIRST_SLICE = 500
"""Rows in the first slice, before the panel's cost per row is known."""
REDRAW_SPACING = 3.0
"""A redraw that took t seconds (with its paint, for a panel that times its
view's) is followed by the next one no sooner than this many times t later:
a panel whose picture is costly (a large run drawn whole, four plots) takes
at most a third of the GUI thread, and frames in between are drawn together."""


class PaintTimed:
    """A view that remembers how long its last paint took (a mixin, first base).

    A panel's picture costs its redraw (handing the plots their data) and
    then its paint (Qt drawing them, later, in the window's update): the
    feed spaces redraws by both.
    """

    paint_cost = 0.0
    """Seconds the last paint took."""

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        began = time.perf_counter()
        super().paintEvent(event)  # type: ignore[misc]
        self.paint_cost = time.perf_counter() - began


class TimedLayoutWidget(PaintTimed, pg.GraphicsLayoutWidget):  # type: ignore[misc]
    """A pyqtgraph layout of plots that times its paints."""


class TimedPlotWidget(PaintTimed, pg.PlotWidget):  # type: ignore[misc]
    """A pyqtgraph plot that times its paints."""


class RowFeed(QObject):
    """Hands a panel's data every log row once, in order, and schedules its redraws.

    ``append`` takes rows in log order; ``redraw`` draws as of the panel's
    position.  Rows from frames that arrive before the run so far has been
    answered wait, so the data never sees a row out of order.
    """

    def __init__(
        self,
        controller: SessionController,
        append: Callable[[Sequence[EventRow]], object],
        redraw: Callable[[], None],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self._append = append
        self._redraw = redraw
        self._primed = False
        self._waiting: list[Sequence[EventRow]] = []
        """Frames' rows that came before the first answer, batch by batch."""
        self._backlog: deque[Sequence[EventRow]] = deque()
        """Batches handed over and not yet taken in, kept as they came: a
        million-row answer is sliced, never copied whole (copying it touched
        every row and stopped the window for 45 ms)."""
        self._backlog_at = 0
        """How much of the first batch has been taken in."""
        self._taken_upto = 0
        """The last position handed over: the backlog holds each row once, in order."""
        self._slice = min(FIRST_SLICE, INGEST_ROWS)
        self._ingest_timer = QTimer(self)
        self._ingest_timer.setSingleShot(True)
        self._ingest_timer.setInterval(0)
        self._ingest_timer.timeout.connect(self._on_ingest_timer)
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(REDRAW_MS)
        self._redraw_timer.timeout.connect(self._on_redraw_timer)
        self._redraw_cost = 0.0
        self._redrawn_at = -math.inf
        self._view: PaintTimed | None = None
        # frames carry only what is new: what came before is asked for once
        controller.query(lambda s: s.rows_so_far(), self._prime)

    @property
    def primed(self) -> bool:
        """True once the run so far has been answered (and is being taken in)."""
        return self._primed

    @property
    def ingesting(self) -> bool:
        """True while rows handed over are still being taken in, a slice a turn."""
        return bool(self._backlog)

    def take_frame(self, frame: Frame) -> None:
        """Take a frame's new rows and redraw now, or soon for a bulk of them."""
        if not self._primed:
            self._waiting.append(frame.new_events)
            return
        self._take(frame.new_events)
        # a move of the slider is answered as soon as the redraw alone
        # allows; the paint counts too while the run grows on its own
        moved = "position" in frame.changed
        if len(frame.new_events) > BULK_ROWS or self.ingesting:
            # a bulk of rows (a large log opening): the redraw gets its own
            # event-loop turn, so the window's frame is not held up by it
            self.schedule()
        elif self._wait_s(with_paint=not moved) > 0:
            self.schedule()  # the last redraw was costly and recent
        else:
            self._timed_redraw()

    def schedule(self) -> None:
        """Redraw on a later turn (asked again before then: still once)."""
        if not self._redraw_timer.isActive():
            wait_ms = math.ceil(max(0.0, self._wait_s()) * 1000)
            self._redraw_timer.setInterval(max(REDRAW_MS, wait_ms))
            self._redraw_timer.start()

    def watch_paint(self, view: PaintTimed) -> None:
        """Count the paints of ``view`` in the cost that spaces redraws."""
        self._view = view

    def drawing(self) -> None:
        """A redraw is under way: one scheduled is no longer needed."""
        self._redraw_timer.stop()

    def flush(self) -> None:
        """Do a scheduled redraw now (a script about to take a screenshot)."""
        if self._redraw_timer.isActive():
            self._timed_redraw()

    def _wait_s(self, *, with_paint: bool = True) -> float:
        """How long until the next redraw is due (0 or less: now)."""
        view = self._view if with_paint else None
        painted = view.paint_cost if view is not None else 0.0
        due = self._redrawn_at + REDRAW_SPACING * (self._redraw_cost + painted)
        return due - time.perf_counter()

    def _on_redraw_timer(self) -> None:
        if not turns.held(self._redraw_timer, REDRAW_MS):
            self._timed_redraw()

    def _timed_redraw(self) -> None:
        self._redraw_timer.stop()
        with turns.piece():
            began = time.perf_counter()
            self._redraw()
            self._redrawn_at = time.perf_counter()
        self._redraw_cost = self._redrawn_at - began
        turns.finished()

    def _prime(self, rows: tuple[EventRow, ...]) -> None:
        self._primed = True
        # frames sent before the worker answered carry rows the answer holds
        # too: only what follows it is new (_take keeps the backlog in order)
        self._take(rows)
        for batch in self._waiting:
            self._take(batch)
        self._waiting = []
        self._timed_redraw()

    def _take(self, rows: Sequence[EventRow]) -> None:
        # a large batch (a session opening, the first answer) is taken in a
        # slice per event-loop turn, so the GUI never waits on all of it
        if rows and rows[-1].position > self._taken_upto:
            if rows[0].position <= self._taken_upto:
                # a frame rendered after the first answer repeats some of it
                new_from = bisect.bisect_right(rows, self._taken_upto, key=_POSITION)
                rows = rows[new_from:]
            self._backlog.append(rows)
            self._taken_upto = rows[-1].position
        self._ingest_some()

    def _next_slice(self) -> Sequence[EventRow]:
        """Up to a slice of the backlog's rows, in order, out of the backlog."""
        parts: list[Sequence[EventRow]] = []
        wanted = self._slice
        while wanted > 0 and self._backlog:
            batch = self._backlog[0]
            start = self._backlog_at
            stop = min(len(batch), start + wanted)
            whole = start == 0 and stop == len(batch)
            parts.append(batch if whole else batch[start:stop])
            wanted -= stop - start
            if stop == len(batch):
                self._backlog.popleft()
                self._backlog_at = 0
            else:
                self._backlog_at = stop
        if len(parts) == 1:
            return parts[0]
        return [row for part in parts for row in part]

    def _on_ingest_timer(self) -> None:
        if not turns.held(self._ingest_timer):
            self._ingest_some()

    def _ingest_some(self) -> None:
        rows = self._next_slice()
        began = time.perf_counter()
        with turns.piece():
            self._append(rows)
        taken = len(rows)
        if taken >= 50:  # enough rows to time; the next slice fits the budget
            per_row = max(time.perf_counter() - began, 1e-9) / taken
            self._slice = max(1, min(INGEST_ROWS, int(INGEST_BUDGET_S / per_row)))
        turns.finished()
        if self.ingesting:
            self._ingest_timer.start()
        if taken:
            self.schedule()  # the last slice too: its rows are shown at a redraw


def playhead_line(width: float) -> pg.InfiniteLine:
    """The vertical line at the slider's simulated time, above everything."""
    line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(ACCENT, width=width))
    line.setZValue(30)
    return line


def fit_button(fit: Callable[[], None]) -> QToolButton:
    """The "Fit run" button: the whole run, followed as it grows."""
    button = QToolButton()
    button.setText("Fit run")
    button.setToolTip("Show the whole run and follow it as it grows")
    button.clicked.connect(fit)
    return button
