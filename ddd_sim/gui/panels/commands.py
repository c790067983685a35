"""The commands panel: a form per domain command, and a load generator.

A form is read as a scenario file is (:mod:`.command_forms`) against what
the shop knows at the head, asked of the simulation thread on each send; a
bad value is marked at its field and nothing is sent.  A good one is sent
with ``controller.submit``; a refusal by the domain comes back on
``controller.error`` and is shown here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import QElapsedTimer, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ddd_sim.contexts.customer.application.commands import RegisterCustomer
from ddd_sim.contexts.inventory.application.commands import ReceiveStock
from ddd_sim.contexts.payment.application.commands import (
    Deposit,
    OpenAccount,
    Withdraw,
)
from ddd_sim.contexts.sales.application.commands import CancelOrder, PlaceOrder
from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.command_forms import (
    FieldErrors,
    item_key,
    parse_command,
    parse_load,
)
from ddd_sim.gui.theme import KIND_COLOURS, MUTED, STATUS_COLOURS
from ddd_sim.gui.widgets import ResponsiveSplitter
from ddd_sim.runtime.session.load import (
    FormKnowledge,
    RunningLoad,
    form_knowledge,
    running_loads,
    start_load,
    stop_load,
)
from ddd_sim.runtime.session.rows import Frame
from ddd_sim.runtime.world.model import World
from ddd_sim.shared.messages import Command

ERROR = KIND_COLOURS["fault"]
OK = STATUS_COLOURS["completed"]
CHOICES_MS = 500
"""Choice lists follow the world at most this often (they cost a sort)."""
OPEN_ORDER = frozenset({"placed", "confirmed"})
CHOICE_LIMIT = 500
"""At most this many recent orders are offered (any id can still be typed)."""


class FormField(QWidget):
    """An editor with its problem under it: a red border, a message, a tooltip."""

    def __init__(self, editor: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.hint = editor.toolTip()
        self.error = QLabel("")
        self.error.setStyleSheet(f"color: {ERROR}; font-size: 11px;")
        self.error.setWordWrap(True)
        self.error.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(editor)
        column.addWidget(self.error)

    def text(self) -> str:
        """What the field holds as typed."""
        editor = self.editor
        if isinstance(editor, QComboBox):
            return editor.currentText()
        if isinstance(editor, QLineEdit):
            return editor.text()
        return ""

    def set_text(self, text: str) -> None:
        editor = self.editor
        if isinstance(editor, QComboBox):
            editor.setEditText(text)
        elif isinstance(editor, QLineEdit):
            editor.setText(text)

    def set_error(self, problem: str | None) -> None:
        """Mark the field (or unmark it with None)."""
        self.error.setText(problem or "")
        self.error.setVisible(bool(problem))
        self.editor.setToolTip(problem or self.hint)
        self.editor.setStyleSheet(
            f"border: 1px solid {ERROR}; border-radius: 3px;" if problem else ""
        )

    @property
    def problem(self) -> str:
        return self.error.text()


def line_edit(placeholder: str = "", text: str = "", tip: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setToolTip(tip)
    return edit


def choice_box(tip: str = "") -> QComboBox:
    """An editable combo box: pick one of the world's, or type any id."""
    box = QComboBox()
    box.setEditable(True)
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.setMinimumContentsLength(14)
    box.setSizeAdjustPolicy(
        QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
    )
    box.setToolTip(tip)
    return box


def set_choices(box: QComboBox, choices: Iterable[str]) -> None:
    """Offer new choices, keeping what the user has typed."""
    items = list(choices)
    if [box.itemText(i) for i in range(box.count())] == items:
        return
    typed = box.currentText()
    box.blockSignals(True)
    box.clear()
    box.addItems(items)
    box.setEditText(typed)
    box.blockSignals(False)


def describe(command: Command) -> str:
    """What a sent command did, in a few words."""
    if isinstance(command, PlaceOrder):
        return f"Order {command.order_id} placed ({len(command.lines)} line(s))"
    if isinstance(command, CancelOrder):
        return f"Order {command.order_id} cancelled"
    if isinstance(command, RegisterCustomer):
        return f"Customer {command.customer_id} registered"
    if isinstance(command, OpenAccount):
        return f"Wallet {command.account_id} opened with {command.initial_balance}"
    if isinstance(command, Deposit):
        return f"Deposited {command.amount} into {command.account_id}"
    if isinstance(command, Withdraw):
        return f"Withdrew {command.amount} from {command.account_id}"
    if isinstance(command, ReceiveStock):
        return f"Received {command.quantity} unit(s) of {command.product_id}"
    return f"{type(command).__name__} sent"


class CommandForm(QWidget):
    """One command's fields and its Send button."""

    def __init__(self, kind: str, button: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.fields: dict[str, FormField] = {}
        self.general = QLabel("")
        self.general.setStyleSheet(f"color: {ERROR};")
        self.general.setWordWrap(True)
        self.general.hide()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(
            QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow
        )
        self.form.setVerticalSpacing(6)
        self.send = QPushButton(button)
        self.send.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.send)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(8, 8, 8, 8)
        self.column.addLayout(self.form)
        self.column.addWidget(self.general)
        self.column.addStretch(1)
        self.column.addLayout(buttons)

    def add(self, key: str, label: str, editor: QWidget) -> FormField:
        field = FormField(editor)
        self.fields[key] = field
        self.form.addRow(label, field)
        return field

    def values(self) -> dict[str, str]:
        """Field key -> text, as :func:`parse_command` reads it."""
        return {key: field.text() for key, field in self.fields.items()}

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Mark every field with a problem; unmark the rest."""
        for key, field in self.fields.items():
            field.set_error(errors.get(key))
        general = errors.get("", "")
        self.general.setText(general)
        self.general.setVisible(bool(general))


class OrderForm(CommandForm):
    """A PlaceOrder: a customer and one or more product/quantity lines."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("PlaceOrder", "Place order", parent)
        self.customer = choice_box("The customer placing the order")
        self.add("customer", "Customer", self.customer)
        self.add(
            "order",
            "Order id",
            line_edit("automatic (ORD-W…)", tip="Leave empty for a fresh id"),
        )
        self.lines = QGridLayout()
        self.lines.setHorizontalSpacing(6)
        self.lines.setVerticalSpacing(4)
        self.lines.setColumnStretch(0, 3)
        self.lines.setColumnStretch(1, 1)
        self.line_rows: list[tuple[FormField, FormField, QPushButton]] = []
        self.add_line_button = QPushButton("+ Add line")
        self.add_line_button.clicked.connect(lambda: self.add_line())
        holder = QVBoxLayout()
        holder.setSpacing(4)
        holder.addLayout(self.lines)
        holder.addWidget(self.add_line_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.form.addRow("Lines", holder)
        self.products: list[str] = []
        self.add_line()

    def add_line(self, product: str = "", quantity: str = "1") -> None:
        """One more product/quantity line."""
        box = choice_box("The product")
        set_choices(box, self.products)
        box.setEditText(product)
        product_field = FormField(box)
        quantity_field = FormField(line_edit("quantity", quantity, "Units (1 or more)"))
        remove = QPushButton("\N{MINUS SIGN}")
        remove.setFixedWidth(28)
        remove.setToolTip("Remove this line")
        row = (product_field, quantity_field, remove)
        remove.clicked.connect(lambda: self.remove_line(row))
        self.line_rows.append(row)
        self._relayout()

    def remove_line(self, row: tuple[FormField, FormField, QPushButton]) -> None:
        """Drop a line (an order keeps at least one)."""
        if len(self.line_rows) <= 1 or row not in self.line_rows:
            return
        self.line_rows.remove(row)
        for widget in row:
            widget.deleteLater()
        self._relayout()

    def _relayout(self) -> None:
        for index, (product, quantity, remove) in enumerate(self.line_rows):
            self.lines.addWidget(product, index, 0, Qt.AlignmentFlag.AlignTop)
            self.lines.addWidget(quantity, index, 1, Qt.AlignmentFlag.AlignTop)
            self.lines.addWidget(remove, index, 2, Qt.AlignmentFlag.AlignTop)
            remove.setEnabled(len(self.line_rows) > 1)
        self.fields = {
            key: field for key, field in self.fields.items() if "[" not in key
        }
        for index, (product, quantity, _) in enumerate(self.line_rows):
            self.fields[item_key(index, "product")] = product
            self.fields[item_key(index, "quantity")] = quantity

    def set_products(self, products: list[str]) -> None:
        self.products = products
        for product, _, _ in self.line_rows:
            assert isinstance(product.editor, QComboBox)
            set_choices(product.editor, products)


def _build_forms() -> list[tuple[str, CommandForm]]:
    """Every command's form, with the tab title it goes under."""
    order = OrderForm()
    cancel = CommandForm("CancelOrder", "Cancel order")
    cancel.add("order", "Order", choice_box("An order not shipped yet"))
    cancel.add("reason", "Reason", line_edit("cancelled by the customer"))
    register = CommandForm("RegisterCustomer", "Register")
    register.add("customer", "Customer id", line_edit("CUST-…"))
    register.add("name", "Name", line_edit("(the id)"))
    register.add("email", "Email", line_edit("(cust-…@example.com)"))
    account = CommandForm("OpenAccount", "Open account")
    account.add("customer", "Customer", choice_box("A registered customer"))
    account.add("balance", "Opening balance", line_edit("0.00", "0.00"))
    currency = QComboBox()
    currency.addItems(["USD", "EUR", "GBP", "CHF", "JPY"])
    account.add("currency", "Currency", currency)
    deposit = CommandForm("Deposit", "Deposit")
    deposit.add("customer", "Customer", choice_box("A customer with a wallet"))
    deposit.add("amount", "Amount", line_edit("100.00"))
    withdraw = CommandForm("Withdraw", "Withdraw")
    withdraw.add("customer", "Customer", choice_box("A customer with a wallet"))
    withdraw.add("amount", "Amount", line_edit("100.00"))
    restock = CommandForm("Restock", "Receive stock")
    restock.add("product", "Product", choice_box("A listed product"))
    restock.add("quantity", "Units", line_edit("10", "10"))
    return [
        ("Place order", order),
        ("Cancel", cancel),
        ("Customer", register),
        ("Account", account),
        ("Deposit", deposit),
        ("Withdraw", withdraw),
        ("Restock", restock),
    ]


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


class CommandsPanel(QWidget):
    """Forms for the shop's commands and a load generator."""

    title = "Commands"
    object_name = "commands"

    def __init__(
        self, controller: SessionController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(self.object_name)
        self.controller = controller
        self.sent_orders: set[str] = set()
        self.waiting: str | None = None  # what was sent and not yet answered
        self._since = QElapsedTimer()
        self.tabs = QTabWidget()
        self.tabs.setUsesScrollButtons(True)
        self.forms: dict[str, CommandForm] = {}
        for title, form in _build_forms():
            self.forms[form.kind] = form
            self.tabs.addTab(form, title)
            form.send.clicked.connect(lambda _=False, f=form: self.send(f))
        order_form = self.forms["PlaceOrder"]
        assert isinstance(order_form, OrderForm)
        self.order_form = order_form
        self.result = QLabel("Fill in a form and send it: it runs now, at the head.")
        self.result.setWordWrap(True)
        self.result.setStyleSheet(f"color: {MUTED};")
        self.load = LoadBox(controller)
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.tabs, 1)
        column.addWidget(self.result)
        split = ResponsiveSplitter()
        split.addWidget(left)
        split.addWidget(self.load)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)
        controller.error.connect(self._on_error)
        if controller.read_only:
            self.setEnabled(False)
            self.result.setText("Read-only: this session follows another run.")
        if controller.frame is not None:
            self.set_frame(controller.frame)

    # -- frames ---------------------------------------------------------------------
    def set_frame(self, frame: Frame) -> None:
        """Offer the world's customers, products and open orders as choices."""
        due = not self._since.isValid() or self._since.elapsed() >= CHOICES_MS
        if due or "position" in frame.changed:
            self._since.start()
            self._offer(frame.world)
        self.load.set_frame(frame)

    def _offer(self, world: World) -> None:
        customers = sorted({w.customer for w in world.wallets.values()})
        products = sorted(world.stock)
        recent = [o.id for o in world.orders[-CHOICE_LIMIT * 4 :]]
        status = {o.id: o.status for o in world.orders[-CHOICE_LIMIT * 4 :]}
        open_orders = [o for o in reversed(recent) if status[o] in OPEN_ORDER]
        for form in self.forms.values():
            for key, field in form.fields.items():
                editor = field.editor
                if not isinstance(editor, QComboBox) or not editor.isEditable():
                    continue
                if key == "customer":
                    set_choices(editor, customers)
                elif key == "product":
                    set_choices(editor, products)
                elif key == "order":
                    set_choices(editor, open_orders[:CHOICE_LIMIT])
        self.order_form.set_products(products)
        self.load.offer(customers, products)

    # -- sending --------------------------------------------------------------------
    def send(self, form: CommandForm) -> None:
        """Read the form against the shop as it is now; send it if it is right."""
        values = form.values()
        self.controller.query(
            form_knowledge, lambda known: self._checked(form, values, known)
        )

    def _checked(
        self, form: CommandForm, values: dict[str, str], known: FormKnowledge
    ) -> None:
        parsed = parse_command(form.kind, values, known, sent_orders=self.sent_orders)
        if isinstance(parsed, dict):
            self._refused(form, parsed)
            return
        form.show_errors({})
        command = parsed
        if isinstance(command, PlaceOrder):
            self.sent_orders.add(str(command.order_id))
        text = describe(command)
        self.waiting = text
        self.show_result(f"Sending: {text}…", MUTED)
        self.controller.submit(lambda s: s.execute(command), lambda _: self._done(text))

    def _refused(self, form: CommandForm, errors: FieldErrors) -> None:
        form.show_errors(errors)
        count = len(errors)
        self.show_result(
            f"Not sent: {count} field{'s' if count != 1 else ''} to fix "
            "(marked in red).",
            ERROR,
        )

    def _done(self, text: str) -> None:
        self.waiting = None
        self.show_result(f"✓ {text}", OK)

    def _on_error(self, message: str) -> None:
        if self.waiting is not None:
            self.waiting = None
            self.show_result(f"Refused: {message}", ERROR)

    def show_result(self, text: str, colour: str) -> None:
        """The last result, inline under the forms."""
        self.result.setText(text)
        self.result.setStyleSheet(f"color: {colour};")

    def form(self, kind: str) -> CommandForm:
        """The form of one command (``PlaceOrder``, ``Deposit``…)."""
        return self.forms[kind]
