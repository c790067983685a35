"""Ports the domain and runtime use; adapters live in ``ddd_sim.infrastructure``.

No storage type leaks through here: everything crossing a port is a plain
Python value or one of the records of :mod:`ddd_sim.shared.events`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from ddd_sim.shared.events import (
    AppendResult,
    EventData,
    ExpectedVersion,
    JsonObject,
    NewEvent,
    RecordedEvent,
    Snapshot,
    StreamInfo,
    StreamState,
)


class WriteTransaction(Protocol):
    """One atomic write: appends, checkpoints, snapshots and documents commit together.

    Appends inside a transaction are checked one by one exactly as a lone
    append is; if anything raises, nothing of the transaction is written.
    """

    def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: ExpectedVersion = StreamState.ANY,
    ) -> AppendResult:
        """Append to one stream, honouring the expected version and idempotency."""
        ...

    def stream_version(self, stream_id: str) -> int:
        """The stream's head version as this transaction sees it (0 if empty)."""
        ...

    def checkpoint(self, consumer: str) -> int:
        """The last global position the consumer has processed (0 for none)."""
        ...

    def save_checkpoint(self, consumer: str, position: int) -> None:
        """Record that the consumer has processed everything up to ``position``."""
        ...

    def save_snapshot(self, snapshot: Snapshot) -> None:
        """Store a snapshot (replacing one at the same stream version)."""
        ...

    def get_document(self, collection: str, key: str) -> JsonObject | None:
        """Read a read-model document inside this transaction."""
        ...

    def put_document(self, collection: str, key: str, document: JsonObject) -> None:
        """Insert or replace a read-model document."""
        ...

    def delete_document(self, collection: str, key: str) -> None:
        """Remove a read-model document if it exists."""
        ...


class EventStore(Protocol):
    """An append-only log of streams with one global order equal to commit order."""

    def append(
        self,
        stream_id: str,
        events: Sequence[NewEvent],
        expected_version: ExpectedVersion = StreamState.ANY,
    ) -> AppendResult:
        """Append events to a stream in one transaction."""
        ...

    def transaction(self) -> AbstractContextManager[WriteTransaction]:
        """Open one write transaction (group commit); commit on normal exit."""
        ...

    def batch(self) -> AbstractContextManager[None]:
        """Group this thread's appends and transactions into one commit.

        Reads in the same thread see the batch's writes; nothing is
        acknowledged (durable, visible to others) before the batch exits.
        """
        ...

    def read_stream(
        self,
        stream_id: str,
        *,
        from_version: int = 1,
        to_version: int | None = None,
        until_position: int | None = None,
        until_sim_time: float | None = None,
        raw: bool = False,
    ) -> list[RecordedEvent]:
        """A stream's events in version order, upcast unless ``raw``.

        ``until_position`` and ``until_sim_time`` give the stream as it was
        when the log ended at that position or that simulated time.
        """
        ...

    def read_stream_data(
        self,
        stream_id: str,
        *,
        from_version: int = 1,
        to_version: int | None = None,
        until_position: int | None = None,
        until_sim_time: float | None = None,
    ) -> list[EventData]:
        """Like :meth:`read_stream`, upcast, but only what a replay needs."""
        ...

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
        """The whole log (or a filtered part of it) in global-position order."""
        ...

    def stream_version(self, stream_id: str) -> int:
        """A stream's head version (0 when it has no events)."""
        ...

    def head_position(self) -> int:
        """The global position of the last committed event (0 when empty)."""
        ...

    def position_at(self, sim_time: float) -> int:
        """The latest event at or before a simulated time (by time, then position)."""
        ...

    def streams(self, *, prefix: str | None = None) -> list[StreamInfo]:
        """Every stream (optionally under a prefix), ordered by stream id."""
        ...

    def load_snapshot(
        self, stream_id: str, *, at_or_below: int | None = None
    ) -> Snapshot | None:
        """The latest snapshot of a stream at or below a version."""
        ...

    def checkpoint(self, consumer: str) -> int:
        """The last global position the consumer has processed (0 for none)."""
        ...

    def get_document(self, collection: str, key: str) -> JsonObject | None:
        """Read one read-model document."""
        ...

    def documents(self, collection: str) -> dict[str, JsonObject]:
        """Every document of a collection, by key."""
        ...

    def close(self) -> None:
        """Release connections; the store is unusable afterwards."""
        ...
