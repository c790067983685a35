"""The sagas panel's item model and the pure rules behind its columns.

A saga row is immutable and the world hands over a fresh sequence each
frame, but most instances do not change between frames: the model compares
rows by identity and emits ``dataChanged`` or appends rows where it can, so
the view keeps its selection and scroll position while the run goes on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from ddd_sim.gui.panels.table_model import NO_INDEX, Index, TableModel
from ddd_sim.gui.theme import MUTED, STATUS_COLOURS
from ddd_sim.runtime.world.model import CompensationRow, SagaRow, StepRow

STATUSES: tuple[str, ...] = (
    "running",
    "compensating",
    "completed",
    "compensated",
    "abandoned",
)
"""Every status a process instance can have, in the order of its life."""

SAGA_COLUMNS: tuple[str, ...] = (
    "Instance",
    "Kind",
    "Order",
    "Status",
    "Started",
    "Ended",
    "Failed step",
    "Retries",
    "Duplicates",
)
_NUMERIC = frozenset({4, 5, 7, 8})


def retries(saga: SagaRow) -> int:
    """Attempts beyond the first, summed over the forward steps."""
    return sum(max(0, step.attempts - 1) for step in saga.steps)


def duplicates(saga: SagaRow) -> int:
    """Steps whose reply said the target had already done it (idempotency held)."""
    return sum(1 for step in saga.steps if step.duplicate)


def status_colour(status: str) -> QColor:
    """The colour of a process status (grey for one we do not know)."""
    return QColor(STATUS_COLOURS.get(status, MUTED))


@dataclass(frozen=True, slots=True)
class StepPair:
    """A forward step (or the plan's next one, not yet run) and its compensation."""

    name: str
    step: StepRow | None
    compensation: CompensationRow | None


def pair_steps(saga: SagaRow) -> tuple[StepPair, ...]:
    """The plan's steps in order, each with what ran of it and what undid it.

    Steps run that the plan does not name (an older plan) follow the plan's.
    """
    ran = {step.name: step for step in saga.steps}
    undone = {c.step: c for c in saga.compensations}
    names = list(saga.plan)
    names += [step.name for step in saga.steps if step.name not in saga.plan]
    return tuple(StepPair(n, ran.get(n), undone.get(n)) for n in names)


@dataclass(frozen=True, slots=True)
class SagaFilter:
    """Which instances the table shows: one status, an order id fragment."""

    status: str | None = None
    order: str = ""

    def accepts(self, saga: SagaRow) -> bool:
        """True when the saga has the status and its order contains the text."""
        if self.status is not None and saga.status != self.status:
            return False
        return not self.order or self.order.casefold() in saga.order.casefold()


class SagaTableModel(TableModel):
    """One row per process instance passing the filter, in the world's order.

    Instances are numbered once, in the order they start, and the world as
    of an earlier position holds a prefix of them: unfiltered, the table is
    the world's own sequence and a frame only appends or drops rows at the
    end, so a frame costs what changed, not how many instances there are.
    """

    COLUMNS = SAGA_COLUMNS

    def __init__(self) -> None:
        super().__init__()
        self._all: Sequence[SagaRow] = ()
        self._rows: Sequence[SagaRow] = ()
        self._filter = SagaFilter()
        self._ordinals: dict[str, int] = {}  # id -> place in the world's order
        self._ordered: Sequence[SagaRow] = ()  # the sequence they were read from

    # -- what is shown ----------------------------------------------------------------
    @property
    def rows(self) -> tuple[SagaRow, ...]:
        """The instances shown, in order (a copy: for tests and small tables)."""
        return tuple(self._rows[: self._shown])

    @property
    def all_rows(self) -> Sequence[SagaRow]:
        """Every instance handed over, whatever the filter."""
        return self._all

    @property
    def saga_filter(self) -> SagaFilter:
        """The filter in force."""
        return self._filter

    def saga_at(self, row: int) -> SagaRow:
        """The instance shown in table row ``row``."""
        return self._rows[row]

    def saga(self, saga_id: str) -> SagaRow | None:
        """An instance by id among all handed over, shown or filtered out."""
        ordinal = self._ordinal(saga_id)
        return None if ordinal is None else self._all[ordinal]

    def row_of(self, saga_id: str) -> int | None:
        """The table row showing an instance, or None when it is not shown."""
        if self._filtering():
            for i, saga in enumerate(self._rows):
                if saga.id == saga_id:
                    return i
            return None
        return self._ordinal(saga_id)

    def _ordinal(self, saga_id: str) -> int | None:
        """Index the ids read so far, then look one up (ordinals never change)."""
        sagas = self._all
        if self._ordered is not sagas:
            ordinals = self._ordinals
            for i in range(len(ordinals), len(sagas)):
                ordinals[sagas[i].id] = i
            self._ordered = sagas
        ordinal = self._ordinals.get(saga_id)
        return ordinal if ordinal is not None and ordinal < len(sagas) else None

    def _filtering(self) -> bool:
        return self._filter != SagaFilter()

    # -- changing it ------------------------------------------------------------------
    def set_rows(self, sagas: Sequence[SagaRow], watched: range | None = None) -> None:
        """Show these instances (the world as of a position), filtered.

        ``watched`` are the table rows on screen: only they are compared
        with the last frame (rows off screen are read afresh when shown).
        """
        if sagas is self._all:
            return
        if not self._same_run(sagas):
            self._ordinals.clear()
            self._ordered = ()
        self._all = sagas
        if self._filtering():
            self._update([s for s in sagas if self._filter.accepts(s)])
        else:
            self._update(sagas, watched)

    def _same_run(self, sagas: Sequence[SagaRow]) -> bool:
        """True when ``sagas`` and the last ones share their first and last ids."""
        old = self._all
        common = min(len(old), len(sagas))
        return common == 0 or (
            old[0].id == sagas[0].id and old[common - 1].id == sagas[common - 1].id
        )

    def set_filter(self, saga_filter: SagaFilter) -> None:
        """Filter the instances; a new filter rebuilds the table."""
        if saga_filter == self._filter:
            return
        self._filter = saga_filter
        self.beginResetModel()
        if self._filtering():
            self._rows = [s for s in self._all if saga_filter.accepts(s)]
        else:
            self._rows = self._all
        self._shown = len(self._rows)
        self.endResetModel()

    def _update(self, fresh: Sequence[SagaRow], watched: range | None = None) -> None:
        old, kept = self._rows, self._shown
        common = min(kept, len(fresh))
        # the first and last shared rows must be the same instances, else start afresh
        if common and (
            old[0].id != fresh[0].id or old[common - 1].id != fresh[common - 1].id
        ):
            self.beginResetModel()
            self._rows, self._shown = fresh, len(fresh)
            self.endResetModel()
            return
        if len(fresh) < kept:  # the slider moved back: drop the rows started since
            self.beginRemoveRows(NO_INDEX, len(fresh), kept - 1)
            self._rows, self._shown = fresh, len(fresh)
            self.endRemoveRows()
        else:
            self._rows = fresh
        span = (
            range(common)
            if watched is None
            else range(common)[max(0, watched.start) : max(0, watched.stop)]
        )
        changed = [i for i in span if old[i] is not fresh[i]]
        if changed:
            self.dataChanged.emit(
                self.index(min(changed), 0),
                self.index(max(changed), len(SAGA_COLUMNS) - 1),
            )
        if len(fresh) > kept:
            self.beginInsertRows(NO_INDEX, kept, len(fresh) - 1)
            self._shown = len(fresh)
            self.endInsertRows()

    # -- Qt ---------------------------------------------------------------------------
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < self._shown:
            return None
        saga = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return saga_cell(saga, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 3:
                return status_colour(saga.status)
            if column in (5, 6) and not saga_cell(saga, column).strip("—"):
                return QColor(MUTED)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and saga.reason:
            return saga.reason
        return None


def saga_cell(saga: SagaRow, column: int) -> str:
    """The text of one table cell."""
    if column == 0:
        return saga.id
    if column == 1:
        return saga.kind.replace("_", " ")
    if column == 2:
        return saga.order
    if column == 3:
        return saga.status
    if column == 4:
        return f"{saga.started_at:.3f}"
    if column == 5:
        return "—" if saga.ended_at is None else f"{saga.ended_at:.3f}"
    if column == 6:
        return saga.failed_step or "—"
    if column == 7:
        return str(retries(saga))
    return str(duplicates(saga))
