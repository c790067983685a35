"""The simulation thread: frames come back, operations run there, errors are told."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ddd_sim.contexts.inventory.application.commands import ReceiveStock
from ddd_sim.gui.controller import SessionController
from tests.gui.conftest import next_frame


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
