"""Opening a session off the GUI thread, with progress the user can cancel.

Folding a large log takes seconds; the GUI stays responsive and shows how
far it has got.  The opener itself comes from the composition root (the GUI
never builds stores), as a function of an :class:`OpenRequest`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from ddd_sim.runtime.session.session import Session
from ddd_sim.shared.errors import DddSimError


@dataclass(frozen=True, slots=True)
class OpenRequest:
    """What to open: a store, and for a new run the scenario (file or built-in)."""

    location: str
    scenario: str | None = None
    """A scenario file or a built-in scenario's name; None resumes or follows."""
    seed: int | None = None
    saga: str | None = None
    """Overrides the scenario's saga mode (a name from SAGA_MODES)."""
    follow: bool = False
    """Watch a store another program writes, read-only."""


Progress = Callable[[int, int], None]
Opener = Callable[[OpenRequest, Progress], Session]


class OpenCancelled(DddSimError):
    """The user cancelled opening a session."""


class _OpenJob(QObject):
    """Runs the opener on its own thread.

    Signals
    -------
    progressed(int, int)
        Positions folded so far, and the head.
    opened(object)
        The session.
    failed(str)
        Why it could not be opened.
    """

    progressed = Signal(int, int)
    opened = Signal(object)
    failed = Signal(str)

    def __init__(self, opener: Opener, request: OpenRequest) -> None:
        super().__init__()
        self._opener, self._request = opener, request
        self.cancelled = threading.Event()

    @Slot()
    def run(self) -> None:
        def progress(done: int, total: int) -> None:
            if self.cancelled.is_set():
                raise OpenCancelled("opening was cancelled")
            self.progressed.emit(done, total)

        try:
            session = self._opener(self._request, progress)
        except OpenCancelled as exc:
            self.failed.emit(str(exc))
        except (DddSimError, OSError, ValueError) as exc:
            self.failed.emit(str(exc))
        else:
            self.opened.emit(session)


class _Relay(QObject):
    """Receives the job's signals on the GUI thread (a plain function would not)."""

    def __init__(self, dialog: QProgressDialog, outcome: list[Session | str]) -> None:
        super().__init__()
        self._dialog, self._outcome = dialog, outcome

    @Slot(int, int)
    def progressed(self, done: int, total: int) -> None:
        dialog = self._dialog
        dialog.setMaximum(max(total, 1))
        dialog.setValue(min(done, max(total, 1)))
        dialog.setLabelText(f"Folding the log: {done:,} of {total:,} events")

    @Slot(object)
    def finished(self, result: Session | str) -> None:
        self._outcome.append(result)


def open_with_progress(
    opener: Opener, request: OpenRequest, parent: QWidget | None = None
) -> Session | str:
    """Open a session, showing progress; the session, or why it failed."""
    job = _OpenJob(opener, request)
    thread = QThread()
    job.moveToThread(thread)
    outcome: list[Session | str] = []
    dialog = QProgressDialog(
        f"Opening {Path(request.location).name or request.location}…",
        "Cancel",
        0,
        0,
        parent,
    )
    dialog.setWindowTitle("DDD Sim")
    dialog.setMinimumDuration(300)
    dialog.canceled.connect(job.cancelled.set)

    relay = _Relay(dialog, outcome)
    job.progressed.connect(relay.progressed)
    job.opened.connect(relay.finished)
    job.failed.connect(relay.finished)
    thread.started.connect(job.run)
    thread.start()
    while not outcome:
        QApplication.processEvents()
        thread.wait(10)
    job.deleteLater()  # deleted on its own thread, before that thread ends
    thread.quit()
    thread.wait()
    dialog.reset()
    dialog.deleteLater()
    return outcome[0]
