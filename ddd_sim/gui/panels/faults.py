"""The faults panel: inject any fault kind on any context, clear, crash.

A fault form is read as a scenario's ``[[faults]]`` entry is
(:func:`~.command_forms.parse_fault`); its window opens at the simulated
time it reaches the simulation thread and lasts the duration asked (or
until cleared).  The active faults are those open as of the slider.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.command_forms import FAULT_FIELDS, parse_fault
from ddd_sim.gui.panels.fault_models import ActiveFaultsModel
from ddd_sim.gui.panels.form_widgets import ERROR, OK, FormField, line_edit
from ddd_sim.gui.theme import KIND_COLOURS, MUTED
from ddd_sim.gui.widgets import PanelWidget, ResponsiveSplitter
from ddd_sim.runtime.session.load import inject_now
from ddd_sim.runtime.session.rows import Frame
from ddd_sim.runtime.session.session import Session
from ddd_sim.sim.faults import FAULT_KINDS
from ddd_sim.sim.scenario_model import CONTEXTS

KIND_HELP: dict[str, str] = {
    "down": "Every call to the context fails at once",
    "latency": "Calls take longer: mean ± jitter milliseconds more",
    "error_rate": "A share of calls fails",
    "drop": "A share of messages to the context is lost",
    "duplicate": "A share of messages is delivered twice",
    "reorder": "A share of messages overtakes others",
    "decline": "Payment declines charges (payment only)",
    "no_reply": "The work is done but the reply is lost",
    "crash": "The context loses its memory and restarts from the store",
    "stall_projection": "A read model stops consuming the log",
    "partition": "Two contexts cannot reach each other",
}
FIELD_LABELS: dict[str, str] = {
    "probability": "Probability (0 to 1)",
    "mean_ms": "Mean extra (ms)",
    "jitter_ms": "Jitter (ms)",
    "with": "Partitioned from",
    "projection": "Projection",
    "restart_after": "Restart after (s)",
    "duration": "Duration (sim s)",
}


def _projections(session: Session) -> tuple[str, ...]:
    return tuple(session.shop.projections.names()) if session.shop else ()


class FaultsPanel(PanelWidget):
    """Inject and clear faults, crash contexts; the faults open as of the slider."""

    title = "Faults"
    object_name = "faults"

    def __init__(
        self, controller: SessionController, parent: QWidget | None = None
    ) -> None:
        super().__init__(controller, parent)
        self.model = ActiveFaultsModel()
        self.projections: tuple[str, ...] = ()
        self.waiting: str | None = None
        self.live = True
        self.fields: dict[str, FormField] = {}
        split = ResponsiveSplitter()
        split.addWidget(self._inject_box())
        split.addWidget(self._active_box())
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)
        controller.error.connect(self._on_error)
        controller.query(_projections, self._on_projections)
        self._show_kind()
        if controller.read_only:
            self.setEnabled(False)
        if controller.frame is not None:
            self.set_frame(controller.frame)

    # -- layout ---------------------------------------------------------------------
    def _inject_box(self) -> QWidget:
        self.context = QComboBox()
        self.context.addItems(CONTEXTS)
        self.kind = QComboBox()
        for kind in FAULT_KINDS:
            self.kind.addItem(kind)
            self.kind.setItemData(
                self.kind.count() - 1, KIND_HELP[kind], Qt.ItemDataRole.ToolTipRole
            )
        self.kind.currentTextChanged.connect(lambda _: self._show_kind())
        self.kind_help = QLabel("")
        self.kind_help.setWordWrap(True)
        self.kind_help.setStyleSheet(f"color: {MUTED};")
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(
            QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow
        )
        self.form.addRow("Context", self.context)
        self.form.addRow("Kind", self.kind)
        self.form.addRow("", self.kind_help)
        self.with_box = QComboBox()
        self.with_box.addItems(CONTEXTS)
        self.with_box.setCurrentIndex(1)
        self.projection_box = QComboBox()
        self.projection_box.setEditable(True)
        editors = {
            "probability": line_edit("0.5", "0.5", "Share of messages hit, 0 to 1"),
            "mean_ms": line_edit("200", "200", "Extra milliseconds, on average"),
            "jitter_ms": line_edit("0", "50", "Plus or minus this many ms"),
            "with": self.with_box,
            "projection": self.projection_box,
            "restart_after": line_edit("2", "2", "Simulated seconds down"),
            "duration": line_edit(
                "until cleared", "10", "Simulated seconds (empty: until cleared)"
            ),
        }
        for key, editor in editors.items():
            self.fields[key] = FormField(editor)
            self.form.addRow(FIELD_LABELS[key], self.fields[key])
        self.inject_button = QPushButton("Inject")
        self.inject_button.setDefault(True)
        self.inject_button.clicked.connect(lambda: self.inject())
        self.result = QLabel("Faults open now, at the head of the run.")
        self.result.setWordWrap(True)
        self.result.setStyleSheet(f"color: {MUTED};")
        row = QHBoxLayout()
        row.addWidget(self.result, 1)
        row.addWidget(self.inject_button)
        box = QGroupBox("Inject a fault")
        column = QVBoxLayout(box)
        column.addLayout(self.form)
        column.addStretch(1)
        column.addLayout(row)
        holder = QWidget()
        outer = QVBoxLayout(holder)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(box, 1)
        outer.addWidget(self._crash_box())
        return holder

    def _crash_box(self) -> QWidget:
        box = QGroupBox("Crash now")
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(4)
        grid.setVerticalSpacing(4)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        self.restart = FormField(line_edit("2", "2", "Simulated seconds down"))
        grid.addWidget(QLabel("Restart after (s)"), 0, 0, 1, 2)
        grid.addWidget(self.restart, 0, 2)
        self.crash_buttons: dict[str, QPushButton] = {}
        for i, context in enumerate(CONTEXTS):
            button = QPushButton(context)
            button.setToolTip(f"Crash {context} now: it restarts from the store")
            button.clicked.connect(lambda _=False, c=context: self.crash(c))
            self.crash_buttons[context] = button
            grid.addWidget(button, 1 + i // 3, i % 3)
        self.crash_all = QPushButton("Crash the whole app")
        self.crash_all.setToolTip("Every context crashes and restarts; sagas resume")
        self.crash_all.setStyleSheet(f"color: {KIND_COLOURS['crash']};")
        self.crash_all.clicked.connect(lambda: self.crash(None))
        grid.addWidget(self.crash_all, 4, 0, 1, 3)
        return box

    def _active_box(self) -> QWidget:
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        for section in range(len(ActiveFaultsModel.COLUMNS)):
            header.setSectionResizeMode(
                section, QHeaderView.ResizeMode.ResizeToContents
            )
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.clicked.connect(
            lambda index: self.controller.select_context(
                self.model.fault_at(index.row()).target
            )
        )
        self.clear_buttons: list[QPushButton] = []
        self.active_label = QLabel("")
        self.active_label.setStyleSheet(f"color: {MUTED};")
        box = QGroupBox("Active faults (as of the slider)")
        column = QVBoxLayout(box)
        column.addWidget(self.table, 1)
        column.addWidget(self.active_label)
        return box

    def _show_kind(self) -> None:
        kind = self.kind.currentText()
        self.kind_help.setText(KIND_HELP.get(kind, ""))
        shown = FAULT_FIELDS.get(kind, ())
        for key, field in self.fields.items():
            self.form.setRowVisible(field, key in shown)
            field.set_error(None)

    # -- frames ---------------------------------------------------------------------
    def set_frame(self, frame: Frame) -> None:
        """List the faults open as of the frame's position."""
        self.live = frame.live
        if self.model.set_rows(frame.world.faults) or not self.clear_buttons:
            self._place_clear_buttons()
        for button in self.clear_buttons:
            button.setEnabled(frame.live)
        count = len(frame.world.faults)
        when = "now" if frame.live else f"as of t = {frame.world.sim_time:.2f} s"
        self.active_label.setText(
            f"{count} fault{'s' if count != 1 else ''} open {when}"
            + ("" if frame.live else " (go live to clear)")
        )

    def _place_clear_buttons(self) -> None:
        self.clear_buttons = []
        for row, fault in enumerate(self.model.rows):
            button = QPushButton("Clear")
            button.setToolTip(f"Close {fault.fault_id} now")
            button.setEnabled(self.live)
            button.clicked.connect(lambda _=False, f=fault.fault_id: self.clear(f))
            index = self.model.index(row, ActiveFaultsModel.CLEAR_COLUMN)
            self.table.setIndexWidget(index, button)
            self.clear_buttons.append(button)

    def _on_projections(self, names: tuple[str, ...]) -> None:
        self.projections = names
        self.projection_box.clear()
        self.projection_box.addItems(names)

    # -- acting ---------------------------------------------------------------------
    def values(self) -> dict[str, str]:
        """The form as :func:`parse_fault` reads it."""
        values = {key: field.text() for key, field in self.fields.items()}
        values["target"] = self.context.currentText()
        values["kind"] = self.kind.currentText()
        return values

    def inject(self) -> None:
        """Open the fault the form describes now (or mark what is wrong)."""
        spec = parse_fault(self.values(), self.projections)
        for key, field in self.fields.items():
            field.set_error(spec.get(key) if isinstance(spec, dict) else None)
        if isinstance(spec, dict):
            general = spec.get("target") or spec.get("kind") or spec.get("")
            self._say(f"Not injected: {general or 'fix the marked fields'}.", ERROR)
            return
        self.waiting = "inject"
        self.controller.submit(
            lambda s: inject_now(s, spec), lambda fault_id: self._done(fault_id)
        )

    def clear(self, fault_id: str) -> None:
        """Close one fault window now."""
        self.waiting = "clear"
        self.controller.submit(
            lambda s: s.clear(fault_id), lambda _: self._say(f"Cleared {fault_id}.", OK)
        )

    def crash(self, context: str | None) -> None:
        """Crash one context (None: every one) now; it restarts after a while."""
        spec = parse_fault(
            {
                "target": context or CONTEXTS[0],
                "kind": "crash",
                "restart_after": self.restart.text(),
            },
            self.projections,
        )
        if isinstance(spec, dict):
            self.restart.set_error(
                spec.get("restart_after") or next(iter(spec.values()))
            )
            self._say("Not crashed: fix the restart time.", ERROR)
            return
        self.restart.set_error(None)
        restart = spec.restart_after or 2.0
        what = context or "the whole app"
        self.waiting = "crash"
        self.controller.submit(
            lambda s: s.crash(context, restart),
            lambda _: self._say(f"Crashed {what}; restarts in {restart:g} s.", OK),
        )

    def _done(self, fault_id: str) -> None:
        self.waiting = None
        self._say(f"Injected {fault_id}.", OK)

    def _on_error(self, message: str) -> None:
        if self.waiting is not None:
            self.waiting = None
            self._say(f"Refused: {message}", ERROR)

    def _say(self, text: str, colour: str) -> None:
        if colour == OK:
            self.waiting = None
        self.result.setText(text)
        self.result.setStyleSheet(f"color: {colour};")
