"""A wallet's balance over simulated time (the temporal query), with the slider's time.

The plot items are built once; a new history or a new position only calls
``setData`` / ``setValue`` on them.  (``ddd_sim.gui``, this package's
parent, has imported PySide6 before pyqtgraph is imported here.)
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

import numpy as np
import pyqtgraph as pg  # type: ignore[import-untyped]
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.theme import ACCENT, CANVAS, KIND_COLOURS, MUTED, TEXT
from ddd_sim.runtime.session.loads import BalancePoint, balance_history
from ddd_sim.runtime.session.rows import EventRow


class BalancePlot(pg.PlotWidget):  # type: ignore[misc]
    """A wallet's balance after each event, held until the next; the as-of marker."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background=CANVAS)
        self.points: tuple[BalancePoint, ...] = ()
        self.as_of_time = 0.0
        plot = self.getPlotItem()
        plot.showGrid(x=True, y=True, alpha=0.15)
        for side in ("left", "bottom"):
            axis = plot.getAxis(side)
            axis.setPen(pg.mkPen(MUTED))
            axis.setTextPen(pg.mkPen(TEXT))
            axis.enableAutoSIPrefix(False)  # money reads as 4,705, not 4.705 k
        plot.setLabel("bottom", "simulated time", units="s")
        plot.setLabel("left", "balance")
        plot.setMenuEnabled(False)
        self.line = pg.PlotDataItem(
            pen=pg.mkPen(ACCENT, width=2),
            stepMode="right",
            symbol="o",
            symbolSize=5,
            symbolBrush=ACCENT,
            symbolPen=None,
        )
        self.line.setDownsampling(auto=True, method="peak")
        self.line.setClipToView(True)
        plot.addItem(self.line)
        marker_pen = pg.mkPen(KIND_COLOURS["compensation"], width=1.5)
        self.marker = pg.InfiniteLine(angle=90, movable=False, pen=marker_pen)
        plot.addItem(self.marker)
        self.as_of_point = pg.ScatterPlotItem(
            size=10, brush=pg.mkBrush(KIND_COLOURS["compensation"]), pen=None
        )
        plot.addItem(self.as_of_point)

    def set_history(self, points: tuple[BalancePoint, ...], currency: str) -> None:
        """Plot a wallet's balance after each event, in one currency."""
        self.points = points
        x = np.fromiter((p.sim_time for p in points), dtype=float, count=len(points))
        y = np.fromiter(
            (float(p.balance) for p in points), dtype=float, count=len(points)
        )
        self.line.setData(x, y)
        self.getPlotItem().setLabel("left", "balance", units=currency)
        self._place_marker()
        self.getPlotItem().enableAutoRange()

    def set_as_of(self, sim_time: float) -> None:
        """Move the marker to the slider's simulated time."""
        self.as_of_time = sim_time
        self._place_marker()

    def balance_at(self, sim_time: float) -> float | None:
        """The balance as of a simulated time (None before the wallet existed)."""
        times = [p.sim_time for p in self.points]
        found = bisect_right(times, sim_time)
        return float(self.points[found - 1].balance) if found else None

    def _place_marker(self) -> None:
        self.marker.setValue(self.as_of_time)
        balance = self.balance_at(self.as_of_time)
        if balance is None:
            self.as_of_point.setData([], [])
        else:
            self.as_of_point.setData([self.as_of_time], [balance])


class BalancePane(QWidget):
    """Choose a wallet and a currency; plot its balance history, asked of the runtime.

    The history is the payment context's temporal query (``GetBalanceHistory``,
    through :func:`~ddd_sim.runtime.session.loads.balance_history`), asked
    again when the chosen wallet's stream grows.
    """

    def __init__(
        self, controller: SessionController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.history: tuple[BalancePoint, ...] = ()
        self.wallet = QComboBox()
        self.wallet.setMinimumContentsLength(16)
        self.currency = QComboBox()
        self.wallet.currentTextChanged.connect(lambda _t: self._on_wallet())
        self.currency.currentTextChanged.connect(lambda _t: self.ask_history())
        self.balance_label = QLabel("")
        self.balance_label.setStyleSheet(f"color: {MUTED};")
        self.plot = BalancePlot()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel("wallet"))
        row.addWidget(self.wallet)
        row.addWidget(self.currency)
        row.addStretch(1)
        row.addWidget(self.balance_label)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 4, 0, 0)
        column.addLayout(row)
        column.addWidget(self.plot, 1)

    def set_wallets(self, wallets: tuple[tuple[str, tuple[str, ...]], ...]) -> None:
        """The wallets to choose from, each with the currencies it has used."""
        names = [name for name, _ in wallets]
        if [self.wallet.itemText(i) for i in range(self.wallet.count())] == names:
            return
        current = self.wallet.currentText()
        self.wallet.blockSignals(True)
        self.wallet.clear()
        for name, currencies in wallets:
            self.wallet.addItem(name, currencies)
        self.wallet.blockSignals(False)
        keep = current if current in names else names[0] if names else ""
        self.wallet.setCurrentText(keep)
        self._on_wallet()

    def log_grew(self, rows: Iterable[EventRow]) -> None:
        """Ask again if the chosen wallet's stream has new events."""
        stream = f"Account-{self.wallet.currentText()}"
        if any(row.stream == stream for row in rows):
            self.ask_history()

    def set_as_of(self, sim_time: float) -> None:
        """Move the marker to the slider's simulated time."""
        self.plot.set_as_of(sim_time)
        self._label_balance()

    def _on_wallet(self) -> None:
        currencies = self.wallet.currentData() or ()
        self.currency.blockSignals(True)
        self.currency.clear()
        self.currency.addItems(list(currencies))
        self.currency.blockSignals(False)
        self.ask_history()

    def choose_wallet(self, account_id: str, currency: str | None = None) -> None:
        """Plot one wallet's balance history (in one of its currencies)."""
        self.wallet.setCurrentText(account_id)
        if currency is not None:
            self.currency.setCurrentText(currency)
        self.ask_history()

    def ask_history(self) -> None:
        """Ask the temporal query for the chosen wallet's balance after each event."""
        account, currency = self.wallet.currentText(), self.currency.currentText()
        if not account or not currency:
            return
        self.controller.query(
            lambda s: (account, currency, balance_history(s, account, currency)),
            self._on_history,
        )

    def _on_history(self, answer: tuple[str, str, tuple[BalancePoint, ...]]) -> None:
        account, currency, points = answer
        chosen = (self.wallet.currentText(), self.currency.currentText())
        if (account, currency) != chosen:
            return  # the user chose another wallet meanwhile
        self.history = points
        self.plot.set_history(points, currency)
        self._label_balance()

    def _label_balance(self) -> None:
        at = self.plot.as_of_time
        balance = self.plot.balance_at(at)
        if not self.history:
            self.balance_label.setText("")
        elif balance is None:
            self.balance_label.setText(
                f"at t = {at:.2f} s the wallet did not exist yet"
            )
        else:
            self.balance_label.setText(
                f"{len(self.history)} events · at t = {at:.2f} s: "
                f"{balance:,.2f} {self.currency.currentText()}"
            )
