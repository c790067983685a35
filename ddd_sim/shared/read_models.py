"""Read models: projections write documents, query handlers read them.

A projection is a fold of the log into documents.  It never reads the store
itself: the runtime feeds it events through a catch-up subscription and hands
it a :class:`ReadModelWriter` bound to the same transaction as its checkpoint,
so effects and checkpoint are saved together.  Query handlers get a
:class:`ReadModelReader` over the same documents.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Protocol

from ddd_sim.shared.events import JsonObject


@dataclass(frozen=True, slots=True, kw_only=True)
class EventMeta:
    """Where and when the event a projection is handling was recorded."""

    event_id: uuid.UUID
    stream_id: str
    stream_version: int
    position: int
    sim_time: float
    correlation_id: uuid.UUID | None = None


class ReadModelWriter(Protocol):
    """One projection's documents, inside the transaction of its checkpoint."""

    def get(self, key: str) -> JsonObject | None:
        """The document under ``key``, or None."""
        ...

    def put(self, key: str, document: JsonObject) -> None:
        """Create or replace the document under ``key`` (JSON values only)."""
        ...

    def delete(self, key: str) -> None:
        """Remove the document under ``key`` if present."""
        ...


class ReadModelReader(Protocol):
    """Read-only access to one projection's documents."""

    def get(self, key: str) -> JsonObject | None:
        """The document under ``key``, or None."""
        ...

    def all(self) -> Mapping[str, JsonObject]:
        """Every document, by key."""
        ...


class Projection:
    """Folds events into documents; ``version`` changes when the fold changes.

    ``source`` says what it consumes: stored domain events of its own context
    (``"domain"``) or the published language of other contexts
    (``"integration"``).  ``event_types`` lists the stored domain event types,
    or the integration event types, it handles; others never reach it.
    """

    name: ClassVar[str] = ""
    version: ClassVar[int] = 1
    source: ClassVar[Literal["domain", "integration"]] = "domain"
    event_types: ClassVar[tuple[str, ...]] = ()
    description: ClassVar[str] = ""

    def handle(self, event: Any, meta: EventMeta, rm: ReadModelWriter) -> None:
        """Apply one event to the documents."""
        raise NotImplementedError


def collection_name(projection: str, version: int) -> str:
    """The document collection holding one version of a projection's read model."""
    return f"rm:{projection}:v{version}"


class StoreReadModel:
    """A :class:`ReadModelReader` over one collection of the store's documents."""

    def __init__(self, store: DocumentSource, collection: str) -> None:
        self._store = store
        self.collection = collection

    def get(self, key: str) -> JsonObject | None:
        return self._store.get_document(self.collection, key)

    def all(self) -> Mapping[str, JsonObject]:
        return self._store.documents(self.collection)


class TransactionReadModel:
    """A :class:`ReadModelWriter` over one collection, inside a write transaction."""

    def __init__(self, tx: DocumentTransaction, collection: str) -> None:
        self._tx = tx
        self.collection = collection

    def get(self, key: str) -> JsonObject | None:
        return self._tx.get_document(self.collection, key)

    def put(self, key: str, document: JsonObject) -> None:
        self._tx.put_document(self.collection, key, document)

    def delete(self, key: str) -> None:
        self._tx.delete_document(self.collection, key)


class DocumentSource(Protocol):
    """The part of the event store a reader needs."""

    def get_document(self, collection: str, key: str) -> JsonObject | None: ...

    def documents(self, collection: str) -> dict[str, JsonObject]: ...


class DocumentTransaction(Protocol):
    """The part of a write transaction a writer needs."""

    def get_document(self, collection: str, key: str) -> JsonObject | None: ...

    def put_document(self, collection: str, key: str, document: JsonObject) -> None: ...

    def delete_document(self, collection: str, key: str) -> None: ...


_DELETED: JsonObject = {}
"""Marks a document deleted in a :class:`DocumentBuffer` (compared by identity)."""


class DocumentBuffer:
    """A batch's document writes, kept in memory and written once at the end.

    A consumer that touches one document for many events of a batch reads it
    from the store once and writes it once.  Reads see the batch's own
    writes.  A document handed out is the caller's to change and ``put`` back;
    nothing reaches the store before :meth:`flush`, which the caller runs
    inside the same transaction, so the batch stays atomic.
    """

    def __init__(self, tx: DocumentTransaction) -> None:
        self._tx = tx
        self._documents: dict[tuple[str, str], JsonObject | None] = {}
        self._dirty: dict[tuple[str, str], JsonObject] = {}

    def get_document(self, collection: str, key: str) -> JsonObject | None:
        address = (collection, key)
        if address in self._documents:
            return self._documents[address]
        document = self._tx.get_document(collection, key)
        self._documents[address] = document
        return document

    def put_document(self, collection: str, key: str, document: JsonObject) -> None:
        self._documents[(collection, key)] = document
        self._dirty[(collection, key)] = document

    def delete_document(self, collection: str, key: str) -> None:
        self._documents[(collection, key)] = None
        self._dirty[(collection, key)] = _DELETED

    def flush(self) -> None:
        """Write every changed document through the transaction, in order of change."""
        for (collection, key), document in self._dirty.items():
            if document is _DELETED:
                self._tx.delete_document(collection, key)
            else:
                self._tx.put_document(collection, key, document)
        self._dirty.clear()


def already_folded(document: JsonObject | None, meta: EventMeta) -> bool:
    """True if ``document`` already holds this event (it stamps ``last_position``).

    The runtime delivers each event once per checkpoint, but a projection that
    stamps its documents stays exact even if an event is delivered again.
    """
    return document is not None and document["last_position"] >= meta.position
