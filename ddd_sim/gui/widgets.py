"""Small widgets the panels share."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSplitter, QWidget

from ddd_sim.gui.controller import SessionController


class ResponsiveSplitter(QSplitter):
    """Side by side when there is room, one above the other in a narrow dock."""

    def __init__(self, wide_from: int = 720, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._wide_from = wide_from

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        wide = event.size().width() >= self._wide_from
        wanted = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.orientation() != wanted:
            self.setOrientation(wanted)
        super().resizeEvent(event)


class PanelWidget(QWidget):
    """A panel over one session: ``object_name`` keys its dock, ``title`` labels it."""

    title = ""
    object_name = ""

    def __init__(
        self, controller: SessionController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(self.object_name)
        self.controller = controller
