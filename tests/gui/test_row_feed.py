"""The feed of log rows a panel takes in: slices sized to a time budget per turn."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from ddd_sim.gui import turns
from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels import row_feed
from ddd_sim.gui.panels.row_feed import RowFeed
from ddd_sim.runtime.session.rows import EventRow
from tests.gui.conftest import session_rows


def test_a_slow_panel_takes_smaller_slices_and_still_every_row_in_order(
    qtbot: QtBot, controller: SessionController, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(row_feed, "INGEST_BUDGET_S", 0.004)
    rows = session_rows(qtbot, controller)
    assert len(rows) > 600
    kept: list[EventRow] = []
    sizes: list[int] = []

    def slow_append(batch: Sequence[EventRow]) -> None:
        sizes.append(len(batch))
        time.sleep(len(batch) * 0.0001)  # 0.1 ms a row: 40 rows fit 4 ms
        kept.extend(batch)

    parent = QObject()
    feed = RowFeed(controller, slow_append, lambda: None, parent)
    qtbot.waitUntil(lambda: feed.primed and not feed.ingesting, timeout=20_000)
    assert sizes[0] == row_feed.FIRST_SLICE
    later = [size for size in sizes[1:-1] if size]
    assert later
    assert max(later) <= 40  # sleeping only ever takes longer
    assert kept[: len(rows)] == list(rows)


def test_a_costly_redraw_is_spaced_out_and_a_screenshot_flushes_it(
    qtbot: QtBot, controller: SessionController
) -> None:
    session_rows(qtbot, controller)
    drawn: list[float] = []

    def costly_redraw() -> None:
        time.sleep(0.03)  # 30 ms: the next redraw is due 90 ms later
        drawn.append(time.perf_counter())

    parent = QObject()
    feed = RowFeed(controller, lambda batch: None, costly_redraw, parent)
    qtbot.waitUntil(lambda: feed.primed and not feed.ingesting, timeout=10_000)
    qtbot.waitUntil(lambda: len(drawn) >= 1, timeout=5_000)
    before = len(drawn)
    assert controller.frame is not None
    frame = dataclasses.replace(controller.frame, new_events=())
    feed.take_frame(frame)  # too soon: held back
    assert len(drawn) == before
    feed.flush()  # what a screenshot does first
    assert len(drawn) == before + 1
    feed.flush()  # nothing held back any more
    assert len(drawn) == before + 1
    qtbot.wait(150)
    feed.take_frame(frame)  # due again: drawn at once
    assert len(drawn) == before + 2


def test_a_costly_paint_spaces_redraws_as_a_costly_redraw_does(
    qtbot: QtBot, controller: SessionController
) -> None:
    """The picture's cost is its redraw and then its paint, later, in Qt's update."""
    session_rows(qtbot, controller)
    drawn: list[float] = []

    class View(row_feed.PaintTimed):
        paint_cost = 0.0

    parent, view = QObject(), View()
    feed = RowFeed(controller, lambda batch: None, lambda: drawn.append(1), parent)
    feed.watch_paint(view)
    qtbot.waitUntil(lambda: feed.primed and not feed.ingesting, timeout=10_000)
    qtbot.waitUntil(lambda: len(drawn) >= 1, timeout=5_000)
    assert controller.frame is not None
    grown = dataclasses.replace(
        controller.frame, new_events=(), changed=frozenset({"log"})
    )
    feed.take_frame(grown)  # a cheap redraw, a cheap paint: drawn at once
    before = len(drawn)
    assert before >= 2
    view.paint_cost = 0.05  # the view took 50 ms to paint: next due 150 ms on
    feed.take_frame(grown)
    assert len(drawn) == before
    qtbot.waitUntil(lambda: len(drawn) == before + 1, timeout=2_000)
    # a move of the slider is answered as soon as the redraw alone allows
    # (a few ms after a redraw that took microseconds; the paint's 150 ms
    # are not waited for)
    qtbot.wait(10)
    moved = dataclasses.replace(grown, changed=frozenset({"position"}))
    feed.take_frame(moved)
    assert len(drawn) == before + 2


def test_rows_of_frames_sent_before_the_answer_are_not_taken_twice(
    qtbot: QtBot, controller: SessionController
) -> None:
    rows = session_rows(qtbot, controller)
    assert len(rows) > 20
    kept: list[EventRow] = []
    parent = QObject()
    feed = RowFeed(controller, kept.extend, lambda: None, parent)
    assert controller.frame is not None
    # a frame the worker sent before it answered: its rows are in the answer
    early = dataclasses.replace(controller.frame, new_events=tuple(rows[-10:]))
    feed.take_frame(early)
    qtbot.waitUntil(lambda: feed.primed and not feed.ingesting, timeout=10_000)
    positions = [row.position for row in kept]
    assert positions == sorted(set(positions))
    assert positions[: len(rows)] == [row.position for row in rows]


def test_a_frame_repeating_the_answer_after_it_adds_only_what_is_new(
    qtbot: QtBot, controller: SessionController, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A window renders a frame after the panel's first answer: rows repeat.

    Slices of the backlog may then span the answer's end and the frame's
    start; each row must still be taken in once, in order.
    """
    monkeypatch.setattr(row_feed, "FIRST_SLICE", 7)  # slices that straddle
    monkeypatch.setattr(row_feed, "INGEST_ROWS", 7)
    rows = session_rows(qtbot, controller)
    assert len(rows) > 40
    kept: list[EventRow] = []
    parent = QObject()
    feed = RowFeed(controller, kept.extend, lambda: None, parent)
    qtbot.waitUntil(lambda: feed.primed, timeout=10_000)
    assert controller.frame is not None
    repeat = tuple(rows[5:]) + tuple(
        dataclasses.replace(row, position=row.position + 10_000) for row in rows[:3]
    )
    feed.take_frame(dataclasses.replace(controller.frame, new_events=repeat))
    qtbot.waitUntil(lambda: not feed.ingesting, timeout=10_000)
    positions = [row.position for row in kept]
    assert positions == sorted(set(positions))
    assert positions == [r.position for r in rows] + [
        r.position + 10_000 for r in rows[:3]
    ]


def test_a_redraw_due_right_after_other_work_waits_for_a_later_pass(
    qtbot: QtBot, controller: SessionController, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's work goes a piece per pass of the event loop."""
    session_rows(qtbot, controller)
    drawn: list[float] = []
    parent = QObject()
    feed = RowFeed(controller, lambda batch: None, lambda: drawn.append(1), parent)
    qtbot.waitUntil(lambda: feed.primed and not feed.ingesting, timeout=10_000)
    asked: list[bool] = []
    crowded = iter([True, True, False])

    def crowded_twice() -> bool:
        asked.append(True)
        return next(crowded, False)

    monkeypatch.setattr(turns, "crowded", crowded_twice)
    before = len(drawn)
    feed.schedule()
    qtbot.waitUntil(lambda: len(drawn) == before + 1, timeout=2_000)
    assert len(asked) == 3  # held twice, then drawn
    feed.schedule()
    feed.flush()  # asked for directly: never held
    assert len(drawn) == before + 2


def test_crowded_means_other_work_has_only_just_finished() -> None:
    turns.finished()
    assert turns.crowded()
    time.sleep(turns.SPACING_S * 1.5)
    assert not turns.crowded()
