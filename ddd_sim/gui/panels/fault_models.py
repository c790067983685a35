"""The active faults as of the slider, as a Qt table model."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ddd_sim.gui.panels.table_model import Index, TableModel
from ddd_sim.gui.theme import KIND_COLOURS, MUTED
from ddd_sim.runtime.world.model import FaultRow


class ActiveFaultsModel(TableModel):
    """One row per open fault window (``frame.world.faults``), oldest first."""

    COLUMNS = ("Context", "Kind", "Since", "Until", "Fault id", "")
    CLEAR_COLUMN = 5
    """Holds each row's Clear button (the view puts a widget there)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: tuple[FaultRow, ...] = ()

    def set_rows(self, rows: tuple[FaultRow, ...]) -> bool:
        """Show these faults; True when the rows changed (buttons need redoing)."""
        if rows == self.rows:
            return False
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()
        return True

    def _count(self) -> int:
        return len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QColor(KIND_COLOURS["crash" if row.kind == "crash" else "fault"])
        if role == Qt.ItemDataRole.ForegroundRole and column == 3 and row.until is None:
            return QColor(MUTED)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.kind} on {row.target} ({row.fault_id})"
        return None

    @staticmethod
    def cell(row: FaultRow, column: int) -> str:
        """The text of one cell."""
        if column == 0:
            return row.target
        if column == 1:
            return row.kind
        if column == 2:
            return f"{row.since:.2f} s"
        if column == 3:
            return "until cleared" if row.until is None else f"{row.until:.2f} s"
        if column == 4:
            return row.fault_id
        return ""

    def fault_at(self, row: int) -> FaultRow:
        return self.rows[row]
