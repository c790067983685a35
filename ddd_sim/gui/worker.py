"""The one simulation thread: it owns the session, the GUI only renders.

Every operation on the session (stepping, commands, faults, queries) runs
here, one at a time, in the order asked.  What comes back to the GUI thread
is immutable: frames and query answers, by queued signals.  A pacing timer
runs the simulation forward while playing and emits at most one frame per
timer period, so the GUI is never flooded.  What the session has folded is
kept out of the garbage collector's full walks (:mod:`ddd_sim.gui.heap`),
which would otherwise stop both threads on a large log.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot

from ddd_sim.gui.heap import HeapKeeper
from ddd_sim.runtime.session.rows import EventRow
from ddd_sim.runtime.session.session import Session
from ddd_sim.shared.errors import DddSimError

FRAME_MS = 40
"""The pacing timer's period: at most 25 frames a second."""

Operation = Callable[[Session], Any]


class SimulationWorker(QObject):
    """Runs on the simulation thread; see the module docstring.

    Signals
    -------
    frame_ready(Frame)
        The world as of the current position, plus the log entries new since
        the previous frame.
    answered(int, object)
        The result of query ``request_id``.
    failed(int, str)
        Request ``request_id`` failed; the message names what was wrong.
    """

    frame_ready = Signal(object)
    answered = Signal(int, object)
    failed = Signal(int, str)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.position: int | None = None  # None: follow the head
        self._pending: list[EventRow] = []
        self._changed: set[str] = set()
        self._timer: QTimer | None = None
        self._unshown = False
        """True from sending a frame until the GUI says it has shown it: the
        pacing timer sends no other frame meanwhile (what is new waits and
        goes in the next one), so a busy GUI gets fewer, larger frames
        instead of a queue of them."""
        self.heap = HeapKeeper()

    @Slot()
    def start(self) -> None:
        """Start the pacing timer (called once the worker is on its thread)."""
        self._timer = QTimer(self)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self._emit({"log", "position"})

    @Slot()
    def stop(self) -> None:
        """Stop the timer and close the session (called before the thread quits)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer.deleteLater()
            self._timer = None
        self.session.pause()
        self.session.close()
        self.heap.release()
        # die where the window lives: the thread ends right after this
        app = QCoreApplication.instance()
        if app is not None:
            self.moveToThread(app.thread())

    def _tick(self) -> None:
        session = self.session
        if session.playing or session.read_only or session.behind:
            try:
                session.advance()
            except DddSimError as exc:
                session.pause()
                self.failed.emit(0, str(exc))
                return
        self.heap.folded(session.index.head)
        new = session.take_new_rows()
        if new:
            self._pending.extend(new)
            self._changed.add("log")
        if (self._pending or self._changed) and not self._unshown:
            self._emit(set())

    @Slot()
    def frame_shown(self) -> None:
        """The GUI has shown the last frame (and rested): the next may come."""
        self._unshown = False

    def _emit(self, changed: set[str]) -> None:
        self._pending.extend(self.session.take_new_rows())
        self._changed |= changed
        frame = self.session.frame(
            self.position, new_events=self._pending, changed=self._changed
        )
        self._pending = []
        self._changed = set()
        self._unshown = True
        self.frame_ready.emit(frame)

    @Slot(int, object, bool)
    def run(self, request_id: int, operation: Operation, mutates: bool) -> None:
        """Run one operation on the session; answer, or report what went wrong."""
        try:
            result = operation(self.session)
        except (DddSimError, PermissionError, ValueError, KeyError) as exc:
            self.failed.emit(request_id, str(exc) or type(exc).__name__)
            return
        except Exception as exc:  # a bug: say so, keep running
            detail = traceback.format_exception_only(exc)[-1].strip()
            self.failed.emit(request_id, f"internal error: {detail}")
            return
        if mutates:
            self.session.catch_up()
            self.heap.folded(self.session.index.head)
            self._pending.extend(self.session.take_new_rows())
            self._changed.add("log")
            self._emit(set())
        self.answered.emit(request_id, result)

    @Slot(object)
    def move_to(self, position: int | None) -> None:
        """Show the world as of ``position`` (None: follow the head)."""
        self.position = position
        self._emit({"position"})
