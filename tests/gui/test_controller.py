"""The simulation thread: frames come back, operations run there, errors are told."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ddd_sim.contexts.inventory.application.commands import ReceiveStock
from ddd_sim.gui.controller import SessionController
from ddd_sim.runtime.session.rows import Frame
from tests.gui.conftest import SessionFactory, next_frame


def test_the_first_frame_is_the_world_at_the_head(
    qtbot: QtBot, controller: SessionController
) -> None:
    frame = controller.frame
    assert frame is not None
    assert frame.live
    assert frame.position == frame.figures.head > 0
    assert frame.world.counts.orders_placed > 0


def test_a_query_runs_on_the_simulation_thread_and_answers_here(
    qtbot: QtBot, controller: SessionController
) -> None:
    answers: list[object] = []
    controller.query(lambda s: s.index.head, answers.append)
    qtbot.waitUntil(lambda: bool(answers), timeout=5_000)
    assert answers[0] == controller.frame.figures.head  # type: ignore[union-attr]


def test_moving_back_shows_the_world_then(
    qtbot: QtBot, controller: SessionController
) -> None:
    controller.move_to(50)
    frame = next_frame(qtbot, controller)
    assert frame.position == 50
    assert not frame.live
    assert frame.world.position == 50


def test_a_refused_change_is_reported_and_changes_nothing(
    qtbot: QtBot, controller: SessionController
) -> None:
    head = controller.frame.figures.head  # type: ignore[union-attr]
    with qtbot.waitSignal(controller.error, timeout=5_000) as blocker:
        controller.submit(
            lambda s: s.execute(ReceiveStock(product_id="PROD-404", quantity=5))
        )
    assert "PROD-404" in blocker.args[0]
    heads: list[int] = []
    controller.query(lambda s: s.store.head_position(), heads.append)
    qtbot.waitUntil(lambda: bool(heads), timeout=5_000)
    assert heads[0] == head


def test_after_closing_no_answer_reaches_the_asker(
    qtbot: QtBot, controller: SessionController
) -> None:
    answers: list[object] = []
    controller.query(lambda s: s.index.head, answers.append)
    controller.shutdown()
    qtbot.wait(50)
    assert answers == []
    assert controller.closed


def test_a_busy_gui_gets_the_next_live_frame_only_once_it_has_shown_the_last(
    qtbot: QtBot, make_session: SessionFactory
) -> None:
    """Back-pressure: frames do not queue up behind a GUI that is still drawing."""
    session = make_session("happy_path", 1.0)
    controller = SessionController(session)
    controller.shown_on_receipt = False  # as the window does: it says when
    frames: list[Frame] = []
    controller.frame_ready.connect(frames.append)
    try:
        qtbot.waitUntil(lambda: bool(frames), timeout=10_000)
        controller.submit(lambda s: s.set_speed(100.0))
        controller.submit(lambda s: s.play())
        qtbot.waitUntil(lambda: len(frames) >= 3, timeout=10_000)  # the submits'
        qtbot.wait(600)  # 15 pacing periods: the run goes on, no frame comes
        held = len(frames)
        assert held == 3
        head = frames[-1].figures.head
        controller.frame_shown()
        qtbot.waitUntil(lambda: len(frames) > held, timeout=10_000)
        # the frame after the wait carries every entry made meanwhile
        later = frames[held]
        assert later.figures.head > head
        assert [row.position for row in later.new_events] == list(
            range(head + 1, later.figures.head + 1)
        )
        qtbot.wait(300)
        assert len(frames) == held + 1
    finally:
        controller.shutdown()


def test_frames_come_on_their_own_when_shown_on_receipt(
    qtbot: QtBot, make_session: SessionFactory
) -> None:
    session = make_session("happy_path", 1.0)
    controller = SessionController(session)
    frames: list[Frame] = []
    controller.frame_ready.connect(frames.append)
    try:
        controller.submit(lambda s: s.set_speed(100.0))
        controller.submit(lambda s: s.play())
        qtbot.waitUntil(lambda: len(frames) >= 8, timeout=10_000)
    finally:
        controller.shutdown()
