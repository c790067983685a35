"""Sagas and processes: every instance as of the slider, one in detail.

The table is the world's saga rows as of the frame's position, filtered by
status and order id.  The selected instance shows each forward step beside
the compensation that undid it, and its timers, pending or fired; selecting
one also selects its first log entry everywhere.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.saga_models import (
    STATUSES,
    SagaFilter,
    SagaTableModel,
    StepPair,
    pair_steps,
    retries,
    status_colour,
)
from ddd_sim.gui.theme import KIND_COLOURS, MUTED, STATUS_COLOURS
from ddd_sim.gui.widgets import PanelWidget, table_view
from ddd_sim.runtime.session.rows import Frame
from ddd_sim.runtime.session.session import Session
from ddd_sim.runtime.world.model import SagaRow

ALL_STATUSES = "All statuses"
STEP_COLOURS = {
    "succeeded": STATUS_COLOURS["completed"],
    "failed": KIND_COLOURS["fault"],
    "started": STATUS_COLOURS["running"],
}
STEP_COLUMNS = ("Step", "Status", "Attempts", "At", "⇄", "Compensation", "At", "")
TIMER_COLUMNS = ("Timer", "State", "Due")
TIMER_COLOURS = {
    "pending": STATUS_COLOURS["running"],
    "fired": KIND_COLOURS["compensation"],
}


def first_position(session: Session, stream: str) -> int | None:
    """The log position of a stream's first entry (None if it has none yet)."""
    return next((r.position for r in session.rows if r.stream == stream), None)


def instance_of(session: Session, position: int) -> str | None:
    """The process instance an entry belongs to: its own stream, or its flow's."""
    if not 1 <= position <= len(session.rows):
        return None
    row = session.rows[position - 1]
    if row.lane == "processes":
        return row.stream
    for p in session.chain(position):
        other = session.rows[p - 1]
        if other.lane == "processes":
            return other.stream
    return None


class _Detail(QWidget):
    """One instance: its steps paired with their compensations, and its timers."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Select an instance to see its steps.")
        bold = QFont(self.title.font())
        bold.setBold(True)
        self.title.setFont(bold)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.subtitle = QLabel("")
        self.subtitle.setStyleSheet(f"color: {MUTED};")
        self.subtitle.setWordWrap(True)
        self.steps = _tree(STEP_COLUMNS)
        for column, width in enumerate((130, 78, 64, 64, 24, 130, 64)):
            self.steps.header().resizeSection(column, width)
        self.timers = _tree(TIMER_COLUMNS)
        for column, width in enumerate((72, 64)):
            self.timers.header().resizeSection(column, width)
        self.timers.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        trees = QHBoxLayout()
        trees.setSpacing(6)
        trees.addWidget(self.steps, 3)
        trees.addWidget(self.timers, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(3)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(trees, 1)

    def clear(self, message: str) -> None:
        """Show no instance, and say why."""
        self.title.setText(message)
        self.title.setStyleSheet("")
        self.subtitle.setText("")
        self.steps.clear()
        self.timers.clear()

    def show_saga(self, saga: SagaRow) -> None:
        """Fill the steps and timers from one instance as of the position."""
        self.title.setText(
            f"{saga.id}  ·  {saga.kind.replace('_', ' ')}  ·  {saga.status}"
        )
        self.title.setStyleSheet(f"color: {status_colour(saga.status).name()};")
        ended = (
            "still going" if saga.ended_at is None else f"ended {saga.ended_at:.3f} s"
        )
        facts = [f"order {saga.order}", f"started {saga.started_at:.3f} s", ended]
        if saga.failed_step:
            facts.append(f"failed at {saga.failed_step}: {saga.reason or 'no reason'}")
        if retries(saga):
            facts.append(f"{retries(saga)} retries")
        self.subtitle.setText("   ·   ".join(facts))
        self.steps.clear()
        self.steps.addTopLevelItems([_step_item(p) for p in pair_steps(saga)])
        self.timers.clear()
        self.timers.addTopLevelItems(
            [_timer_item(t.name, t.state, t.due) for t in saga.timers]
        )
        if not saga.timers:
            self.timers.addTopLevelItem(_muted_item(("no timers",)))


def _tree(columns: tuple[str, ...]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setColumnCount(len(columns))
    tree.setHeaderLabels(list(columns))
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    tree.header().setStretchLastSection(True)
    return tree


def _muted_item(texts: tuple[str, ...]) -> QTreeWidgetItem:
    item = QTreeWidgetItem(list(texts))
    for column in range(len(texts)):
        item.setForeground(column, QBrush(QColor(MUTED)))
    return item


def _step_item(pair: StepPair) -> QTreeWidgetItem:
    """step | status | attempts | at  ⇄  compensation | at | no-op."""
    step, undo = pair.step, pair.compensation
    texts = [pair.name, "not run", "", "", "", "", "", ""]
    if step is not None:
        texts[1] = step.status + (" (dup)" if step.duplicate else "")
        texts[2] = str(step.attempts)
        texts[3] = f"{step.at:.3f}"
        if step.effect_unknown:
            texts[1] += " ?"
    if undo is not None:
        texts[4] = "⇄"
        texts[5] = undo.name
        texts[6] = f"{undo.at:.3f}"
        texts[7] = "no-op" if undo.noop else "undone"
    item = QTreeWidgetItem(texts)
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    for column in (2, 3, 6):
        item.setTextAlignment(column, right)
    item.setTextAlignment(4, Qt.AlignmentFlag.AlignCenter)
    status_colour_name = MUTED if step is None else STEP_COLOURS.get(step.status, MUTED)
    item.setForeground(1, QBrush(QColor(status_colour_name)))
    if step is None:
        item.setForeground(0, QBrush(QColor(MUTED)))
    if undo is not None:
        undo_colour = QColor(MUTED if undo.noop else KIND_COLOURS["compensation"])
        for column in (4, 5, 6, 7):
            item.setForeground(column, QBrush(undo_colour))
    tips = {1: "? = the step may have acted although no reply came"}
    if step is not None and step.duplicate:
        tips[1] = "the target had already done this: idempotency absorbed a duplicate"
    for column, tip in tips.items():
        item.setToolTip(column, tip)
    return item


def _timer_item(name: str, state: str, due: float) -> QTreeWidgetItem:
    item = QTreeWidgetItem([name, state, f"{due:.3f}"])
    item.setTextAlignment(
        2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    )
    item.setForeground(1, QBrush(QColor(TIMER_COLOURS.get(state, MUTED))))
    return item


class SagasPanel(PanelWidget):
    """Every saga and process manager instance as of the slider; one in detail."""

    title = "Sagas and processes"
    object_name = "sagas"

    def __init__(
        self, controller: SessionController, parent: QWidget | None = None
    ) -> None:
        super().__init__(controller, parent)
        self.model = SagaTableModel()
        self.selected: SagaRow | None = None
        self._selected_id: str | None = None
        self._restoring = False
        self._position = 0
        self._frame: Frame | None = None
        self._build()
        if controller.frame is not None:
            self.set_frame(controller.frame)

    def _build(self) -> None:
        self.status = QComboBox()
        self.status.addItem(ALL_STATUSES)
        for status in STATUSES:
            self.status.addItem(status)
            self.status.setItemData(
                self.status.count() - 1,
                status_colour(status),
                Qt.ItemDataRole.ForegroundRole,
            )
        self.status.currentIndexChanged.connect(lambda _i: self._apply_filter())
        self.order = QLineEdit()
        self.order.setPlaceholderText("Filter by order id…")
        self.order.setClearButtonEnabled(True)
        self.order.textChanged.connect(lambda _text: self._apply_filter())
        self.count = QLabel("")
        self.count.setStyleSheet(f"color: {MUTED};")
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 0)
        bar.addWidget(self.status)
        bar.addWidget(self.order, 1)
        bar.addStretch(1)
        bar.addWidget(self.count)

        self.table = table_view(self.model)
        header = self.table.horizontalHeader()
        for column, width in enumerate((170, 96, 120, 96, 64, 64, 110, 56)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._on_current)
        self.controller.event_selected.connect(self._on_event_selected)
        self.detail = _Detail()
        self.detail.clear("Select an instance to see its steps.")

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

    # -- frames -----------------------------------------------------------------------
    def set_frame(self, frame: Frame) -> None:
        """Show every instance as of the frame's position (hidden: when shown)."""
        self._frame = frame
        if self.isVisible():
            self._show_frame(frame)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """Catch up with the last frame on being shown (hidden, frames are kept)."""
        super().showEvent(event)
        if self._frame is not None:
            self._show_frame(self._frame)

    def _show_frame(self, frame: Frame) -> None:
        self._position = frame.position
        # rows dropped under the current one move it: that is no user's choice
        self._restoring = True
        try:
            self.model.set_rows(frame.world.sagas, self._rows_on_screen())
        finally:
            self._restoring = False
        self._after_change()

    def _rows_on_screen(self) -> range:
        """The table rows the view shows now (with a little margin)."""
        top = self.table.rowAt(0)
        if top < 0:
            return range(0, 64)  # empty or not laid out yet: the first rows
        height = self.table.viewport().height()
        shown = height // max(1, self.table.verticalHeader().defaultSectionSize())
        return range(top, top + shown + 2)

    def _after_change(self) -> None:
        sagas = self.model.rowCount()
        self.count.setText(f"{sagas:,} instances as of #{self._position:,}")
        self._restore_selection()
        self._show_selected()

    # -- filtering --------------------------------------------------------------------
    def set_status(self, status: str | None) -> None:
        """Show instances of one status (None: every status)."""
        self.status.setCurrentText(status or ALL_STATUSES)

    def set_order_filter(self, text: str) -> None:
        """Show instances whose order id contains the text."""
        self.order.setText(text)

    def _apply_filter(self) -> None:
        status = self.status.currentText()
        self.model.set_filter(
            SagaFilter(
                status=None if status == ALL_STATUSES else status,
                order=self.order.text().strip(),
            )
        )
        self._after_change()

    # -- selection --------------------------------------------------------------------
    def select_saga(self, saga_id: str) -> None:
        """Select an instance by id (shown in detail even when filtered out)."""
        self._selected_id = saga_id
        self._restore_selection()
        self._show_selected()

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self._restoring:
            return
        saga = self.model.saga_at(current.row())
        if saga.id == self._selected_id:
            return
        self._selected_id = saga.id
        self._show_selected()
        self.controller.query(
            lambda s: first_position(s, saga.id), self._on_first_position
        )

    def _on_event_selected(self, position: int) -> None:
        """An entry selected anywhere selects the instance whose flow it is in."""
        self.controller.query(lambda s: instance_of(s, position), self._follow)

    def _follow(self, saga_id: str | None) -> None:
        if saga_id is not None and saga_id != self._selected_id:
            self.select_saga(saga_id)

    def _on_first_position(self, position: int | None) -> None:
        if position is not None:
            self.controller.select_event(position)

    def _restore_selection(self) -> None:
        """Keep the selected instance selected when rows come and go."""
        if self._selected_id is None:
            return
        row = self.model.row_of(self._selected_id)
        selection = self.table.selectionModel()
        self._restoring = True
        try:
            if row is None:
                selection.clearSelection()
            elif selection.currentIndex().row() != row or not selection.hasSelection():
                index = self.model.index(row, 0)
                selection.setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                # selected from elsewhere, or put back after the rows were
                # replaced (the view is back at the top): bring it into view
                self.table.scrollTo(
                    index, QAbstractItemView.ScrollHint.PositionAtCenter
                )
        finally:
            self._restoring = False

    def _show_selected(self) -> None:
        if self._selected_id is None:
            return
        row = self.model.row_of(self._selected_id)
        saga = self.model.saga_at(row) if row is not None else None
        if saga is None:
            saga = self.model.saga(self._selected_id)
        if saga is not None and saga is self.selected:
            return  # unchanged since the last frame: keep the trees as they are
        self.selected = saga
        if saga is None:
            self.detail.clear(
                f"{self._selected_id} had not started as of #{self._position:,}."
            )
        else:
            self.detail.show_saga(saga)
