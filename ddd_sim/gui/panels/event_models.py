"""The store browser's item models: the log's entries and streams as of a position.

Both hold every row the panel has been handed, in log order, and show only
what existed at the slider's position.  Rows arrive in position order and a
position is a prefix of the log, so moving the slider or appending inserts
or removes rows at the end: nothing is rebuilt per frame, even with 500,000
rows accumulated.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt

from ddd_sim.gui.panels.chunked import ChunkedList
from ddd_sim.gui.panels.table_model import Index, TableModel
from ddd_sim.gui.theme import kind_colour
from ddd_sim.runtime.session.rows import EventRow

EVENT_COLUMNS: tuple[str, ...] = (
    "Position",
    "Sim time",
    "Stream",
    "Version",
    "Type",
    "Kind",
    "Summary",
)


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which entries the table shows: one stream, one kind, a text (all optional)."""

    stream: str | None = None
    kind: str | None = None
    text: str = ""

    @property
    def is_empty(self) -> bool:
        """True when every entry passes."""
        return self.stream is None and self.kind is None and not self.text

    def accepts(self, row: EventRow) -> bool:
        """True if the row passes: text is found in type, summary or stream."""
        if self.stream is not None and row.stream != self.stream:
            return False
        if self.kind is not None and row.kind != self.kind:
            return False
        if self.text:
            needle = self.text.casefold()
            return (
                needle in row.type.casefold()
                or needle in row.summary.casefold()
                or needle in row.stream.casefold()
            )
        return True


class EventTableModel(TableModel):
    """The log's entries up to a position that pass a filter, oldest first.

    ``_matches`` lists the indexes (into all rows) of the entries passing
    the filter, or is None when the filter passes everything; the table
    shows the prefix of them whose position is at most ``as_of``.
    """

    COLUMNS = EVENT_COLUMNS

    def __init__(self) -> None:
        super().__init__()
        self._rows: ChunkedList[EventRow] = ChunkedList()
        self._filter = EventFilter()
        self._matches: list[int] | None = None
        self._as_of = 0

    # -- what is shown ----------------------------------------------------------------
    @property
    def rows(self) -> Sequence[EventRow]:
        """Every row handed to the model (whatever the filter and position)."""
        return self._rows

    @property
    def as_of(self) -> int:
        """The last position shown."""
        return self._as_of

    @property
    def event_filter(self) -> EventFilter:
        """The filter in force."""
        return self._filter

    def row_at(self, row: int) -> EventRow:
        """The entry shown in table row ``row``."""
        return self._rows[row if self._matches is None else self._matches[row]]

    def shown(self) -> list[EventRow]:
        """The entries the table shows, in order."""
        return [self.row_at(i) for i in range(self._shown)]

    def row_of(self, position: int) -> int | None:
        """The table row showing a log position, or None when it is not shown."""
        index = position - 1  # positions are 1, 2, … with no gaps
        if not 0 <= index < len(self._rows) or position > self._as_of:
            return None
        if self._matches is None:
            return index
        found = bisect_right(self._matches, index) - 1
        return found if found >= 0 and self._matches[found] == index else None

    # -- changing it ------------------------------------------------------------------
    def extend(self, rows: Iterable[EventRow], *, show: bool = True) -> None:
        """Append entries that follow the last one (repeats are skipped).

        With ``show=False`` they are kept but the view hears of them only at
        the next :meth:`set_as_of`: a large log taken in slices is then not
        inserted (and repainted) a slice at a time.
        """
        fresh = [r for r in rows if r.position > len(self._rows)]
        if not fresh:
            return
        start = len(self._rows)
        self._rows.extend(fresh)
        if self._matches is not None:
            accepts = self._filter.accepts
            self._matches.extend(
                start + i for i, row in enumerate(fresh) if accepts(row)
            )
        if show:
            self._show(self._count_up_to(self._as_of))

    def set_as_of(self, position: int) -> None:
        """Show entries up to ``position`` (rows are added or removed at the end)."""
        self._as_of = position
        self._show(self._count_up_to(position))

    def set_filter(self, event_filter: EventFilter) -> None:
        """Filter the entries; this one change rebuilds the index list."""
        if event_filter == self._filter:
            return
        self.beginResetModel()
        self._filter = event_filter
        if event_filter.is_empty:
            self._matches = None
        else:
            accepts = event_filter.accepts
            self._matches = [i for i, row in enumerate(self._rows) if accepts(row)]
        self._shown = self._count_up_to(self._as_of)
        self.endResetModel()

    def _count_up_to(self, position: int) -> int:
        if self._matches is None:
            return max(0, min(position, len(self._rows)))
        # matches are indexes into the rows, whose position is index + 1
        return bisect_right(self._matches, position - 1)

    # -- Qt ---------------------------------------------------------------------------
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= self._shown:
            return None
        row = self.row_at(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return _event_cell(row, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == 5:
            return kind_colour(row.kind)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 1, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == 6:
            return row.summary
        return None


def _event_cell(row: EventRow, column: int) -> str:
    if column == 0:
        return f"{row.position:,}"
    if column == 1:
        return f"{row.sim_time:.3f}"
    if column == 2:
        return row.stream
    if column == 3:
        return str(row.version)
    if column == 4:
        return row.type
    if column == 5:
        return row.kind
    return row.summary


class StreamListModel(TableModel):
    """Every stream that existed at a position and its version then.

    Streams are kept in order of their first entry, so the streams that
    existed at a position are a prefix; a stream's version as of a position
    is found by bisecting its entries' positions, only for the rows drawn.
    """

    COLUMNS = ("Stream", "Events")

    def __init__(self) -> None:
        super().__init__()
        self._names: list[str] = []
        self._first: list[int] = []
        self._positions: dict[str, list[int]] = {}
        self._row_of: dict[str, int] = {}
        self._as_of = 0
        self._touched: set[int] = set()
        """Rows whose version grew, as of the position, since the view heard."""

    def stream_at(self, row: int) -> str:
        """The stream shown in row ``row``."""
        return self._names[row]

    def row_of(self, stream: str) -> int | None:
        """The row showing ``stream``, or None when it did not exist yet."""
        row = self._row_of.get(stream)
        return row if row is not None and row < self._shown else None

    def version_at(self, stream: str, position: int) -> int:
        """How many entries a stream had at a position."""
        return bisect_right(self._positions.get(stream, ()), position)

    def extend(self, rows: Iterable[EventRow], *, show: bool = True) -> None:
        """Count new entries into their streams (positions must increase).

        With ``show=False`` the view hears of them at the next
        :meth:`set_as_of` (as for :meth:`EventTableModel.extend`).
        """
        touched = self._touched
        for row in rows:
            positions = self._positions.get(row.stream)
            if positions is None:
                self._row_of[row.stream] = len(self._names)
                self._names.append(row.stream)
                self._first.append(row.position)
                self._positions[row.stream] = [row.position]
            elif row.position > positions[-1]:
                positions.append(row.position)
                if row.position <= self._as_of:
                    touched.add(self._row_of[row.stream])
        if show:
            self._publish()

    def _publish(self) -> None:
        """Tell the view of the streams and versions kept since it last heard."""
        self._show(bisect_right(self._first, self._as_of))
        visible = [r for r in self._touched if r < self._shown]
        self._touched.clear()
        if visible:
            self.dataChanged.emit(
                self.index(min(visible), 1), self.index(max(visible), 1)
            )

    def set_as_of(self, position: int) -> None:
        """Show the streams (and versions) as of ``position``."""
        if position == self._as_of:
            self._publish()
            return
        self._as_of = position
        self._touched.clear()
        self._show(bisect_right(self._first, position))
        if self._shown:
            self.dataChanged.emit(self.index(0, 1), self.index(self._shown - 1, 1))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= self._shown:
            return None
        name = self._names[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return name
            return str(self.version_at(name, self._as_of))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
