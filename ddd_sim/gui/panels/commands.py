"""The commands panel: a form per domain command, and a load generator.

A form is read as a scenario file is (:mod:`.command_forms`) against what
the shop knows at the head, asked of the simulation thread on each send; a
bad value is marked at its field and nothing is sent.  A good one is sent
with ``controller.submit``; a refusal by the domain comes back on
``controller.error`` and is shown here too.  The widgets are in
:mod:`.form_widgets`, the load generator in :mod:`.load_box`.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer
from PySide6.QtWidgets import QComboBox, QLabel, QTabWidget, QVBoxLayout, QWidget

from ddd_sim.contexts.customer.application.commands import RegisterCustomer
from ddd_sim.contexts.inventory.application.commands import ReceiveStock
from ddd_sim.contexts.payment.application.commands import (
    Deposit,
    OpenAccount,
    Withdraw,
)
from ddd_sim.contexts.sales.application.commands import CancelOrder, PlaceOrder
from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.command_forms import FieldErrors, parse_command
from ddd_sim.gui.panels.form_widgets import (
    ERROR,
    OK,
    CommandForm,
    OrderForm,
    build_forms,
    set_choices,
)
from ddd_sim.gui.panels.load_box import LoadBox
from ddd_sim.gui.theme import MUTED
from ddd_sim.gui.widgets import PanelWidget, ResponsiveSplitter
from ddd_sim.runtime.session.load import FormKnowledge, form_knowledge
from ddd_sim.runtime.session.rows import Frame
from ddd_sim.runtime.world.model import World
from ddd_sim.shared.messages import Command

CHOICES_MS = 500
"""Choice lists follow the world at most this often (they cost a sort)."""
OPEN_ORDER = frozenset({"placed", "confirmed"})
CHOICE_LIMIT = 500
"""At most this many recent orders are offered (any id can still be typed)."""


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


class CommandsPanel(PanelWidget):
    """Forms for the shop's commands and a load generator."""

    title = "Commands"
    object_name = "commands"

    def __init__(
        self, controller: SessionController, parent: QWidget | None = None
    ) -> None:
        super().__init__(controller, parent)
        self.sent_orders: set[str] = set()
        self.waiting: str | None = None  # what was sent and not yet answered
        self._since = QElapsedTimer()
        self._offered = False
        self.tabs = QTabWidget()
        self.tabs.setUsesScrollButtons(True)
        self.forms: dict[str, CommandForm] = {}
        for title, form in build_forms():
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
        """Offer the world's customers, products and open orders as choices.

        Commands act on the shop as it is now, so the choices come from live
        frames; a frame as of an earlier position only fills them while they
        are still empty (a session opened at a past moment).
        """
        due = not self._since.isValid() or self._since.elapsed() >= CHOICES_MS
        if (frame.live and (due or "position" in frame.changed)) or not self._offered:
            self._since.start()
            self._offer(frame.world)
        self.load.set_frame(frame)

    def _offer(self, world: World) -> None:
        self._offered = True
        customers = sorted({w.customer for w in world.wallets.values()})
        products = sorted(world.stock)
        recent = world.orders[-CHOICE_LIMIT * 4 :]
        open_orders = [o.id for o in reversed(recent) if o.status in OPEN_ORDER]
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
