"""Read models as of a log position: each projection's documents at its checkpoint then.

Projections lag the log, and the log says by how much: its
``ProjectionsAdvanced`` records put each projection's checkpoint in the
world as of every position.  A projection's documents as of position *p*
are its own fold of the log up to its checkpoint at *p* — not up to *p*:
that difference is the staleness the panel shows.

The fold is the projection's running handlers fed into memory
(:class:`~ddd_sim.runtime.document_history.DocumentHistory`), built
lazily for the projections someone looks at, a slice per question: a
question the fold cannot answer within its budget says how far it got, and
the asker asks again.  Later questions cost a snapshot and a short replay.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ddd_sim.runtime.document_history import (
    SNAPSHOT_EVERY,
    DocumentHistory,
    DocumentTexts,
)
from ddd_sim.shared.errors import UnknownMessage

if TYPE_CHECKING:
    from ddd_sim.runtime.session.session import Session

KEEP = 3
"""Projections whose folded history is kept (the ones looked at last)."""
BUDGET_S = 0.06
"""Folding done per question before it answers "not yet" (seconds)."""


@dataclass(frozen=True, slots=True)
class DocumentsAsOf:
    """One projection's documents as they were at a position: at its checkpoint then."""

    projection: str
    version: int
    position: int
    checkpoint: int
    documents: DocumentTexts
    """Document key to its JSON text (read-only)."""


@dataclass(frozen=True, slots=True)
class StillFolding:
    """Not answered yet: the fold has reached ``folded`` of ``checkpoint``."""

    projection: str
    version: int
    position: int
    checkpoint: int
    folded: int

    @property
    def fraction(self) -> float:
        """How much of the way to the checkpoint is folded (0 to 1)."""
        return self.folded / self.checkpoint if self.checkpoint else 1.0


class ReadModelsAsOf:
    """Answers "which documents did this projection hold at position p?"."""

    def __init__(
        self,
        session: Session,
        *,
        keep: int = KEEP,
        snapshot_every: int = SNAPSHOT_EVERY,
        budget_s: float = BUDGET_S,
    ) -> None:
        self._session = session
        self._keep = keep
        self.budget_s = budget_s
        """Folding done per question before answering "not yet" (seconds)."""
        self._every = snapshot_every
        self._histories: OrderedDict[tuple[str, int], DocumentHistory] = OrderedDict()

    def checkpoint_at(self, projection: str, position: int) -> int:
        """The projection's checkpoint as the log recorded it at ``position``."""
        index = self._session.index
        world = index.at(max(0, min(position, index.head)))
        return next(
            (row.checkpoint for row in world.projections if row.name == projection),
            0,
        )

    def documents(
        self, projection: str, position: int, *, budget_s: float | None = -1.0
    ) -> DocumentsAsOf | StillFolding:
        """The documents at ``position``, or how far the fold has got.

        ``budget_s`` bounds the folding done now (the default: this object's
        :attr:`budget_s`; None folds all the way).
        """
        if budget_s is not None and budget_s < 0:
            budget_s = self.budget_s
        history, version = self._history(projection)
        checkpoint = self.checkpoint_at(projection, position)
        if history.folded < checkpoint:
            deadline = None if budget_s is None else time.perf_counter() + budget_s
            history.fold(checkpoint, deadline=deadline)
            if history.folded < checkpoint:
                return StillFolding(
                    projection, version, position, checkpoint, history.folded
                )
        return DocumentsAsOf(
            projection, version, position, checkpoint, history.at(checkpoint)
        )

    def _history(self, projection: str) -> tuple[DocumentHistory, int]:
        shop = self._session.shop
        if shop is None:
            raise UnknownMessage("this session has no read models")
        runner = shop.projections
        version = runner.projection(projection).version
        key = (projection, version)
        history = self._histories.get(key)
        if history is None:
            consumer, types = runner.replica(projection)
            history = DocumentHistory(
                self._session.store,
                consumer,
                consumer.collection,
                types,
                snapshot_every=self._every,
            )
            self._histories[key] = history
            while len(self._histories) > self._keep:
                self._histories.popitem(last=False)
        self._histories.move_to_end(key)
        return history, version

    def memory(self) -> dict[str, dict[str, int]]:
        """What each kept history holds, in bytes, by part."""
        return {
            f"{name} v{version}": history.memory()
            for (name, version), history in self._histories.items()
        }
