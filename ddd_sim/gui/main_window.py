"""The workbench window: docks around the timeline, the slider along the bottom.

The window owns one :class:`SessionController`; every panel renders the
frames it re-emits and asks through it.  Docks can be rearranged; their
layout is remembered with QSettings.  Errors are dialogs naming what went
wrong; nothing a user did is half-applied.
"""

from __future__ import annotations

import importlib
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, cast

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QToolBar,
    QWidget,
)

from ddd_sim.gui import turns
from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.run_controls import RunControls
from ddd_sim.gui.time_slider import TimeSlider
from ddd_sim.runtime.session.rows import Frame

ORGANISATION, APPLICATION = "DDD Sim", "workbench"
LAYOUT_VERSION = 1

PANELS: tuple[tuple[str, str, Qt.DockWidgetArea | None], ...] = (
    ("timeline", "TimelinePanel", None),
    ("commands", "CommandsPanel", Qt.DockWidgetArea.LeftDockWidgetArea),
    ("faults", "FaultsPanel", Qt.DockWidgetArea.LeftDockWidgetArea),
    ("sagas", "SagasPanel", Qt.DockWidgetArea.RightDockWidgetArea),
    ("context_map", "ContextMapPanel", Qt.DockWidgetArea.RightDockWidgetArea),
    ("event_store", "EventStorePanel", Qt.DockWidgetArea.BottomDockWidgetArea),
    ("read_models", "ReadModelsPanel", Qt.DockWidgetArea.BottomDockWidgetArea),
    ("metrics", "MetricsPanel", Qt.DockWidgetArea.BottomDockWidgetArea),
)
"""(module under ddd_sim.gui.panels, class, dock area; None = the centre)."""


class Panel(Protocol):
    """What the window needs of a panel."""

    title: str
    object_name: str

    def set_frame(self, frame: Frame) -> None: ...


def _load_panel(module: str, name: str) -> Callable[..., QWidget] | None:
    try:
        loaded = importlib.import_module(f"ddd_sim.gui.panels.{module}")
    except ModuleNotFoundError as exc:
        if exc.name == f"ddd_sim.gui.panels.{module}":
            return None
        raise
    return cast(Callable[..., QWidget], getattr(loaded, name))


class PanelDock(QDockWidget):
    """A panel's dock; floated, it is a window of its own, painted as the main one."""

    def event(self, event: QEvent) -> bool:
        # see MainWindow.event: a floating dock's paint holds the GIL throughout
        if event.type() != QEvent.Type.UpdateRequest:
            return super().event(event)
        with turns.piece():
            return super().event(event)


class MainWindow(QMainWindow):
    """The workbench for one session."""

    def __init__(
        self,
        controller: SessionController,
        *,
        actions: Callable[[MainWindow], None] | None = None,
        remember_layout: bool = True,
    ) -> None:
        super().__init__()
        self.controller = controller
        self.remember_layout = remember_layout
        self.errors: list[str] = []
        self.setWindowTitle(f"DDD Sim — {controller.session_location}")
        self.resize(1600, 1000)
        self.panels: dict[str, QWidget] = {}
        self.docks: dict[str, QDockWidget] = {}
        self.focused: str | None = None
        # (panel, frame) still to render: one panel per pass of the event loop
        self._to_render: deque[tuple[QWidget, Frame]] = deque()
        self._render_began = 0.0
        controller.shown_on_receipt = False  # rendered in steps: said when done
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(0)
        self._render_timer.timeout.connect(self._on_render_timer)
        self._unfocused: QByteArray | None = None
        self.run_controls = RunControls(controller, self)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.run_controls)
        self.slider = TimeSlider(controller, self)
        bottom = QToolBar("Time", self)
        bottom.setObjectName("time_slider")
        bottom.setMovable(False)
        bottom.addWidget(self.slider)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, bottom)
        self._build_panels()
        self._build_status_bar()
        self._build_menus()
        if actions is not None:
            actions(self)
        self._build_shortcuts()
        controller.frame_ready.connect(self.set_frame)
        controller.error.connect(self.show_error)
        if remember_layout:
            self._restore_layout()

    # -- building ----------------------------------------------------------------
    def _build_panels(self) -> None:
        self.setDockOptions(
            QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.AnimatedDocks
        )
        # Left and right stack their docks; the bottom tabs them.  (Tabbing in
        # more than one area at start-up leaves a stale tab bar drawn over the
        # window in Qt 6.11; users can still tab any docks themselves.)
        last: dict[Qt.DockWidgetArea, QDockWidget] = {}
        for module, name, area in PANELS:
            factory = _load_panel(module, name)
            if factory is None:
                continue
            panel = factory(self.controller, self)
            self.panels[module] = panel
            if area is None:
                self.setCentralWidget(panel)
                continue
            dock = PanelDock(str(getattr(panel, "title", name)), self)
            dock.setObjectName(f"dock_{module}")
            # a dock smaller than its panel scrolls instead of growing the window
            scroller = QScrollArea(dock)
            scroller.setWidgetResizable(True)
            scroller.setFrameShape(QFrame.Shape.NoFrame)
            scroller.setWidget(panel)
            dock.setWidget(scroller)
            self.addDockWidget(area, dock)
            if area == Qt.DockWidgetArea.BottomDockWidgetArea and area in last:
                self.tabifyDockWidget(last[area], dock)
            elif area in last:
                self.splitDockWidget(last[area], dock, Qt.Orientation.Vertical)
            last[area] = dock
            self.docks[module] = dock
        self._size_docks()
        if self.centralWidget() is None:
            placeholder = QLabel("No timeline")
            placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.setCentralWidget(placeholder)

    def _size_docks(self) -> None:
        """A first layout that gives the timeline the middle of the screen."""
        width = {"commands": 420, "faults": 420, "sagas": 560, "context_map": 560}
        sides = [d for m, d in self.docks.items() if m in width]
        self.resizeDocks(
            sides,
            [width[m] for m in self.docks if m in width],
            Qt.Orientation.Horizontal,
        )
        bottom = [d for m, d in self.docks.items() if m not in width]
        self.resizeDocks(bottom, [330] * len(bottom), Qt.Orientation.Vertical)
        if "event_store" in self.docks:
            self.docks["event_store"].raise_()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.status = {
            name: QLabel() for name in ("time", "position", "rate", "lag", "faults")
        }
        for label in self.status.values():
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        self.file_menu = menu.addMenu("&File")
        self.export_menu = self.file_menu.addMenu("&Export")
        view = menu.addMenu("&View")
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        focus = view.addMenu("&Focus on")
        everything = QAction("All panels", self)
        everything.setShortcut(QKeySequence("Escape"))
        everything.triggered.connect(lambda: self.focus_panel(None))
        focus.addAction(everything)
        for module, panel in self.panels.items():
            title = str(getattr(panel, "title", module))
            action = QAction(title, self)
            action.triggered.connect(lambda _=False, m=module: self.focus_panel(m))
            focus.addAction(action)
        reset = QAction("Reset layout", self)
        reset.triggered.connect(self.reset_layout)
        view.addAction(reset)
        run = menu.addMenu("&Run")
        run.addAction(self.run_controls.play_action)
        run.addAction(self.run_controls.step_action)

    def _build_shortcuts(self) -> None:
        for keys, step in (
            ("Left", -1),
            ("Right", 1),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(lambda s=step: self.slider.step(s))
        for keys, seconds in (("Shift+Left", -1.0), ("Shift+Right", 1.0)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(lambda d=seconds: self.step_seconds(d))

    # -- rendering ----------------------------------------------------------------
    def set_frame(self, frame: Frame) -> None:
        """Render one frame: the status bar now, then each panel in its turn.

        A frame after a busy tick brings thousands of new rows; taking them
        one panel per pass of the event loop lets input and timers in
        between, so the window never stops for the sum of every panel's work.
        Each panel still gets every frame, in order.
        """
        if not self.panels:
            self.controller.frame_shown()
        if not self._to_render:
            self._render_began = time.perf_counter()
        self._to_render.extend((panel, frame) for panel in self.panels.values())
        self._render_timer.start()
        self._show_status(frame)

    def _on_render_timer(self) -> None:
        if not turns.held(self._render_timer):
            self._render_next()

    def _render_next(self) -> None:
        if self._to_render:
            panel, frame = self._to_render.popleft()
            with turns.piece():
                cast(Panel, panel).set_frame(frame)
            turns.finished()
            if not self._to_render:
                self._rendered()
        if self._to_render:
            self._render_timer.start()

    def _rendered(self) -> None:
        """Every panel has its frame: the next may come after as long again."""
        self.controller.frame_shown(time.perf_counter() - self._render_began)

    def render_pending(self) -> None:
        """Render what is still queued at once (scripts and tests that look now)."""
        while self._to_render:
            self._render_next()
        for panel in self.panels.values():
            feed = getattr(panel, "feed", None)
            if feed is not None:
                feed.flush()  # a redraw held back after a costly one: now

    def _show_status(self, frame: Frame) -> None:
        world, figures = frame.world, frame.figures
        worst = max((p.lag_events for p in world.projections), default=0)
        self.status["time"].setText(f"t = {world.sim_time:.3f} s")
        where = "live" if frame.live else "as of"
        if figures.stored_head > figures.head:
            share = figures.head / max(figures.stored_head, 1)
            where = f"opening {share:.0%}:"
        self.status["position"].setText(
            f"{where} {frame.position:,} / {figures.head:,}"
        )
        self.status["rate"].setText(f"{figures.events_per_s:,.0f} events/s")
        self.status["lag"].setText(f"worst lag {worst:,} events")
        faults = ", ".join(f"{f.kind}@{f.target}" for f in world.faults) or "none"
        self.status["faults"].setText(f"faults: {faults}")

    def step_seconds(self, seconds: float) -> None:
        """Move the slider by simulated seconds."""
        frame = self.controller.frame
        if frame is None:
            return
        target = frame.world.sim_time + seconds
        self.controller.query(
            lambda s: s.position_at(target), lambda p: self.slider.go_to(int(p))
        )

    def show_error(self, message: str) -> None:
        """A dialog that says what went wrong (never a traceback)."""
        self.errors.append(message)
        box = QMessageBox(
            QMessageBox.Icon.Warning, "DDD Sim", message, QMessageBox.StandardButton.Ok
        )
        box.setParent(self, box.windowFlags())
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- layout ---------------------------------------------------------------------
    def _settings(self) -> QSettings:
        return QSettings(ORGANISATION, APPLICATION)

    def _restore_layout(self) -> None:
        settings = self._settings()
        if settings.value("layout_version") != LAYOUT_VERSION:
            return
        geometry = settings.value("geometry")
        state = settings.value("state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state, LAYOUT_VERSION)

    def save_layout(self) -> None:
        """Remember where the docks are for the next start."""
        settings = self._settings()
        settings.setValue("layout_version", LAYOUT_VERSION)
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("state", self.saveState(LAYOUT_VERSION))

    def reset_layout(self) -> None:
        """Forget the remembered layout (it applies from the next start)."""
        self._settings().remove("state")
        self._settings().remove("layout_version")
        for dock in self.docks.values():
            dock.show()

    def show_panel(self, name: str) -> None:
        """Bring a panel to the front: its dock shown, its tab raised."""
        dock = self.docks.get(name)
        if dock is not None:
            dock.show()
            dock.raise_()

    def focus_panel(self, name: str | None) -> None:
        """Give one panel the whole window (a projector's view); None: all again."""
        if name is not None and name not in self.panels:
            raise KeyError(f"no panel {name!r} (panels: {', '.join(self.panels)})")
        if name is None:
            if self._unfocused is not None:
                self.restoreState(self._unfocused, LAYOUT_VERSION)
                self._unfocused = None
            if (central := self.centralWidget()) is not None:
                central.show()
            self.focused = None
            return
        if self._unfocused is None:
            self._unfocused = self.saveState(LAYOUT_VERSION)
        for module, dock in self.docks.items():
            dock.setVisible(module == name)
        if (central := self.centralWidget()) is not None:
            central.setVisible(name not in self.docks)
        self.focused = name

    def screenshot(self, path: str | Path) -> bool:
        """Save the window as it is now to a PNG."""
        return bool(self.grab().save(str(path)))

    def event(self, event: QEvent) -> bool:
        """Every event of the window, the paint of all its panels included.

        Qt paints the window in one update, calling back into Python for
        every table cell and plot item.  Entered from here, that paint holds
        the GIL throughout; otherwise each callback has to win it back from
        the simulation thread, which while it runs costs about a millisecond
        apiece (a table of 2,000 cells took 3 s to paint instead of 20 ms).
        """
        if event.type() != QEvent.Type.UpdateRequest:
            return super().event(event)
        with turns.piece():  # the paint is a piece of the window's work too
            handled = super().event(event)
        turns.finished()
        return handled

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.focus_panel(None)  # remember the layout, not a focused view of it
        if self.remember_layout:
            self.save_layout()
        self.controller.shutdown()
        super().closeEvent(event)

    def panel(self, name: str) -> Any:
        """A panel by its module name (``timeline``, ``sagas``…)."""
        return self.panels[name]
