"""Scripted views: ``--show`` raises a panel's tab, ``--event`` selects an entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ddd_sim.gui.app import GuiOptions, _settle
from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.opening import OpenRequest
from tests.gui.test_main_window import make_window
from tests.unit.test_cli_gui import run_gui


@pytest.mark.parametrize("name", ["read_models", "metrics", "event_store"])
def test_show_brings_a_tabbed_panel_to_the_front(
    qtbot: QtBot, controller: SessionController, name: str
) -> None:
    window = make_window(qtbot, controller)
    options = GuiOptions(request=OpenRequest(location="unused"), show=(name,))
    assert _settle(window, options) is None
    shown = {
        module
        for module, dock in window.docks.items()
        if not dock.visibleRegion().isEmpty()
    }
    tabbed = {"read_models", "metrics", "event_store"}
    assert shown & tabbed == {name}


def test_event_selects_that_entry_everywhere(
    qtbot: QtBot, controller: SessionController
) -> None:
    window = make_window(qtbot, controller)
    chosen: list[int] = []
    controller.event_selected.connect(chosen.append)
    options = GuiOptions(request=OpenRequest(location="unused"), event=12)
    assert _settle(window, options) is None
    assert chosen == [12]


def test_an_event_past_the_head_is_refused_by_name(
    qtbot: QtBot, controller: SessionController
) -> None:
    window = make_window(qtbot, controller)
    options = GuiOptions(request=OpenRequest(location="unused"), event=10**9)
    problem = _settle(window, options)
    assert problem is not None
    assert "--event 1000000000" in problem


def test_unknown_panel_is_a_usage_error(tmp_path: Path) -> None:
    result = run_gui("--show", "nonsense", "--quit", home=tmp_path)
    assert result.returncode == 2
    assert "invalid choice: 'nonsense'" in result.stderr
    assert "Traceback" not in result.stderr


def test_focus_gives_one_panel_the_window_and_escape_gives_it_back(
    qtbot: QtBot, controller: SessionController
) -> None:
    window = make_window(qtbot, controller)
    before = {m for m, d in window.docks.items() if d.isVisible()}
    window.focus_panel("context_map")
    qtbot.waitUntil(lambda: window.docks["context_map"].width() > 1000)
    assert {m for m, d in window.docks.items() if d.isVisible()} == {"context_map"}
    assert not window.panel("timeline").isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert window.focused is None
    assert {m for m, d in window.docks.items() if d.isVisible()} == before
    assert window.panel("timeline").isVisible()


def test_focus_on_the_timeline_hides_every_dock(
    qtbot: QtBot, controller: SessionController
) -> None:
    window = make_window(qtbot, controller)
    options = GuiOptions(request=OpenRequest(location="unused"), focus="timeline")
    assert _settle(window, options) is None
    assert not any(d.isVisible() for d in window.docks.values())
    assert window.panel("timeline").isVisible()


def test_a_frame_reaches_every_panel_in_order_one_per_pass(
    qtbot: QtBot, controller: SessionController
) -> None:
    window = make_window(qtbot, controller)
    window.render_pending()
    seen: list[tuple[str, int]] = []
    for name, panel in window.panels.items():
        original = panel.set_frame

        def recording(frame, _name=name, _original=original):
            seen.append((_name, frame.position))
            _original(frame)

        panel.set_frame = recording  # type: ignore[method-assign]
    frame = controller.frame
    assert frame is not None
    window.set_frame(frame)
    assert seen == []  # nothing yet: panels take their turns in the event loop
    window.set_frame(frame)
    window.render_pending()
    names = list(window.panels)
    assert seen == [(n, frame.position) for n in names] * 2
