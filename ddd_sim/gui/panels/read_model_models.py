"""The read-model panel's item models: thin adapters over immutable rows.

The rows come from :mod:`.read_model_data` (computed on the simulation
thread); its names are re-exported here for the panel and its tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ddd_sim.gui.panels.read_model_data import (
    CacheFigures,
    DocumentTable,
    ReadModelsState,
    TextRows,
    cell,
    document_table,
    document_table_of_texts,
    read_models_state,
    stale_keys,
)
from ddd_sim.gui.panels.table_model import Index, TableModel
from ddd_sim.gui.theme import KIND_COLOURS
from ddd_sim.runtime.projections import Lag
from ddd_sim.runtime.read_model_diff import ReadModelDiff
from ddd_sim.runtime.world.model import ProjectionRow

__all__ = [
    "CacheFigures",
    "DiffModel",
    "DocumentTable",
    "DocumentTableModel",
    "ProjectionLagModel",
    "ReadModelsState",
    "TextRows",
    "cell",
    "diff_lines",
    "document_table",
    "document_table_of_texts",
    "read_models_state",
    "stale_keys",
]

STALE_COLOUR = QColor(KIND_COLOURS["compensation"])
STALE_COLOUR.setAlpha(60)
"""Stale documents: the compensation orange, faint, behind the text."""
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class ProjectionLagModel(TableModel):
    """Each projection's lag: from the runtime now, and as of the slider's position."""

    COLUMNS = ("Projection", "Ver.", "Checkpoint", "Lag", "Sim ms", "At slider")

    def __init__(self) -> None:
        super().__init__()
        self.lags: tuple[Lag, ...] = ()
        self._as_of: dict[str, ProjectionRow] = {}

    def _count(self) -> int:
        return len(self.lags)

    def name_at(self, row: int) -> str:
        """The projection in row ``row``."""
        return self.lags[row].projection

    def row_of(self, name: str) -> int | None:
        """The row of a projection, or None."""
        return next(
            (i for i, lag in enumerate(self.lags) if lag.projection == name), None
        )

    def set_lags(self, lags: tuple[Lag, ...]) -> None:
        """The runtime's lags (values change in place when the names are the same)."""
        if lags == self.lags:
            return
        if [lag.projection for lag in lags] == [lag.projection for lag in self.lags]:
            self.lags = lags
            if lags:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(lags) - 1, len(self.COLUMNS) - 1)
                )
            return
        self.beginResetModel()
        self.lags = lags
        self.endResetModel()

    def set_as_of(self, rows: tuple[ProjectionRow, ...]) -> None:
        """Checkpoints and lags as of the slider's position (from the world)."""
        if {row.name: row for row in rows} == self._as_of:
            return
        self._as_of = {row.name: row for row in rows}
        if self.lags:
            last = len(self.lags) - 1
            self.dataChanged.emit(self.index(0, 5), self.index(last, 5))

    def text(self, row: int, column: int) -> str:
        """What cell (``row``, ``column``) shows."""
        lag = self.lags[row]
        if column == 0:
            return lag.projection + ("  (stalled)" if lag.stalled else "")
        if column == 1:
            return f"v{lag.version}"
        if column == 2:
            return f"{lag.checkpoint:,}"
        if column == 3:
            return f"{lag.events:,}"
        if column == 4:
            return f"{lag.sim_ms:,.0f}"
        then = self._as_of.get(lag.projection)
        return "" if then is None else f"{then.lag_events:,} behind"

    def widths(self) -> tuple[int, ...]:
        """The longest text of each column, in characters (and the row count).

        The view sizes its columns to their contents only when this changes:
        a header in resize-to-contents mode asks every cell again on each
        change of data, hundreds of calls into Python per frame.
        """
        rows = range(len(self.lags))
        return (
            len(self.lags),
            *(
                max((len(self.text(row, column)) for row in rows), default=0)
                for column in range(len(self.COLUMNS))
            ),
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.lags):
            return None
        lag, column = self.lags[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(index.row(), column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and lag.stalled:
            return QColor(KIND_COLOURS["fault"])
        if role == Qt.ItemDataRole.ToolTipRole and column == 5:
            then = self._as_of.get(lag.projection)
            if then is not None:
                return f"checkpoint {then.checkpoint:,} at the slider's position"
        return None


class DocumentTableModel(TableModel):
    """One projection's documents; stale ones highlighted."""

    def __init__(self) -> None:
        super().__init__()
        self.table = DocumentTable("", (), (), frozenset())

    def _columns(self) -> tuple[str, ...]:
        return ("key", *self.table.columns)

    def _count(self) -> int:
        return len(self.table.rows)

    def set_table(self, table: DocumentTable) -> None:
        """Show a projection's documents (only changed cells if the shape is kept)."""
        old = self.table
        if table == old:
            return
        same_shape = (
            table.projection == old.projection
            and table.columns == old.columns
            and tuple(table.row_keys()) == tuple(old.row_keys())
        )
        if same_shape:
            self.table = table
            if table.rows:
                self.dataChanged.emit(
                    self.index(0, 0),
                    self.index(len(table.rows) - 1, len(table.columns)),
                )
            return
        self.beginResetModel()
        self.table = table
        self.endResetModel()

    def is_stale(self, row: int) -> bool:
        """True if the document in ``row`` has events waiting for it."""
        return self.table.row_keys()[row] in self.table.stale

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.table.rows):
            return None
        key, cells = self.table.rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return key if column == 0 else cells[column - 1]
        if role == Qt.ItemDataRole.BackgroundRole and key in self.table.stale:
            return STALE_COLOUR
        return None


@dataclass(frozen=True, slots=True)
class DiffLine:
    """One line of a rebuild's diff."""

    change: str
    key: str
    path: str = ""
    old: str = ""
    new: str = ""


def diff_lines(diff: ReadModelDiff) -> tuple[DiffLine, ...]:
    """A diff as lines: documents added, removed, then each changed value."""
    return (
        *(DiffLine("added", key) for key in diff.added),
        *(DiffLine("removed", key) for key in diff.removed),
        *(
            DiffLine("changed", c.key, c.path, cell(c.old), cell(c.new))
            for c in diff.changed
        ),
    )


DIFF_COLOURS = {
    "added": "#62b37a",
    "removed": KIND_COLOURS["fault"],
    "changed": KIND_COLOURS["breaker"],
}


class DiffModel(TableModel):
    """A rebuild's diff between handler versions, a line per change."""

    COLUMNS = ("Change", "Key", "Field", "Old", "New")

    def __init__(self) -> None:
        super().__init__()
        self.lines: tuple[DiffLine, ...] = ()

    def _count(self) -> int:
        return len(self.lines)

    def set_diff(self, diff: ReadModelDiff) -> None:
        """Show a new diff."""
        self.beginResetModel()
        self.lines = diff_lines(diff)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.lines):
            return None
        line = self.lines[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (line.change, line.key, line.path, line.old, line.new)[
                index.column()
            ]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 0:
            return QColor(DIFF_COLOURS[line.change])
        return None
