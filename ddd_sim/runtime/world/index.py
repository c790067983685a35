"""The world as of any position, without replaying the log from the start.

The index folds the log once, in order, and keeps the changes each event
made.  Every :data:`CHECKPOINT_EVERY` positions it freezes the tables (a
snapshot costs one pointer per block of rows: see :mod:`.tables`).  The world
as of position *p* is the checkpoint at or below *p* with at most
``CHECKPOINT_EVERY`` recorded changes applied on top of it.
"""

from __future__ import annotations

import bisect
import dataclasses
from array import array
from collections.abc import Callable, Iterable
from typing import Any

from ddd_sim.runtime.world.fold import FOLDERS, ORDER_DONE, Change, WorldState
from ddd_sim.runtime.world.model import FaultRow, ProjectionRow, World, WorldCounts
from ddd_sim.runtime.world.tables import Frozen
from ddd_sim.shared.events import RecordedEvent
from ddd_sim.shared.ports import EventStore

CHECKPOINT_EVERY = 1024


class WorldIndex:
    """Folds the log incrementally; answers :meth:`at` any folded position."""

    def __init__(self, *, checkpoint_every: int = CHECKPOINT_EVERY) -> None:
        self._every = checkpoint_every
        self._keys = WorldState.new_keys()
        self._live = WorldState(self._keys)
        self._changes: list[Change] = []
        self._ends = array("q", [0])  # _ends[p]: changes made by positions <= p
        self._times = array("d", [0.0])  # _times[p]: sim time of position p
        self._checkpoints: list[dict[str, Frozen]] = [self._live.freeze()]
        self.head = 0

    @classmethod
    def from_store(
        cls,
        store: EventStore,
        *,
        progress: Callable[[int, int], None] | None = None,
    ) -> WorldIndex:
        """Fold a whole store's log."""
        index = cls()
        index.catch_up(store, progress=progress)
        return index

    def catch_up(
        self, store: EventStore, *, progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Fold whatever the store committed since the last call."""
        head = store.head_position()
        done = 0
        batch: list[RecordedEvent] = []
        for event in store.read_all(from_position=self.head + 1, to_position=head):
            batch.append(event)
            if len(batch) == 10_000:
                done += self.advance(batch)
                batch.clear()
                if progress is not None:
                    progress(self.head, head)
        done += self.advance(batch)
        return done

    def advance(self, events: Iterable[RecordedEvent]) -> int:
        """Fold more of the log; positions must follow on from :attr:`head`."""
        live, changes, ends, times = self._live, self._changes, self._ends, self._times
        tables = {name: live.table(name) for name in WorldState.NAMES}
        folded = 0
        for event in events:
            position = event.global_position
            if position != self.head + 1:
                raise ValueError(
                    f"the world index is at position {self.head}; "
                    f"it cannot fold position {position} next"
                )
            fold = FOLDERS.get(event.type)
            if fold is not None:
                for change in fold(
                    live, event.stream_id, event.payload, event.metadata.sim_time
                ):
                    name, ordinal, row = change
                    tables[name].set(ordinal, row)
                    changes.append(change)
            ends.append(len(changes))
            times.append(event.metadata.sim_time)
            self.head = position
            folded += 1
            if position % self._every == 0:
                self._checkpoints.append(live.freeze())
        return folded

    def at(self, position: int) -> World:
        """The world just after ``position`` was committed (0: before anything)."""
        if not 0 <= position <= self.head:
            raise ValueError(
                f"position {position} is outside the folded log (0..{self.head})"
            )
        base = position // self._every
        state = WorldState(self._keys, self._checkpoints[base])
        tables = {name: state.table(name) for name in WorldState.NAMES}
        for name, ordinal, row in self._changes[
            self._ends[base * self._every] : self._ends[position]
        ]:
            tables[name].set(ordinal, row)
        return _world(state, position, self._times[position])

    def at_time(self, sim_time: float) -> World:
        """The world at a simulated time: after the last event at or before it."""
        times = self._times
        # sim time never decreases along the log, so the array is sorted
        position = bisect.bisect_right(times, sim_time, 1, len(times)) - 1
        # the world as it stood at that moment: its clock reads the time asked
        return dataclasses.replace(self.at(max(position, 0)), sim_time=sim_time)


def _world(state: WorldState, position: int, sim_time: float) -> World:
    orders, sagas = state.orders.counts, state.sagas.counts
    faults = tuple(r for r in state.faults.rows() if isinstance(r, FaultRow))
    projections = tuple(
        ProjectionRow(name, checkpoint, max(0, position - checkpoint))
        for name, checkpoint in sorted(state.projections.mapping().items())
    )
    counts = WorldCounts(
        events=position,
        orders_placed=state.orders.count,
        orders_completed=sum(orders.get(s, 0) for s in ORDER_DONE),
        orders_cancelled=orders.get("cancelled", 0),
        orders_in_flight=orders.get("placed", 0),
        sagas_started=state.sagas.count,
        sagas_completed=sagas.get("completed", 0),
        sagas_compensated=sagas.get("compensated", 0),
        sagas_in_flight=sagas.get("running", 0) + sagas.get("compensating", 0),
        faults_injected=state.faults.count,
    )
    down: dict[str, Any] = dict(state.down.mapping())
    return World(
        position=position,
        sim_time=sim_time,
        orders=state.orders.rows(),
        stock=state.stock.mapping(),
        wallets=state.wallets.mapping(),
        charges=state.charges.mapping(),
        sagas=state.sagas.rows(),
        projections=projections,
        breakers=state.breakers.mapping(),
        faults=faults,
        contexts_down=frozenset(c for c, is_down in down.items() if is_down),
        counts=counts,
    )
