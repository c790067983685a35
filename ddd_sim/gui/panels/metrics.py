"""Metrics over simulated time: throughput, lag, breaker trips, compensations.

Four plots sharing one time axis, each with the slider's playhead; rows
after the slider's position are not counted.  Plot items are built once and
updated with ``setData``; the binning lives in
:mod:`~ddd_sim.gui.panels.metrics_data`.  (``ddd_sim.gui``, this package's
parent, has imported PySide6 before pyqtgraph is imported here.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyqtgraph as pg  # type: ignore[import-untyped]
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.metrics_data import MetricsData, MetricSeries, bin_width_for
from ddd_sim.gui.panels.row_feed import (
    RowFeed,
    TimedLayoutWidget,
    fit_button,
    playhead_line,
)
from ddd_sim.gui.theme import (
    BREAKER_COLOURS,
    CANVAS,
    KIND_COLOURS,
    MUTED,
    STATUS_COLOURS,
    TEXT,
)
from ddd_sim.gui.widgets import PanelWidget
from ddd_sim.runtime.session.rows import EventRow, Frame

ENTRIES_COLOUR = KIND_COLOURS["domain"]
ORDERS_COLOUR = STATUS_COLOURS["completed"]
LAG_COLOUR = KIND_COLOURS["network"]
TRIPS_COLOUR = BREAKER_COLOURS["open"]
COMPENSATIONS_COLOUR = KIND_COLOURS["compensation"]


def _fill(colour: str, alpha: int = 60) -> Any:
    brush = pg.mkBrush(colour)
    shade = brush.color()
    shade.setAlpha(alpha)
    return pg.mkBrush(shade)


class MetricsPanel(PanelWidget):
    """Rates and totals over simulated time, as of the slider."""

    title = "Metrics"
    object_name = "metrics"

    def __init__(
        self, controller: SessionController, parent: QWidget | None = None
    ) -> None:
        super().__init__(controller, parent)
        self.data = MetricsData()
        self.position = 0
        self.now = 0.0
        self.shown: MetricSeries | None = None
        self._drawn_key: tuple[int, int, float] = (-1, -1, -1.0)
        self.follow = True
        """True while the plots show the whole run (until the user zooms or pans)."""
        self._build()
        frame = controller.frame
        if frame is not None:
            self.position, self.now = frame.position, frame.world.sim_time
        self.feed = RowFeed(controller, self._keep, self.redraw, self)
        self.feed.watch_paint(self.canvas)

    # -- building ---------------------------------------------------------------------
    def _build(self) -> None:
        self.summary = QLabel("")
        self.summary.setStyleSheet(f"color: {MUTED};")
        header = QHBoxLayout()
        header.setContentsMargins(8, 4, 8, 0)
        header.addWidget(self.summary, 1)
        self.fit_button = fit_button(self.fit)
        header.addWidget(self.fit_button)
        self.canvas = TimedLayoutWidget()
        self.canvas.setBackground(CANVAS)
        self.canvas.ci.setSpacing(6)
        self.throughput = self._plot(0, 0, "Throughput", "per s")
        self.lag = self._plot(0, 1, "Worst projection lag", "events")
        self.trips = self._plot(1, 0, "Breaker trips (total)", "trips")
        self.compensations = self._plot(1, 1, "Compensations", "per s")
        self.throughput.setTitle(
            f"Throughput: <span style='color:{ENTRIES_COLOUR};'>log entries</span>"
            f" and <span style='color:{ORDERS_COLOUR};'>orders placed</span>",
            color=TEXT,
            size="10pt",
        )
        self.entries_curve = self.throughput.plot(
            name="log entries",
            stepMode="center",
            pen=pg.mkPen(ENTRIES_COLOUR, width=1.5),
            fillLevel=0,
            fillBrush=_fill(ENTRIES_COLOUR, 40),
        )
        self.orders_curve = self.throughput.plot(
            name="orders placed",
            stepMode="center",
            pen=pg.mkPen(ORDERS_COLOUR, width=2),
        )
        self.lag_curve = self.lag.plot(
            stepMode="right",
            pen=pg.mkPen(LAG_COLOUR, width=1.5),
            fillLevel=0,
            fillBrush=_fill(LAG_COLOUR, 50),
        )
        self.trips_curve = self.trips.plot(
            stepMode="center",
            pen=pg.mkPen(TRIPS_COLOUR, width=2),
            fillLevel=0,
            fillBrush=_fill(TRIPS_COLOUR, 40),
        )
        self.compensations_curve = self.compensations.plot(
            stepMode="center",
            pen=pg.mkPen(COMPENSATIONS_COLOUR, width=1.5),
            fillLevel=0,
            fillBrush=_fill(COMPENSATIONS_COLOUR, 70),
        )
        # binned series stay under ~600 bins (bin_width_for); only the lag
        # series grows with the log, so only it is clipped and downsampled
        # (pyqtgraph's clipping would also break the step curves' x/y lengths)
        self.lag_curve.setClipToView(True)
        self.lag_curve.setDownsampling(auto=True, method="peak")
        self.playheads: list[pg.InfiniteLine] = []
        for plot in self.plots:
            playhead = playhead_line(1.5)
            plot.addItem(playhead, ignoreBounds=True)
            self.playheads.append(playhead)
            if plot is not self.throughput:
                plot.setXLink(self.throughput)
            plot.getViewBox().sigRangeChangedManually.connect(self._stop_following)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.canvas, 1)

    def _plot(self, row: int, column: int, title: str, unit: str) -> pg.PlotItem:
        plot = self.canvas.addPlot(row=row, col=column)
        plot.setTitle(title, color=TEXT, size="10pt")
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.showGrid(x=True, y=True, alpha=0.12)
        plot.setMouseEnabled(x=True, y=False)
        for side in ("left", "bottom"):
            axis = plot.getAxis(side)
            axis.setPen(pg.mkPen(MUTED))
            axis.setTextPen(pg.mkPen(TEXT))
            axis.enableAutoSIPrefix(False)
        plot.getAxis("left").setWidth(46)
        plot.setLabel("left", unit, color=MUTED)
        plot.setLabel("bottom", "simulated time (s)", color=MUTED)
        # counts start at zero: the y range is set from the data, never below 0
        plot.enableAutoRange(y=False)
        return plot

    @property
    def plots(self) -> tuple[pg.PlotItem, ...]:
        """The four plots, throughput first."""
        return (self.throughput, self.lag, self.trips, self.compensations)

    @property
    def curves(self) -> tuple[pg.PlotDataItem, ...]:
        """Every series' curve."""
        return (
            self.entries_curve,
            self.orders_curve,
            self.lag_curve,
            self.trips_curve,
            self.compensations_curve,
        )

    def _stop_following(self, *_: Any) -> None:
        self.follow = False

    def fit(self) -> None:
        """Show the whole run again, and keep following it."""
        self.follow = True
        self._drawn_key = (-1, -1, -1.0)
        self.redraw()

    # -- frames -----------------------------------------------------------------------
    def _keep(self, rows: Sequence[EventRow]) -> None:
        self.data.append(rows)

    @property
    def ingesting(self) -> bool:
        """True while rows handed over are still being taken in, a slice a turn."""
        return self.feed.ingesting

    def set_frame(self, frame: Frame) -> None:
        """Count the new entries; show every series as of the frame's position."""
        self.position, self.now = frame.position, frame.world.sim_time
        self.feed.take_frame(frame)

    def redraw(self) -> None:
        """Bin the counted rows as of the position and hand the plots their data."""
        self.feed.drawing()
        key = (self.position, self.data.last_position, self.now)
        if key == self._drawn_key:
            return
        self._drawn_key = key
        end = max(self.now, self.data.last_time)
        series = self.data.as_of(self.position, self.now, bin_width_for(end))
        self.shown = series
        self.entries_curve.setData(series.edges, series.entries_per_s)
        self.orders_curve.setData(series.edges, series.orders_per_s)
        self.trips_curve.setData(series.edges, series.trips_total)
        self.compensations_curve.setData(series.edges, series.compensations_per_s)
        if len(series.lag_times):
            # the last recorded lag holds until the position's time
            end = max(self.now, float(series.lag_times[-1]))
            times = np.append(series.lag_times, end)
            lags = np.append(series.lag_events, series.lag_events[-1])
            self.lag_curve.setData(times, lags)
        else:
            self.lag_curve.setData([], [])
        for playhead in self.playheads:
            playhead.setValue(self.now)
        tops = (
            max(
                series.entries_per_s.max(initial=0), series.orders_per_s.max(initial=0)
            ),
            series.lag_events.max(initial=0),
            series.trips_total.max(initial=0),
            series.compensations_per_s.max(initial=0),
        )
        for plot, top in zip(self.plots, tops, strict=True):
            top = max(1.0, float(top))
            plot.setYRange(-0.04 * top, 1.12 * top, padding=0)
        if self.follow:
            self.throughput.setXRange(0.0, max(end, 1.0), padding=0.02)
        self._summarise(series)

    def _summarise(self, series: MetricSeries) -> None:
        totals = series.totals
        lag = int(series.lag_events.max()) if len(series.lag_events) else 0
        width = series.edges[1] - series.edges[0]
        per = f"{width:g} s"
        self.summary.setText(
            f"as of t = {self.now:.2f} s  ·  {totals['entries']:,} log entries  ·  "
            f"{totals['orders']:,} orders placed  ·  worst lag {lag:,} events  ·  "
            f"{totals['trips']} breaker trips  ·  {totals['compensations']} "
            f"compensations  ·  {per} bins"
        )
