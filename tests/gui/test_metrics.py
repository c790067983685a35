"""The metrics panel: rates and totals as of the slider, computed from the log."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.metrics import MetricsPanel
from ddd_sim.gui.theme import apply_theme
from ddd_sim.runtime.session.rows import EventRow
from tests.gui.conftest import next_frame, session_rows, show_panel, taken_in_slices

SHOTS = Path(__file__).parent / "screenshots"
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints"
)


def _panel(qtbot: QtBot, controller: SessionController) -> MetricsPanel:
    panel = show_panel(qtbot, controller, MetricsPanel(controller))
    qtbot.waitUntil(
        lambda: panel.shown is not None and not panel.ingesting, timeout=5_000
    )
    panel.redraw()
    return panel


def _per_second(rows: list[EventRow], bins: int) -> list[float]:
    counts = [0.0] * bins
    for row in rows:
        counts[min(int(row.sim_time), bins - 1)] += 1
    return counts


def test_the_plots_show_what_the_log_says(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = _panel(qtbot, controller)
    rows = session_rows(qtbot, controller)
    now = controller.frame.world.sim_time  # type: ignore[union-attr]
    bins = int(now) + 1
    x, y = panel.entries_curve.getData()
    assert len(x) == bins + 1
    assert list(y) == _per_second(list(rows), bins)
    _, orders = panel.orders_curve.getData()
    placed = [r for r in rows if r.type == "OrderPlaced"]
    assert list(orders) == _per_second(placed, bins)
    assert sum(orders) == controller.frame.world.counts.orders_placed  # type: ignore[union-attr]
    _, compensations = panel.compensations_curve.getData()
    assert sum(compensations) == sum(r.type == "StepCompensated" for r in rows) > 0
    _, trips = panel.trips_curve.getData()
    opened = [
        r for r in rows if r.type == "BreakerStateChanged" and "→ open" in r.summary
    ]
    assert trips[-1] == len(opened) == 1
    _, lags = panel.lag_curve.getData()
    recorded = [r.lag for r in rows if r.lag is not None]
    assert list(lags[:-1]) == recorded
    assert all(p.value() == pytest.approx(now) for p in panel.playheads)
    assert f"{len(rows):,} log entries" in panel.summary.text()


def test_moving_back_counts_only_what_had_happened(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = _panel(qtbot, controller)
    rows = session_rows(qtbot, controller)
    controller.move_to(250)
    frame = next_frame(qtbot, controller)
    then = [r for r in rows if r.position <= 250]
    x, y = panel.entries_curve.getData()
    assert len(x) == int(frame.world.sim_time) + 2
    assert sum(y) == len(then) == 250
    _, trips = panel.trips_curve.getData()
    assert trips[-1] == 0  # the breaker opened later
    _, compensations = panel.compensations_curve.getData()
    assert sum(compensations) == sum(r.type == "StepCompensated" for r in then)
    assert all(
        p.value() == pytest.approx(frame.world.sim_time) for p in panel.playheads
    )
    controller.move_to(None)
    next_frame(qtbot, controller)
    _, y = panel.entries_curve.getData()
    assert sum(y) == len(rows)


def test_a_large_batch_is_counted_in_slices_until_every_row_is(
    qtbot: QtBot, controller: SessionController, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel, rows = taken_in_slices(qtbot, controller, MetricsPanel, monkeypatch)
    panel.redraw()
    assert panel.shown is not None
    assert panel.shown.totals["entries"] == len(rows)


def test_new_entries_are_counted_as_the_run_goes_on(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = _panel(qtbot, controller)
    before = panel.data.last_position
    # step the simulation without catching up: the worker's catch-up then
    # hands the new rows to the frame (``Session.run_until`` would swallow them)
    controller.submit(lambda s: [s.simulation.step_tick() for _ in range(8)])  # type: ignore[union-attr]
    frame = next_frame(qtbot, controller)
    assert frame.new_events
    assert panel.data.last_position == frame.position > before
    # drawn at once, or soon after when the last picture was costly to paint
    qtbot.waitUntil(
        lambda: sum(panel.entries_curve.getData()[1]) == frame.position,
        timeout=2_000,
    )


def test_the_metrics_render_readably(
    qtbot: QtBot, controller: SessionController
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app)
    panel = _panel(qtbot, controller)
    qtbot.wait(50)
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / "metrics.png"
    panel.grab().save(str(path))
    image = QImage(str(path))
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 5)
        for y in range(0, image.height(), 5)
    }
    assert len(colours) > 12
    controller.move_to(300)
    next_frame(qtbot, controller)
    panel.grab().save(str(SHOTS / "metrics-as-of.png"))
    assert np.isfinite(panel.playheads[0].value())
