"""The write side of the SQL event store: one transaction, many appends."""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ddd_sim.infrastructure.eventstore.codec import (
    build_rows,
    encode_json,
    state_checksum,
)
from ddd_sim.infrastructure.eventstore.decisions import (
    Candidate,
    StoredIdentity,
    candidates_of,
    decide,
    expected_holds,
    prepare_append,
)
from ddd_sim.shared.events import (
    AppendResult,
    ExpectedVersion,
    JsonObject,
    NewEvent,
    Snapshot,
    StreamState,
)

if TYPE_CHECKING:
    from ddd_sim.infrastructure.eventstore.sql_store import SqlEventStore
    from ddd_sim.infrastructure.eventstore.tail import TailSegment

COLUMNS = (
    "global_position, event_id, stream_id, version, type, schema_version, payload, "
    "checksum, correlation_id, causation_id, sim_time, recorded_at"
)
_INSERT = f"INSERT INTO events ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
_ROWS_PER_INSERT = 2000
"""12 columns x 2,000 rows stays under SQLite's 32,766 bound parameters."""


@functools.lru_cache(maxsize=64)
def _multi_insert(rows: int) -> str:
    """``INSERT … VALUES (…), (…)`` for a number of rows (qmark style)."""
    values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * rows)
    return f"INSERT INTO events ({COLUMNS}) VALUES {values}"


class AppendState:
    """What a writer holding the append lock knows of the log without asking.

    One lives as long as a transaction, or a batch of them: the next global
    position and the head versions of streams it has read or written.  While
    the lock is held nobody else appends, so these stay true until a rollback,
    which must :meth:`forget` them.  ``written`` collects the rows inserted,
    for the store's tail once they have committed.
    """

    __slots__ = ("next_position", "versions", "written")

    def __init__(self, written: TailSegment | None = None) -> None:
        self.next_position: int | None = None
        self.versions: dict[str, int] = {}
        self.written = written

    def forget(self) -> None:
        """A rollback undid writes: ask the database again."""
        self.next_position = None
        self.versions.clear()


class SqlWriteTransaction:
    """The writes of one :meth:`SqlEventStore.transaction`."""

    def __init__(
        self, store: SqlEventStore, cursor: Any, state: AppendState | None = None
    ) -> None:
        self._store = store
        self._backend = store.backend
        self._q = store.backend.sql
        self._cur = cursor
        self._state = state if state is not None else AppendState()

    def _one(self, sql: str, params: Sequence[Any]) -> Any:
        self._cur.execute(self._q(sql), params)
        row = self._cur.fetchone()
        return None if row is None else row[0]

    def stream_version(self, stream_id: str) -> int:
        """Head version as this transaction sees it."""
        state = self._state
        known = state.versions.get(stream_id)
        if known is not None:
            return known
        version = int(
            self._one(
                "SELECT max(version) FROM events WHERE stream_id = ?", [stream_id]
            )
            or 0
        )
        if state.next_position is not None:  # the lock is held: it stays true
            state.versions[stream_id] = version
        return version

    def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: ExpectedVersion = StreamState.ANY,
    ) -> AppendResult:
        """Check the expected version and insert; clashes go to the decision table."""
        encoded = prepare_append(stream_id, events, expected_version)
        state = self._state
        if state.next_position is None:
            self._backend.lock_for_append(self._cur)
            state.next_position = (
                int(self._one("SELECT max(global_position) FROM events", []) or 0) + 1
            )
        current = self.stream_version(stream_id)
        if not expected_holds(expected_version, current):
            return decide(
                stream_id,
                candidates_of(encoded),
                expected_version,
                current,
                self._found(candidates_of(encoded)),
            )
        if not encoded:
            return AppendResult(stream_id, current + 1, current, 0, 0, written=False)
        first = state.next_position
        rows = build_rows(
            stream_id,
            encoded,
            first,
            current + 1,
            time.time(),
            self._backend.to_db_uuid,
        )
        if not self._insert(rows):
            return decide(
                stream_id,
                candidates_of(encoded),
                expected_version,
                current,
                self._found(candidates_of(encoded)),
            )
        state.next_position = first + len(rows)
        state.versions[stream_id] = current + len(rows)
        if state.written is not None:
            state.written.add(rows)
        return AppendResult(
            stream_id,
            current + 1,
            current + len(rows),
            first,
            first + len(rows) - 1,
            written=True,
        )

    def _insert(self, rows: list[Any]) -> bool:
        """Insert every row or none; False when a unique constraint refused them.

        One multi-row INSERT is atomic on its own in SQLite, so a batch that
        fits one statement needs no savepoint; PostgreSQL aborts the whole
        transaction on any error, and larger batches take several statements,
        so those run inside a savepoint that a refusal rolls back.
        """
        cur = self._cur
        if self._backend.statement_atomic and len(rows) <= _ROWS_PER_INSERT:
            try:
                cur.execute(_multi_insert(len(rows)), [v for row in rows for v in row])
            except self._backend.integrity_errors:
                return False
            return True
        cur.execute("SAVEPOINT ddd_sim_append")
        try:
            cur.executemany(self._q(_INSERT), rows)
        except self._backend.integrity_errors:
            cur.execute("ROLLBACK TO SAVEPOINT ddd_sim_append")
            cur.execute("RELEASE SAVEPOINT ddd_sim_append")
            return False
        cur.execute("RELEASE SAVEPOINT ddd_sim_append")
        return True

    def _found(self, candidates: Sequence[Candidate]) -> dict[Any, StoredIdentity]:
        """What is stored under the batch's event ids."""
        found = {}
        uid, from_uid = self._backend.to_db_uuid, self._backend.from_db_uuid
        ids = [uid(c.event_id) for c in candidates]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            self._cur.execute(
                self._q(
                    "SELECT event_id, stream_id, version, global_position, type, "
                    f"schema_version, payload FROM events WHERE event_id IN "
                    f"({', '.join('?' * len(chunk))})"
                ),
                chunk,
            )
            for eid, sid, ver, pos, typ, sv, payload in self._cur.fetchall():
                found[from_uid(eid)] = StoredIdentity(
                    sid, ver, pos, typ, sv, bytes(payload)
                )
        return found

    def checkpoint(self, consumer: str) -> int:
        """A consumer's checkpoint, its row locked until this transaction ends.

        Two runners of one consumer on PostgreSQL would otherwise both read the
        same checkpoint and both apply the batch; the upsert makes the second
        wait and then see the first one's checkpoint.
        """
        self._cur.execute(
            self._q(
                "INSERT INTO checkpoints (consumer, position) VALUES (?, 0) "
                "ON CONFLICT (consumer) DO UPDATE SET position = checkpoints.position"
            ),
            [consumer],
        )
        sql = "SELECT position FROM checkpoints WHERE consumer = ?"
        return int(self._one(sql, [consumer]))

    def save_checkpoint(self, consumer: str, position: int) -> None:
        """Move a consumer's checkpoint, atomically with the rest of the transaction."""
        self._cur.execute(
            self._q(
                "INSERT INTO checkpoints (consumer, position) VALUES (?, ?) "
                "ON CONFLICT (consumer) DO UPDATE SET position = excluded.position"
            ),
            [consumer, position],
        )

    def save_snapshot(self, snapshot: Snapshot) -> None:
        """Store a snapshot with a checksum of its state."""
        state = encode_json(snapshot.state, f"snapshot of {snapshot.stream_id}")
        self._cur.execute(
            self._q(
                "INSERT INTO snapshots (stream_id, version, aggregate_type, "
                "schema_version, state, checksum) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (stream_id, version) "
                "DO UPDATE SET aggregate_type = excluded.aggregate_type, "
                "schema_version = excluded.schema_version, state = excluded.state, "
                "checksum = excluded.checksum"
            ),
            [
                snapshot.stream_id,
                snapshot.version,
                snapshot.aggregate_type,
                snapshot.schema_version,
                state,
                state_checksum(
                    snapshot.stream_id,
                    snapshot.version,
                    snapshot.aggregate_type,
                    snapshot.schema_version,
                    state,
                ),
            ],
        )

    def get_document(self, collection: str, key: str) -> JsonObject | None:
        """A document as this transaction sees it."""
        body = self._one(
            "SELECT body FROM documents WHERE collection = ? AND key = ?",
            [collection, key],
        )
        return None if body is None else json.loads(bytes(body))

    def put_document(self, collection: str, key: str, document: JsonObject) -> None:
        """Insert or replace a document."""
        body = encode_json(document, f"document {collection}/{key}")
        self._cur.execute(
            self._q(
                "INSERT INTO documents (collection, key, body) VALUES (?, ?, ?) "
                "ON CONFLICT (collection, key) DO UPDATE SET body = excluded.body"
            ),
            [collection, key, body],
        )

    def delete_document(self, collection: str, key: str) -> None:
        """Remove a document."""
        self._cur.execute(
            self._q("DELETE FROM documents WHERE collection = ? AND key = ?"),
            [collection, key],
        )
