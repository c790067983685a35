"""The read-model panel's rows, computed on the simulation thread; no Qt.

:func:`read_models_state` runs on the simulation thread (through
``controller.query``) and answers with immutable rows: every projection's
lag, the cache's figures, one projection's documents as rows (kept as JSON
text, formatted into cells when a view reads them) — now, or as of the
slider's position (the documents the projection held at its checkpoint
then) — and which of them are stale.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, overload

from ddd_sim.runtime.document_history import DocumentTexts
from ddd_sim.runtime.projections import Lag
from ddd_sim.runtime.session.loads import wallets
from ddd_sim.runtime.session.read_asof import StillFolding
from ddd_sim.runtime.session.read_live import LiveDocuments
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


Row = tuple[str, tuple[str, ...]]
"""A document key and one cell per column."""


@dataclass(frozen=True, slots=True)
class DocumentTable:
    """One projection's documents as cells: a column per top-level field."""

    projection: str
    columns: tuple[str, ...]
    rows: Sequence[Row]
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
        return replace(self, stale=present(stale, self.row_keys()), position=position)

    def row_keys(self) -> Sequence[str]:
        """The document keys, row by row (without formatting a row)."""
        if isinstance(self.rows, TextRows):
            return self.rows.keys
        return tuple(key for key, _ in self.rows)


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


def present(wanted: Iterable[str], keys: Sequence[str]) -> frozenset[str]:
    """The keys of ``wanted`` that sorted ``keys`` hold (without a set of them all)."""
    found = []
    for key in wanted:
        at = bisect_left(keys, key)
        if at < len(keys) and keys[at] == key:
            found.append(key)
    return frozenset(found)


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


class TextRows(Sequence[Row]):
    """Rows kept as JSON text, formatted into cells when first read.

    A view reads only the rows it shows, so a table of a quarter of a
    million documents costs a few dozen parses per repaint, not a quarter
    of a million per position.  The texts never change; the cells read are
    kept (by whichever one thread renders the table).
    """

    __slots__ = ("_cells", "_columns", "_texts", "keys")

    def __init__(
        self, keys: tuple[str, ...], texts: tuple[str, ...], columns: tuple[str, ...]
    ) -> None:
        self.keys = keys
        self._texts = texts
        self._columns = columns
        self._cells: dict[int, tuple[str, ...]] = {}

    def __len__(self) -> int:
        return len(self.keys)

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | Sequence[Row]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self.keys))))
        if index < 0:
            index += len(self.keys)
        cells = self._cells.get(index)
        if cells is None:
            document = json.loads(self._texts[index])
            cells = tuple(cell(document.get(name)) for name in self._columns)
            self._cells[index] = cells
        return self.keys[index], cells

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TextRows):
            return (self.keys, self._texts, self._columns) == (
                other.keys,
                other._texts,
                other._columns,
            )
        return NotImplemented

    def __hash__(self) -> int:
        return hash((len(self.keys), self._columns))

    def shares(self, documents: LiveDocuments) -> bool:
        """True if these rows are those very documents (the same tuples, not a copy)."""
        return (
            self.keys is documents.keys
            and self._texts is documents.texts
            and self._columns is documents.columns
        )


def document_table_of_texts(
    projection: str,
    texts: DocumentTexts,
    stale: frozenset[str],
    *,
    version: int,
    checkpoint: int,
    position: int | None,
) -> DocumentTable:
    """Documents kept as JSON text as a table, as :func:`document_table` shows them."""
    pairs = texts.by_key()
    keys = tuple(key for key, _ in pairs)
    columns = texts.columns()
    return DocumentTable(
        projection,
        columns,
        TextRows(keys, tuple(text for _, text in pairs), columns),
        present(stale, keys),
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
    if (
        known is not None
        and known.position is not None
        and (known.projection, known.version, known.checkpoint)
        == (projection, lag.version, checkpoint)
    ):
        return known.restamped(stale_keys(session, checkpoint, position), position)
    answer = read_models.documents(projection, position)
    if isinstance(answer, StillFolding):
        return answer
    return document_table_of_texts(
        projection,
        answer.documents,
        stale_keys(session, checkpoint, position),
        version=answer.version,
        checkpoint=answer.checkpoint,
        position=position,
    )


def _table_now(
    session: Session, lag: Lag, known: DocumentTable | None
) -> DocumentTable:
    """The documents a projection holds now: only those written since are read again.

    A table the panel already has of the very same documents is restamped
    (its stale rows), so the cells its view formatted are kept.
    """
    live = session.live_read_models.documents(lag.projection)
    stale = stale_keys(session, live.checkpoint)
    if (
        known is not None
        and known.position is None
        and isinstance(known.rows, TextRows)
        and known.rows.shares(live)
        and (known.projection, known.version) == (live.projection, live.version)
    ):
        return replace(known.restamped(stale), checkpoint=live.checkpoint)
    return DocumentTable(
        live.projection,
        live.columns,
        TextRows(live.keys, live.texts, live.columns),
        present(stale, live.keys),
        version=live.version,
        checkpoint=live.checkpoint,
    )


def read_models_state(
    session: Session,
    projection: str | None,
    known: DocumentTable | None = None,
    as_of: int | None = None,
) -> ReadModelsState:
    """Lags, cache figures and one projection's documents (runs on the sim thread).

    ``known`` is the table the panel already has: while its documents have
    not changed since, it is only restamped (what is stale), so a stalled or
    idle read model costs almost nothing to watch.  Live, only documents
    written since the last answer are read again (the session keeps the
    rest: :mod:`ddd_sim.runtime.session.read_live`).
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
            table = _table_now(session, lag, known)
    stats = shop.cache.stats
    cache = CacheFigures(
        stats.hits,
        stats.misses,
        stats.invalidations,
        stats.expirations,
        len(shop.cache),
    )
    return ReadModelsState(lags, cache, table, versions, wallets(session), folding)
