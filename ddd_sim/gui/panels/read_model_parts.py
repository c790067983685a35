"""Parts of the read-model panel: its table views, panes and the rebuild job."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ddd_sim.runtime.projections import RebuildReport
from ddd_sim.runtime.session.session import Session


class RebuildJob(QObject):
    """One rebuild: reports progress from the simulation thread, takes a cancel here.

    Signals
    -------
    progressed(int, int)
        Positions folded so far and the head being folded to (emitted on the
        simulation thread; delivered queued on the GUI thread).
    finished(object)
        The :class:`RebuildReport` (completed or cancelled).
    """

    progressed = Signal(int, int)
    finished = Signal(object)

    def __init__(self, projection: str, version: int | None) -> None:
        super().__init__()
        self.projection = projection
        self.version = version
        self._cancelled = threading.Event()

    def cancel(self) -> None:
        """Ask the rebuild to stop at its next batch (the running model stays)."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        """True once a cancel was asked for."""
        return self._cancelled.is_set()

    def report(self, done: int, total: int) -> bool:
        """The progress callback (simulation thread): False stops the rebuild."""
        self.progressed.emit(done, total)
        return not self._cancelled.is_set()

    def run(self, session: Session) -> RebuildReport:
        """Rebuild on the simulation thread."""
        if session.shop is None:
            raise PermissionError("this session has no read models to rebuild")
        return session.shop.rebuild(
            self.projection, version=self.version, progress=self.report
        )


def pane(*widgets: QWidget) -> QWidget:
    """Widgets stacked in a column; the table among them takes the room."""
    pane = QWidget()
    column = QVBoxLayout(pane)
    column.setContentsMargins(0, 4, 0, 0)
    for widget in widgets:
        grows = isinstance(widget, QTableView)
        column.addWidget(widget, 1 if grows else 0)
    return pane
