"""Read models now, kept up by what each batch wrote instead of read again whole.

The projection runner tells its listeners which document keys each
committed batch wrote (a rebuild tells every key).  For the few projections
someone looks at, this keeps their documents as canonical JSON text, sorted
by key, with a count of the documents holding each top-level field (the
table's columns), and the keys written since the last answer.  An answer
re-reads only those keys; a first look, a new handler version, a new
runner, or more changed keys than a full read costs reads everything.

A session that only watches a run (another program writes the documents,
so nobody tells it what was written) reads everything whenever a
projection's checkpoint moved.
"""

from __future__ import annotations

import json
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ddd_sim.shared.events import JsonObject

if TYPE_CHECKING:
    from ddd_sim.runtime.projections import ProjectionRunner
    from ddd_sim.runtime.session.session import Session

KEEP = 3
"""Projections kept up at once (the ones asked for last)."""
FULL_SHARE = 0.2
"""Past this share of its documents changed, a projection is read whole."""
SHUFFLE = 256
"""Keys added or removed one by one; past that the key order is rebuilt."""


def canonical(document: JsonObject) -> str:
    """A document as the store keeps it: sorted keys, no spaces."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


@dataclass(frozen=True, slots=True)
class LiveDocuments:
    """One projection's documents now: keys in order, their JSON texts, columns.

    Two answers with nothing changed between them share their tuples, so
    comparing them costs a pointer per document.
    """

    projection: str
    version: int
    checkpoint: int
    keys: tuple[str, ...]
    texts: tuple[str, ...]
    columns: tuple[str, ...]
    reads: int
    """Documents read from the store for this answer (0: nothing moved)."""


class _Kept:
    """One projection's documents as last read, and the keys written since."""

    def __init__(self, version: int, collection: str) -> None:
        self.version = version
        self.collection = collection
        self.checkpoint = -1
        self.keys: list[str] = []
        self.texts: list[str] = []
        self.fields: dict[str, int] = {}
        self.touched: set[str] = set()
        self.whole = False
        """So many were written that reading them all again costs less."""
        self.dirty = True
        """The documents changed since the last answer."""
        self.answer: LiveDocuments | None = None

    def count(self, names: Iterable[str], by: int) -> None:
        """Add ``by`` to each field's document count."""
        for name in names:
            self.fields[name] = self.fields.get(name, 0) + by

    def load(self, documents: Mapping[str, JsonObject], checkpoint: int) -> int:
        """Every document, read whole."""
        self.keys = sorted(documents)
        self.texts = [canonical(documents[key]) for key in self.keys]
        self.fields = {}
        for document in documents.values():
            self.count(document, 1)
        self.touched.clear()
        self.whole = False
        self.checkpoint = checkpoint
        self.dirty = True
        return len(self.keys)

    def patch(
        self, changed: Mapping[str, JsonObject | None], checkpoint: int, shuffle: int
    ) -> int:
        """Documents written since (None: deleted), over the ones kept; up to
        ``shuffle`` keys come and go one by one, more rebuild the key order."""
        keys, texts = self.keys, self.texts
        added: dict[str, str] = {}
        removed: list[int] = []
        for key, document in changed.items():
            at = bisect_left(keys, key)
            present = at < len(keys) and keys[at] == key
            text = None if document is None else canonical(document)
            if present and text == texts[at]:
                continue
            self.dirty = True
            if present:
                self.count(json.loads(texts[at]), -1)
                if text is None:
                    removed.append(at)
                else:
                    texts[at] = text
            if document is not None and text is not None:
                self.count(document, 1)
                if not present:
                    added[key] = text
        if len(removed) <= shuffle:
            for at in sorted(removed, reverse=True):
                del keys[at], texts[at]
        else:
            keys, texts = _without(keys, texts, sorted(removed))
        if len(added) <= shuffle:
            for key, text in added.items():
                at = bisect_left(keys, key)
                keys.insert(at, key)
                texts.insert(at, text)
        else:
            keys, texts = _merged(keys, texts, sorted(added.items()))
        self.keys, self.texts = keys, texts
        self.touched.clear()
        self.checkpoint = checkpoint
        return len(changed)


def _without(
    keys: list[str], texts: list[str], gone: list[int]
) -> tuple[list[str], list[str]]:
    """Both lists without the rows at the (sorted) indexes ``gone``, by slices."""
    new_keys: list[str] = []
    new_texts: list[str] = []
    start = 0
    for at in gone:
        new_keys += keys[start:at]
        new_texts += texts[start:at]
        start = at + 1
    new_keys += keys[start:]
    new_texts += texts[start:]
    return new_keys, new_texts


def _merged(
    keys: list[str], texts: list[str], added: list[tuple[str, str]]
) -> tuple[list[str], list[str]]:
    """Both lists with new (sorted) rows merged in, by slices."""
    new_keys: list[str] = []
    new_texts: list[str] = []
    start = 0
    for key, text in added:
        at = bisect_left(keys, key, start)
        new_keys += keys[start:at]
        new_texts += texts[start:at]
        new_keys.append(key)
        new_texts.append(text)
        start = at
    new_keys += keys[start:]
    new_texts += texts[start:]
    return new_keys, new_texts


class LiveReadModels:
    """Answers "which documents does this projection hold now?", reading little."""

    def __init__(
        self,
        session: Session,
        *,
        keep: int = KEEP,
        full_share: float = FULL_SHARE,
        shuffle: int = SHUFFLE,
    ) -> None:
        self._session = session
        self._keep = keep
        self._full_share = full_share
        self._shuffle = shuffle
        self._runner: ProjectionRunner | None = None
        self._kept: OrderedDict[str, _Kept] = OrderedDict()

    def _told(self, runner: ProjectionRunner, name: str, keys: frozenset[str]) -> None:
        """A batch committed: remember its keys if the projection is kept."""
        kept = self._kept.get(name)
        if runner is self._runner and kept is not None and not kept.whole:
            kept.touched.update(keys)
            if len(kept.touched) > max(64, self._full_share * len(kept.keys)):
                kept.whole = True  # and nothing more to remember until then
                kept.touched.clear()

    def _listen(self, runner: ProjectionRunner) -> None:
        """Follow a (new) runner; what was kept of another one is dropped."""
        if runner is not self._runner:
            self._kept.clear()
            self._runner = runner
            runner.subscribe(lambda name, keys: self._told(runner, name, keys))

    def documents(self, projection: str) -> LiveDocuments:
        """The projection's documents now (only keys written since last time read)."""
        shop = self._session.shop
        if shop is None:
            raise LookupError("this session has no read models")
        runner = shop.projections
        self._listen(runner)
        version = runner.projection(projection).version
        collection = runner.reader(projection).collection
        kept = self._kept.get(projection)
        if kept is None or (kept.version, kept.collection) != (version, collection):
            kept = self._kept[projection] = _Kept(version, collection)
            while len(self._kept) > self._keep:
                self._kept.popitem(last=False)
        self._kept.move_to_end(projection)
        checkpoint = runner.checkpoint(projection)
        reads = self._catch_up(kept, runner, projection, checkpoint)
        previous = kept.answer
        if kept.dirty or previous is None:
            kept.dirty = False
            previous = kept.answer = LiveDocuments(
                projection,
                version,
                checkpoint,
                tuple(kept.keys),
                tuple(kept.texts),
                tuple(sorted(name for name, held in kept.fields.items() if held)),
                reads,
            )
        elif (previous.checkpoint, previous.reads) != (checkpoint, reads):
            previous = kept.answer = replace(
                previous, checkpoint=checkpoint, reads=reads
            )
        return previous

    def _catch_up(
        self, kept: _Kept, runner: ProjectionRunner, projection: str, checkpoint: int
    ) -> int:
        """Bring ``kept`` up to the store; the documents read to do it."""
        told = self._session.simulation is not None  # nobody else writes them
        if (
            kept.checkpoint < 0
            or kept.whole
            or (not told and checkpoint != kept.checkpoint)
        ):
            return kept.load(runner.reader(projection).all(), checkpoint)
        if not kept.touched:
            kept.checkpoint = checkpoint
            return 0
        reader = runner.reader(projection)
        changed = {key: reader.get(key) for key in sorted(kept.touched)}
        return kept.patch(changed, checkpoint, self._shuffle)
