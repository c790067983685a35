"""The GUI side of the one simulation thread: ask, and be told.

Panels never touch the session: they call :meth:`SessionController.query`
or :meth:`~SessionController.submit` with a function of the session, which
runs on the simulation thread; the answer comes back on the GUI thread.
Every frame the worker produces is re-emitted as :attr:`frame_ready`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from ddd_sim.gui import turns
from ddd_sim.gui.worker import Operation, SimulationWorker
from ddd_sim.runtime.session.rows import Frame
from ddd_sim.runtime.session.session import Session


class SessionController(QObject):
    """Owns the simulation thread and its worker for one session.

    Signals
    -------
    frame_ready(Frame)
        A new frame to render (on the GUI thread).
    error(str)
        Something the user asked for failed; the text says what and why.
    event_selected(int)
        A log position was selected in some panel (every panel follows).
    context_selected(str)
        A context was selected in some panel.
    """

    frame_ready = Signal(object)
    error = Signal(str)
    event_selected = Signal(int)
    context_selected = Signal(str)
    _run = Signal(int, object, bool)
    _move = Signal(object)
    _stop = Signal()
    _shown = Signal()

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session_location = session.location
        self.read_only = session.read_only
        self.frame: Frame | None = None
        self._ids = itertools.count(1)
        self._callbacks: dict[int, Callable[[Any], None] | None] = {}
        self.closed = False
        self.shown_on_receipt = True
        """A frame counts as shown once handed to the listeners; a window that
        renders in steps sets this False and calls :meth:`frame_shown`."""
        self._thread = QThread()
        self._thread.setObjectName("simulation")
        self._worker = SimulationWorker(session)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.start)
        self._run.connect(self._worker.run)
        self._move.connect(self._worker.move_to)
        self._shown.connect(self._worker.frame_shown)
        self._stop.connect(
            self._worker.stop, Qt.ConnectionType.BlockingQueuedConnection
        )
        self._worker.frame_ready.connect(self._on_frame)
        self._worker.answered.connect(self._on_answer)
        self._worker.failed.connect(self._on_failure)
        turns.share_with_simulation()  # the run gives way to the window's work
        self._thread.start()

    # -- asking -------------------------------------------------------------------
    def query(
        self, operation: Operation, on_result: Callable[[Any], None] | None = None
    ) -> int:
        """Run ``operation(session)`` on the simulation thread; ``on_result`` here."""
        return self._send(operation, on_result, mutates=False)

    def submit(
        self, operation: Operation, on_result: Callable[[Any], None] | None = None
    ) -> int:
        """Like :meth:`query`, for a change: a fresh frame follows it."""
        return self._send(operation, on_result, mutates=True)

    def _send(
        self,
        operation: Operation,
        on_result: Callable[[Any], None] | None,
        *,
        mutates: bool,
    ) -> int:
        request_id = next(self._ids)
        self._callbacks[request_id] = on_result
        self._run.emit(request_id, operation, mutates)
        return request_id

    def move_to(self, position: int | None) -> None:
        """Show every panel as of ``position`` (None: live, following the head)."""
        self._move.emit(position)

    def select_event(self, position: int) -> None:
        """Tell every panel that a log position was selected."""
        self.event_selected.emit(position)

    def select_context(self, context: str) -> None:
        """Tell every panel that a context was selected."""
        self.context_selected.emit(context)

    # -- being told -----------------------------------------------------------------
    @Slot(object)
    def _on_frame(self, frame: Frame) -> None:
        if self.closed:
            return
        self.frame = frame
        self.frame_ready.emit(frame)
        if self.shown_on_receipt:
            self._shown.emit()

    def frame_shown(self, rest_s: float = 0.0) -> None:
        """The last frame is on screen: the worker may send the next live one.

        After ``rest_s`` seconds: a window that took that long to render a
        frame is left as long again for input, painting and its own timers.
        """
        if rest_s > 0:
            QTimer.singleShot(math.ceil(rest_s * 1000), self, self._say_shown)
        else:
            self._say_shown()

    def _say_shown(self) -> None:
        if not self.closed:
            self._shown.emit()

    @Slot(int, object)
    def _on_answer(self, request_id: int, result: Any) -> None:
        callback = self._callbacks.pop(request_id, None)
        if callback is not None:
            callback(result)

    @Slot(int, str)
    def _on_failure(self, request_id: int, message: str) -> None:
        self._callbacks.pop(request_id, None)
        self.error.emit(message)

    # -- closing --------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop the worker, close the session and end the thread (waits)."""
        # answers and frames queued before the stop would reach panels being
        # deleted: forget who asked
        if not self.closed:
            turns.unshare()
        self.closed = True
        self._callbacks.clear()
        if not self._thread.isRunning():
            return
        self._stop.emit()
        self._thread.quit()
        self._thread.wait(10_000)
