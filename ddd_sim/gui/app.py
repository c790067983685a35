"""Starting the workbench: the application, the session, the window.

Scripted use (docs, tests, reviewers) goes through the same path as a user:
``--run-until``, ``--at``, ``--select`` and ``--screenshot`` act on the
window through its controller, then ``--quit`` closes it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.file_actions import FileActions
from ddd_sim.gui.main_window import MainWindow
from ddd_sim.gui.opening import Opener, OpenRequest, open_with_progress
from ddd_sim.gui.theme import apply_theme
from ddd_sim.runtime.session.session import Session

EXIT_USAGE = 2


@dataclass(frozen=True, slots=True)
class GuiOptions:
    """What ``ddd-sim gui`` was asked to do."""

    request: OpenRequest
    run_until: float | None = None
    at: float | None = None
    select: str | None = None
    show: tuple[str, ...] = ()
    focus: str | None = None
    event: int | None = None
    screenshot: str | None = None
    quit: bool = False
    size: tuple[int, int] = (1600, 1000)

    @property
    def scripted(self) -> bool:
        """True when the run is driven by options, not a person."""
        return self.quit or self.screenshot is not None


MessageHandler = Callable[[QtMsgType, QMessageLogContext, str], None]
_NOISE = ("This plugin does not support propagateSizeHints()",)
"""Qt messages that say nothing to a user (the offscreen platform's, per dock)."""


def _quieten_qt() -> None:
    """Drop Qt's noise; pass every other message on as before."""
    previous: MessageHandler | None = None

    def handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if message in _NOISE:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)


def application() -> QApplication:
    """The one QApplication, themed."""
    if QApplication.instance() is None:
        _quieten_qt()
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("DDD Sim")
    app.setOrganizationName("DDD Sim")
    apply_theme(app)
    return app


def wait_until(predicate: Callable[[], bool], timeout: float = 30.0) -> bool:
    """Keep the GUI alive until ``predicate()`` holds (or ``timeout`` seconds)."""
    app = QApplication.instance()
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        if app is not None:
            app.processEvents()
        time.sleep(0.005)
    return True


def open_window(
    session: Session, opener: Opener, *, remember_layout: bool = True
) -> MainWindow:
    """A window (and its simulation thread) on a session."""
    controller = SessionController(session)
    files = FileActions(opener)
    return MainWindow(
        controller, actions=files.install, remember_layout=remember_layout
    )


def _fail(message: str, options: GuiOptions) -> int:
    if options.scripted:
        print(f"ddd-sim: error: {message}", file=sys.stderr)
    else:
        QMessageBox.critical(None, "DDD Sim", message)
    return EXIT_USAGE


def _settle(window: MainWindow, options: GuiOptions) -> str | None:
    """Apply the scripted options in order; an error message, or None."""
    controller = window.controller

    def folded() -> bool:
        frame = controller.frame
        return frame is not None and frame.figures.head >= frame.figures.stored_head

    if not wait_until(folded, timeout=600):
        return "the workbench did not finish opening the log within 10 minutes"
    failures: list[str] = []
    controller.error.connect(failures.append)
    if options.run_until is not None:
        done: list[object] = []
        until = options.run_until
        controller.submit(lambda s: s.run_until(until), done.append)
        if not wait_until(lambda: bool(done) or bool(failures), timeout=600):
            return f"running to t = {until:g} s took longer than 10 minutes"
    if options.at is not None:
        positions: list[int] = []
        at = options.at
        controller.query(lambda s: s.position_at(at), positions.append)
        wait_until(lambda: bool(positions) or bool(failures))
        if positions:
            window.slider.go_to(positions[0])
            frame_at = positions[0]
            wait_until(
                lambda: (
                    controller.frame is not None
                    and controller.frame.position == frame_at
                )
            )
    if options.select is not None:
        controller.select_context(options.select)
    for name in options.show:
        window.show_panel(name)
    if options.focus is not None:
        window.focus_panel(options.focus)
    if options.event is not None:
        head = controller.frame.figures.head if controller.frame else 0
        if options.event > head:
            return f"--event {options.event}: the log has {head:,} entries"
        controller.select_event(options.event)
    # let every panel answer its own queries before the picture is taken
    wait_until(lambda: False, timeout=1.0)
    return failures[0] if failures else None


def run_gui(options: GuiOptions, opener: Opener) -> int:
    """Open the workbench; the exit code when it closes."""
    app = application()
    outcome = open_with_progress(opener, options.request)
    if isinstance(outcome, str):
        return _fail(outcome, options)
    window = open_window(outcome, opener, remember_layout=not options.scripted)
    window.resize(*options.size)
    window.show()
    problem = _settle(window, options)
    if problem is not None and options.scripted:
        window.close()
        return _fail(problem, options)
    if options.screenshot is not None:
        window.render_pending()
        target = Path(options.screenshot)
        if not window.screenshot(target):
            window.close()
            return _fail(f"cannot write the screenshot {target}", options)
        print(f"saved {target}", file=sys.stderr)
    if options.quit:
        window.close()
        return 0
    return app.exec()
