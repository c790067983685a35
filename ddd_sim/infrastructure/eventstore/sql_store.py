"""The SQL event store: one implementation over SQLite and PostgreSQL backends."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ddd_sim.infrastructure.eventstore.backend import SqlBackend
from ddd_sim.infrastructure.eventstore.codec import (
    RowDecoder,
    state_checksum,
)
from ddd_sim.infrastructure.eventstore.sql_transaction import (
    COLUMNS,
    AppendState,
    SqlWriteTransaction,
)
from ddd_sim.infrastructure.eventstore.stream_reads import StreamReads
from ddd_sim.infrastructure.eventstore.tail import (
    TAIL_EVENTS,
    EventTail,
    Held,
    TailRead,
)
from ddd_sim.shared.errors import CorruptStore
from ddd_sim.shared.events import (
    AppendResult,
    ExpectedVersion,
    JsonObject,
    NewEvent,
    RecordedEvent,
    Snapshot,
    StreamInfo,
    StreamState,
)
from ddd_sim.shared.upcasting import Upcasters

_COLUMNS = COLUMNS
_READ_PAGE = 2000


class SqlEventStore(StreamReads):
    """An :class:`~ddd_sim.shared.ports.EventStore` over a :class:`SqlBackend`.

    Writers are serialised (SQLite: one writer connection with ``BEGIN
    IMMEDIATE``; PostgreSQL: an exclusive table lock at the first append), and
    each transaction numbers its events from the committed maximum, so global
    positions are gapless and equal commit order on both backends.

    ``read_all`` serves what it can from a tail of the events this object
    appended lately (see :mod:`.tail`), and reads the rest with SQL.
    """

    def __init__(
        self,
        backend: SqlBackend,
        upcasters: Upcasters | None = None,
        *,
        tail_events: int = TAIL_EVENTS,
    ) -> None:
        self.backend = backend
        self._q = backend.sql
        self._decoder = RowDecoder(
            upcasters, to_uuid=backend.from_db_uuid, id_bytes=backend.id_bytes
        )
        self._batch = threading.local()
        self._tail = EventTail(self._decoder, tail_events)

    # -- writing --------------------------------------------------------------
    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group this thread's writes into one transaction with one commit.

        Inside, every append and transaction joins it, each in a savepoint (a
        refused one leaves the others), and this thread's reads see what the
        batch wrote; other threads see nothing until the batch commits.
        """
        if getattr(self._batch, "conn", None) is not None:
            yield
            return
        written = self._tail.segment()
        with self.backend.write_transaction() as conn:
            self._batch.conn = conn
            self._batch.state = AppendState(written)
            try:
                yield
            finally:
                self._batch.conn = None
                self._batch.state = None
        self._tail.publish(written)  # reached only once the batch committed

    @contextmanager
    def transaction(self) -> Iterator[SqlWriteTransaction]:
        """One atomic write (group commit): everything in it commits or nothing does."""
        conn = getattr(self._batch, "conn", None)
        if conn is None:
            written = self._tail.segment()
            with self.backend.write_transaction() as conn:
                yield SqlWriteTransaction(self, conn.cursor(), AppendState(written))
            self._tail.publish(written)  # reached only once it committed
            return
        state: AppendState = self._batch.state
        joined = state.written
        mark = 0 if joined is None else joined.mark()
        cur = conn.cursor()
        cur.execute("SAVEPOINT store_tx")
        try:
            yield SqlWriteTransaction(self, cur, state)
        except BaseException:
            state.forget()
            if joined is not None:
                joined.truncate(mark)
            cur.execute("ROLLBACK TO SAVEPOINT store_tx")
            cur.execute("RELEASE SAVEPOINT store_tx")
            raise
        cur.execute("RELEASE SAVEPOINT store_tx")

    def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: ExpectedVersion = StreamState.ANY,
    ) -> AppendResult:
        """Append in a transaction of its own.

        Inside a batch on a backend whose single statements are atomic, the
        append needs no savepoint: it reads, then writes in one statement,
        which either inserts every event or none.
        """
        conn = getattr(self._batch, "conn", None)
        if conn is not None and self.backend.statement_atomic:
            tx = SqlWriteTransaction(self, conn.cursor(), self._batch.state)
            return tx.append(stream_id, events, expected_version)
        with self.transaction() as tx:
            return tx.append(stream_id, events, expected_version)

    # -- reading --------------------------------------------------------------
    def _append_state(self) -> AppendState | None:
        """What this thread's batch knows of the log, if it is in one."""
        state: AppendState | None = getattr(self._batch, "state", None)
        return state

    @contextmanager
    def _reader(self) -> Iterator[Any]:
        """This thread's batch connection if it has one, else a reader."""
        conn = getattr(self._batch, "conn", None)
        if conn is not None:
            yield conn
            return
        with self.backend.reader() as reader:
            yield reader

    def _fetch(self, sql: str, params: Sequence[Any]) -> list[Any]:
        with self._reader() as conn:
            cur = conn.cursor()
            cur.execute(self._q(sql), params)
            rows: list[Any] = cur.fetchall()
            return rows

    def _stream_rows(
        self,
        stream_id: str,
        from_version: int,
        to_version: int | None,
        until_position: int | None,
        until_sim_time: float | None,
    ) -> list[Any]:
        sql = f"SELECT {_COLUMNS} FROM events WHERE stream_id = ? AND version >= ?"
        params: list[Any] = [stream_id, from_version]
        if to_version is not None:
            sql += " AND version <= ?"
            params.append(to_version)
        if until_position is not None:
            sql += " AND global_position <= ?"
            params.append(until_position)
        if until_sim_time is not None:
            sql += " AND sim_time <= ?"
            params.append(until_sim_time)
        return self._fetch(sql + " ORDER BY version", params)

    def read_all(
        self,
        *,
        from_position: int = 1,
        to_position: int | None = None,
        until_sim_time: float | None = None,
        stream_prefix: str | None = None,
        types: Iterable[str] | None = None,
        limit: int | None = None,
        raw: bool = False,
    ) -> Iterator[RecordedEvent]:
        """The log in global order, read in short pages so no reader holds the file.

        Positions this object appended lately come from its tail; ``raw``
        reads, which check the stored log itself, always go to the database.
        """
        where = ["global_position >= ?"]
        params: list[Any] = []
        if to_position is not None:
            where.append("global_position <= ?")
            params.append(to_position)
        if until_sim_time is not None:
            where.append("sim_time <= ?")
            params.append(until_sim_time)
        if stream_prefix:
            where.append("substr(stream_id, 1, ?) = ?")
            params += [len(stream_prefix), stream_prefix]
        wanted: list[Any] | None = None
        if types is not None:
            wanted = sorted(set(types))
            if not wanted:
                return iter(())
            where.append(f"type IN ({', '.join('?' * len(wanted))})")
            params += wanted
        sql = self._q(
            f"SELECT {_COLUMNS} FROM events WHERE {' AND '.join(where)} "
            f"ORDER BY global_position LIMIT ?"
        )
        tail: TailRead | None = None
        if (
            not raw
            and type(from_position) is int
            and (to_position is None or type(to_position) is int)
            and (until_sim_time is None or type(until_sim_time) in (float, int))
            and (not stream_prefix or type(stream_prefix) is str)
            and (limit is None or type(limit) is int)
        ):
            tail = TailRead(
                to_position,
                until_sim_time,
                stream_prefix or None,
                None if wanted is None else frozenset(wanted),
            )
        return self._pages(sql, params, from_position, limit, raw, tail)

    def _pages(
        self,
        sql: str,
        params: list[Any],
        start: int,
        limit: int | None,
        raw: bool,
        tail: TailRead | None,
    ) -> Iterator[RecordedEvent]:
        remaining = limit
        while remaining is None or remaining > 0:
            page = _READ_PAGE if remaining is None else min(_READ_PAGE, remaining)
            events: list[RecordedEvent] = []
            beyond = True  # the page may go on past what memory holds
            if tail is not None:
                # a page is read at one moment, as one SQL statement reads it:
                # held positions first, then the database for what lies beyond
                start = self._from_tail(tail, start, page, events)
                stop = tail.to_position
                beyond = len(events) < page and (stop is None or start <= stop)
            if beyond:
                with self._reader() as conn:
                    cur = conn.cursor()
                    cur.execute(sql, [start, *params, page - len(events)])
                    rows = cur.fetchall()
                if rows:
                    events += self._decoder.decode(rows, raw)
                    start = rows[-1][0] + 1
            if not events:
                return
            yield from events
            if remaining is not None:
                remaining -= len(events)
            if len(events) < page:
                return

    def _from_tail(
        self, read: TailRead, start: int, page: int, events: list[RecordedEvent]
    ) -> int:
        """Add up to a page of held matches to ``events``; the position after."""
        upcasters = self._decoder.upcasters
        needs = upcasters.needs_upcast if upcasters is not None else None
        while len(events) < page:
            if read.to_position is not None and start > read.to_position:
                break
            held = self._held(start, read.to_position)
            if held is None:
                break
            found, start = read.select(held, page - len(events), needs, self._reread)
            events += found
        return start

    def _held(self, start: int, stop: int | None) -> Held | None:
        """Held positions from ``start``: committed, or this thread's batch's own."""
        held = self._tail.take(start, stop)
        if held is None:
            state = self._append_state()
            if state is not None and state.written is not None:
                held = state.written.take(start, stop, self._decoder)
        return held

    def _reread(self, row: Any) -> RecordedEvent:
        """A held row as the database path reads it: parsed anew and upcast."""
        return self._decoder.decode([row], False)[0]

    def stream_version(self, stream_id: str) -> int:
        """Head version of a stream (0 when empty)."""
        state = self._append_state()
        if state is not None and stream_id in state.versions:
            return state.versions[stream_id]
        rows = self._fetch(
            "SELECT max(version) FROM events WHERE stream_id = ?", [stream_id]
        )
        return int(rows[0][0] or 0)

    def head_position(self) -> int:
        """Position of the last committed event."""
        state = self._append_state()
        if state is not None and state.next_position is not None:
            return state.next_position - 1
        return int(
            self._fetch("SELECT max(global_position) FROM events", [])[0][0] or 0
        )

    def position_at(self, sim_time: float) -> int:
        """The latest event at or before a simulated time (by time, then position)."""
        rows = self._fetch(
            "SELECT global_position FROM events WHERE sim_time <= ? "
            "ORDER BY sim_time DESC, global_position DESC LIMIT 1",
            [sim_time],
        )
        return int(rows[0][0]) if rows else 0

    def streams(self, *, prefix: str | None = None) -> list[StreamInfo]:
        """Every stream with its head version and position range."""
        sql = (
            "SELECT stream_id, max(version), min(global_position), "
            "max(global_position) FROM events"
        )
        params: list[Any] = []
        if prefix:
            sql += " WHERE substr(stream_id, 1, ?) = ?"
            params = [len(prefix), prefix]
        rows = self._fetch(sql + " GROUP BY stream_id ORDER BY stream_id", params)
        return [StreamInfo(r[0], int(r[1]), int(r[2]), int(r[3])) for r in rows]

    def load_snapshot(
        self, stream_id: str, *, at_or_below: int | None = None
    ) -> Snapshot | None:
        """Latest snapshot at or below a version, its checksum verified."""
        sql = (
            "SELECT version, aggregate_type, schema_version, state, checksum "
            "FROM snapshots WHERE stream_id = ?"
        )
        params: list[Any] = [stream_id]
        if at_or_below is not None:
            sql += " AND version <= ?"
            params.append(at_or_below)
        rows = self._fetch(sql + " ORDER BY version DESC LIMIT 1", params)
        if not rows:
            return None
        version, aggregate_type, schema_version, state, digest = rows[0]
        state = bytes(state)
        expected = state_checksum(
            stream_id, version, aggregate_type, schema_version, state
        )
        if expected != bytes(digest):
            raise CorruptStore(
                f"snapshot of {stream_id!r} at version {version} fails its checksum"
            )
        return Snapshot(
            stream_id=stream_id,
            aggregate_type=aggregate_type,
            version=int(version),
            state=json.loads(state),
            schema_version=int(schema_version),
        )

    def checkpoint(self, consumer: str) -> int:
        """Last position a consumer has processed (0 for none)."""
        rows = self._fetch(
            "SELECT position FROM checkpoints WHERE consumer = ?", [consumer]
        )
        return int(rows[0][0]) if rows else 0

    def get_document(self, collection: str, key: str) -> JsonObject | None:
        """One read-model document."""
        rows = self._fetch(
            "SELECT body FROM documents WHERE collection = ? AND key = ?",
            [collection, key],
        )
        return json.loads(bytes(rows[0][0])) if rows else None

    def documents(self, collection: str) -> dict[str, JsonObject]:
        """Every document of a collection, by key."""
        rows = self._fetch(
            "SELECT key, body FROM documents WHERE collection = ? ORDER BY key",
            [collection],
        )
        return {k: json.loads(bytes(b)) for k, b in rows}

    def close(self) -> None:
        """Close every connection (SQLite also checkpoints its WAL)."""
        self._tail.clear()
        self.backend.close()
