"""The run toolbar: play, pause, single step and speed, with the run's phase."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QStyle, QToolBar, QWidget

from ddd_sim.gui.controller import SessionController
from ddd_sim.runtime.session.rows import Frame

SPEEDS: tuple[float, ...] = (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0)
"""Simulated seconds per wall second the speed box offers."""


class RunControls(QToolBar):
    """Play/pause, step and speed for the session's run.

    Signals
    -------
    stepped()
        A single step was asked for.
    """

    stepped = Signal()

    def __init__(self, controller: SessionController, parent: QWidget | None = None):
        super().__init__("Run", parent)
        self.setObjectName("run_controls")
        self._controller = controller
        self._playing = False
        self._icons = {
            "play": self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay),
            "pause": self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPause),
        }
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.play_action = QAction(self._icons["play"], "Play", self)
        self.play_action.setToolTip("Play or pause the simulation (Space)")
        self.play_action.setShortcut(QKeySequence("Space"))
        self.play_action.triggered.connect(self.toggle_play)
        self.step_action = QAction(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward),
            "Step",
            self,
        )
        self.step_action.setToolTip("Run one committed tick (0.1 simulated s)")
        self.step_action.triggered.connect(self.single_step)
        self.addAction(self.play_action)
        self.addAction(self.step_action)
        self.addSeparator()
        self.addWidget(QLabel(" Speed "))
        self.speed = QComboBox()
        for speed in SPEEDS:
            self.speed.addItem(f"\N{MULTIPLICATION SIGN}{speed:g}", speed)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.setToolTip("Simulated seconds per wall-clock second")
        self.speed.currentIndexChanged.connect(self._on_speed)
        self.addWidget(self.speed)
        self.addSeparator()
        self.phase = QLabel()
        self.phase.setMinimumWidth(320)
        self.addWidget(self.phase)
        if controller.read_only:
            for action in (self.play_action, self.step_action):
                action.setEnabled(False)
            self.speed.setEnabled(False)
        controller.frame_ready.connect(self.set_frame)

    def set_frame(self, frame: Frame) -> None:
        """Show whether the run plays, and its phase."""
        figures = frame.figures
        self._playing = figures.playing
        self.play_action.setText("Pause" if figures.playing else "Play")
        self.play_action.setIcon(self._icons["pause" if figures.playing else "play"])
        done = figures.phase == "done"
        if not self._controller.read_only:
            self.play_action.setEnabled(not done)
            self.step_action.setEnabled(not done)
        mode = "watching (read-only)" if figures.read_only else figures.phase
        if figures.waiting_to_resume:
            mode += " · interrupted: play or step carries it on"
        saga = figures.saga or "—"
        self.phase.setText(
            f"  {figures.scenario} · {saga} · seed {figures.seed} · {mode}"
        )

    def toggle_play(self) -> None:
        """Play if paused, pause if playing."""
        if self._controller.read_only:
            return
        if self._playing:
            self._controller.submit(lambda s: s.pause())
        else:
            self._controller.submit(lambda s: s.play())

    def single_step(self) -> None:
        """Run one committed tick."""
        if self._controller.read_only:
            return
        self._controller.submit(lambda s: s.step())
        self.stepped.emit()

    def _on_speed(self, index: int) -> None:
        speed = float(self.speed.itemData(index))
        self._controller.submit(lambda s: s.set_speed(speed))
