"""The one facade the workbench talks to: a store, its log folded, the run on it.

A :class:`Session` is used from one thread only (the workbench's simulation
worker).  It hands out immutable rows: :class:`~.rows.Frame` after each step
and plain answers to queries.  It never blocks on the GUI and knows nothing
of Qt.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ddd_sim.runtime.session.classify import classify
from ddd_sim.runtime.session.read_asof import ReadModelsAsOf
from ddd_sim.runtime.session.read_live import LiveReadModels
from ddd_sim.runtime.session.rows import EventDetail, EventRow, Frame, RunFigures
from ddd_sim.runtime.simulation.driver import TickDriver
from ddd_sim.runtime.world.index import WorldIndex
from ddd_sim.shared.courtesy import give_way
from ddd_sim.shared.errors import StoreError, UnknownMessage
from ddd_sim.shared.messages import Command
from ddd_sim.sim.pacing import PacedRunner
from ddd_sim.sim.records import RUN_STREAM
from ddd_sim.sim.scenario_model import FaultSpec

if TYPE_CHECKING:
    from ddd_sim.runtime.shop import ShopRuntime
    from ddd_sim.runtime.simulation.engine import Simulation
    from ddd_sim.shared.ports import EventStore

Progress = Callable[[int, int], None]
FOLD_SLICE = 20_000
"""Log entries folded per step while a large session opens."""
ADVANCE_BUDGET_S = 0.025
"""Wall seconds of simulation per advance; the frame period is 40 ms, so the
GUI thread keeps the rest of it (a tick under way always finishes)."""


class Session:
    """A store and everything the workbench shows of it, at any position."""

    def __init__(
        self,
        store: EventStore,
        *,
        location: str,
        simulation: Simulation | None = None,
        shop: ShopRuntime | None = None,
        context_of: Callable[[str], str | None] | None = None,
        saver: Callable[[Path], None] | None = None,
    ) -> None:
        self.store = store
        self.location = location
        self.simulation = simulation
        self.shop = (
            shop if shop is not None else (simulation.shop if simulation else None)
        )
        self._context_of = context_of or self._owner
        self._saver = saver
        self.index = WorldIndex()
        self.read_models = ReadModelsAsOf(self)
        """Each projection's documents as of a position (folded when first asked)."""
        self.live_read_models = LiveReadModels(self)  # the documents now, kept up
        self.rows: list[EventRow] = []
        self._rows_tuple: tuple[EventRow, ...] = ()
        self._ticks: deque[tuple[float, int]] = deque(maxlen=20)
        self.stored_head = 0
        self._handed_out = 0
        self._watched_run: tuple[str, str, int] | None = None
        self._chain: tuple[tuple[int, int], tuple[int, ...]] | None = None
        self.pacer: PacedRunner | None = None
        if simulation is not None:
            self.pacer = PacedRunner(
                TickDriver(simulation), wall_clock=time.perf_counter, speed=1.0
            )
            self.pacer.pause()

    # -- opening ------------------------------------------------------------------
    def _owner(self, stream_id: str) -> str | None:
        if self.shop is None:
            return None
        try:
            return self.shop.context_of(stream_id)
        except UnknownMessage:
            return None

    def context_of(self, stream_id: str) -> str | None:
        """The context that owns a stream (None for simulation records)."""
        return self._context_of(stream_id)

    @property
    def read_only(self) -> bool:
        """True when only watching a store another program writes."""
        return self.simulation is None

    def catch_up(
        self, progress: Progress | None = None, *, limit: int | None = None
    ) -> tuple[EventRow, ...]:
        """Fold what the store committed since the last call (at most ``limit``).

        Returns the new rows.  A large log opens in steps: the workbench
        folds a slice per frame and is usable while the rest comes in.
        """
        head = self.store.head_position()
        self.stored_head = head
        if limit is not None:
            head = min(head, self.index.head + limit)
        new: list[EventRow] = []
        start = self.index.head + 1
        batch: list[Any] = []
        for event in self.store.read_all(from_position=start, to_position=head):
            batch.append(event)
            new.append(classify(event, self._context_of))
            give_way()
            if len(batch) >= 10_000:
                self.index.advance(batch)
                batch = []
                if progress is not None:
                    progress(self.index.head, head)
        self.index.advance(batch)
        if progress is not None:
            progress(self.index.head, head)
        self.rows.extend(new)
        self._ticks.append((time.perf_counter(), self.index.head))
        return tuple(new)

    def rows_so_far(self) -> tuple[EventRow, ...]:
        """Every row folded so far, as one immutable tuple.

        Each log-fed panel asks for this once as it opens; the panels of one
        window ask together, so the tuple is kept until the log grows: a
        million-row copy holds the interpreter lock for tens of
        milliseconds, and is made once rather than once per panel.
        """
        kept = self._rows_tuple
        if len(kept) != len(self.rows):
            kept = self._rows_tuple = tuple(self.rows)
        return kept

    def take_new_rows(self) -> tuple[EventRow, ...]:
        """Rows folded since the last call, whoever folded them (for the frames)."""
        new = tuple(self.rows[self._handed_out :])
        self._handed_out = len(self.rows)
        return new

    @property
    def behind(self) -> int:
        """Events committed (as last seen) that are not folded yet."""
        return max(0, self.stored_head - self.index.head)

    # -- running -------------------------------------------------------------------
    @property
    def running(self) -> bool:
        """True while the run has work left (load or drain)."""
        return self.simulation is not None and self.simulation.phase != "done"

    def step(self) -> tuple[EventRow, ...]:
        """One commit tick of the run (a watcher just catches up); the new rows."""
        if self.simulation is not None and self.simulation.phase != "done":
            self.simulation.step_tick()
        return self.catch_up()

    def advance(
        self, max_sim_advance: float = 5.0, budget: float | None = ADVANCE_BUDGET_S
    ) -> tuple[EventRow, ...]:
        """Run as far as the pace allows since the last call (nothing if paused).

        Stops after ``budget`` wall seconds (and the tick under way): a run
        heavier than real time goes slower rather than between rarer frames.
        """
        if self.pacer is not None and self.running and not self.behind:
            self.pacer.tick(max_sim_advance, budget)
        return self.catch_up(limit=FOLD_SLICE)

    def run_until(self, sim_time: float) -> tuple[EventRow, ...]:
        """Run committed ticks up to a simulated time (or the end of the run)."""
        sim = self.simulation
        if sim is not None:
            while sim.phase != "done" and sim.scheduler.now < sim_time:
                sim.step_tick()
        return self.catch_up()

    @property
    def playing(self) -> bool:
        """True while the pace runs the simulation forward."""
        return self.pacer is not None and not self.pacer.paused and self.running

    def play(self) -> None:
        """Run forward at the chosen speed (an opened run carries on now)."""
        if self.pacer is not None:
            if self.running:
                self._writable()
            self.pacer.resume()

    def pause(self) -> None:
        """Stop running forward (what is committed stays)."""
        if self.pacer is not None:
            self.pacer.pause()

    def set_speed(self, speed: float) -> None:
        """Simulated seconds per wall second (0.25 … 100)."""
        if self.pacer is not None:
            self.pacer.speed = speed

    def execute(self, command: Command) -> None:
        """Run one command now, in simulated time; a refusal raises, writing nothing."""
        sim = self._writable()
        with sim.store.batch():
            sim.execute(command)

    def inject(self, spec: FaultSpec) -> None:
        """Open a fault window now (``spec.start`` is ignored: it starts now)."""
        sim = self._writable()
        with sim.store.batch():
            sim.plan.inject(spec)

    def clear(self, fault_id: str) -> None:
        """Close a fault window now."""
        sim = self._writable()
        with sim.store.batch():
            sim.plan.clear(fault_id)

    def crash(self, context: str | None, restart_after: float = 1.0) -> None:
        """Crash one context (or, with None, every context: the whole app)."""
        sim = self._writable()
        targets = [context] if context is not None else list(sim.shop.contexts)
        with sim.store.batch():
            for name in targets:
                if sim.is_up(name):
                    sim.crash(name, restart_after)

    def _writable(self) -> Simulation:
        """The run, carried on if it was only opened: a change is about to be made."""
        if self.simulation is None:
            raise PermissionError(
                f"{self.location} is open read-only (following another run)"
            )
        self.simulation.carry_on()
        return self.simulation

    # -- what the panels render ------------------------------------------------------
    def figures(self) -> RunFigures:
        """The run's name, phase, head, simulated time and pace."""
        sim = self.simulation
        head = self.index.head
        rate = 0.0
        if len(self._ticks) >= 2:
            (t0, p0), (t1, p1) = self._ticks[0], self._ticks[-1]
            rate = (p1 - p0) / (t1 - t0) if t1 > t0 else 0.0
        world_time = self.index.at(head).sim_time if head else 0.0
        if sim is None:
            scenario, saga, seed = self._watched()
            return RunFigures(
                scenario=scenario,
                saga=saga,
                seed=seed,
                phase="follow",
                head=head,
                stored_head=max(self.stored_head, head),
                sim_time=world_time,
                events_per_s=rate,
                location=self.location,
                read_only=True,
            )
        return RunFigures(
            scenario=sim.scenario.name,
            saga=sim.scenario.saga,
            seed=sim.seed,
            phase=sim.phase,
            stored_head=max(self.stored_head, head),
            playing=self.playing,
            speed=self.pacer.speed if self.pacer is not None else 1.0,
            head=head,
            sim_time=max(sim.scheduler.now, world_time),
            events_per_s=rate,
            location=self.location,
            waiting_to_resume=sim.resume_pending,
        )

    def _watched(self) -> tuple[str, str, int]:
        """The watched run's name, saga mode and seed, from its first record."""
        if self._watched_run is None:
            first = self.store.read_stream(RUN_STREAM, to_version=1)
            if not first or first[0].type != "RunStarted":
                return ("(not started)", "", 0)  # asked again on the next frame
            payload = first[0].payload
            self._watched_run = (
                str(payload.get("scenario_name", "?")),
                str(payload.get("saga", "")),
                int(payload.get("seed", 0)),
            )
        return self._watched_run

    def frame(
        self,
        position: int | None = None,
        *,
        new_events: Iterable[EventRow] = (),
        changed: Iterable[str] = (),
    ) -> Frame:
        """The world as of ``position`` (None: the head, live) and the figures."""
        head = self.index.head
        live = position is None or position >= head
        at = head if live else max(0, int(position or 0))
        return Frame(
            position=at,
            world=self.index.at(at),
            figures=self.figures(),
            live=live,
            new_events=tuple(new_events),
            changed=frozenset(changed),
        )

    def position_at(self, sim_time: float) -> int:
        """The last position at or before a simulated time."""
        return self.index.position_at(sim_time)

    def chain(self, position: int) -> tuple[int, ...]:
        """Positions of an entry's correlation: its causes, its effects, its flow."""
        if not 1 <= position <= len(self.rows):
            return ()
        row = self.rows[position - 1]
        if row.correlation_id is None:
            return (position,)
        # one selection asks from several panels: walk the rows once for them
        key = (position, len(self.rows))
        if self._chain is None or self._chain[0] != key:
            chain = tuple(
                r.position for r in self.rows if r.correlation_id == row.correlation_id
            )
            self._chain = (key, chain)
        return self._chain[1]

    def event_detail(self, position: int) -> EventDetail:
        """One entry: metadata, payload as stored and as upcast, snapshot markers."""
        if not 1 <= position <= len(self.rows):
            raise UnknownMessage(f"no log entry at position {position}")
        stored = next(
            iter(
                self.store.read_all(
                    from_position=position, to_position=position, raw=True
                )
            )
        )
        current = next(
            iter(self.store.read_all(from_position=position, to_position=position))
        )
        snapshots: list[int] = []
        below: int | None = None
        while len(snapshots) < 50:
            snapshot = self.store.load_snapshot(stored.stream_id, at_or_below=below)
            if snapshot is None:
                break
            snapshots.append(snapshot.version)
            below = snapshot.version - 1
            if below < 1:
                break
        meta = stored.metadata
        return EventDetail(
            row=self.rows[position - 1],
            stored_type=stored.type,
            schema_version=stored.schema_version,
            stored_payload=json.dumps(stored.payload, indent=2, sort_keys=True),
            upcast_payload=json.dumps(current.payload, indent=2, sort_keys=True),
            metadata={
                "event_id": str(stored.event_id),
                "stream": stored.stream_id,
                "version": stored.stream_version,
                "position": stored.global_position,
                "schema_version": stored.schema_version,
                "current_schema_version": current.schema_version,
                "sim_time": meta.sim_time,
                "correlation_id": None
                if meta.correlation_id is None
                else str(meta.correlation_id),
                "causation_id": None
                if meta.causation_id is None
                else str(meta.causation_id),
            },
            snapshots=tuple(sorted(snapshots)),
        )

    def save_as(self, target: Path) -> None:
        """Copy the session to a new file (a consistent moment of the log)."""
        if self._saver is None:
            raise StoreError(
                f"{self.location} cannot be saved as a file: only SQLite session "
                "files can (a PostgreSQL store is shared by its URL)"
            )
        self._saver(Path(target))

    def close(self) -> None:
        """Close the store."""
        self.store.close()
