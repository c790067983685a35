"""The events a store object appended lately, kept in memory for ``read_all``.

Each projection polls every half simulated second and reads the events just
written; without a tail every one of them fetches, verifies and parses the
same rows again.  A tail holds the rows of the latest positions this store
object wrote itself, contiguous and exactly as inserted, decodes each once
on first read and serves the part of a read that falls inside it.

Why a held record is what the database would return: global positions are
the primary key and rows are never updated or deleted, so the row at a
position this object inserted, once committed, stays the row at that
position.  Rows enter the shared tail only after their transaction committed
(a rolled-back savepoint first drops its rows from the pending segment), and
a segment holds consecutive positions only, so it can never hide a row that
another writer put between two of ours: a commit that does not follow the
held ones starts the tail afresh.  Nothing here depends on the order in which
concurrent writers commit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ddd_sim.infrastructure.eventstore.codec import Row, RowDecoder
from ddd_sim.shared.events import RecordedEvent

TAIL_EVENTS = 20_000
"""Positions a tail holds; projections read within a few thousand of the head."""
_SCAN = 2000
"""Positions one :meth:`TailSegment.take` hands out (as a SQL page would)."""

Held = tuple[list[Row], list[RecordedEvent]]
"""Rows of consecutive positions and their records (read ``raw``)."""


class TailSegment:
    """Rows of consecutive positions; a prefix of them decoded, once, on demand.

    A writer fills one per transaction or batch (the rows it inserted, not yet
    committed); the store keeps one of what committed.  A gap, or more rows
    than the capacity, *breaks* a writer's segment: it then holds nothing and
    its commit empties the tail.
    """

    __slots__ = ("broken", "capacity", "first", "records", "rows")

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.first = 0
        self.rows: list[Row] = []
        self.records: list[RecordedEvent] = []
        self.broken = False

    @property
    def end(self) -> int:
        """The position after the last one held."""
        return self.first + len(self.rows)

    def add(self, rows: Sequence[Row]) -> None:
        """Rows just inserted, in position order."""
        if self.broken or not rows:
            return
        if not self.rows:
            self.first = rows[0][0]
        elif rows[0][0] != self.first + len(self.rows):
            self.abandon()
            return
        self.rows.extend(rows)
        if len(self.rows) > self.capacity:
            self.abandon()

    def abandon(self) -> None:
        """Hold nothing from now on; the commit empties the tail."""
        self.broken = True
        self.rows = []
        self.records = []

    def mark(self) -> int:
        """Where a savepoint begins."""
        return len(self.rows)

    def truncate(self, mark: int) -> None:
        """Drop the rows added since ``mark``: their savepoint rolled back."""
        del self.rows[mark:]
        del self.records[mark:]

    def take(self, start: int, stop: int | None, decoder: RowDecoder) -> Held | None:
        """Up to a page of positions from ``start`` to ``stop`` (inclusive).

        None when ``start`` is not held.  Records are decoded from the
        oldest undecoded row up to the last one handed out.
        """
        rows = self.rows
        i = start - self.first
        if not 0 <= i < len(rows):
            return None
        j = min(len(rows), i + _SCAN)
        if stop is not None:
            j = min(j, stop - self.first + 1)
        if j <= i:
            return None
        records = self.records
        if len(records) < j:
            records.extend(decoder.decode_own(rows[len(records) : j]))
        return rows[i:j], records[i:j]


class EventTail:
    """The committed tail of one store object, shared by its threads."""

    def __init__(self, decoder: RowDecoder, capacity: int = TAIL_EVENTS) -> None:
        self._decoder = decoder
        self._capacity = capacity
        self._lock = threading.Lock()
        self._held = TailSegment(capacity)

    def segment(self) -> TailSegment:
        """An empty segment for a writer to fill."""
        return TailSegment(self._capacity)

    def publish(self, written: TailSegment) -> None:
        """Keep the rows of a transaction that has committed."""
        if not written.broken and not written.rows:
            return
        with self._lock:
            held = self._held
            if written.broken:
                self._held = TailSegment(self._capacity)
                return
            if not held.rows or written.first != held.end:
                held = self._held = TailSegment(self._capacity)
                held.first = written.first
            if len(held.records) == len(held.rows):
                held.records.extend(written.records)
            held.rows.extend(written.rows)
            excess = len(held.rows) - self._capacity
            if excess > self._capacity // 8:  # trim now and then, not per commit
                del held.rows[:excess]
                del held.records[:excess]
                held.first += excess

    def take(self, start: int, stop: int | None) -> Held | None:
        """Up to a page of committed positions from ``start`` (see TailSegment)."""
        with self._lock:
            return self._held.take(start, stop, self._decoder)

    def clear(self) -> None:
        """Hold nothing (the store closed)."""
        with self._lock:
            self._held = TailSegment(self._capacity)


@dataclass(frozen=True, slots=True)
class TailRead:
    """The filters of one ``read_all``, applied as its SQL applies them."""

    to_position: int | None
    until_sim_time: float | None
    prefix: str | None
    types: frozenset[str] | None

    def select(
        self,
        held: Held,
        wanted: int,
        needs_upcast: Callable[[str, int], bool] | None,
        reread: Callable[[Row], RecordedEvent],
    ) -> tuple[list[RecordedEvent], int]:
        """Up to ``wanted`` matching records, and the position to go on from.

        A record whose type needs upcasting is read again from its row, as the
        SQL path reads it (a fresh payload, then upcast), so the held records
        stay as stored and no reader sees another's upcast.
        """
        rows, records = held
        until, prefix, types = self.until_sim_time, self.prefix, self.types
        out: list[RecordedEvent] = []
        for row, record in zip(rows, records, strict=True):
            if until is not None and not record.metadata.sim_time <= until:
                continue
            if prefix and not record.stream_id.startswith(prefix):
                continue
            if types is not None and record.type not in types:
                continue
            if needs_upcast is not None and needs_upcast(
                record.type, record.schema_version
            ):
                record = reread(row)
            out.append(record)
            if len(out) == wanted:
                return out, record.global_position + 1
        return out, rows[-1][0] + 1
