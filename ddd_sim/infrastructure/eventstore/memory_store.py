"""An in-memory event store: the same contract as the SQL stores, for fast tests."""

from __future__ import annotations

import bisect
import dataclasses
import json
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ddd_sim.infrastructure.eventstore.codec import (
    RowDecoder,
    build_rows,
    encode_json,
    same,
    uuid_to_bytes,
)
from ddd_sim.infrastructure.eventstore.decisions import (
    Candidate,
    StoredIdentity,
    candidates_of,
    decide,
    expected_holds,
    prepare_append,
)
from ddd_sim.infrastructure.eventstore.stream_reads import StreamReads
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

_Row = tuple[Any, ...]
_MISSING = object()
_Change = tuple[Any, ...]
"""A journal entry: ("rows", first index) or ("key", mapping, key, old value)."""


class InMemoryEventStore(StreamReads):
    """Holds rows in lists; a transaction holds the lock and undoes itself on error."""

    def __init__(self, upcasters: Upcasters | None = None) -> None:
        self._lock = threading.RLock()
        self._rows: list[_Row] = []
        self._sim_times: list[float] = []
        self._streams: dict[str, list[int]] = {}
        self._ids: dict[Any, int] = {}
        # snapshots and documents are kept encoded, so callers never share them
        self._snapshots: dict[str, dict[int, tuple[Snapshot, bytes]]] = {}
        self._checkpoints: dict[str, int] = {}
        self._documents: dict[tuple[str, str], bytes] = {}
        self._decoder = RowDecoder(upcasters, id_bytes=uuid_to_bytes)
        self._closed = False
        self._batch_owner: int | None = None

    # -- writing --------------------------------------------------------------
    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group this thread's writes: undone together if the batch fails.

        Transactions inside a batch join it and keep a journal of what they
        change instead of a copy of the whole store: a failed one is undone on
        its own, as a savepoint is in the SQL stores.
        """
        me = threading.get_ident()
        if self._batch_owner == me:
            yield
            return
        with self.transaction():
            self._batch_owner = me
            try:
                yield
            finally:
                self._batch_owner = None

    @contextmanager
    def transaction(self) -> Iterator[_MemoryTransaction]:
        """One atomic write; on error every change of the transaction is undone."""
        if self._batch_owner == threading.get_ident():
            journal: list[_Change] = []
            try:
                yield _MemoryTransaction(self, journal)
            except BaseException:
                self._undo(journal)
                raise
            return
        with self._lock:
            saved = (
                len(self._rows),
                {k: list(v) for k, v in self._streams.items()},
                dict(self._ids),
                {k: dict(v) for k, v in self._snapshots.items()},
                dict(self._checkpoints),
                dict(self._documents),
            )
            tx = _MemoryTransaction(self)
            try:
                yield tx
            except BaseException:
                n, streams, ids, snaps, cps, docs = saved
                del self._rows[n:]
                del self._sim_times[n:]
                self._streams, self._ids, self._snapshots = streams, ids, snaps
                self._checkpoints, self._documents = cps, docs
                raise

    def _undo(self, journal: list[_Change]) -> None:
        """Put back what a transaction inside a batch changed, newest first."""
        for change in reversed(journal):
            if change[0] == "rows":
                first = change[1]
                for row in reversed(self._rows[first:]):
                    del self._ids[row[1]]
                    indexes = self._streams[row[2]]
                    indexes.pop()
                    if not indexes:
                        del self._streams[row[2]]
                del self._rows[first:]
                del self._sim_times[first:]
            else:
                _, mapping, key, old = change
                if old is _MISSING:
                    mapping.pop(key, None)
                else:
                    mapping[key] = old

    def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: ExpectedVersion = StreamState.ANY,
    ) -> AppendResult:
        """Append in a transaction of its own."""
        with self.transaction() as tx:
            return tx.append(stream_id, events, expected_version)

    # -- reading --------------------------------------------------------------
    def _stream_rows(
        self,
        stream_id: str,
        from_version: int,
        to_version: int | None,
        until_position: int | None,
        until_sim_time: float | None,
    ) -> list[_Row]:
        with self._lock:
            indexes = self._streams.get(stream_id, [])
            lo = max(from_version, 1) - 1
            hi = (
                len(indexes)
                if to_version is None
                else max(min(to_version, len(indexes)), lo)
            )
            rows = [self._rows[i] for i in indexes[lo:hi]]
        if until_position is not None:
            rows = [r for r in rows if r[0] <= until_position]
        if until_sim_time is not None:
            rows = [r for r in rows if r[10] <= until_sim_time]
        return rows

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
        """The log in global order, filtered."""
        with self._lock:
            end = (
                len(self._rows)
                if to_position is None
                else min(to_position, len(self._rows))
            )
            rows = self._rows[max(from_position, 1) - 1 : end]
        wanted = set(types) if types is not None else None
        selected = [
            r
            for r in rows
            if (stream_prefix is None or r[2].startswith(stream_prefix))
            and (wanted is None or r[4] in wanted)
            and (until_sim_time is None or r[10] <= until_sim_time)
        ]
        if limit is not None:
            selected = selected[:limit]
        return iter(self._decoder.decode(selected, raw))

    def stream_version(self, stream_id: str) -> int:
        """Head version of a stream."""
        with self._lock:
            return len(self._streams.get(stream_id, ()))

    def head_position(self) -> int:
        """Position of the last event."""
        with self._lock:
            return len(self._rows)

    def position_at(self, sim_time: float) -> int:
        """Position of the latest event (by sim time, then position) at or before it.

        The same rule as the SQL stores' index scan, also when sim times are not
        in position order.
        """
        with self._lock:
            best, best_key = 0, (float("-inf"), 0)
            for pos, t in enumerate(self._sim_times, start=1):
                if t <= sim_time and (t, pos) > best_key:
                    best, best_key = pos, (t, pos)
            return best

    def streams(self, *, prefix: str | None = None) -> list[StreamInfo]:
        """Every stream, by id."""
        with self._lock:
            return [
                StreamInfo(sid, len(ix), ix[0] + 1, ix[-1] + 1)
                for sid, ix in sorted(self._streams.items())
                if prefix is None or sid.startswith(prefix)
            ]

    def load_snapshot(
        self, stream_id: str, *, at_or_below: int | None = None
    ) -> Snapshot | None:
        """Latest snapshot at or below a version."""
        with self._lock:
            snaps = self._snapshots.get(stream_id, {})
            versions = sorted(snaps)
            limit = (
                at_or_below
                if at_or_below is not None
                else (versions[-1] if versions else 0)
            )
            i = bisect.bisect_right(versions, limit)
            if not i:
                return None
            snap, state = snaps[versions[i - 1]]
        return dataclasses.replace(snap, state=json.loads(state))

    def checkpoint(self, consumer: str) -> int:
        """Last processed position of a consumer."""
        with self._lock:
            return self._checkpoints.get(consumer, 0)

    def get_document(self, collection: str, key: str) -> JsonObject | None:
        """One document."""
        with self._lock:
            body = self._documents.get((collection, key))
        return None if body is None else json.loads(body)

    def documents(self, collection: str) -> dict[str, JsonObject]:
        """All documents of a collection."""
        with self._lock:
            return {
                k: json.loads(v)
                for (c, k), v in sorted(self._documents.items())
                if c == collection
            }

    def close(self) -> None:
        """Nothing to release."""
        self._closed = True


class _MemoryTransaction:
    """The write side of :class:`InMemoryEventStore` while its lock is held."""

    def __init__(
        self, store: InMemoryEventStore, journal: list[_Change] | None = None
    ) -> None:
        self._s = store
        self._journal = journal

    def _remember(self, mapping: dict[Any, Any], key: Any) -> None:
        """Note a key's value before it changes, when inside a batch."""
        if self._journal is not None:
            self._journal.append(("key", mapping, key, mapping.get(key, _MISSING)))

    def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: ExpectedVersion = StreamState.ANY,
    ) -> AppendResult:
        s = self._s
        encoded = prepare_append(stream_id, events, expected_version)
        current = len(s._streams.get(stream_id, ()))
        clash = any(e.event_id in s._ids for e, _ in encoded)
        if not expected_holds(expected_version, current) or clash:
            return decide(
                stream_id,
                candidates_of(encoded),
                expected_version,
                current,
                self._found(candidates_of(encoded)),
            )
        if not encoded:
            return AppendResult(stream_id, current + 1, current, 0, 0, written=False)
        if self._journal is not None:
            self._journal.append(("rows", len(s._rows)))
        indexes = s._streams.setdefault(stream_id, [])
        first_position = len(s._rows) + 1
        rows = build_rows(
            stream_id, encoded, first_position, current + 1, time.time(), same
        )
        for row in rows:
            index = len(s._rows)
            s._rows.append(row)
            s._sim_times.append(row[10])
            s._ids[row[1]] = index
            indexes.append(index)
        return AppendResult(
            stream_id,
            current + 1,
            len(indexes),
            first_position,
            len(s._rows),
            written=True,
        )

    def _found(self, candidates: Sequence[Candidate]) -> dict[Any, StoredIdentity]:
        s = self._s
        found = {}
        for c in candidates:
            index = s._ids.get(c.event_id)
            if index is not None:
                row = s._rows[index]
                found[c.event_id] = StoredIdentity(
                    row[2], row[3], row[0], row[4], row[5], row[6]
                )
        return found

    def stream_version(self, stream_id: str) -> int:
        return len(self._s._streams.get(stream_id, ()))

    def checkpoint(self, consumer: str) -> int:
        return self._s._checkpoints.get(consumer, 0)

    def save_checkpoint(self, consumer: str, position: int) -> None:
        self._remember(self._s._checkpoints, consumer)
        self._s._checkpoints[consumer] = position

    def save_snapshot(self, snapshot: Snapshot) -> None:
        state = encode_json(snapshot.state, f"snapshot of {snapshot.stream_id}")
        snapshots = self._s._snapshots
        if self._journal is not None:
            self._remember(snapshots, snapshot.stream_id)
            snapshots[snapshot.stream_id] = dict(snapshots.get(snapshot.stream_id, {}))
        versions = snapshots.setdefault(snapshot.stream_id, {})
        versions[snapshot.version] = (snapshot, state)

    def get_document(self, collection: str, key: str) -> JsonObject | None:
        body = self._s._documents.get((collection, key))
        return None if body is None else json.loads(body)

    def put_document(self, collection: str, key: str, document: JsonObject) -> None:
        body = encode_json(document, f"document {collection}/{key}")
        self._remember(self._s._documents, (collection, key))
        self._s._documents[(collection, key)] = body

    def delete_document(self, collection: str, key: str) -> None:
        self._remember(self._s._documents, (collection, key))
        self._s._documents.pop((collection, key), None)
