"""The read side: projections as tables, lag, cache, rebuilds, a balance history.

What the runtime knows now (documents, lags, cache counters) is asked of the
simulation thread at most a few times a second; what the slider says (each
projection's checkpoint as of the position) comes with every frame.  When
the slider is not live, the documents shown are those the chosen
projection held at its checkpoint then, folded on the simulation thread a
slice per question (the panel says how far it got and asks again).  A
rebuild runs on the simulation thread; its progress crosses back by a
queued signal and a cancel crosses over by a thread-safe flag.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, QModelIndex, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.balance_plot import BalancePane
from ddd_sim.gui.panels.read_model_models import (
    DiffModel,
    DocumentTableModel,
    ProjectionLagModel,
    ReadModelsState,
    read_models_state,
)
from ddd_sim.gui.panels.read_model_parts import RebuildJob, pane
from ddd_sim.gui.theme import ACCENT, KIND_COLOURS, MUTED
from ddd_sim.gui.widgets import PanelWidget, table_view
from ddd_sim.runtime.projections import RebuildReport
from ddd_sim.runtime.session.read_asof import StillFolding
from ddd_sim.runtime.session.rows import Frame

REFRESH_MS = 400
"""The runtime's read side is asked again at most this often while the log grows."""


class ReadModelsPanel(PanelWidget):
    """Projections, their documents and lag, the cache, rebuilds, a balance history."""

    title = "Read models"
    object_name = "read_models"

    def __init__(
        self, controller: SessionController, parent: QWidget | None = None
    ) -> None:
        super().__init__(controller, parent)
        self.lags = ProjectionLagModel()
        self.documents = DocumentTableModel()
        self.diff = DiffModel()
        self.state: ReadModelsState | None = None
        self.projection: str | None = None
        self.as_of: int | None = None
        """The slider's position when it is not live (None: live)."""
        self.job: RebuildJob | None = None
        self.last_report: RebuildReport | None = None
        self.progress: QProgressDialog | None = None
        self._asking = False
        self._again = False
        self._documents_current = False  # False: read every document again
        self._since = QElapsedTimer()
        self._build()
        controller.error.connect(self._on_error)
        controller.context_selected.connect(self._on_context_selected)
        frame = controller.frame
        if frame is not None:
            self._show_as_of(frame)
        self.refresh()

    # -- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.addTab(self._documentspane(), "Documents")
        self.tabs.addTab(self._diffpane(), "Rebuild diff")
        self.balance = BalancePane(self.controller)
        self.tabs.addTab(self.balance, "Balance history")
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._lagpane())
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 0)  # the lag table keeps its width
        split.setStretchFactor(1, 1)
        split.setSizes([430, 470])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(self._bar())
        layout.addWidget(split, 1)

    def _bar(self) -> QHBoxLayout:
        self.chooser = QComboBox()
        self.chooser.setMinimumContentsLength(22)
        self.chooser.currentTextChanged.connect(self._on_chosen)
        self.lag_label = QLabel("")
        self.version = QComboBox()
        self.version.setToolTip("The handler version to fold the log with")
        self.version.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.rebuild_button = QPushButton("Rebuild…")
        self.rebuild_button.setToolTip(
            "Fold the whole log again with the chosen handler version and show "
            "what changed"
        )
        self.rebuild_button.clicked.connect(lambda: self.rebuild())
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 0)
        bar.addWidget(self.chooser)
        bar.addWidget(self.lag_label)
        bar.addStretch(1)
        bar.addWidget(QLabel("handler"))
        bar.addWidget(self.version)
        bar.addWidget(self.rebuild_button)
        return bar

    def _lagpane(self) -> QWidget:
        self.lag_view = table_view()
        self.lag_view.setModel(self.lags)
        header = self.lag_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._lag_widths: tuple[int, ...] = ()
        # "payment.…summary": both ends of a name tell projections apart
        self.lag_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.lag_view.setMinimumWidth(380)
        self.lag_view.clicked.connect(self._on_lag_clicked)
        self.cache_label = QLabel("")
        self.cache_label.setStyleSheet(f"color: {MUTED};")
        self.cache_label.setWordWrap(True)
        return pane(self.lag_view, self.cache_label)

    def _documentspane(self) -> QWidget:
        self.moment_label = QLabel("")
        self.moment_label.setWordWrap(True)
        self.document_view = table_view()
        self.document_view.setModel(self.documents)
        self.document_view.horizontalHeader().setDefaultSectionSize(130)
        self.stale_label = QLabel("")
        self.stale_label.setStyleSheet(f"color: {MUTED};")
        return pane(self.moment_label, self.document_view, self.stale_label)

    def _diffpane(self) -> QWidget:
        self.diff_view = table_view()
        self.diff_view.setModel(self.diff)
        self.diff_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.diff_view.horizontalHeader()
        fit, stretch = (
            QHeaderView.ResizeMode.ResizeToContents,
            QHeaderView.ResizeMode.Stretch,
        )
        for section, mode in enumerate((fit, fit, stretch, fit, fit)):
            header.setSectionResizeMode(section, mode)
        self.diff_label = QLabel("No rebuild yet: rebuild a projection to see a diff.")
        self.diff_label.setWordWrap(True)
        return pane(self.diff_label, self.diff_view)

    # -- frames and refreshes ---------------------------------------------------------
    def set_frame(self, frame: Frame) -> None:
        """Show the lags as of the position; ask the runtime again when the log grew."""
        self._show_as_of(frame)
        if frame.new_events or "log" in frame.changed:
            due = not self._since.isValid() or self._since.elapsed() >= REFRESH_MS
            if due and self.isVisible():  # a hidden panel asks when shown
                self.refresh()
            self.balance.log_grew(frame.new_events)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        """Catch up with the runtime on being shown (hidden, it asks nothing)."""
        super().showEvent(event)
        self.refresh()

    def _show_as_of(self, frame: Frame) -> None:
        self.lags.set_as_of(frame.world.projections)
        self._fit_lag_columns()
        self.balance.set_as_of(frame.world.sim_time)
        position = None if frame.live else frame.position
        if position != self.as_of:
            self.as_of = position
            if self.isVisible():  # a hidden panel asks when shown
                self.refresh()

    def _fit_lag_columns(self) -> None:
        """Widen a lag column when its longest text is longer than ever before.

        Figures grow and shrink as the run goes: sizing to them each time
        would make the columns jump, and asks the view for every cell.
        """
        widths = self.lags.widths()
        known = self._lag_widths or (0,) * len(widths)
        if widths[0] != known[0]:
            known = (0,) * len(widths)  # other projections: fit afresh
        for column, (now, before) in enumerate(zip(widths[1:], known[1:], strict=True)):
            if now > before and column > 0:
                self.lag_view.resizeColumnToContents(column)
        grown = map(max, zip(widths[1:], known[1:], strict=True))
        self._lag_widths = (widths[0], *grown)

    def refresh(self) -> None:
        """Ask the runtime for lags, cache figures and the chosen documents."""
        if self._asking:  # one question at a time: ask again once answered
            self._again = True
            return
        self._asking = True
        self._since.start()
        projection, as_of = self.projection, self.as_of
        known = self.documents.table if self._documents_current else None
        self._documents_current = True
        self.controller.query(
            lambda s: read_models_state(s, projection, known, as_of), self._on_state
        )

    def _on_state(self, state: ReadModelsState) -> None:
        self._asking = False
        self.state = state
        names = [lag.projection for lag in state.lags]
        if [self.chooser.itemText(i) for i in range(self.chooser.count())] != names:
            self.chooser.blockSignals(True)
            self.chooser.clear()
            self.chooser.addItems(names)
            self.chooser.blockSignals(False)
        self.lags.set_lags(state.lags)
        self._fit_lag_columns()
        if self.projection is None and names:
            self.choose(names[0])
            return
        folding = state.folding
        if folding is not None and folding.projection == self.projection:
            self._show_folding(folding)
            self._again = True  # go on folding: the next slice, as of the slider
        elif state.table is not None and state.table.projection == self.projection:
            self.documents.set_table(state.table)
            self.document_view.setEnabled(True)
            self._show_versions(state.handler_versions)
            self._show_moment()
        self._show_lag()
        cache = state.cache
        self.cache_label.setText(
            f"Query cache: {cache.hits:,} hits · {cache.misses:,} misses "
            f"({cache.hit_ratio:.0%} hits) · {cache.invalidations:,} invalidated "
            f"by events · {cache.expirations:,} expired · {cache.entries:,} kept"
        )
        self.balance.set_wallets(state.wallets)
        if self._again:
            self._again = False
            self.refresh()

    def _show_lag(self) -> None:
        state = self.state
        lag = next(
            (
                lag
                for lag in (state.lags if state else ())
                if lag.projection == self.projection
            ),
            None,
        )
        if lag is None:
            self.lag_label.setText("")
            return
        stalled = "  STALLED" if lag.stalled else ""
        now = "" if self.as_of is None else "now: "  # the table is of another time
        self.lag_label.setText(
            f"{now}v{lag.version} · checkpoint {lag.checkpoint:,} · "
            f"{lag.events:,} events / {lag.sim_ms:,.0f} sim ms behind{stalled}"
        )

    def _show_moment(self) -> None:
        """Say which moment the table shows: live, or as of which position."""
        table = self.documents.table
        stale = len(table.stale)
        if table.position is None:
            self.moment_label.setText(
                f"Live: the documents now, at checkpoint {table.checkpoint:,}"
            )
            self.moment_label.setStyleSheet(f"color: {MUTED};")
            waiting = "events wait for them"
        else:
            self.moment_label.setText(
                f"As of position {table.position:,} (checkpoint "
                f"{table.checkpoint:,}): the documents the projection held then"
            )
            self.moment_label.setStyleSheet(f"color: {ACCENT}; font-weight: bold;")
            waiting = f"events up to position {table.position:,} waited for them"
        self.stale_label.setText(
            f"{len(table.rows):,} documents"
            + (f" · {stale:,} stale (highlighted): {waiting}" if stale else "")
        )

    def _show_folding(self, folding: StillFolding) -> None:
        """The fold is not there yet: say how far, grey the table it will replace."""
        self.document_view.setEnabled(False)
        self.moment_label.setStyleSheet(f"color: {KIND_COLOURS['breaker']};")
        self.moment_label.setText(
            f"Computing {folding.projection} as of position {folding.position:,}: "
            f"folding the log to checkpoint {folding.checkpoint:,}… "
            f"{folding.fraction:.0%}"
        )
        self.stale_label.setText(
            "Greyed: the table shown before, until the fold is done"
        )

    def _show_versions(self, versions: tuple[int, ...]) -> None:
        running = next(
            (
                lag.version
                for lag in (self.state.lags if self.state else ())
                if lag.projection == self.projection
            ),
            None,
        )
        labels = [f"v{v}" + (" (running)" if v == running else "") for v in versions]
        if [self.version.itemText(i) for i in range(self.version.count())] != labels:
            self.version.clear()
            for version, label in zip(versions, labels, strict=True):
                self.version.addItem(label, version)
            if running in versions:
                self.version.setCurrentIndex(versions.index(running))

    # -- choosing ---------------------------------------------------------------------
    def choose(self, projection: str) -> None:
        """Show one projection's documents and lag."""
        self.projection = projection
        self.chooser.blockSignals(True)
        self.chooser.setCurrentText(projection)
        self.chooser.blockSignals(False)
        row = self.lags.row_of(projection)
        if row is not None:
            self.lag_view.selectRow(row)
        self._documents_current = False
        self.refresh()

    def _on_chosen(self, projection: str) -> None:
        if projection and projection != self.projection:
            self.choose(projection)

    def _on_context_selected(self, context: str) -> None:
        """A context selected anywhere shows its own read model most behind then."""
        frame = self.controller.frame
        if frame is None:
            return
        own = [p for p in frame.world.projections if p.name.startswith(f"{context}.")]
        if own:
            self.choose(max(own, key=lambda p: p.lag_events).name)

    def _on_lag_clicked(self, index: QModelIndex) -> None:
        self.choose(self.lags.name_at(index.row()))

    # -- rebuilding -------------------------------------------------------------------
    def rebuild(self, version: int | None = None) -> RebuildJob | None:
        """Rebuild the chosen projection with a handler version, on the sim thread."""
        if self.projection is None or self.job is not None:
            return None
        if version is None:
            chosen = self.version.currentData()
            version = int(chosen) if chosen is not None else None
        job = RebuildJob(self.projection, version)
        self.job = job
        dialog = QProgressDialog(
            f"Rebuilding {job.projection} from the log…", "Cancel", 0, 0, self
        )
        dialog.setWindowTitle("Rebuild")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(job.cancel)
        job.progressed.connect(self._on_progress)
        self.progress = dialog
        dialog.show()
        self.controller.submit(job.run, self._on_rebuilt)
        return job

    def _on_progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setMaximum(max(total, 1))
            self.progress.setValue(min(done, max(total, 1)))

    def _on_rebuilt(self, report: RebuildReport) -> None:
        self._end_job()
        self.last_report = report
        if report.completed:
            self.diff.set_diff(report.diff)
            self.diff_label.setText(
                f"{report.projection}: v{report.old_version} → v{report.new_version}, "
                f"{report.events:,} events folded. {report.diff.summary()}."
                + (" The handler versions agree." if report.diff.is_empty else "")
            )
        else:
            self.diff_label.setText(
                f"Rebuild of {report.projection} cancelled after {report.events:,} "
                "events: the running read model is untouched."
            )
        self.tabs.setCurrentIndex(1)
        self._documents_current = False  # a rebuild keeps the checkpoint
        self.refresh()

    def _on_error(self, _message: str) -> None:
        if self.job is not None:  # the window shows the message; stop waiting
            self._end_job()

    def _end_job(self) -> None:
        if self.progress is not None:
            self.progress.canceled.disconnect()
            self.progress.close()
            self.progress.deleteLater()
        self.progress = None
        self.job = None
