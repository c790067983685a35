"""The read-model panel's rows, computed on the simulation thread; no Qt.

:func:`read_models_state` runs on the simulation thread (through
``controller.query``) and answers with immutable rows: every projection's
lag, the cache's figures, one projection's documents already formatted as
cells — now, or as of the slider's position (the documents the projection
held at its checkpoint then) — and which of them are stale.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from operator import itemgetter
from typing import Any

from ddd_sim.runtime.projections import Lag, ProjectionRunner
from ddd_sim.runtime.session.loads import wallets
from ddd_sim.runtime.session.read_asof import StillFolding
from ddd_sim.runtime.session.session import Session


@dataclass(frozen=True, slots=True)
class CacheFigures:
    """The query cache's counters."""

    hits: int
    misses: int
    invalidations: int
    expirations: int
    entries: int

    @property
    def hit_ratio(self) -> float:
        """Hits over all lookups (0 before the first)."""
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


@dataclass(frozen=True, slots=True)
class DocumentTable:
    """One projection's documents as cells: a column per top-level field."""

    projection: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    """(document key, one cell per column), by key."""
    stale: frozenset[str]
    """Keys of documents that events the projection has not consumed yet touch."""
    version: int = 0
    checkpoint: int = 0
    """The handler version and checkpoint the documents were read at."""
    position: int | None = None
    """None: the runtime's documents now; else the log position they are as of."""

    def restamped(
        self, stale: frozenset[str], position: int | None = None
    ) -> DocumentTable:
        """The same documents with newly computed stale keys (at ``position``)."""
        keys = {key for key, _ in self.rows}
        return replace(self, stale=stale & keys, position=position)


@dataclass(frozen=True, slots=True)
class ReadModelsState:
    """Everything the panel renders of the runtime's read side, at one moment."""

    lags: tuple[Lag, ...]
    cache: CacheFigures
    table: DocumentTable | None
    handler_versions: tuple[int, ...]
    wallets: tuple[tuple[str, tuple[str, ...]], ...]
    folding: StillFolding | None = None
    """Set while the documents as of the slider are still being folded."""


def cell(value: Any) -> str:
    """A document value as one table cell: text as is, the rest as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:.6g}"  # times and amounts: the digits a reader can use
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def document_table(
    projection: str,
    documents: Mapping[str, Mapping[str, Any]],
    stale: frozenset[str],
    lag: Lag | None = None,
) -> DocumentTable:
    """Documents as a table: columns are the union of their top-level fields."""
    columns = sorted({name for doc in documents.values() for name in doc})
    rows = tuple(
        (key, tuple(cell(doc.get(name)) for name in columns))
        for key, doc in sorted(documents.items())
    )
    return DocumentTable(
        projection,
        tuple(columns),
        rows,
        stale & set(documents),
        version=lag.version if lag is not None else 0,
        checkpoint=lag.checkpoint if lag is not None else 0,
    )


# Neighbouring positions share most document texts (the very same objects,
# their hashes kept), so scrubbing parses and formats only what changed.
@lru_cache(maxsize=1 << 16)
def _fields_of(text: str) -> frozenset[str]:
    """A document's top-level field names."""
    return frozenset(json.loads(text))


@lru_cache(maxsize=1 << 16)
def _cells_of(text: str, columns: tuple[str, ...]) -> tuple[str, ...]:
    """A document's cells under ``columns`` (blank where it has no such field)."""
    document = json.loads(text)
    return tuple(cell(document.get(name)) for name in columns)


def document_table_of_texts(
    projection: str,
    texts: Iterable[tuple[str, str]],
    stale: frozenset[str],
    *,
    version: int,
    checkpoint: int,
    position: int | None,
) -> DocumentTable:
    """(key, JSON text) pairs as a table, exactly as :func:`document_table`."""
    pairs = sorted(texts, key=itemgetter(0))
    shapes = {_fields_of(text) for _, text in pairs}
    columns = tuple(sorted(frozenset().union(*shapes)))
    rows = tuple((key, _cells_of(text, columns)) for key, text in pairs)
    return DocumentTable(
        projection,
        columns,
        rows,
        stale & {key for key, _ in pairs},
        version=version,
        checkpoint=checkpoint,
        position=position,
    )


def stale_keys(
    session: Session, checkpoint: int, until: int | None = None
) -> frozenset[str]:
    """Keys touched by log entries past ``checkpoint`` (up to ``until``): each
    stream's id part.

    A document keyed by an aggregate's id (an order, a wallet, a product) is
    stale while its stream has events the projection has not read.
    """
    return frozenset(
        row.stream.split("-", 1)[-1] for row in session.rows[checkpoint:until]
    )


def _table_as_of(
    session: Session,
    lag: Lag,
    position: int,
    known: DocumentTable | None,
) -> DocumentTable | StillFolding:
    """The documents a projection held at its checkpoint as of ``position``.

    Positions that share a checkpoint share the documents: a table already
    shown for one is only restamped (its stale rows) for another.
    """
    projection, read_models = lag.projection, session.read_models
    checkpoint = read_models.checkpoint_at(projection, position)
    stale = stale_keys(session, checkpoint, position)
    if (
        known is not None
        and known.position is not None
        and (known.projection, known.version, known.checkpoint)
        == (projection, lag.version, checkpoint)
    ):
        return known.restamped(stale, position)
    answer = read_models.documents(projection, position)
    if isinstance(answer, StillFolding):
        return answer
    return document_table_of_texts(
        projection,
        answer.documents.items_in_order(),
        stale,
        version=answer.version,
        checkpoint=answer.checkpoint,
        position=position,
    )


def _table_now(
    session: Session, runner: ProjectionRunner, lag: Lag, known: DocumentTable | None
) -> DocumentTable:
    """The documents a projection holds now (read again only if it moved)."""
    stale = stale_keys(session, lag.checkpoint)
    if (
        known is not None
        and known.position is None
        and (known.projection, known.version, known.checkpoint)
        == (lag.projection, lag.version, lag.checkpoint)
    ):
        return known.restamped(stale)
    documents = runner.reader(lag.projection).all()
    return document_table(lag.projection, documents, stale, lag)


def read_models_state(
    session: Session,
    projection: str | None,
    known: DocumentTable | None = None,
    as_of: int | None = None,
) -> ReadModelsState:
    """Lags, cache figures and one projection's documents (runs on the sim thread).

    ``known`` is the table the panel already has: while the projection has
    not moved since, its documents are not read again (only what is stale
    is), so a stalled or idle read model costs almost nothing to watch.
    With ``as_of`` the documents are those the projection held at that
    log position; until they are folded, ``folding`` says how far it got.
    """
    shop = session.shop
    if shop is None:
        return ReadModelsState((), CacheFigures(0, 0, 0, 0, 0), None, (), ())
    runner = shop.projections
    lags = tuple(runner.lags())
    table = None
    folding = None
    versions: tuple[int, ...] = ()
    lag = next((lag for lag in lags if lag.projection == projection), None)
    if lag is not None:
        versions = tuple(sorted(shop.handler_versions.get(lag.projection, {})))
        if as_of is not None:
            found = _table_as_of(session, lag, as_of, known)
            folding = found if isinstance(found, StillFolding) else None
            table = found if isinstance(found, DocumentTable) else None
        else:
            table = _table_now(session, runner, lag, known)
    stats = shop.cache.stats
    cache = CacheFigures(
        stats.hits,
        stats.misses,
        stats.invalidations,
        stats.expirations,
        len(shop.cache),
    )
    return ReadModelsState(lags, cache, table, versions, wallets(session), folding)
