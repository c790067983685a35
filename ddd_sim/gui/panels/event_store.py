"""The store browser: streams, the log's entries as of the slider, one entry in detail.

Entries accumulate from the frames (``frame.new_events``) into the item
models; the slider only moves where the models stop.  The selected entry's
payload as stored and as upcast, its stream's snapshots and how a load of
its aggregate goes are asked of the simulation thread.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.event_models import (
    EventFilter,
    EventTableModel,
    StreamListModel,
)
from ddd_sim.gui.panels.row_feed import RowFeed
from ddd_sim.gui.theme import ACCENT, MUTED, kind_colour
from ddd_sim.gui.widgets import PanelWidget, table_view
from ddd_sim.runtime.session.loads import load_stats
from ddd_sim.runtime.session.rows import KINDS, EventDetail, EventRow, Frame
from ddd_sim.runtime.session.session import Session
from ddd_sim.shared.repository import LoadStats

ALL_KINDS = "All kinds"
SEARCH_DELAY_MS = 200
"""Typing pauses this long before a search runs (it scans every entry)."""


def load_text(stats: LoadStats | None) -> str:
    """How a load of the stream's aggregate went, in words."""
    if stats is None:
        return "Not an aggregate stream: nothing loads it."
    start = (
        f"from snapshot v{stats.snapshot_version}"
        if stats.snapshot_version is not None
        else "from the first event (no snapshot)"
    )
    plural = "" if stats.events_replayed == 1 else "s"
    return (
        f"Loading v{stats.version} starts {start} and replays "
        f"{stats.events_replayed} event{plural}."
    )


def snapshot_text(versions: tuple[int, ...]) -> str:
    """The stream's snapshot markers, in words."""
    if not versions:
        return "No snapshots of this stream."
    return "Snapshots at " + ", ".join(f"v{v}" for v in versions)


class _Detail(QWidget):
    """The selected entry: metadata, payload stored and upcast, snapshots, load."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.title = QLabel("Select an entry to see its payload.")
        bold = QFont(self.title.font())
        bold.setBold(True)
        self.title.setFont(bold)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.metadata = QLabel("")
        self.metadata.setStyleSheet(f"color: {MUTED};")
        self.metadata.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.metadata.setWordWrap(True)
        self.snapshots = QLabel("")
        self.load = QLabel("")
        self.stored_label = QLabel("As stored")
        self.upcast_label = QLabel("As upcast")
        self.stored = QPlainTextEdit()
        self.upcast = QPlainTextEdit()
        for edit in (self.stored, self.upcast):
            edit.setReadOnly(True)
            edit.setFont(mono)
            edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        payloads = QHBoxLayout()
        for label, edit in (
            (self.stored_label, self.stored),
            (self.upcast_label, self.upcast),
        ):
            column = QVBoxLayout()
            column.setSpacing(2)
            column.addWidget(label)
            column.addWidget(edit)
            payloads.addLayout(column)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(3)
        layout.addWidget(self.title)
        layout.addWidget(self.metadata)
        layout.addLayout(payloads, 1)
        markers = QHBoxLayout()
        markers.addWidget(self.snapshots)
        markers.addStretch(1)
        markers.addWidget(self.load)
        layout.addLayout(markers)

    def show_detail(self, detail: EventDetail, stats: LoadStats | None) -> None:
        """Fill every field from one entry's detail."""
        row, meta = detail.row, detail.metadata
        self.title.setText(
            f"#{row.position:,}  {detail.stored_type}  ·  {row.stream} "
            f"v{row.version}  ·  t = {row.sim_time:.3f} s"
        )
        self.metadata.setText(
            f"event {meta['event_id']}   correlation {meta['correlation_id'] or '—'}"
            f"   causation {meta['causation_id'] or '—'}"
        )
        upcast = meta.get("current_schema_version", detail.schema_version)
        changed = detail.stored_payload != detail.upcast_payload
        self.stored_label.setText(f"As stored (schema v{detail.schema_version})")
        self.upcast_label.setText(
            f"As upcast (schema v{upcast})"
            + ("  — changed by upcasting" if changed else "  — same as stored")
        )
        self.upcast_label.setStyleSheet(f"color: {ACCENT};" if changed else "")
        self.stored.setPlainText(detail.stored_payload)
        self.upcast.setPlainText(detail.upcast_payload)
        self.snapshots.setText(snapshot_text(detail.snapshots))
        self.load.setText(load_text(stats))


class EventStorePanel(PanelWidget):
    """Browse the log: streams, filtered entries as of the slider, one in detail."""

    title = "Event store"
    object_name = "event_store"

    def __init__(
        self, controller: SessionController, parent: QWidget | None = None
    ) -> None:
        super().__init__(controller, parent)
        self.events = EventTableModel()
        self.streams = StreamListModel()
        self.detail: EventDetail | None = None
        self.load: LoadStats | None = None
        self._selected: int | None = None
        self._build()
        frame = controller.frame
        self._position = frame.position if frame is not None else 0
        self.events.set_as_of(self._position)
        self.streams.set_as_of(self._position)
        controller.event_selected.connect(self._on_event_selected)
        # the run so far is asked for once and taken in a slice per turn
        self.feed = RowFeed(controller, self._append, self._redraw, self)

    # -- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search type, summary or stream…")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.kind = QComboBox()
        self.kind.addItem(ALL_KINDS)
        for kind in KINDS:
            self.kind.addItem(kind)
            self.kind.setItemData(
                self.kind.count() - 1, kind_colour(kind), Qt.ItemDataRole.ForegroundRole
            )
        self.kind.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.stream_chip = QToolButton()
        self.stream_chip.setText("All streams")
        self.stream_chip.setToolTip("Click a stream to show only its entries")
        self.stream_chip.clicked.connect(self.clear_stream)
        self._stream: str | None = None
        self.count = QLabel("")
        self.count.setStyleSheet(f"color: {MUTED};")
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 0)
        bar.addWidget(self.search, 2)
        bar.addWidget(self.kind)
        bar.addWidget(self.stream_chip)
        bar.addStretch(1)
        bar.addWidget(self.count)

        self.stream_view = table_view(self.streams)
        self.stream_view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch
        )
        self.stream_view.horizontalHeader().resizeSection(1, 56)
        self.stream_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.stream_view.clicked.connect(self._on_stream_clicked)
        self.event_view = table_view(self.events)
        header = self.event_view.horizontalHeader()
        for column, width in enumerate((64, 64, 190, 54, 140, 100)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.event_view.selectionModel().currentRowChanged.connect(self._on_current)
        self.detail_view = _Detail()

        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.event_view)
        right.addWidget(self.detail_view)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.stream_view)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 4)
        split.setSizes([250, 750])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

    # -- frames -----------------------------------------------------------------------
    def set_frame(self, frame: Frame) -> None:
        """Append the new entries and show the log as of the frame's position."""
        self._position = frame.position
        self.feed.take_frame(frame)

    def _redraw(self) -> None:
        self.feed.drawing()
        self._show_position(self._position)

    def _append(self, rows: Sequence[EventRow]) -> None:
        # kept a slice per turn; shown (inserted, repainted) on the redraw
        self.events.extend(rows, show=False)
        self.streams.extend(rows, show=False)

    def _show_position(self, position: int) -> None:
        self._position = position
        self.events.set_as_of(position)
        self.streams.set_as_of(position)
        total = min(position, len(self.events.rows))
        self.count.setText(f"{self.events.rowCount():,} of {total:,} entries")

    # -- filtering --------------------------------------------------------------------
    def _current_filter(self) -> EventFilter:
        kind = self.kind.currentText()
        return EventFilter(
            stream=self._stream,
            kind=None if kind == ALL_KINDS else kind,
            text=self.search.text().strip(),
        )

    def _apply_filter(self) -> None:
        self.events.set_filter(self._current_filter())
        self._show_position(self._position)
        if self._selected is not None:
            self._select_row(self._selected)

    def filter_stream(self, stream: str | None) -> None:
        """Show only one stream's entries (None: every stream)."""
        self._stream = stream
        self.stream_chip.setText(f"{stream}  ✕" if stream else "All streams")
        self._apply_filter()

    def clear_stream(self) -> None:
        """Show every stream's entries."""
        self.stream_view.clearSelection()
        self.filter_stream(None)

    def set_search(self, text: str) -> None:
        """Search now (what typing does after a short pause)."""
        self.search.setText(text)
        self._search_timer.stop()
        self._apply_filter()

    def set_kind(self, kind: str | None) -> None:
        """Show one kind of entry (None: every kind)."""
        self.kind.setCurrentText(kind or ALL_KINDS)

    def clear_filters(self) -> None:
        """Show every entry up to the position."""
        for widget in (self.search, self.kind):
            widget.blockSignals(True)
        self.search.clear()
        self.kind.setCurrentIndex(0)
        for widget in (self.search, self.kind):
            widget.blockSignals(False)
        self._stream = None
        self.stream_chip.setText("All streams")
        self.stream_view.clearSelection()
        self._apply_filter()

    def _on_stream_clicked(self, index: QModelIndex) -> None:
        self.filter_stream(self.streams.stream_at(index.row()))

    # -- selection --------------------------------------------------------------------
    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        position = self.events.row_at(current.row()).position
        if position != self._selected:
            self.controller.select_event(position)

    def _on_event_selected(self, position: int) -> None:
        self._selected = position
        hidden = self.events.row_of(position) is None
        if (
            hidden
            and position <= self._position
            and not self.events.event_filter.is_empty
        ):
            self.clear_filters()  # the filter hides it, not the slider
        self._select_row(position)
        self._ask_detail(position)

    def _select_row(self, position: int) -> None:
        row = self.events.row_of(position)
        if row is None:
            return
        index = self.events.index(row, 0)
        self.event_view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.event_view.scrollTo(index)

    def _ask_detail(self, position: int) -> None:
        def ask(session: Session) -> tuple[EventDetail, LoadStats | None]:
            detail = session.event_detail(position)
            return detail, load_stats(session, detail.row.stream, detail.row.version)

        self.controller.query(ask, self._show_detail)

    def _show_detail(self, answer: tuple[EventDetail, LoadStats | None]) -> None:
        detail, stats = answer
        if detail.row.position != self._selected:
            return  # an older selection's answer came late
        self.detail, self.load = detail, stats
        self.detail_view.show_detail(detail, stats)
