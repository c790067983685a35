"""The commands panel's widgets: a field that shows its problem, a form per command."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ddd_sim.gui.panels.command_forms import item_key
from ddd_sim.gui.theme import KIND_COLOURS, STATUS_COLOURS

ERROR = KIND_COLOURS["fault"]
OK = STATUS_COLOURS["completed"]


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


_OFFERED = "ddd_sim_offered"
"""The property holding the choices a box was last offered."""


def set_choices(box: QComboBox, choices: Iterable[str]) -> None:
    """Offer new choices, keeping what the user has typed."""
    items = list(choices)
    # compared with what was offered last, kept on the Python side: reading
    # back hundreds of items from Qt each frame cost more than the offer
    if box.count() == len(items) and box.property(_OFFERED) == items:
        return
    box.setProperty(_OFFERED, items)
    typed = box.currentText()
    box.blockSignals(True)
    box.clear()
    box.addItems(items)
    box.setEditText(typed)
    box.blockSignals(False)


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


def build_forms() -> list[tuple[str, CommandForm]]:
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
