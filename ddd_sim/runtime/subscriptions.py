"""Catch-up subscriptions: a consumer saves its checkpoint with its effects."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from ddd_sim.shared.courtesy import give_way
from ddd_sim.shared.events import RecordedEvent
from ddd_sim.shared.ports import EventStore
from ddd_sim.shared.read_models import DocumentBuffer, DocumentTransaction


class Consumer(Protocol):
    """Something that turns events into effects written through a transaction."""

    name: str

    def handle(self, event: RecordedEvent, tx: DocumentTransaction) -> None:
        """Apply one event; every write goes through ``tx``."""
        ...


@dataclass(frozen=True, slots=True)
class PollResult:
    """What one poll did: events handled and the checkpoint it left."""

    handled: int
    checkpoint: int
    head: int

    @property
    def lag(self) -> int:
        """Events committed but not yet handled."""
        return self.head - self.checkpoint


class CatchUpSubscription:
    """Feeds a consumer every event after its checkpoint, in order, exactly once.

    Each batch runs in one write transaction holding the consumer's effects
    and its new checkpoint, so a crash anywhere either keeps both or neither:
    after a restart nothing is skipped and nothing is applied twice.
    """

    def __init__(
        self,
        store: EventStore,
        consumer: Consumer,
        *,
        batch_size: int = 500,
        stream_prefix: str | None = None,
        types: Iterable[str] | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._store = store
        self._consumer = consumer
        self._batch_size = batch_size
        self._prefix = stream_prefix
        self._types = tuple(types) if types is not None else None

    @property
    def checkpoint(self) -> int:
        """The last position the consumer has durably processed."""
        return self._store.checkpoint(self._consumer.name)

    def poll(
        self,
        *,
        max_batches: int | None = None,
        max_events: int | None = None,
        until_position: int | None = None,
        on_batch: Callable[[list[RecordedEvent]], None] | None = None,
    ) -> PollResult:
        """Handle what has been committed since the checkpoint, batch by batch.

        ``until_position`` stops at a position (a projection held back in
        simulated time); ``max_events`` bounds the work of one call.  When a
        read comes back short, every matching event up to the bound has been
        seen, so the checkpoint moves to the bound even if the last events were
        of other types: lag then reads zero once a consumer has caught up.
        ``on_batch`` runs after each batch has committed.
        """
        handled = 0
        batches = 0
        name = self._consumer.name
        # what the last round saw; an idle poll then costs two reads, not four
        checkpoint: int | None = None
        head: int | None = None
        while max_batches is None or batches < max_batches:
            if max_events is not None and handled >= max_events:
                break
            start = checkpoint = self._store.checkpoint(name)
            bound = head = self._store.head_position()
            if until_position is not None:
                bound = min(bound, until_position)
            if start >= bound:
                break
            limit = self._batch_size
            if max_events is not None:
                limit = min(limit, max_events - handled)
            page = list(
                self._store.read_all(
                    from_position=start + 1,
                    to_position=bound,
                    stream_prefix=self._prefix,
                    types=self._types,
                    limit=limit,
                )
            )
            new_checkpoint = page[-1].global_position if len(page) == limit else bound
            with self._store.transaction() as tx:
                if tx.checkpoint(name) != start:
                    continue  # another runner moved it; re-read from there
                documents = DocumentBuffer(tx)
                for event in page:
                    self._consumer.handle(event, documents)
                    give_way()
                documents.flush()
                tx.save_checkpoint(name, new_checkpoint)
            checkpoint = new_checkpoint
            handled += len(page)
            batches += 1
            if on_batch is not None and page:
                on_batch(page)
        if checkpoint is None:
            checkpoint = self._store.checkpoint(name)
        if head is None:
            head = self._store.head_position()
        return PollResult(handled, checkpoint, head)
