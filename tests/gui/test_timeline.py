"""The timeline panel: marks as of the slider, spans, fault windows, picking, chains."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.timeline import TimelinePanel
from ddd_sim.gui.panels.timeline_columns import LANE_INDEX
from ddd_sim.gui.panels.timeline_spans import SAGA_GROUP_NAMES
from ddd_sim.gui.theme import apply_theme
from ddd_sim.runtime.session.rows import KINDS, EventRow
from ddd_sim.runtime.world.model import World
from ddd_sim.sim.scenario_model import FaultSpec
from tests.gui.conftest import (
    ask,
    next_frame,
    session_rows,
    show_panel,
    taken_in_slices,
)

SHOTS = Path(__file__).parent / "screenshots"
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints"
)


def _panel(qtbot: QtBot, controller: SessionController) -> TimelinePanel:
    panel = show_panel(qtbot, controller, TimelinePanel(controller), (1000, 520))
    qtbot.waitUntil(
        lambda: panel.data.last_position > 0 and not panel.ingesting, timeout=5_000
    )
    panel.redraw()
    return panel


def _fault_mark(
    qtbot: QtBot, controller: SessionController, panel: TimelinePanel
) -> tuple[EventRow, QPoint]:
    """The run's first injected fault, and where its mark is in the plot widget."""
    rows = session_rows(qtbot, controller)
    target = next(r for r in rows if r.type == "FaultInjected")
    point = QPointF(target.sim_time, LANE_INDEX[target.lane])
    scene = panel.view.mapViewToScene(point)
    return target, panel.plot_widget.mapFromScene(scene)


def _shown_marks(panel: TimelinePanel, kind: str) -> int:
    xs, _ = panel.marks[kind].getData()
    return 0 if xs is None else len(xs) // 2


def test_every_entry_up_to_the_position_is_a_mark_of_its_kind(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = _panel(qtbot, controller)
    rows = session_rows(qtbot, controller)
    expected = Counter(r.kind for r in rows)
    assert panel.data.kind_counts(panel.position) == {k: expected[k] for k in KINDS}
    for kind in KINDS:
        assert _shown_marks(panel, kind) == expected[kind], kind
    # each mark sits in its entry's lane at its simulated time
    xs, ys = panel.marks["domain"].getData()
    domain = [r for r in rows if r.kind == "domain"]
    assert np.allclose(xs[0::2], [r.sim_time for r in domain])
    assert np.allclose((ys[0::2] + ys[1::2]) / 2, [LANE_INDEX[r.lane] for r in domain])


def test_a_large_batch_is_taken_in_slices_until_every_row_is_kept(
    qtbot: QtBot, controller: SessionController, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel, rows = taken_in_slices(qtbot, controller, TimelinePanel, monkeypatch)
    assert [r.position for r in panel.data.rows] == [r.position for r in rows]
    panel.redraw()
    assert _shown_marks(panel, "domain") == sum(r.kind == "domain" for r in rows)


def test_moving_back_moves_the_playhead_and_hides_later_marks(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = _panel(qtbot, controller)
    rows = session_rows(qtbot, controller)
    head_time = panel.playhead.value()
    assert head_time == pytest.approx(rows[-1].sim_time)
    controller.move_to(300)
    frame = next_frame(qtbot, controller)
    assert frame.position == 300
    assert panel.playhead.value() == pytest.approx(frame.world.sim_time)
    assert panel.playhead.value() < head_time
    before = Counter(r.kind for r in rows if r.position <= 300)
    for kind in KINDS:
        assert _shown_marks(panel, kind) == before[kind], kind
    xs, _ = panel.marks["process"].getData()
    assert xs.max() <= frame.world.sim_time
    # a pick beyond the position finds nothing: those marks are not shown
    late = next(r for r in rows if r.position > 300 and r.kind == "domain")
    assert panel.data.pick(late.sim_time, LANE_INDEX[late.lane], 1e-6, 300) is None
    controller.move_to(None)
    next_frame(qtbot, controller)
    assert panel.playhead.value() == pytest.approx(head_time)


def test_clicking_a_mark_selects_it_and_lights_its_chain(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = _panel(qtbot, controller)
    rows = session_rows(qtbot, controller)
    target = next(r for r in rows if r.type == "ShipmentCreated")
    with qtbot.waitSignal(controller.event_selected, timeout=2_000) as blocker:
        picked = panel.click_at(target.sim_time, LANE_INDEX[target.lane] + 0.1)
    assert picked == blocker.args[0]
    chosen = panel.data.row(picked)
    assert chosen is not None
    assert chosen.lane == target.lane
    assert abs(chosen.sim_time - target.sim_time) < 0.05
    same_flow = ask(qtbot, controller, lambda s: s.chain(picked))
    qtbot.waitUntil(lambda: panel.chain == same_flow, timeout=5_000)
    xs, _ = panel.chain_marks.getData()
    assert len(xs) == len(same_flow)
    sx, sy = panel.selected_mark.getData()
    assert sx[0] == pytest.approx(chosen.sim_time)
    assert sy[0] == LANE_INDEX[chosen.lane]
    assert f"#{picked:,}" in panel.selection_label.text()


def test_a_chain_is_lit_up_to_the_position(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = _panel(qtbot, controller)
    rows = session_rows(qtbot, controller)
    saga = [r for r in rows if r.stream == "Saga-ORD-L0-000001"]
    chain = tuple(r.position for r in saga)
    panel.selected = chain[0]
    panel.show_chain((chain[0], chain))
    xs, ys = panel.chain_marks.getData()
    assert list(xs) == pytest.approx([r.sim_time for r in saga])
    assert set(ys) == {LANE_INDEX["processes"]}
    panel.show_chain((chain[1], (1, 2)))  # a late answer for another selection
    assert panel.chain == chain
    controller.move_to(chain[2])
    next_frame(qtbot, controller)
    xs, _ = panel.chain_marks.getData()
    assert len(xs) == 3


def test_a_click_on_the_plot_selects_the_mark_under_it(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = _panel(qtbot, controller)
    target, widget_point = _fault_mark(qtbot, controller, panel)
    with qtbot.waitSignal(controller.event_selected, timeout=2_000) as blocker:
        qtbot.mouseClick(
            panel.plot_widget.viewport(), Qt.MouseButton.LeftButton, pos=widget_point
        )
    chosen = panel.data.row(blocker.args[0])
    assert chosen is not None
    assert chosen.lane == target.lane


@pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints",
    "This plugin does not support raise",  # the offscreen platform's tooltip
)
def test_hovering_a_mark_says_what_it_is_and_leaving_it_hides_that(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = _panel(qtbot, controller)
    target, widget_point = _fault_mark(qtbot, controller, panel)
    lane = LANE_INDEX[target.lane]
    viewport = panel.plot_widget.viewport()
    qtbot.mouseMove(viewport, widget_point)
    qtbot.waitUntil(QToolTip.isVisible, timeout=2_000)
    shown = QToolTip.text()
    hovered = panel.data.row(panel.pick(target.sim_time, lane) or 0)
    assert hovered is not None
    assert hovered.lane == target.lane
    assert f"#{hovered.position:,}" in shown
    assert hovered.type in shown
    assert f"t = {hovered.sim_time:.3f} s" in shown
    # between two lanes there is no mark: the tooltip goes
    empty = panel.view.mapViewToScene(QPointF(target.sim_time, lane + 0.5))
    qtbot.mouseMove(viewport, panel.plot_widget.mapFromScene(empty))
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=2_000)


def test_an_injected_fault_shades_its_lane_from_now_on(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = _panel(qtbot, controller)
    before = len(panel.fault_bars.opts["x0"])
    controller.submit(
        lambda s: s.inject(
            FaultSpec(target="payment", kind="down", start=0.0, until=None)
        )
    )
    frame = next_frame(qtbot, controller)
    assert any(f.target == "payment" for f in frame.world.faults)
    # drawn at once, or soon after when the last picture was costly to paint
    qtbot.waitUntil(
        lambda: len(panel.fault_bars.opts["x0"]) == before + 1, timeout=2_000
    )
    opts = panel.fault_bars.opts
    lane = LANE_INDEX["payment"]
    found = [
        i for i in range(len(opts["x0"])) if opts["y0"][i] == pytest.approx(lane - 0.5)
    ]
    assert found, "the payment lane is shaded"
    assert opts["x1"][found[0]] >= frame.world.sim_time
    assert any(
        r.type == "FaultInjected" and r.target == "payment" for r in frame.new_events
    )


def _assert_spans_match_the_world(panel: TimelinePanel, world: World) -> None:
    """The spans (drawn from the log rows) agree with the world's saga table."""
    groups = {
        "running": "in_flight",
        "compensating": "compensating",
        "completed": "completed",
        "compensated": "compensated",
        "abandoned": "compensated",
    }
    expected = {
        s.id: (
            s.started_at,
            world.sim_time if s.ended_at is None else s.ended_at,
            groups[s.status],
        )
        for s in world.sagas
    }
    spans = panel.spans
    assert expected
    assert sorted(spans.ids) == sorted(expected)
    order = list(spans.ids)
    assert list(spans.starts) == pytest.approx([expected[i][0] for i in order])
    assert list(spans.ends) == pytest.approx([expected[i][1] for i in order])
    assert [SAGA_GROUP_NAMES[g] for g in spans.groups] == [
        expected[i][2] for i in order
    ]


def test_breakers_and_sagas_are_drawn_as_of_the_position(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = _panel(qtbot, controller)
    world = controller.frame.world  # type: ignore[union-attr]
    assert world.breakers.get("shipping") == "open"
    open_bars = panel.breaker_bars["open"].opts
    assert list(open_bars["y0"]) == [pytest.approx(LANE_INDEX["shipping"] + 0.34)]
    assert len(panel.saga_bars["completed"].opts["x0"]) == sum(
        s.status == "completed" for s in world.sagas
    )
    compensating = sum(s.status in ("compensating",) for s in world.sagas)
    assert len(panel.saga_bars["compensating"].opts["x0"]) == compensating
    _assert_spans_match_the_world(panel, world)
    controller.move_to(100)
    frame = next_frame(qtbot, controller)
    _assert_spans_match_the_world(panel, frame.world)
    assert len(panel.breaker_bars["open"].opts["x0"]) == 0
    assert len(panel.fault_bars.opts["x0"]) == 0


def test_the_timeline_renders_readably(
    qtbot: QtBot, controller: SessionController
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app)
    panel = _panel(qtbot, controller)
    rows = session_rows(qtbot, controller)
    chosen = next(r for r in rows if r.type == "StepCompensated")
    controller.select_event(chosen.position)
    qtbot.wait(200)
    # the log has no correlation ids yet: light the saga's own entries instead
    panel.show_chain(
        (chosen.position, tuple(r.position for r in rows if r.stream == chosen.stream))
    )
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / "timeline.png"
    panel.grab().save(str(path))
    image = QImage(str(path))
    colours = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 7)
        for y in range(0, image.height(), 7)
    }
    assert len(colours) > 12
    controller.move_to(400)
    next_frame(qtbot, controller)
    panel.grab().save(str(SHOTS / "timeline-as-of.png"))
