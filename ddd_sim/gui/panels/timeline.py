"""The timeline: a swimlane per context, marks per log entry, as of the slider.

Marks are short ticks coloured by kind (one curve per kind, so nine plot
items however long the log); saga lifetimes are thin bars in the processes
lane; fault windows shade their target's lane; breaker states are bands
along the bottom of their target's lane.  Everything after the slider's
position is hidden and the playhead sits at its simulated time.  The plot
items are built once and only get ``setData``/``setOpts``; the numbers come
from :mod:`.timeline_data` and :mod:`.timeline_spans`.  (``ddd_sim.gui``, this
package's parent, has imported PySide6 before pyqtgraph is imported here.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg  # type: ignore[import-untyped]
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolTip, QVBoxLayout, QWidget

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.row_feed import (
    RowFeed,
    TimedPlotWidget,
    fit_button,
    playhead_line,
)
from ddd_sim.gui.panels.timeline_columns import Bars
from ddd_sim.gui.panels.timeline_data import (
    TimelineData,
    tick_segments,
)
from ddd_sim.gui.panels.timeline_spans import (
    SagaSpans,
    breaker_windows,
    fault_windows,
    window_bars,
)
from ddd_sim.gui.theme import (
    ACCENT,
    BREAKER_COLOURS,
    CANVAS,
    FAULT_SHADE,
    KIND_COLOURS,
    MUTED,
    STATUS_COLOURS,
    TEXT,
)
from ddd_sim.gui.widgets import PanelWidget
from ddd_sim.runtime.session.rows import KINDS, LANES, EventRow, Frame
from ddd_sim.runtime.world.model import World

TICK_HALF = 0.3
"""Half a mark's height, in lanes."""
PICK_PIXELS = 6
"""A click this close (in pixels) to a mark selects it."""
BIN_PIXELS = 1.5
"""Marks closer than this (in pixels) in one lane are drawn once."""
FOLLOW_HEADROOM = 1.25
"""While the run plays, the followed view ends this far past the run's end
and moves on only once the run reaches that: between its steps the axes
keep their pictures and the kinds with no new mark are not drawn again
(a view that moved every frame redrew all of it, and the bottom axis its
label, each frame)."""
SAGA_COLOURS: dict[str, str] = {
    "in_flight": STATUS_COLOURS["running"],
    "compensating": STATUS_COLOURS["compensating"],
    "completed": STATUS_COLOURS["completed"],
    "compensated": STATUS_COLOURS["compensated"],
}


def _bar_item(brush: QBrush | str, z: float, pen: Any = None) -> pg.BarGraphItem:
    item = pg.BarGraphItem(x0=[], x1=[], y0=[], y1=[], brush=brush, pen=pen)
    item.setZValue(z)
    return item


def _show_bars(item: pg.BarGraphItem, bars: Bars) -> None:
    """Hand an item its rectangles, unless it shows those already.

    Setting them makes pyqtgraph record its picture anew and the view
    recompute its bounds: while a run plays most windows and spans do not
    change from one frame to the next.
    """
    shown: Bars | None = getattr(item, "shown_bars", None)
    if shown is not None and all(
        np.array_equal(a, b)
        for a, b in zip(
            (shown.x0, shown.x1, shown.y0, shown.y1),
            (bars.x0, bars.x1, bars.y0, bars.y1),
            strict=True,
        )
    ):
        return
    item.shown_bars = bars
    item.setOpts(x0=bars.x0, x1=bars.x1, y0=bars.y0, y1=bars.y1)


def _legend_html() -> str:
    swatch = '<span style="color:{};">&#9646;</span>&nbsp;{}'

    def nbsp(text: str) -> str:
        return text.replace(" ", "&nbsp;")

    kinds = [swatch.format(KIND_COLOURS[k], k) for k in KINDS]
    spans = [
        swatch.format(SAGA_COLOURS["completed"], nbsp("saga done")),
        swatch.format(SAGA_COLOURS["in_flight"], nbsp("in flight")),
        swatch.format(SAGA_COLOURS["compensating"], "compensating"),
        swatch.format(SAGA_COLOURS["compensated"], nbsp("compensated ▨")),
        swatch.format("#e15554", nbsp("fault window")),
        swatch.format(BREAKER_COLOURS["open"], nbsp("breaker open")),
        swatch.format(BREAKER_COLOURS["half_open"], "half-open"),
    ]
    gap = "&nbsp;&nbsp; "
    return (
        f"{gap.join(kinds)}<br><span style='color:{MUTED};'>spans</span>"
        f"&nbsp;&nbsp; {gap.join(spans)}"
    )


class TimelinePanel(PanelWidget):
    """Swimlanes of the log as of the slider; click a mark to select it everywhere."""

    title = "Timeline"
    object_name = "timeline"

    def __init__(
        self, controller: SessionController, parent: QWidget | None = None
    ) -> None:
        super().__init__(controller, parent)
        self.data = TimelineData()
        self.position = 0
        self.world: World | None = None
        self.selected: int | None = None
        self.chain: tuple[int, ...] = ()
        self.follow = True
        """True while the view shows the whole run (until the user zooms or pans)."""
        self._drawn_key: tuple[Any, ...] = ()
        self._drawn_kinds: dict[str, tuple[Any, ...]] = {}
        self._growing = False
        """True while the run plays: the followed view keeps headroom."""
        self._fitted_end: float | None = None
        self._spans_as_of: tuple[int, float] = (0, 0.0)
        self.feed = RowFeed(controller, self._keep, self.redraw, self)
        self._build()
        self.feed.watch_paint(self.plot_widget)
        frame = controller.frame
        if frame is not None:
            self.position, self.world = frame.position, frame.world
        controller.event_selected.connect(self._on_event_selected)

    # -- building ---------------------------------------------------------------------
    def _build(self) -> None:
        self.legend = QLabel(_legend_html())
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.selection_label = QLabel("Click a mark to select an entry.")
        self.selection_label.setStyleSheet(f"color: {MUTED};")
        self.fit_button = fit_button(self.fit)
        header = QHBoxLayout()
        header.setContentsMargins(8, 4, 8, 0)
        header.addWidget(self.legend, 1)
        header.addWidget(self.fit_button)
        self.plot_widget = TimedPlotWidget(background=CANVAS)
        plot = self.plot = self.plot_widget.getPlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.showGrid(x=True, y=False, alpha=0.12)
        for side in ("left", "bottom"):
            axis = plot.getAxis(side)
            axis.setPen(pg.mkPen(MUTED))
            axis.setTextPen(pg.mkPen(TEXT))
        plot.getAxis("left").setTicks([[(i, lane) for i, lane in enumerate(LANES)]])
        plot.getAxis("left").setStyle(tickLength=0)
        plot.getAxis("left").setWidth(84)
        plot.setLabel("bottom", "simulated time", units="s")
        self.view = plot.getViewBox()
        self.view.invertY(True)
        self.view.setMouseEnabled(x=True, y=False)
        self.view.setYRange(-0.5, len(LANES) - 0.5, padding=0.01)
        self.view.setLimits(xMin=-5.0, minXRange=1e-3)
        self.view.sigRangeChangedManually.connect(self._on_manual_range)
        self.view.sigXRangeChanged.connect(lambda *_: self.feed.schedule())
        for i in range(len(LANES) - 1):
            separator = pg.InfiniteLine(
                pos=i + 0.5, angle=0, movable=False, pen=pg.mkPen("#343a44", width=1)
            )
            separator.setZValue(-20)
            plot.addItem(separator)
        self.fault_bars = _bar_item(FAULT_SHADE, -10)
        plot.addItem(self.fault_bars)
        self.breaker_bars = {
            state: _bar_item(BREAKER_COLOURS[state], -5)
            for state in ("open", "half_open")
        }
        for item in self.breaker_bars.values():
            plot.addItem(item)
        self.saga_bars: dict[str, pg.BarGraphItem] = {}
        for group, colour in SAGA_COLOURS.items():
            fill = QColor(colour)
            fill.setAlpha(150)
            brush = QBrush(fill)
            if group == "compensated":
                brush.setStyle(Qt.BrushStyle.BDiagPattern)
            self.saga_bars[group] = _bar_item(brush, -2, pg.mkPen(colour, width=1))
            plot.addItem(self.saga_bars[group])
        self.marks: dict[str, pg.PlotCurveItem] = {}
        for z, kind in enumerate(KINDS):
            width = (
                2.0 if kind in ("compensation", "fault", "crash", "breaker") else 1.2
            )
            curve = pg.PlotCurveItem(
                pen=pg.mkPen(KIND_COLOURS[kind], width=width), connect="pairs"
            )
            curve.setZValue(z)
            self.marks[kind] = curve
            plot.addItem(curve)
        # after the slider: a veil, so it reads as "not yet" rather than "nothing"
        self.future = _bar_item(QBrush(QColor(140, 150, 170, 22)), 20)
        plot.addItem(self.future)
        self.chain_line = pg.PlotCurveItem(
            pen=pg.mkPen(ACCENT, width=1, style=Qt.PenStyle.DashLine)
        )
        self.chain_line.setZValue(25)
        self.chain_marks = pg.ScatterPlotItem(
            symbol="o",
            size=8,
            pen=pg.mkPen("#ffffff", width=1),
            brush=pg.mkBrush(ACCENT),
        )
        self.chain_marks.setZValue(26)
        self.selected_mark = pg.ScatterPlotItem(
            symbol="o", size=15, pen=pg.mkPen("#ffffff", width=2), brush=None
        )
        self.selected_mark.setZValue(27)
        for item in (self.chain_line, self.chain_marks, self.selected_mark):
            plot.addItem(item)
        self.playhead = playhead_line(2)
        plot.addItem(self.playhead)
        self.plot_widget.scene().sigMouseClicked.connect(self._on_scene_click)
        self.plot_widget.scene().sigMouseMoved.connect(self._on_scene_hover)
        self._hovered: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.plot_widget, 1)
        footer = QHBoxLayout()
        footer.setContentsMargins(8, 0, 8, 4)
        footer.addWidget(self.selection_label, 1)
        layout.addLayout(footer)

    # -- frames -----------------------------------------------------------------------
    def _keep(self, rows: Sequence[EventRow]) -> None:
        self.data.append(rows)

    @property
    def ingesting(self) -> bool:
        """True while rows handed over are still being taken in, a slice a turn."""
        return self.feed.ingesting

    def set_frame(self, frame: Frame) -> None:
        """Keep the new entries; show the log as of the frame's position."""
        self.position, self.world = frame.position, frame.world
        self._growing = frame.figures.playing
        self.feed.take_frame(frame)
        if self.selected is not None:
            self._describe_selection()

    @property
    def as_of_time(self) -> float:
        """The simulated time of the slider's position."""
        return self.world.sim_time if self.world is not None else self.data.last_time

    def fit(self) -> None:
        """Show the whole run, and keep following it as it grows."""
        self.follow = True
        self._fitted_end = None
        self.redraw()

    def _on_manual_range(self, *_: Any) -> None:
        self.follow = False

    @property
    def spans(self) -> SagaSpans:
        """The saga spans last drawn, as of their position (before merging)."""
        position, now = self._spans_as_of
        return self.data.sagas.spans(position, now)

    # -- drawing ----------------------------------------------------------------------
    def _fit_range(self) -> None:
        end = max(self.data.last_time, self.as_of_time, 1.0)
        if self._growing:
            fitted = self._fitted_end
            if fitted is not None and end <= fitted <= end * FOLLOW_HEADROOM**2:
                return  # the run is still inside the view: it stays
            end *= FOLLOW_HEADROOM
        self._fitted_end = end
        self.view.setXRange(0.0, end, padding=0.02)

    def redraw(self) -> None:
        """Redraw what changed: marks in view, spans, windows, playhead, selection."""
        self.feed.drawing()
        if self.follow:
            self._fit_range()
        (x0, x1), _ = self.view.viewRange()
        pixels = max(1.0, float(self.view.width()))
        per_pixel = (x1 - x0) / pixels
        now = self.as_of_time
        key = (x0, x1, pixels, self.position, self.data.last_position, id(self.world))
        if key == self._drawn_key:
            return
        self._drawn_key = key
        for kind, curve in self.marks.items():
            # a kind with no new mark in an unmoved view is drawn as it was
            kind_key = (x0, x1, pixels, self.data.kinds[kind].cut(self.position))
            if self._drawn_kinds.get(kind) == kind_key:
                continue
            self._drawn_kinds[kind] = kind_key
            times, lanes = self.data.marks(
                kind, self.position, x0, x1, BIN_PIXELS * per_pixel
            )
            curve.setData(*tick_segments(times, lanes, TICK_HALF))
        self.playhead.setValue(now)
        self._draw_spans(now, 2 * per_pixel)
        hidden_from = max(now, x0)
        if self.position < self.data.last_position and hidden_from < x1:
            future = Bars(
                np.array([hidden_from]),
                np.array([x1]),
                np.array([-0.5]),
                np.array([len(LANES) - 0.5]),
            )
            _show_bars(self.future, future)
        else:
            _show_bars(self.future, Bars.empty())
        self._draw_selection()

    def _draw_spans(self, now: float, min_width: float) -> None:
        world = self.world
        if world is None:
            return
        (x0, x1), _ = self.view.viewRange()
        # spans come from the log rows kept, not the world's saga table: a
        # few vector operations over the processes under way and the merged
        # runs of the ended ones, instead of a walk over every saga per frame
        self._spans_as_of = (self.position, now)
        drawn = self.data.sagas.bars(
            self.position, now, x0, x1, min_width, min_width / 2
        )
        for group, bars in drawn.items():
            _show_bars(self.saga_bars[group], bars)
        faults = fault_windows(self.data.fault_rows, world.faults, self.position, now)
        _show_bars(self.fault_bars, window_bars(faults, -0.5, 0.5, min_width))
        breakers = breaker_windows(self.data.breaker_rows, self.position, now)
        for state, item in self.breaker_bars.items():
            chosen = (w for w in breakers if w.label == state)
            _show_bars(item, window_bars(chosen, 0.34, 0.47, min_width))

    def _draw_selection(self) -> None:
        shown = [p for p in self.chain if p <= self.position]
        times, lanes, _ = self.data.locate(shown)
        self.chain_marks.setData(times, lanes.astype(np.float64))
        self.chain_line.setData(times, lanes.astype(np.float64))
        if self.selected is not None and self.selected <= self.position:
            times, lanes, _ = self.data.locate([self.selected])
            self.selected_mark.setData(times, lanes.astype(np.float64))
        else:
            self.selected_mark.setData([], [])

    # -- picking and selection --------------------------------------------------------
    def pick(self, x: float, y: float) -> int | None:
        """The position of the shown mark nearest a point in plot coordinates."""
        (x0, x1), _ = self.view.viewRange()
        tolerance = PICK_PIXELS * (x1 - x0) / max(1.0, float(self.view.width()))
        return self.data.pick(x, y, tolerance, self.position)

    def click_at(self, x: float, y: float) -> int | None:
        """Select the mark nearest a point in plot coordinates (what a click does)."""
        position = self.pick(x, y)
        if position is not None:
            self.controller.select_event(position)
        return position

    def _on_scene_click(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        scene_pos: QPointF = event.scenePos()
        if not self.view.sceneBoundingRect().contains(scene_pos):
            return
        point = self.view.mapSceneToView(scene_pos)
        if self.click_at(point.x(), point.y()) is not None:
            event.accept()

    def hover_text(self, x: float, y: float) -> str | None:
        """What a tooltip says of the mark nearest a point (None: no mark near)."""
        position = self.pick(x, y)
        return None if position is None else self._mark_text(position)

    def _mark_text(self, position: int) -> str | None:
        row = self.data.row(position)
        if row is None:
            return None
        if row.summary.startswith(row.type):
            said = row.summary  # most summaries name their type first
        elif row.summary:
            said = f"{row.type}: {row.summary}"
        else:
            said = row.type
        return "\n".join(
            (
                f"#{row.position:,}  ·  t = {row.sim_time:.3f} s  ·  {row.lane}",
                f"{said}  ({row.kind})",
                f"stream {row.stream} v{row.version}",
                "click: select it and light its correlation chain",
            )
        )

    def _on_scene_hover(self, scene_pos: QPointF) -> None:
        position: int | None = None
        if self.view.sceneBoundingRect().contains(scene_pos):
            point = self.view.mapSceneToView(scene_pos)
            position = self.pick(point.x(), point.y())
        if position == self._hovered:
            return  # still over the same mark (or still over none)
        self._hovered = position
        text = self._mark_text(position) if position is not None else None
        if text is None:
            QToolTip.hideText()
            return
        widget_pos = self.plot_widget.mapFromScene(scene_pos)
        QToolTip.showText(
            self.plot_widget.mapToGlobal(widget_pos), text, self.plot_widget
        )

    def _on_event_selected(self, position: int) -> None:
        self.selected = position
        self.chain = (position,)
        self._describe_selection()
        self._draw_selection()
        self.controller.query(lambda s: (position, s.chain(position)), self.show_chain)

    def show_chain(self, answer: tuple[int, tuple[int, ...]]) -> None:
        """Light a selected entry's correlation chain: (selected, chain positions)."""
        position, chain = answer
        if position != self.selected:
            return  # an older selection's answer came late
        self.chain = chain
        self._describe_selection()
        self._draw_selection()

    def _describe_selection(self) -> None:
        row = self.data.row(self.selected) if self.selected is not None else None
        if row is None:
            self.selection_label.setText("Click a mark to select an entry.")
            return
        flow = len(self.chain)
        later = "  ·  after the slider" if row.position > self.position else ""
        self.selection_label.setText(
            f"#{row.position:,}  t = {row.sim_time:.3f} s  ·  {row.lane}  ·  "
            f"{row.summary}  ·  correlation chain of {flow} "
            f"entr{'y' if flow == 1 else 'ies'}{later}"
        )
