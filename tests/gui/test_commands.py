"""The commands panel: forms send what they say, bad input stays at its field."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QListWidget
from pytestqt.qtbot import QtBot

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.commands import CommandsPanel
from ddd_sim.gui.panels.form_widgets import OrderForm
from ddd_sim.runtime.world.model import World
from tests.gui.conftest import ask, next_frame, show_panel

SHOTS = Path(__file__).parent / "screenshots"
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints"
)
T = TypeVar("T")


def head_world(qtbot: QtBot, controller: SessionController) -> World:
    return ask(qtbot, controller, lambda s: s.index.at(s.index.head))


def head(qtbot: QtBot, controller: SessionController) -> int:
    return ask(qtbot, controller, lambda s: s.store.head_position())


def ready_panel(qtbot: QtBot, controller: SessionController) -> CommandsPanel:
    panel = show_panel(qtbot, controller, CommandsPanel(controller))
    controller.move_to(None)
    next_frame(qtbot, controller)
    return panel


def line(customer: str, product: str, quantity: str) -> dict[str, str]:
    """A PlaceOrder form with one line, as keyword arguments of :func:`send`."""
    return {
        "customer": customer,
        "items[0]__product": product,
        "items[0]__quantity": quantity,
    }


def send(qtbot: QtBot, panel: CommandsPanel, kind: str, **values: str) -> None:
    """Fill a form's fields and click its button; wait for the answer."""
    form = panel.form(kind)
    panel.tabs.setCurrentWidget(form)
    for key, text in values.items():
        form.fields[key.replace("__", ".")].set_text(text)
    panel.result.setText("")  # each answer writes it again
    qtbot.mouseClick(form.send, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            panel.result.text() != "" and not panel.result.text().startswith("Sending")
        ),
        timeout=10_000,
    )


def test_place_order_sends_the_lines_of_the_form(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    form = panel.form("PlaceOrder")
    assert isinstance(form, OrderForm)
    customer = form.fields["customer"].editor
    assert isinstance(customer, QComboBox)
    # the choices are the world's customers and products
    world = head_world(qtbot, controller)
    assert {customer.itemText(i) for i in range(customer.count())} == {
        w.customer for w in world.wallets.values()
    }
    form.add_line()
    form.add_line()
    form.remove_line(form.line_rows[2])
    send(
        qtbot,
        panel,
        "PlaceOrder",
        customer="CUST-002",
        **{
            "items[0]__product": "PROD-003",
            "items[0]__quantity": "2",
            "items[1]__product": "PROD-001",
            "items[1]__quantity": "1",
        },
    )
    assert panel.result.text().startswith("✓ Order ORD-W00001 placed")
    order = next(
        o for o in head_world(qtbot, controller).orders if o.id == "ORD-W00001"
    )
    assert order.customer == "CUST-002"
    assert sorted(order.lines) == [("PROD-001", 1), ("PROD-003", 2)]
    assert order.total == "90.00"  # 2 x 20.00 + 50.00, the scenario's prices
    rows = ask(qtbot, controller, lambda s: list(s.rows))
    assert any(r.type == "OrderPlaced" and r.stream == "Order-ORD-W00001" for r in rows)
    # a second order gets the next id
    send(qtbot, panel, "PlaceOrder", customer="CUST-003")
    assert "ORD-W00002" in panel.result.text()


def test_invalid_input_is_marked_at_its_field_and_nothing_is_sent(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    start = head(qtbot, controller)
    cases = [
        ("PlaceOrder", line("CUST-001", "PROD-001", "0"), "items[0].quantity"),
        ("PlaceOrder", line("CUST-001", "PROD-001", "-3"), "items[0].quantity"),
        ("PlaceOrder", line("CUST-777", "PROD-001", "1"), "customer"),
        ("PlaceOrder", line("CUST-001", "PROD-404", "1"), "items[0].product"),
        ("Deposit", {"customer": "CUST-001", "amount": "ten"}, "amount"),
        ("Deposit", {"customer": "CUST-001", "amount": "1.005"}, "amount"),
        ("Withdraw", {"customer": "CUST-001", "amount": "0"}, "amount"),
        ("RegisterCustomer", {"customer": ""}, "customer"),
        ("RegisterCustomer", {"customer": "CUST-001"}, "customer"),
        ("OpenAccount", {"customer": "CUST-001", "balance": "5"}, "customer"),
        ("Restock", {"product": "PROD-001", "quantity": "0"}, "quantity"),
        ("CancelOrder", {"order": "ORD-NOPE"}, "order"),
    ]
    for kind, values, bad in cases:
        send(qtbot, panel, kind, **values)
        field = panel.form(kind).fields[bad]
        assert field.problem, (kind, values)
        assert field.error.isVisible()
        assert "border" in field.editor.styleSheet()
        assert field.editor.toolTip() == field.problem
        assert panel.result.text().startswith("Not sent")
        others = [f for k, f in panel.form(kind).fields.items() if k != bad]
        assert all(not f.problem for f in others), (kind, values)
    assert head(qtbot, controller) == start  # nothing was written
    # a fixed form clears its marks
    send(qtbot, panel, "Restock", product="PROD-001", quantity="7")
    assert not panel.form("Restock").fields["quantity"].problem


def test_money_stock_and_customers_go_where_the_form_says(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    before = head_world(qtbot, controller)
    send(qtbot, panel, "Deposit", customer="CUST-004", amount="12.50")
    send(qtbot, panel, "Withdraw", customer="CUST-005", amount="2.25")
    send(qtbot, panel, "Restock", product="PROD-002", quantity="9")
    send(qtbot, panel, "RegisterCustomer", customer="CUST-900", name="Ada")
    send(qtbot, panel, "OpenAccount", customer="CUST-900", balance="40.00")
    send(qtbot, panel, "Deposit", customer="CUST-900", amount="1")
    assert panel.result.text() == "✓ Deposited 1.00 USD into ACC-CUST-900"
    after = head_world(qtbot, controller)

    def balance(world: World, account: str) -> float:
        return float(world.wallets[account].balance)

    # the run is paused, so only the forms moved money
    assert balance(after, "ACC-CUST-004") == balance(before, "ACC-CUST-004") + 12.5
    assert balance(after, "ACC-CUST-005") == balance(before, "ACC-CUST-005") - 2.25
    assert after.stock["PROD-002"].received == before.stock["PROD-002"].received + 9
    assert after.wallets["ACC-CUST-900"].balance == "41.00"
    assert after.wallets["ACC-CUST-900"].customer == "CUST-900"


def test_cancel_and_a_domain_refusal_show_inline(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    send(
        qtbot,
        panel,
        "PlaceOrder",
        customer="CUST-001",
        **{"items[0]__product": "PROD-001", "items[0]__quantity": "1"},
    )
    send(qtbot, panel, "CancelOrder", order="ORD-W00001", reason="changed my mind")
    assert panel.result.text() == "✓ Order ORD-W00001 cancelled"
    order = next(
        o for o in head_world(qtbot, controller).orders if o.id == "ORD-W00001"
    )
    assert order.status == "cancelled"
    start = head(qtbot, controller)
    with qtbot.waitSignal(controller.error, timeout=10_000) as refusal:
        send(qtbot, panel, "Withdraw", customer="CUST-001", amount="999999.00")
    assert panel.result.text() == f"Refused: {refusal.args[0]}"
    assert head(qtbot, controller) == start


def test_the_load_generator_places_orders_until_stopped(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    box = panel.load
    box.fields["rate"].set_text("4")
    box.fields["max_quantity"].set_text("2")
    for key, chosen in (("customers", "CUST-002"), ("products", "PROD-003")):
        view = box.fields[key].editor
        assert isinstance(view, QListWidget)
        view.findItems(chosen, Qt.MatchFlag.MatchExactly)[0].setSelected(True)
    qtbot.mouseClick(box.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(box.running), timeout=10_000)
    assert box.stop_button.isEnabled()
    now = ask(qtbot, controller, lambda s: s.simulation.scheduler.now)  # type: ignore[union-attr]
    controller.submit(lambda s: s.run_until(now + 5.0))
    qtbot.waitUntil(
        lambda: head_world(qtbot, controller).sim_time >= now + 4.9, timeout=20_000
    )
    placed = [
        o for o in head_world(qtbot, controller).orders if o.id.startswith("ORD-L1-")
    ]
    assert len(placed) >= 8  # about 4/s for 5 s
    assert {o.customer for o in placed} == {"CUST-002"}
    assert {p for o in placed for p, _ in o.lines} == {"PROD-003"}
    assert all(0 < q <= 2 for o in placed for _, q in o.lines)
    assert all(o.placed_at >= now for o in placed)
    qtbot.mouseClick(box.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.running, timeout=10_000)
    count = len(placed)
    controller.submit(lambda s: s.run_until(now + 10.0))
    qtbot.waitUntil(
        lambda: head_world(qtbot, controller).sim_time >= now + 9.9, timeout=20_000
    )
    later = [
        o for o in head_world(qtbot, controller).orders if o.id.startswith("ORD-L1-")
    ]
    assert len(later) == count


def test_bad_load_settings_are_marked(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    box = panel.load
    box.fields["rate"].set_text("-1")
    box.fields["max_quantity"].set_text("0")
    qtbot.mouseClick(box.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(box.fields["rate"].problem), timeout=10_000)
    assert box.status.text().startswith("Not started")
    assert not box.running


def test_the_panel_looks_right(qtbot: QtBot, controller: SessionController) -> None:
    panel = ready_panel(qtbot, controller)
    form = panel.form("PlaceOrder")
    assert isinstance(form, OrderForm)
    form.add_line()
    send(
        qtbot,
        panel,
        "PlaceOrder",
        customer="CUST-001",
        **{
            "items[0]__product": "PROD-001",
            "items[0]__quantity": "0",
            "items[1]__product": "PROD-002",
            "items[1]__quantity": "2",
        },
    )
    SHOTS.mkdir(exist_ok=True)
    image = panel.grab().toImage()
    assert panel.grab().save(str(SHOTS / "commands.png"))
    colours = {
        image.pixel(x, y)
        for y in range(0, image.height(), 5)
        for x in range(0, image.width(), 5)
    }
    assert len(colours) > 10


def test_choices_are_the_shops_now_when_the_slider_is_back(
    qtbot: QtBot, controller: SessionController
) -> None:
    """Commands act on the shop as it is now: scrubbing back keeps its choices."""
    panel = ready_panel(qtbot, controller)
    box = panel.form("PlaceOrder").fields["customer"].editor
    assert isinstance(box, QComboBox)
    now = [box.itemText(i) for i in range(box.count())]
    assert now, "the live shop's customers are offered"
    # an early moment, when fewer customers had wallets
    early = ask(
        qtbot,
        controller,
        lambda s: next(p for p in range(1, s.index.head) if s.index.at(p).wallets),
    )
    controller.move_to(early)
    frame = next_frame(qtbot, controller)
    assert not frame.live
    then = sorted({w.customer for w in frame.world.wallets.values()})
    assert then != now  # the test means something only if the moments differ
    panel.set_frame(frame)  # a slider move says "position" changed
    assert [box.itemText(i) for i in range(box.count())] == now
    controller.move_to(None)
    live = next_frame(qtbot, controller)
    panel.set_frame(live)
    assert [box.itemText(i) for i in range(box.count())] == now
