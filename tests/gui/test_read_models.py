"""The read-model panel: documents, lag, stale rows, cache, rebuilds, balances."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from ddd_sim.contexts.payment.application.queries import GetBalanceHistory
from ddd_sim.contexts.sales.application.queries import ListOrders
from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.read_model_models import (
    DiffModel,
    DocumentTableModel,
    ProjectionLagModel,
    cell,
    read_models_state,
)
from ddd_sim.gui.panels.read_models import ReadModelsPanel
from ddd_sim.gui.theme import apply_theme
from ddd_sim.runtime.read_model_diff import diff_read_models
from ddd_sim.runtime.session.session import Session
from ddd_sim.shared.ids import AccountId
from tests.gui.conftest import ask, next_frame

SHOTS = Path(__file__).parent / "screenshots"
# the offscreen platform says so whenever a window is shown; nothing is wrong
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints"
)


def ready_panel(qtbot: QtBot, controller: SessionController) -> ReadModelsPanel:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app)  # as the workbench does, so the pictures look as a user sees
    panel = ReadModelsPanel(controller)
    qtbot.addWidget(panel)
    panel.resize(1000, 520)
    panel.show()
    qtbot.waitExposed(panel)
    controller.frame_ready.connect(panel.set_frame)
    qtbot.waitUntil(lambda: panel.documents.rowCount() > 0, timeout=10_000)
    return panel


def show(qtbot: QtBot, panel: ReadModelsPanel, projection: str) -> None:
    panel.choose(projection)
    qtbot.waitUntil(
        lambda: panel.documents.table.projection == projection and not panel._asking,
        timeout=10_000,
    )


def documents_of(
    qtbot: QtBot, controller: SessionController, name: str
) -> dict[str, Any]:
    return ask(
        qtbot,
        controller,
        lambda s: dict(s.shop.projections.reader(name).all()),  # type: ignore[union-attr]
    )


def shown_documents(model: DocumentTableModel) -> dict[str, dict[str, str]]:
    columns = [
        model.headerData(c, Qt.Orientation.Horizontal)
        for c in range(model.columnCount())
    ]
    shown: dict[str, dict[str, str]] = {}
    for row in range(model.rowCount()):
        cells = [model.data(model.index(row, c)) for c in range(model.columnCount())]
        shown[str(cells[0])] = {
            str(name): str(value)
            for name, value in zip(columns[1:], cells[1:], strict=True)
        }
    return shown


def test_the_models_pass_the_model_tester(
    qtmodeltester: ModelTester, qtbot: QtBot, controller: SessionController
) -> None:
    state = ask(qtbot, controller, lambda s: read_models_state(s, "sales.order_detail"))
    lags, documents, diff = ProjectionLagModel(), DocumentTableModel(), DiffModel()
    lags.set_lags(state.lags)
    assert state.table is not None
    documents.set_table(state.table)
    before = documents_of(qtbot, controller, "sales.order_detail")
    changed = {k: {**v, "status": "x"} for k, v in list(before.items())[:3]}
    diff.set_diff(diff_read_models(before, {**before, **changed, "new": {"a": 1}}))
    assert diff.rowCount() == 4
    for model in (lags, documents, diff):
        qtmodeltester.check(model)


def test_the_table_is_the_projections_documents(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    for name in ("sales.order_detail", "payment.account_summary", "inventory.stock"):
        show(qtbot, panel, name)
        documents = documents_of(qtbot, controller, name)
        shown = shown_documents(panel.documents)
        assert set(shown) == set(documents)
        for key, doc in documents.items():
            for field, value in doc.items():
                assert shown[key][field] == cell(value)
            assert all(shown[key][f] == "" for f in shown[key] if f not in doc)


def test_the_lag_shown_is_the_runners_and_as_of_the_worlds(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    lags = ask(qtbot, controller, lambda s: s.shop.projections.lags())  # type: ignore[union-attr]
    assert [lag.projection for lag in panel.lags.lags] == [
        lag.projection for lag in lags
    ]
    for row, lag in enumerate(lags):
        checkpoint = panel.lags.data(panel.lags.index(row, 2))
        events = panel.lags.data(panel.lags.index(row, 3))
        assert (checkpoint, events) == (f"{lag.checkpoint:,}", f"{lag.events:,}")
        assert panel.lags.data(panel.lags.index(row, 4)) == f"{lag.sim_ms:,.0f}"
    controller.move_to(200)
    frame = next_frame(qtbot, controller)
    for row, then in enumerate(frame.world.projections):
        assert panel.lags.name_at(row) == then.name
        assert (
            panel.lags.data(panel.lags.index(row, 5)) == f"{then.lag_events:,} behind"
        )


def test_documents_waiting_for_events_are_highlighted(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    name = "inventory.stock"  # its products change with every order

    def stall_and_run(session: Session) -> None:
        session.shop.projections.stall(name)  # type: ignore[union-attr]
        session.run_until(24.0)

    ask(qtbot, controller, stall_and_run)
    controller.submit(lambda s: None)
    show(qtbot, panel, name)
    lag, rows = ask(
        qtbot,
        controller,
        lambda s: (s.shop.projections.lag(name), tuple(s.rows)),  # type: ignore[union-attr]
    )
    assert lag.stalled
    assert lag.events > 0
    touched = {
        r.stream.split("-", 1)[1] for r in rows[lag.checkpoint :] if r.kind == "domain"
    }
    documents = documents_of(qtbot, controller, name)
    expected = touched & set(documents)
    assert expected
    assert panel.documents.table.stale == expected
    for row in range(panel.documents.rowCount()):
        key = panel.documents.data(panel.documents.index(row, 0))
        background = panel.documents.data(
            panel.documents.index(row, 1), Qt.ItemDataRole.BackgroundRole
        )
        assert (background is not None) == (key in expected)
    assert "STALLED" in panel.lag_label.text()
    assert f"{lag.events:,} events" in panel.lag_label.text()
    # still stalled, more orders: the same documents, more of them waiting
    ask(qtbot, controller, lambda s: s.run_until(30.0))
    panel.refresh()
    qtbot.waitUntil(lambda: not panel._asking, timeout=5_000)
    rows = ask(qtbot, controller, lambda s: tuple(s.rows))
    assert len(rows) > lag.head
    later = {
        r.stream.split("-", 1)[1] for r in rows[lag.checkpoint :] if r.kind == "domain"
    }
    assert panel.documents.table.stale == later & set(documents)
    assert shown_documents(panel.documents).keys() == documents.keys()
    SHOTS.mkdir(exist_ok=True)
    assert panel.grab().save(str(SHOTS / "read_models_stale.png"))


def test_the_cache_counters_are_the_runtimes(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)

    def ask_twice(session: Session) -> tuple[int, int]:
        session.shop.ask(ListOrders())  # type: ignore[union-attr]
        session.shop.ask(ListOrders())  # type: ignore[union-attr]
        stats = session.shop.cache.stats  # type: ignore[union-attr]
        return stats.hits, stats.misses

    hits, misses = ask(qtbot, controller, ask_twice)
    assert hits >= 1
    assert misses >= 1
    panel.refresh()
    qtbot.waitUntil(lambda: f"{hits:,} hits" in panel.cache_label.text(), timeout=5_000)
    assert f"{misses:,} misses" in panel.cache_label.text()


def test_a_rebuild_with_the_old_handler_shows_its_diff(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    name = "payment.account_summary"
    show(qtbot, panel, name)
    qtbot.waitUntil(lambda: panel.version.count() == 2, timeout=5_000)
    before = documents_of(qtbot, controller, name)
    seen: list[tuple[int, int]] = []
    job = panel.rebuild(version=1)
    assert job is not None
    assert panel.progress is not None
    job.progressed.connect(lambda done, total: seen.append((done, total)))
    qtbot.waitUntil(lambda: panel.job is None, timeout=10_000)
    report = panel.last_report
    assert report is not None
    assert report.completed
    assert (report.old_version, report.new_version) == (2, 1)
    after = documents_of(qtbot, controller, name)
    assert report.diff == diff_read_models(before, after)
    assert not report.diff.is_empty  # v1 ignored wallet charges
    assert panel.diff.rowCount() == (
        len(report.diff.added) + len(report.diff.removed) + len(report.diff.changed)
    )
    first = report.diff.changed[0]
    assert panel.diff.data(panel.diff.index(0, 1)) == first.key
    assert panel.diff.data(panel.diff.index(0, 2)) == first.path
    assert report.diff.summary() in panel.diff_label.text()
    assert panel.tabs.currentIndex() == 1
    assert seen
    assert seen[-1][0] == seen[-1][1]
    panel.resize(900, 500)
    SHOTS.mkdir(exist_ok=True)
    assert panel.grab().save(str(SHOTS / "read_models_diff.png"))
    # and back: the running handler again
    panel.rebuild(version=2)
    qtbot.waitUntil(lambda: panel.job is None, timeout=10_000)
    assert documents_of(qtbot, controller, name) == before


def test_a_cancelled_rebuild_leaves_the_read_model_untouched(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    name = "payment.account_summary"
    show(qtbot, panel, name)
    qtbot.waitUntil(lambda: panel.version.count() == 2, timeout=5_000)
    before = documents_of(qtbot, controller, name)
    gate = threading.Event()
    controller.query(lambda s: gate.wait(10))  # hold the simulation thread
    job = panel.rebuild(version=1)
    assert job is not None
    assert panel.progress is not None
    SHOTS.mkdir(exist_ok=True)
    assert panel.progress.grab().save(str(SHOTS / "read_models_progress.png"))
    qtbot.mouseClick(
        panel.progress.findChild(type(panel.rebuild_button)),  # its Cancel button
        Qt.MouseButton.LeftButton,
    )
    assert job.cancelled
    gate.set()
    qtbot.waitUntil(lambda: panel.job is None, timeout=10_000)
    report = panel.last_report
    assert report is not None
    assert not report.completed
    assert report.diff.is_empty
    assert "cancelled" in panel.diff_label.text()
    assert documents_of(qtbot, controller, name) == before
    lag = ask(qtbot, controller, lambda s: s.shop.projections.lag(name))  # type: ignore[union-attr]
    assert lag.version == 2


def test_the_balance_history_plots_the_temporal_query(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    panel.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: panel.balance.wallet.count() > 0, timeout=5_000)
    account = "ACC-CUST-005"
    panel.balance.choose_wallet(account, "USD")
    qtbot.waitUntil(
        lambda: (
            bool(panel.balance.history)
            and panel.balance.wallet.currentText() == account
        ),
        timeout=5_000,
    )
    answer = ask(
        qtbot,
        controller,
        lambda s: s.shop.ask(  # type: ignore[union-attr]
            GetBalanceHistory(account_id=AccountId(account), currency="USD")
        ),
    )
    x, y = panel.balance.plot.line.getData()
    assert list(x) == [entry.sim_time for entry in answer]
    assert list(y) == [float(entry.balance.amount) for entry in answer]
    assert len(answer) > 5
    middle = answer[len(answer) // 2]
    controller.move_to(middle.position)
    frame = next_frame(qtbot, controller)
    assert panel.balance.plot.marker.value() == frame.world.sim_time
    marker_x, marker_y = panel.balance.plot.as_of_point.getData()
    assert list(marker_x) == [frame.world.sim_time]
    assert list(marker_y) == [float(middle.balance.amount)]
    assert (
        f"{float(middle.balance.amount):,.2f} USD" in panel.balance.balance_label.text()
    )
    panel.resize(900, 500)
    SHOTS.mkdir(exist_ok=True)
    assert panel.grab().save(str(SHOTS / "read_models_balance.png"))


def test_the_live_table_follows_the_run_as_a_full_read_shows_it(
    qtmodeltester: ModelTester, qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    name = "sales.order_detail"
    show(qtbot, panel, name)
    qtmodeltester.check(panel.documents)  # and it watches the updates below
    for until in (22.0, 24.0, 26.0):
        before = len(panel.documents.table.rows)
        ask(qtbot, controller, lambda s, until=until: s.run_until(until))
        panel.refresh()
        qtbot.waitUntil(
            lambda before=before: (
                len(panel.documents.table.rows) > before and not panel._asking
            ),
            timeout=10_000,
        )
        documents = documents_of(qtbot, controller, name)
        fields = sorted({field for doc in documents.values() for field in doc})
        expected = {
            key: {field: cell(doc.get(field)) for field in fields}
            for key, doc in documents.items()
        }
        assert shown_documents(panel.documents) == expected


def test_a_slider_move_asks_few_cells_and_columns_still_fit(
    qtbot: QtBot, controller: SessionController
) -> None:
    """Moving the slider updates one column without re-measuring every cell."""
    panel = ready_panel(qtbot, controller)
    asked: list[int] = []
    original = panel.lags.data

    def counted(index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        asked.append(role)
        return original(index, role)

    panel.lags.data = counted  # type: ignore[method-assign]
    controller.move_to(150)
    frame = next_frame(qtbot, controller)
    controller.move_to(400)  # shown as it comes; then back to 150 by hand
    later = next_frame(qtbot, controller)
    assert later.world.projections != frame.world.projections
    qtbot.wait(100)
    asked.clear()
    panel.set_frame(frame)
    qtbot.wait(100)  # and the repaint it causes
    # a header sizing columns to their contents on each change asks every
    # cell of those columns in every role; a repaint asks the changed cells
    assert len(asked) < len(panel.lags.lags) * 12
    view, lags = panel.lag_view, panel.lags
    for column in range(1, len(lags.COLUMNS)):
        widest = max(
            view.fontMetrics().horizontalAdvance(lags.text(row, column))
            for row in range(len(lags.lags))
        )
        assert view.columnWidth(column) >= widest
