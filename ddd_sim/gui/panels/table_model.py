"""The base of the panels' flat Qt table models: titled columns over a row count."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
NO_INDEX = QModelIndex()


class TableModel(QAbstractTableModel):
    """A flat table: ``COLUMNS`` are the titles, ``_count()`` the rows shown.

    A subclass keeps its own rows and says how many are shown (``_shown``,
    grown and shrunk at the end with :meth:`_show`, unless it overrides
    ``_count``) and answers ``data``; the counts and headers are here.
    """

    COLUMNS: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self._shown = 0

    def _columns(self) -> tuple[str, ...]:
        return self.COLUMNS

    def _count(self) -> int:
        return self._shown

    def _show(self, count: int) -> None:
        """Show the first ``count`` rows: insert or remove rows at the end."""
        if count > self._shown:
            self.beginInsertRows(NO_INDEX, self._shown, count - 1)
            self._shown = count
            self.endInsertRows()
        elif count < self._shown:
            self.beginRemoveRows(NO_INDEX, count, self._shown - 1)
            self._shown = count
            self.endRemoveRows()

    def rowCount(self, parent: Index = NO_INDEX) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._count()

    def columnCount(self, parent: Index = NO_INDEX) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns())

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        columns = self._columns()
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(columns)
        ):
            return columns[section]
        return None
