"""The sagas panel: instances as of the slider, filters, steps and compensations."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.saga_models import (
    SagaFilter,
    SagaTableModel,
    duplicates,
    pair_steps,
    retries,
)
from ddd_sim.gui.panels.sagas import SagasPanel
from ddd_sim.runtime.world.model import CompensationRow, SagaRow, StepRow
from tests.gui.conftest import next_frame, show_panel

SHOTS = Path(__file__).parent / "screenshots"
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints"
)


def _saga(n: int, status: str = "completed", order: str | None = None) -> SagaRow:
    return SagaRow(
        id=f"Saga-{n}",
        kind="orchestrated",
        order=order or f"ORD-{n}",
        status=status,
        steps=(
            StepRow("reserve_inventory", "succeeded", 1.0, attempts=3),
            StepRow("charge_payment", "failed", 2.0, attempts=2, duplicate=True),
        ),
        compensations=(CompensationRow("release_inventory", "reserve_inventory", 3.0),),
        plan=("reserve_inventory", "charge_payment", "create_shipment"),
    )


def test_the_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = SagaTableModel()
    model.set_rows([_saga(1), _saga(2, "running"), _saga(3, "compensated")])
    qtmodeltester.check(model)
    model.set_filter(SagaFilter(status="running"))
    qtmodeltester.check(model)
    assert [s.id for s in model.rows] == ["Saga-2"]


def test_rows_grow_and_shrink_at_the_end_and_reset_for_another_run() -> None:
    model = SagaTableModel()
    model.set_rows([_saga(1)])
    inserted: list[int] = []
    removed: list[tuple[int, int]] = []
    resets: list[int] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append(last))
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    model.modelReset.connect(lambda: resets.append(1))
    model.set_rows([_saga(1), _saga(2), _saga(3)])
    assert inserted == [2]
    assert not resets
    model.set_rows([_saga(1)])  # the slider moved back: the later rows go
    assert removed == [(1, 2)]
    assert not resets
    assert [s.id for s in model.rows] == ["Saga-1"]
    assert model.row_of("Saga-1") == 0
    assert model.row_of("Saga-2") is None  # indexed before, not there as of now
    model.set_rows([_saga(7), _saga(8)])  # another run: start afresh
    assert resets == [1]
    assert model.row_of("Saga-8") == 1
    assert model.saga("Saga-1") is None


def test_a_changed_row_on_screen_is_announced() -> None:
    model = SagaTableModel()
    model.set_rows([_saga(1), _saga(2)])
    changed: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, _r: changed.append((a.row(), b.row())))
    model.set_rows([_saga(1), _saga(2)], watched=range(1, 5))
    assert changed == [(1, 1)]  # fresh rows: only the watched one is compared


def test_retries_duplicates_and_step_pairs() -> None:
    saga = _saga(1)
    assert retries(saga) == 3
    assert duplicates(saga) == 1
    pairs = pair_steps(saga)
    assert [p.name for p in pairs] == list(saga.plan)
    assert pairs[0].compensation is not None
    assert pairs[0].compensation.name == "release_inventory"
    assert pairs[2].step is None  # planned, not run yet


def ready_panel(qtbot: QtBot, controller: SessionController) -> SagasPanel:
    return show_panel(qtbot, controller, SagasPanel(controller))


def test_the_table_is_the_worlds_sagas(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    sagas = controller.frame.world.sagas  # type: ignore[union-attr]
    assert [s.id for s in panel.model.rows] == [s.id for s in sagas]
    model = panel.model
    for row, saga in enumerate(sagas):
        assert model.data(model.index(row, 3)) == saga.status
        assert model.data(model.index(row, 7)) == str(
            sum(s.attempts - 1 for s in saga.steps)
        )


def test_the_status_and_order_filters(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    sagas = controller.frame.world.sagas  # type: ignore[union-attr]
    panel.set_status("compensating")
    expected = [s.id for s in sagas if s.status == "compensating"]
    assert expected
    assert [s.id for s in panel.model.rows] == expected
    panel.set_status(None)
    order = sagas[4].order
    qtbot.keyClicks(panel.order, order)
    assert [s.order for s in panel.model.rows] == [order]
    panel.order.clear()
    assert len(panel.model.rows) == len(sagas)


def test_moving_the_slider_shows_the_sagas_then(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    failing = next(
        s
        for s in controller.frame.world.sagas
        if s.status == "compensating"  # type: ignore[union-attr]
    )
    panel.select_saga(failing.id)
    assert panel.selected is not None
    assert panel.selected.failed_step == "create_shipment"
    controller.move_to(300)
    frame = next_frame(qtbot, controller)
    assert [s.id for s in panel.model.rows] == [s.id for s in frame.world.sagas]
    assert len(panel.model.rows) < len(controller.frame.world.sagas) + 1  # type: ignore[union-attr]
    assert "had not started" in panel.detail.title.text()
    controller.move_to(None)
    next_frame(qtbot, controller)
    assert panel.selected is not None
    assert panel.selected.id == failing.id


def test_clicking_an_instance_shows_its_steps_and_selects_its_first_entry(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    sagas = controller.frame.world.sagas  # type: ignore[union-attr]
    row = next(i for i, s in enumerate(sagas) if s.status == "compensating")
    rect = panel.table.visualRect(panel.model.index(row, 0))
    panel.table.scrollTo(panel.model.index(row, 0))
    rect = panel.table.visualRect(panel.model.index(row, 0))
    with qtbot.waitSignal(controller.event_selected, timeout=5_000) as blocker:
        qtbot.mouseClick(
            panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center()
        )
    saga = sagas[row]
    assert panel.selected == saga
    steps = panel.detail.steps
    assert steps.topLevelItemCount() == len(saga.plan)
    failed = steps.topLevelItem(saga.plan.index("create_shipment"))
    assert failed.text(1).startswith("failed")
    assert failed.text(2) == "3"
    answers: list[int] = []
    controller.query(
        lambda s: next(r.position for r in s.rows if r.stream == saga.id),
        answers.append,
    )
    qtbot.waitUntil(lambda: bool(answers), timeout=5_000)
    assert blocker.args == [answers[0]]


def test_an_entry_selected_anywhere_selects_its_instance(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    sagas = controller.frame.world.sagas  # type: ignore[union-attr]
    saga = next(s for s in sagas if s.status == "compensated")
    order_stream = f"Order-{saga.order}"
    positions: list[int] = []
    controller.query(
        lambda s: next(r.position for r in s.rows if r.stream == order_stream),
        positions.append,
    )
    qtbot.waitUntil(lambda: bool(positions), timeout=5_000)
    rows_shown = panel.table.viewport().height() // panel.table.rowHeight(0)
    assert panel.model.row_of(saga.id) > rows_shown  # below the fold at first
    controller.select_event(positions[0])  # the order's own entry, not the saga's
    qtbot.waitUntil(lambda: panel.selected is not None, timeout=5_000)
    assert panel.selected.id == saga.id
    row = panel.model.row_of(saga.id)
    assert row is not None
    shown = panel.table.viewport().rect()
    assert shown.intersects(panel.table.visualRect(panel.model.index(row, 0)))
    # an entry of no flow (a product listed at the start) leaves the choice alone
    controller.select_event(2)
    qtbot.wait(200)
    assert panel.selected.id == saga.id


def test_screenshot_of_the_panel(qtbot: QtBot, controller: SessionController) -> None:
    panel = ready_panel(qtbot, controller)
    sagas = controller.frame.world.sagas  # type: ignore[union-attr]
    panel.select_saga(next(s.id for s in sagas if s.status == "compensated"))
    SHOTS.mkdir(exist_ok=True)
    assert panel.grab().save(str(SHOTS / "sagas.png"))
