"""The commands panel's load generator: seeded order arrivals started and stopped."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.command_forms import parse_load
from ddd_sim.gui.panels.form_widgets import ERROR, OK, FormField, line_edit
from ddd_sim.gui.theme import MUTED
from ddd_sim.runtime.session.load import (
    FormKnowledge,
    RunningLoad,
    form_knowledge,
    running_loads,
    start_load,
    stop_load,
)
from ddd_sim.runtime.session.rows import Frame


def _pick_list(tip: str) -> QListWidget:
    """A list to pick several from (none picked: all of the scenario's)."""
    view = QListWidget()
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setToolTip(tip)
    view.setMinimumHeight(70)
    return view


def _set_items(view: QListWidget, items: list[str]) -> None:
    """New items, keeping the picked ones picked."""
    if [view.item(i).text() for i in range(view.count())] == items:
        return
    picked = {item.text() for item in view.selectedItems()}
    view.clear()
    view.addItems(items)
    for i in range(view.count()):
        view.item(i).setSelected(view.item(i).text() in picked)


def _picked(view: QListWidget) -> list[str]:
    return sorted(item.text() for item in view.selectedItems())


class LoadBox(QGroupBox):
    """Start and stop seeded order arrivals on the simulation's own time."""

    def __init__(
        self, controller: SessionController, parent: QWidget | None = None
    ) -> None:
        super().__init__("Load generator", parent)
        self.controller = controller
        self.running: tuple[RunningLoad, ...] = ()
        self._since = QElapsedTimer()
        self.fields = {
            "rate": FormField(line_edit("2", "2", "Orders per simulated second")),
            "max_quantity": FormField(line_edit("3", "3", "Units per line, at most")),
            "customers": FormField(_pick_list("Customers to order for (none: all)")),
            "products": FormField(_pick_list("Products to order (none: all)")),
        }
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Orders / sim s", self.fields["rate"])
        form.addRow("Max quantity", self.fields["max_quantity"])
        form.addRow("Customers", self.fields["customers"])
        form.addRow("Products", self.fields["products"])
        self.start_button = QPushButton("Start")
        self.start_button.setToolTip("Start placing orders now, at the head")
        self.start_button.clicked.connect(lambda: self.start())
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop every load started here")
        self.stop_button.clicked.connect(lambda: self.stop())
        self.stop_button.setEnabled(False)
        self.status = QLabel("No load started here. None picked means all.")
        self.status.setWordWrap(True)
        self.status.setStyleSheet(f"color: {MUTED};")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.stop_button)
        column = QVBoxLayout(self)
        column.addLayout(form, 1)
        column.addWidget(self.status)
        column.addLayout(buttons)

    def list_of(self, key: str) -> QListWidget:
        view = self.fields[key].editor
        assert isinstance(view, QListWidget)
        return view

    def offer(self, customers: list[str], products: list[str]) -> None:
        _set_items(self.list_of("customers"), customers)
        _set_items(self.list_of("products"), products)

    def set_frame(self, frame: Frame) -> None:
        """Ask now and then which loads still run (they end with the load phase)."""
        if self.running and (
            not self._since.isValid() or self._since.elapsed() >= 1000
        ):
            self.refresh()

    def refresh(self) -> None:
        self._since.start()
        self.controller.query(running_loads, self._show_running)

    def start(self) -> None:
        """Read the form against the shop now; start the load if it is right."""
        values = {key: field.text() for key, field in self.fields.items()}
        customers = _picked(self.list_of("customers"))
        products = _picked(self.list_of("products"))

        def checked(known: FormKnowledge) -> None:
            spec = parse_load(values, customers, products, known)
            for key, field in self.fields.items():
                field.set_error(spec.get(key) if isinstance(spec, dict) else None)
            if isinstance(spec, dict):
                self._say("Not started: fix the marked fields.", ERROR)
                return
            self.controller.submit(lambda s: start_load(s, spec), self._started)

        self.controller.query(form_knowledge, checked)

    def stop(self) -> None:
        """Cancel the arrivals of every load started here."""
        self.controller.submit(stop_load, lambda _: self.refresh())

    def _started(self, load: RunningLoad) -> None:
        self._say(f"Started load {load.index} at t = {load.started_at:.2f} s.", OK)
        self.refresh()

    def _show_running(self, running: tuple[RunningLoad, ...]) -> None:
        self.running = running
        self.stop_button.setEnabled(bool(running))
        if not running:
            self._say("No load running from here.", MUTED)
            return
        self._say(
            "Running: "
            + "; ".join(
                f"load {r.index}: {r.rate:g}/s since {r.started_at:.1f} s, "
                f"{r.placed:,} placed"
                for r in running
            ),
            OK,
        )

    def _say(self, text: str, colour: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {colour};")
