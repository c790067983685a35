"""Workbench fixtures: a real session on a SQLite file, driven by its worker thread."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ddd_sim.bootstrap import open_session, projection_names
from ddd_sim.gui.controller import SessionController
from ddd_sim.runtime.session.rows import Frame
from ddd_sim.runtime.session.session import Session
from ddd_sim.sim.scenario import builtin_scenario, load_scenario

SessionFactory = Callable[..., Session]


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
