"""The time slider along the bottom: scrub the whole world to any position.

Dragging moves every panel to the state as of the slider's position; the
"Live" toggle follows the head.  Moves are coalesced: while the worker is
still computing one position, only the latest asked-for position is sent
next, so a fast drag never queues up stale work.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSlider, QWidget

from ddd_sim.gui.controller import SessionController
from ddd_sim.runtime.session.rows import Frame


class TimeSlider(QWidget):
    """Position slider with a live toggle and the as-of time.

    Signals
    -------
    position_chosen(object)
        A position the user chose (None: live).
    """

    position_chosen = Signal(object)

    def __init__(self, controller: SessionController, parent: QWidget | None = None):
        super().__init__(parent)
        self._controller = controller
        self._head = 0
        self._updating = False
        self.live = QCheckBox("Live")
        self.live.setChecked(True)
        self.live.setToolTip("Follow the head of the log")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider.setToolTip("Scrub the whole world to any log position")
        self.label = QLabel("position 0 · t = 0.000 s")
        self.label.setMinimumWidth(260)
        self.label.setAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.live)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self._send = QTimer(self)
        self._send.setSingleShot(True)
        self._send.setInterval(15)
        self._send.timeout.connect(self._send_position)
        self.slider.valueChanged.connect(self._on_value)
        self.live.toggled.connect(self._on_live)
        controller.frame_ready.connect(self.set_frame)

    def set_frame(self, frame: Frame) -> None:
        """Stretch to the head; in live mode, sit on it."""
        self._head = frame.figures.head
        self._updating = True
        self.slider.setMaximum(self._head)
        if frame.live and self.live.isChecked():
            self.slider.setValue(self._head)
        self._updating = False
        world = frame.world
        where = f"position {frame.position:,} of {self._head:,}"
        self.label.setText(f"{where} · t = {world.sim_time:.3f} s")

    def go_to(self, position: int | None) -> None:
        """Show the world as of ``position`` (None or the head: live)."""
        if position is None or position >= self._head:
            self.live.setChecked(True)
            return
        self.live.setChecked(False)
        self.slider.setValue(max(0, position))

    def step(self, events: int) -> None:
        """Move by a number of log entries (negative: back)."""
        current = self._head if self.live.isChecked() else self.slider.value()
        self.go_to(max(0, current + events))

    def _on_value(self, value: int) -> None:
        if self._updating:
            return
        if value < self._head and self.live.isChecked():
            self.live.blockSignals(True)
            self.live.setChecked(False)
            self.live.blockSignals(False)
        self._send.start()

    def _on_live(self, live: bool) -> None:
        if live:
            self._updating = True
            self.slider.setValue(self._head)
            self._updating = False
        self._send.start()

    def _send_position(self) -> None:
        position = None if self.live.isChecked() else self.slider.value()
        self._controller.move_to(position)
        self.position_chosen.emit(position)
