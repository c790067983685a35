"""The window: every panel follows the frames, the slider, keys and error dialogs."""

from __future__ import annotations

import sys
from pathlib import Path
from types import FrameType

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from ddd_sim.contexts.inventory.application.commands import ReceiveStock
from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.main_window import MainWindow
from ddd_sim.shared.ids import ProductId
from tests.gui.conftest import next_frame


def distinct_colours(image: QImage, step: int = 7) -> int:
    """How many different colours a sample of the picture's pixels has."""
    seen = set()
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            seen.add(image.pixel(x, y))
    return len(seen)


def make_window(qtbot: QtBot, controller: SessionController) -> MainWindow:
    window = MainWindow(controller, remember_layout=False)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    controller.move_to(None)
    next_frame(qtbot, controller)
    return window


def test_the_status_bar_says_where_the_world_is(
    qtbot: QtBot, controller: SessionController
) -> None:
    window = make_window(qtbot, controller)
    frame = controller.frame
    assert frame is not None
    assert window.status["time"].text() == f"t = {frame.world.sim_time:.3f} s"
    assert window.status["position"].text() == (
        f"live {frame.position:,} / {frame.figures.head:,}"
    )


def test_the_slider_moves_every_panel_to_the_past(
    qtbot: QtBot, controller: SessionController
) -> None:
    window = make_window(qtbot, controller)
    window.slider.go_to(100)
    qtbot.waitUntil(
        lambda: controller.frame is not None and controller.frame.position == 100,
        timeout=5_000,
    )
    assert not window.slider.live.isChecked()
    assert window.status["position"].text().startswith("as of 100 /")
    window.slider.go_to(None)
    qtbot.waitUntil(lambda: controller.frame is not None and controller.frame.live)


def test_arrow_keys_step_one_entry_and_space_plays(
    qtbot: QtBot, controller: SessionController
) -> None:
    window = make_window(qtbot, controller)
    window.slider.go_to(100)
    qtbot.waitUntil(lambda: controller.frame.position == 100)  # type: ignore[union-attr]
    qtbot.keyClick(window, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: controller.frame.position == 99)  # type: ignore[union-attr]
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.keyClick(window, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: controller.frame.position == 101)  # type: ignore[union-attr]
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(
        lambda: controller.frame.figures.playing,  # type: ignore[union-attr]
        timeout=5_000,
    )
    head = controller.frame.figures.head  # type: ignore[union-attr]
    qtbot.waitUntil(
        lambda: controller.frame.figures.head > head,  # type: ignore[union-attr]
        timeout=10_000,
    )
    qtbot.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: not controller.frame.figures.playing)  # type: ignore[union-attr]


def test_an_error_is_a_dialog_naming_it(
    qtbot: QtBot, controller: SessionController
) -> None:
    window = make_window(qtbot, controller)
    restock = ReceiveStock(product_id=ProductId("PROD-404"), quantity=3)
    controller.submit(lambda s: s.execute(restock))
    qtbot.waitUntil(lambda: bool(window.errors), timeout=5_000)
    assert "PROD-404" in window.errors[0]
    assert "Traceback" not in window.errors[0]


def test_the_window_renders_a_picture_that_is_not_blank(
    qtbot: QtBot, controller: SessionController, tmp_path: Path
) -> None:
    window = make_window(qtbot, controller)
    qtbot.wait(300)
    path = tmp_path / "window.png"
    assert window.screenshot(path)
    image = QImage(str(path))
    assert image.width() == 1400
    assert distinct_colours(image) > 40


def test_the_panels_paint_inside_the_windows_python_event_handler(
    qtbot: QtBot, controller: SessionController
) -> None:
    """The window's paint runs within one Python call, holding the GIL.

    Otherwise every callback of the paint (each table cell, each plot item)
    has to win the GIL back from the simulation thread on its own.
    """
    window = make_window(qtbot, controller)
    store = window.panels["event_store"]
    model = store.events  # type: ignore[attr-defined]
    inside: list[bool] = []
    original = model.data

    handler = getattr(MainWindow.event, "__code__", None)  # None: Qt's own

    def data(index: object, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        frame: FrameType | None = sys._getframe(1)
        while frame is not None and frame.f_code is not handler:
            frame = frame.f_back
        inside.append(frame is not None)
        return original(index, role)

    model.data = data
    window.focus_panel("event_store")
    store.event_view.viewport().update()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: len(inside) > 0, timeout=5_000)
    assert all(inside)
