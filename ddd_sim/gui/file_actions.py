"""The File menu: new, open, save as, recent files and exports.

Opening another session opens it in a new window (its own simulation
thread) and closes this one; nothing is written to the old session by
switching.  Exports run on the simulation thread and write through a
temporary file, so a failed export leaves nothing half-written.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from ddd_sim.gui.opening import Opener, OpenRequest, open_with_progress
from ddd_sim.runtime.session.exports import export_context_map, export_session_log
from ddd_sim.sim.scenario import builtin_scenarios_dir

if TYPE_CHECKING:
    from ddd_sim.gui.main_window import MainWindow

RECENT_KEY = "recent_sessions"
RECENT_LIMIT = 8
SAGA_MODES = ("orchestrated", "choreographed", "process_manager")
_windows: list[Any] = []
"""Windows opened from a menu, kept alive until they close."""


def remember_recent(location: str) -> list[str]:
    """Put a session at the top of the recent list; the list."""
    settings = QSettings("DDD Sim", "workbench")
    stored = settings.value(RECENT_KEY) or []
    recent = [str(x) for x in (stored if isinstance(stored, list) else [stored])]
    recent = [location] + [x for x in recent if x != location]
    settings.setValue(RECENT_KEY, recent[:RECENT_LIMIT])
    return recent[:RECENT_LIMIT]


class NewSessionDialog(QDialog):
    """Choose a scenario, a saga mode, a seed and where the session file goes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New session")
        form = QFormLayout(self)
        self.scenario = QComboBox()
        self.scenario.setEditable(True)
        for path in sorted(builtin_scenarios_dir().glob("*.toml")):
            self.scenario.addItem(path.stem)
        self.saga = QComboBox()
        self.saga.addItem("as the scenario says", None)
        for mode in SAGA_MODES:
            self.saga.addItem(mode, mode)
        self.seed = QSpinBox()
        self.seed.setRange(-1, 2**31 - 1)
        self.seed.setSpecialValueText("as the scenario says")
        self.seed.setValue(-1)
        self.location = QLineEdit()
        self.location.setPlaceholderText("a new .db file, or a postgresql:// URL")
        browse = QAction("…", self)
        browse.triggered.connect(self._browse)
        self.location.addAction(browse, QLineEdit.ActionPosition.TrailingPosition)
        form.addRow("Scenario", self.scenario)
        form.addRow("Saga mode", self.saga)
        form.addRow("Seed", self.seed)
        form.addRow("Session file", self.location)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "New session file", "", "DDD Sim sessions (*.db)"
        )
        if path:
            self.location.setText(path)

    def request(self) -> OpenRequest:
        """What the user chose."""
        seed = self.seed.value()
        return OpenRequest(
            location=self.location.text().strip(),
            scenario=self.scenario.currentText().strip(),
            seed=None if seed < 0 else seed,
            saga=self.saga.currentData(),
        )


class FileActions:
    """Builds the File menu of a window around the composition root's opener."""

    def __init__(self, opener: Opener) -> None:
        self.opener = opener
        self.window: MainWindow | None = None

    def install(self, window: MainWindow) -> None:
        """Add the actions to ``window``'s File and Export menus."""
        self.window = window
        menu = window.file_menu
        before = window.export_menu.menuAction()
        for text, keys, slot in (
            ("&New session…", QKeySequence.StandardKey.New, self.new_session),
            ("Open &scenario…", None, self.open_scenario),
            ("&Open session…", QKeySequence.StandardKey.Open, self.open_session),
            ("Save session &as…", QKeySequence.StandardKey.SaveAs, self.save_as),
        ):
            action = QAction(text, window)
            if keys is not None:
                action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            menu.insertAction(before, action)
        self.recent_menu = menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        menu.insertMenu(before, self.recent_menu)
        menu.insertSeparator(before)
        exports = window.export_menu
        for text, slot in (
            ("Log as CloudEvents JSON lines…", self.export_log),
            ("Context map as CML…", lambda: self.export_map("cml")),
            ("Context map as DOT…", lambda: self.export_map("dot")),
        ):
            action = QAction(text, window)
            action.triggered.connect(slot)
            exports.addAction(action)
        exports.addSeparator()
        for name, panel in window.panels.items():
            if hasattr(panel, "export_image"):
                title = getattr(panel, "title", name)
                action = QAction(f"{title} as PNG or SVG…", window)
                action.triggered.connect(lambda _=False, p=panel: self.export_image(p))
                exports.addAction(action)
        menu.addSeparator()
        quit_action = QAction("&Quit", window)
        quit_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Quit))
        quit_action.triggered.connect(window.close)
        menu.addAction(quit_action)
        remember_recent(window.controller.session_location)

    # -- opening ------------------------------------------------------------------
    def new_session(self) -> None:
        dialog = NewSessionDialog(self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        request = dialog.request()
        if not request.location:
            self._error("choose where the new session file goes")
            return
        self.open(request)

    def open_scenario(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open scenario", "", "Scenarios (*.toml)"
        )
        if not path:
            return
        target, _ = QFileDialog.getSaveFileName(
            self.window,
            "Session file for the new run",
            str(Path(path).with_suffix(".db")),
            "DDD Sim sessions (*.db)",
        )
        if target:
            self.open(OpenRequest(location=target, scenario=path))

    def open_session(self) -> None:
        location, ok = QInputDialog.getText(
            self.window,
            "Open session",
            "Session file path or postgresql:// URL "
            "(prefix with follow: to watch a run another program writes):",
        )
        location = location.strip()
        if not ok or not location:
            return
        follow = location.startswith("follow:")
        self.open(OpenRequest(location=location.removeprefix("follow:"), follow=follow))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        settings = QSettings("DDD Sim", "workbench")
        stored = settings.value(RECENT_KEY) or []
        for location in stored if isinstance(stored, list) else [stored]:
            action = self.recent_menu.addAction(str(location))
            action.triggered.connect(
                lambda _=False, x=str(location): self.open(OpenRequest(location=x))
            )

    def open(self, request: OpenRequest) -> None:
        """Open a session in a new window; this one closes."""
        from ddd_sim.gui.app import open_window

        outcome = open_with_progress(self.opener, request, self.window)
        if isinstance(outcome, str):
            self._error(outcome)
            return
        window = open_window(outcome, self.opener)
        _windows.append(window)
        window.destroyed.connect(lambda: _windows.remove(window))
        window.show()
        if self.window is not None:
            window.resize(self.window.size())
            self.window.close()

    # -- saving and exporting -------------------------------------------------------
    def save_as(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Save session as", "", "DDD Sim sessions (*.db)"
        )
        if path and self.window is not None:
            self.window.controller.query(
                lambda s: s.save_as(Path(path)),
                lambda _: self._done(f"saved the session to {path}"),
            )

    def export_log(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export the log", "", "CloudEvents JSON lines (*.jsonl)"
        )
        if path and self.window is not None:
            frame = self.window.controller.frame
            until = None if frame is None or frame.live else frame.position
            self.window.controller.query(
                lambda s: export_session_log(s, Path(path), until_position=until),
                lambda n: self._done(f"exported {n:,} events to {path}"),
            )

    def export_map(self, form: str) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export the context map", "", f"*.{form}"
        )
        if path and self.window is not None:
            self.window.controller.query(
                lambda s: export_context_map(Path(path), form),
                lambda _: self._done(f"exported the context map to {path}"),
            )

    def export_image(self, panel: Any) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Export image", "", "PNG image (*.png);;SVG image (*.svg)"
        )
        if path:
            try:
                panel.export_image(path)
            except (OSError, ValueError) as exc:
                self._error(f"cannot export {path}: {exc}")
                return
            self._done(f"exported {path}")

    def _done(self, message: str) -> None:
        if self.window is not None:
            self.window.statusBar().showMessage(message, 8000)

    def _error(self, message: str) -> None:
        if self.window is not None:
            self.window.show_error(message)
