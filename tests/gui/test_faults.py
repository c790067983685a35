"""The faults panel: inject, clear, crash; the active faults as of the slider."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.fault_models import ActiveFaultsModel
from ddd_sim.gui.panels.faults import FaultsPanel
from ddd_sim.runtime.session.rows import EventRow
from ddd_sim.runtime.world.model import FaultRow
from tests.gui.conftest import ask, next_frame, show_panel

SHOTS = Path(__file__).parent / "screenshots"
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints"
)
T = TypeVar("T")


def ready_panel(qtbot: QtBot, controller: SessionController) -> FaultsPanel:
    panel = show_panel(qtbot, controller, FaultsPanel(controller))
    controller.move_to(None)
    next_frame(qtbot, controller)
    qtbot.waitUntil(lambda: bool(panel.projections), timeout=10_000)
    return panel


def fill(panel: FaultsPanel, context: str, kind: str, **values: str) -> None:
    panel.context.setCurrentText(context)
    panel.kind.setCurrentText(kind)
    for key, text in values.items():
        field = panel.fields[key]
        if key in ("with", "projection"):
            box = field.editor
            box.setCurrentText(text)  # type: ignore[attr-defined]
        else:
            field.set_text(text)


def rows(qtbot: QtBot, controller: SessionController) -> list[EventRow]:
    return ask(qtbot, controller, lambda s: list(s.rows))


def shown(model: ActiveFaultsModel) -> list[str]:
    return [str(model.data(model.index(r, 4))) for r in range(model.rowCount())]


def test_the_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = ActiveFaultsModel()
    model.set_rows(
        (
            FaultRow("down:shipping@15", "shipping", "down", 15.0, 45.0),
            FaultRow("latency:payment@20", "payment", "latency", 20.0, None),
        )
    )
    qtmodeltester.check(model)
    assert model.data(model.index(1, 3)) == "until cleared"


def test_an_injected_fault_is_in_the_log_and_listed_and_clears(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    assert shown(panel.model) == ["down:shipping@15"]  # the scenario's own
    fill(panel, "payment", "latency", mean_ms="250", jitter_ms="20", duration="5")
    qtbot.mouseClick(panel.inject_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)
    fault_id = "latency:payment@20"
    assert panel.result.text() == f"Injected {fault_id}."
    injected = [r for r in rows(qtbot, controller) if r.type == "FaultInjected"]
    assert injected[-1].target == "payment"
    assert injected[-1].kind == "fault"
    world = ask(qtbot, controller, lambda s: s.index.at(s.index.head))
    fault = next(f for f in world.faults if f.fault_id == fault_id)
    assert (fault.kind, fault.since, fault.until) == ("latency", 20.0, 25.0)
    assert shown(panel.model) == [f.fault_id for f in world.faults]
    # the same fault again at the same moment gets an id of its own
    qtbot.mouseClick(panel.inject_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=10_000)
    assert f"{fault_id}#2" in shown(panel.model)
    # Clear on its row closes it
    row = shown(panel.model).index(fault_id)
    button = panel.table.indexWidget(
        panel.model.index(row, ActiveFaultsModel.CLEAR_COLUMN)
    )
    assert isinstance(button, QPushButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: fault_id not in shown(panel.model), timeout=10_000)
    assert rows(qtbot, controller)[-1].type == "FaultCleared"
    # back before the injection, the list is as it was then
    position = injected[-1].position - 1
    controller.move_to(position)
    qtbot.waitUntil(lambda: shown(panel.model) == ["down:shipping@15"], timeout=5_000)
    assert "as of" in panel.active_label.text()
    assert not any(b.isEnabled() for b in panel.clear_buttons)


def test_every_kind_has_its_parameters(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    fill(panel, "sales", "partition", **{"with": "inventory"}, duration="")
    qtbot.mouseClick(panel.inject_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)
    fill(panel, "analytics", "stall_projection", projection="analytics.sales")
    qtbot.mouseClick(panel.inject_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=10_000)
    fill(panel, "notification", "drop", probability="0.25", duration="3")
    qtbot.mouseClick(panel.inject_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 4, timeout=10_000)
    faults = {f.kind: f for f in panel.model.rows}
    assert faults["partition"].until is None
    assert faults["partition"].fault_id == "partition:sales~inventory@20"
    assert faults["drop"].until == pytest.approx(23.0)
    stalled = ask(
        qtbot,
        controller,
        lambda s: s.shop.projections.is_stalled("analytics.sales"),  # type: ignore[union-attr]
    )
    assert stalled
    # only the fields of the chosen kind are shown
    panel.kind.setCurrentText("latency")
    assert not panel.fields["mean_ms"].isHidden()
    assert panel.fields["probability"].isHidden()


def test_bad_parameters_are_marked_and_nothing_is_injected(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    start = ask(qtbot, controller, lambda s: s.store.head_position())
    cases = [
        ("payment", "error_rate", {"probability": "1.5"}, "probability"),
        ("payment", "drop", {"probability": "-0.1"}, "probability"),
        ("payment", "latency", {"mean_ms": "-5", "jitter_ms": "0"}, "mean_ms"),
        ("payment", "latency", {"mean_ms": "x"}, "mean_ms"),
        ("sales", "partition", {"with": "sales"}, "with"),
        ("sales", "stall_projection", {"projection": ""}, "projection"),
        ("sales", "down", {"duration": "0"}, "duration"),
    ]
    for context, kind, values, bad in cases:
        fill(panel, context, kind, **{"duration": "5", **values})
        qtbot.mouseClick(panel.inject_button, Qt.MouseButton.LeftButton)
        assert panel.fields[bad].problem, (kind, values)
        assert not panel.fields[bad].error.isHidden()
        assert panel.result.text().startswith("Not injected")
    fill(panel, "sales", "decline", duration="5")
    qtbot.mouseClick(panel.inject_button, Qt.MouseButton.LeftButton)
    assert "only payment" in panel.result.text()
    panel.restart.set_text("0")
    qtbot.mouseClick(panel.crash_buttons["sales"], Qt.MouseButton.LeftButton)
    assert panel.restart.problem
    qtbot.wait(100)
    assert ask(qtbot, controller, lambda s: s.store.head_position()) == start


def test_crash_now_records_the_crash(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    panel.restart.set_text("3")
    qtbot.mouseClick(panel.crash_buttons["inventory"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.result.text().startswith("Crashed"), timeout=10_000)
    crashed = [r for r in rows(qtbot, controller) if r.type == "ContextCrashed"]
    assert [r.target for r in crashed] == ["inventory"]
    world = ask(qtbot, controller, lambda s: s.index.at(s.index.head))
    assert world.contexts_down == frozenset({"inventory"})
    qtbot.mouseClick(panel.crash_all, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: panel.result.text().startswith("Crashed the whole app"),
        timeout=10_000,
    )
    crashed = [r for r in rows(qtbot, controller) if r.type == "ContextCrashed"]
    assert len(crashed) == len(panel.crash_buttons)  # inventory was down already
    # a crash fault from the form is recorded as a fault too
    fill(panel, "billing", "crash", restart_after="1")
    controller.submit(lambda s: s.run_until(s.simulation.scheduler.now + 4))  # type: ignore[union-attr]
    qtbot.waitUntil(
        lambda: (
            not ask(qtbot, controller, lambda s: s.index.at(s.index.head)).contexts_down
        ),
        timeout=10_000,
    )
    qtbot.mouseClick(panel.inject_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.result.text().startswith("Injected"), timeout=10_000)
    last = rows(qtbot, controller)
    assert any(r.type == "FaultInjected" and r.target == "billing" for r in last)
    assert last[-1].type == "ContextCrashed" or any(
        r.type == "ContextCrashed" and r.target == "billing" for r in last
    )


def test_the_panel_looks_right(qtbot: QtBot, controller: SessionController) -> None:
    panel = ready_panel(qtbot, controller)
    fill(panel, "payment", "latency", mean_ms="250", jitter_ms="20", duration="")
    qtbot.mouseClick(panel.inject_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2, timeout=10_000)
    fill(panel, "payment", "error_rate", probability="2", duration="10")
    qtbot.mouseClick(panel.inject_button, Qt.MouseButton.LeftButton)
    SHOTS.mkdir(exist_ok=True)
    assert panel.grab().save(str(SHOTS / "faults.png"))
