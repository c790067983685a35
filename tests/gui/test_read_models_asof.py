"""The read-model panel as of the slider: the documents a projection held then."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.main_window import MainWindow
from ddd_sim.gui.panels.read_model_models import (
    DocumentTableModel,
    document_table,
)
from ddd_sim.gui.panels.read_models import ReadModelsPanel
from ddd_sim.runtime.session.read_asof import ReadModelsAsOf
from tests.gui.conftest import SessionFactory, next_frame
from tests.gui.test_read_models import (
    SHOTS,
    ask,
    documents_of,
    ready_panel,
    show,
    shown_documents,
)

pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints"
)
NAME = "sales.order_list"  # stalled from 15 to 35 s in projection_lag


@dataclass(frozen=True)
class Then:
    """What the runtime held at one moment of the run, read there and then."""

    position: int
    checkpoint: int
    documents: dict[str, Any]
    stale: frozenset[str]


@pytest.fixture
def lagging(
    qtbot: QtBot, make_session: SessionFactory
) -> Iterator[tuple[SessionController, Then]]:
    """A projection_lag run to 40 s, with the order list's documents read at 25 s
    (stalled since 15 s), before a controller takes the session over."""
    session = make_session("projection_lag", 25.0)
    assert session.shop is not None
    runner = session.shop.projections
    position = session.index.head
    checkpoint = session.read_models.checkpoint_at(NAME, position)
    live = dict(runner.reader(NAME).all())
    touched = {row.stream.split("-", 1)[-1] for row in session.rows[checkpoint:]}
    then = Then(position, checkpoint, live, frozenset(touched & set(live)))
    assert runner.is_stalled(NAME)
    assert position - checkpoint > 100  # far behind: the stall is on
    assert then.stale
    session.run_until(40.0)  # the stall is over: the list has caught up
    # each question folds one page: the panel has to show it is computing
    session.read_models = ReadModelsAsOf(session, snapshot_every=64, budget_s=0.0)
    controller = SessionController(session)
    with qtbot.waitSignal(controller.frame_ready, timeout=10_000):
        pass
    yield controller, then
    controller.shutdown()


def test_scrubbing_back_shows_the_documents_held_then(
    qtbot: QtBot,
    qtmodeltester: ModelTester,
    lagging: tuple[SessionController, Then],
) -> None:
    controller, then = lagging
    panel = ready_panel(qtbot, controller)
    show(qtbot, panel, NAME)
    now = documents_of(qtbot, controller, NAME)
    assert set(now) > set(then.documents)  # orders came in since
    assert "Live" in panel.moment_label.text()
    computing: list[bool] = []

    def shown_then() -> bool:
        if "Computing" in panel.moment_label.text():
            computing.append(not panel.document_view.isEnabled())
            if len(computing) == 1:
                SHOTS.mkdir(exist_ok=True)
                panel.grab().save(str(SHOTS / "read_models_computing.png"))
        return (
            panel.documents.table.position == then.position
            and panel.document_view.isEnabled()
        )

    controller.move_to(then.position)
    qtbot.waitUntil(shown_then, timeout=20_000)
    assert computing  # it said so (the table greyed) while the fold went on
    assert all(computing)
    table = panel.documents.table
    assert table.checkpoint == then.checkpoint
    expected = document_table(NAME, then.documents, then.stale)
    assert shown_documents(panel.documents) == shown_documents(_model(expected))
    assert set(shown_documents(panel.documents)) == set(then.documents)
    # stale as of the position: what the log up to it held for them
    assert table.stale == then.stale
    for row in range(panel.documents.rowCount()):
        key = panel.documents.data(panel.documents.index(row, 0))
        background = panel.documents.data(
            panel.documents.index(row, 1), Qt.ItemDataRole.BackgroundRole
        )
        assert (background is not None) == (key in then.stale)
    moment = panel.moment_label.text()
    assert f"As of position {then.position:,}" in moment
    assert f"(checkpoint {then.checkpoint:,})" in moment
    assert f"{len(then.stale):,} stale" in panel.stale_label.text()
    qtmodeltester.check(panel.documents)
    SHOTS.mkdir(exist_ok=True)
    assert panel.grab().save(str(SHOTS / "read_models_as_of.png"))
    # and live again: the documents now
    controller.move_to(None)
    qtbot.waitUntil(
        lambda: (
            panel.documents.table.position is None
            and set(shown_documents(panel.documents)) == set(now)
        ),
        timeout=10_000,
    )
    assert "Live" in panel.moment_label.text()
    assert shown_documents(panel.documents) == shown_documents(
        _model(document_table(NAME, now, frozenset()))
    )


def test_positions_with_one_checkpoint_reuse_the_table(
    qtbot: QtBot, lagging: tuple[SessionController, Then]
) -> None:
    controller, then = lagging
    panel = ready_panel(qtbot, controller)
    show(qtbot, panel, NAME)
    controller.move_to(then.position)
    qtbot.waitUntil(
        lambda: panel.documents.table.position == then.position, timeout=20_000
    )
    first = panel.documents.table
    controller.move_to(then.position - 10)  # the stall holds the checkpoint
    qtbot.waitUntil(
        lambda: panel.documents.table.position == then.position - 10, timeout=10_000
    )
    again = panel.documents.table
    assert again.checkpoint == first.checkpoint
    assert again.rows is first.rows  # not read or formatted again
    assert again.stale <= first.stale
    checkpoint = ask(
        qtbot,
        controller,
        lambda s: s.read_models.checkpoint_at(NAME, then.position - 10),
    )
    assert checkpoint == first.checkpoint


def _model(table: Any) -> DocumentTableModel:
    model = DocumentTableModel()
    model.set_table(table)
    return model


def test_the_window_slider_moves_the_read_models_back(
    qtbot: QtBot, lagging: tuple[SessionController, Then]
) -> None:
    controller, then = lagging
    window = MainWindow(controller, remember_layout=False)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    controller.move_to(None)  # a frame, so the slider knows the head
    next_frame(qtbot, controller)
    window.docks["read_models"].raise_()
    panel = window.panels["read_models"]
    assert isinstance(panel, ReadModelsPanel)
    qtbot.waitUntil(lambda: panel.documents.rowCount() > 0, timeout=10_000)
    show(qtbot, panel, NAME)
    window.slider.go_to(then.position)
    qtbot.waitUntil(
        lambda: (
            panel.documents.table.position == then.position
            and panel.document_view.isEnabled()
        ),
        timeout=20_000,
    )
    assert set(shown_documents(panel.documents)) == set(then.documents)
    assert window.status["position"].text().startswith(f"as of {then.position:,}")
    assert panel.lag_label.text().startswith("now: ")
    SHOTS.mkdir(exist_ok=True)
    assert window.screenshot(SHOTS / "workbench_read_models_as_of.png")
    window.slider.go_to(None)
    qtbot.waitUntil(lambda: panel.documents.table.position is None, timeout=10_000)
    assert not panel.lag_label.text().startswith("now: ")
