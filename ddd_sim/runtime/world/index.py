"""The world as of any log position, without replaying the log from the start.

The index folds the log once, in order.  Each event becomes a few compact
changes (:mod:`.ops`, about 21 bytes each), applied to a live state; every
:data:`CHECKPOINT_EVERY` positions the live state is frozen into a snapshot
that shares all unchanged blocks of rows with the previous one
(:mod:`.tables`).  The world as of position *p* is the snapshot at or below
*p* with at most ``CHECKPOINT_EVERY`` positions' changes replayed on top.

One thread may :meth:`~WorldIndex.advance` while others call
:meth:`~WorldIndex.at` for positions already folded: folding only appends.
"""

from __future__ import annotations

import bisect
import dataclasses
import sys
from array import array
from collections.abc import Callable, Iterable
from typing import Any

from ddd_sim.runtime.world.encode import Encoder
from ddd_sim.runtime.world.fold import APPLY, replay
from ddd_sim.runtime.world.model import World
from ddd_sim.runtime.world.ops import OpLog
from ddd_sim.runtime.world.state import Keys, Snapshot, WorldState
from ddd_sim.shared.courtesy import give_way
from ddd_sim.shared.errors import UnknownEventType
from ddd_sim.shared.events import RecordedEvent
from ddd_sim.shared.ports import EventStore

CHECKPOINT_EVERY = 1024
Progress = Callable[[int, int], None]
"""``progress(folded_position, head)`` after each batch."""


class WorldIndex:
    """Folds the log incrementally; answers :meth:`at` any folded position."""

    def __init__(self, *, checkpoint_every: int = CHECKPOINT_EVERY) -> None:
        if checkpoint_every < 1:
            raise ValueError(f"checkpoint_every must be >= 1, got {checkpoint_every}")
        self._every = checkpoint_every
        self._keys = Keys.empty()
        self._log = OpLog()
        self._encoder = Encoder(self._log, self._keys)
        self._live = WorldState(self._keys)
        self._ends = array("I", [0])  # _ends[p]: changes made by positions <= p
        # _clock[p]: the latest sim time up to p (a resumed run may record an
        # earlier time than the events before it; the clock never goes back)
        self._clock = array("d", [0.0])
        self._snapshots: list[Snapshot] = [self._live.freeze()]

    @property
    def head(self) -> int:
        """The last folded position (0 before anything)."""
        return len(self._ends) - 1

    @classmethod
    def from_store(
        cls,
        store: EventStore,
        *,
        batch: int = 10_000,
        progress: Progress | None = None,
        checkpoint_every: int = CHECKPOINT_EVERY,
    ) -> WorldIndex:
        """An index of a whole store's log."""
        index = cls(checkpoint_every=checkpoint_every)
        index.catch_up(store, batch=batch, progress=progress)
        return index

    def catch_up(
        self,
        store: EventStore,
        *,
        batch: int = 10_000,
        progress: Progress | None = None,
    ) -> int:
        """Fold whatever the store committed since the last call; how many events."""
        head = store.head_position()
        folded = 0
        pending: list[RecordedEvent] = []
        for event in store.read_all(from_position=self.head + 1, to_position=head):
            pending.append(event)
            if len(pending) >= batch:
                folded += self.advance(pending)
                pending = []
                if progress is not None:
                    progress(self.head, head)
        folded += self.advance(pending)
        if progress is not None:
            progress(self.head, head)
        return folded

    def advance(self, events: Iterable[RecordedEvent]) -> int:
        """Fold more of the log; positions must follow on from :attr:`head`."""
        log, live, apply = self._log, self._live, APPLY
        code, key, a, b, values = log.code, log.key, log.a, log.b, log.values
        ends, clock, snapshots = self._ends, self._clock, self._snapshots
        every = self._every
        by_type = self._encoder.by_type
        head = self.head
        now = clock[head]
        folded = 0
        for event in events:
            position = event.global_position
            if position != head + 1:
                raise ValueError(
                    f"event at position {position} does not follow the folded "
                    f"head {head}: positions must be contiguous and increasing"
                )
            if event.metadata.sim_time > now:
                now = event.metadata.sim_time
            encode = by_type.get(event.type)
            start = len(code)
            if encode is not None:
                try:
                    encode(event.stream_id, event.payload, now)
                except (
                    LookupError,
                    TypeError,
                    ValueError,
                    AttributeError,
                    ArithmeticError,
                ) as exc:
                    log.truncate(start)
                    self._forget_unset_keys()
                    raise UnknownEventType(
                        f"position {position}: stored {event.type} in "
                        f"{event.stream_id} is malformed ({exc!r})"
                    ) from exc
                for i in range(start, len(code)):
                    apply[code[i]](live, key[i], a[i], b[i], now, values)
            # readers take the head from ``ends``: publish it last, once the
            # position's clock and (every so often) its snapshot are in place
            if position % every == 0:
                snapshots.append(live.freeze())
            clock.append(now)
            ends.append(len(code))
            head = position
            folded += 1
            give_way()
        return folded

    def _forget_unset_keys(self) -> None:
        """Undo the numbering done by an event that failed before its rows were set.

        Every key gets its row in the event that numbers it, so after each
        folded event a table's row count equals its number of keys.
        """
        live, k = self._live, self._keys
        for keys, count in (
            (k.orders, live.orders.count),
            (k.stock, live.stock.count),
            (k.wallets, live.wallets.count),
            (k.charges, live.charges.count),
            (k.sagas, live.sagas.count),
        ):
            keys.truncate(count)

    def at(self, position: int) -> World:
        """The world just after ``position`` was committed (0: before anything)."""
        head = self.head
        if not 0 <= position <= head:
            raise ValueError(
                f"position {position} is outside the folded log (0 to head {head})"
            )
        base = position // self._every
        state = WorldState(self._keys, self._snapshots[base])
        replay(state, self._log, self._ends, self._clock, base * self._every, position)
        return state.world(position, self._clock[position])

    def position_at(self, sim_time: float) -> int:
        """The last position whose events all happened at or before ``sim_time``."""
        # bounded by the head: a fold on another thread may be a step ahead
        found = bisect.bisect_right(self._clock, sim_time, 1, self.head + 1)
        return max(0, found - 1)

    def at_time(self, sim_time: float) -> World:
        """The world at a simulated moment; its clock reads the moment asked."""
        world = self.at(self.position_at(sim_time))
        return dataclasses.replace(world, sim_time=sim_time)

    def memory(self) -> dict[str, int]:
        """Roughly what the index holds, in bytes, by part."""
        blocks: dict[int, Any] = {}
        structure = 0
        for snapshot in self._snapshots:
            structure += sys.getsizeof(snapshot)
            for frozen in (
                snapshot.orders,
                snapshot.stock,
                snapshot.wallets,
                snapshot.charges,
                snapshot.sagas,
            ):
                structure += sys.getsizeof(frozen) + sys.getsizeof(frozen.blocks)
                blocks.update((id(block), block) for block in frozen.blocks)
        structure += sum(sys.getsizeof(block) for block in blocks.values())
        k = self._keys
        keys = [
            (i.ordinals, i.names)
            for i in (k.orders, k.stock, k.wallets, k.charges, k.sagas)
        ]
        return {
            "changes (op log and values)": self._log.nbytes(),
            "position arrays": sum(
                x.buffer_info()[1] * x.itemsize for x in (self._ends, self._clock)
            ),
            f"snapshots ({len(self._snapshots)}, blocks only)": structure,
            "key dictionaries": sum(
                sys.getsizeof(d) + sys.getsizeof(n) for d, n in keys
            ),
        }
