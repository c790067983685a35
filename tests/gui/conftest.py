"""Workbench fixtures: a real session on a SQLite file, driven by its worker thread."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from ddd_sim.bootstrap import open_session, projection_names
from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.theme import apply_theme
from ddd_sim.runtime.session.rows import EventRow, Frame
from ddd_sim.runtime.session.session import Session
from ddd_sim.sim.scenario import builtin_scenario, load_scenario

SessionFactory = Callable[..., Session]
T = TypeVar("T")
P = TypeVar("P", bound=QWidget)


@pytest.fixture
def make_session(tmp_path: Path) -> Iterator[SessionFactory]:
    """``make_session(name, run_until)``: a built-in scenario's session, run so far."""
    opened: list[Session] = []

    def make(name: str = "shipping_failure", run_until: float = 20.0) -> Session:
        scenario = load_scenario(builtin_scenario(name), projections=projection_names())
        session = open_session(tmp_path / f"{name}-{len(opened)}.db", scenario)
        session.run_until(run_until)
        opened.append(session)
        return session

    yield make
    for session in opened:
        session.close()  # closing twice is harmless: a controller may have closed it


@pytest.fixture
def controller(
    qtbot: QtBot, make_session: SessionFactory
) -> Iterator[SessionController]:
    """A controller (and its simulation thread) over a shipping-failure run at 20 s."""
    session = make_session()
    ctl = SessionController(session)
    with qtbot.waitSignal(ctl.frame_ready, timeout=10_000):
        pass
    yield ctl
    ctl.shutdown()


def next_frame(qtbot: QtBot, controller: SessionController) -> Frame:
    """Wait for the controller's next frame and return it."""
    with qtbot.waitSignal(controller.frame_ready, timeout=10_000) as blocker:
        pass
    frame = blocker.args[0]
    assert isinstance(frame, Frame)
    return frame


def ask(
    qtbot: QtBot, controller: SessionController, question: Callable[[Session], T]
) -> T:
    """The simulation thread's answer to a question, independently of any panel."""
    answers: list[T] = []
    controller.query(question, answers.append)
    qtbot.waitUntil(lambda: bool(answers), timeout=10_000)
    return answers[0]


def session_rows(qtbot: QtBot, controller: SessionController) -> tuple[EventRow, ...]:
    """Every row the session has folded, asked of the simulation thread."""
    return ask(qtbot, controller, lambda s: tuple(s.rows))


def show_panel(
    qtbot: QtBot,
    controller: SessionController,
    panel: P,
    size: tuple[int, int] = (900, 500),
) -> P:
    """Show a panel in the workbench's theme, fed the controller's frames."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app)  # as the workbench does, so the pictures look as a user sees
    qtbot.addWidget(panel)
    panel.resize(*size)
    panel.show()
    qtbot.waitExposed(panel)
    controller.frame_ready.connect(panel.set_frame)  # type: ignore[attr-defined]
    return panel


def taken_in_slices(
    qtbot: QtBot,
    controller: SessionController,
    make_panel: Callable[[SessionController], P],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[P, tuple[EventRow, ...]]:
    """A plotting panel made while slices are 50 rows: it must take the run in
    several slices, one per event-loop turn, and end up with every row."""
    monkeypatch.setattr("ddd_sim.gui.panels.row_feed.INGEST_ROWS", 50)
    rows = session_rows(qtbot, controller)
    assert len(rows) > 3 * 50
    panel = make_panel(controller)
    qtbot.addWidget(panel)
    plotting: Any = panel  # the timeline or the metrics: both keep ``data``
    data = plotting.data
    batches: list[int] = []
    take = data.append

    def counted(batch: list[EventRow]) -> int:
        batches.append(len(batch))
        result: int = take(batch)
        return result

    data.append = counted
    qtbot.waitUntil(lambda: data.last_position > 0, timeout=5_000)
    qtbot.waitUntil(lambda: not plotting.ingesting, timeout=5_000)
    assert len([b for b in batches if b]) > 3
    assert max(batches) == 50
    assert data.last_position == rows[-1].position
    return panel, rows


def fed_in_slices(
    qtbot: QtBot,
    controller: SessionController,
    make_panel: Callable[[SessionController], P],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[P, tuple[EventRow, ...]]:
    """A log-fed panel made while slices are 50 rows: the run so far reaches it
    in several slices (one per event-loop turn), each at most 50 rows."""
    monkeypatch.setattr("ddd_sim.gui.panels.row_feed.INGEST_ROWS", 50)
    rows = session_rows(qtbot, controller)
    assert len(rows) > 3 * 50
    panel = make_panel(controller)
    qtbot.addWidget(panel)
    feed: Any = panel.feed  # type: ignore[attr-defined]  # every log-fed panel
    sizes: list[int] = []
    take = feed._append

    def counted(batch: Sequence[EventRow]) -> object:
        sizes.append(len(batch))
        return take(batch)

    feed._append = counted
    qtbot.waitUntil(lambda: feed.primed and not feed.ingesting, timeout=5_000)
    assert len([s for s in sizes if s]) > 3
    assert max(sizes) == 50
    return panel, rows
