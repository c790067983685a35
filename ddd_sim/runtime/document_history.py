"""One projection's documents as of any position, folded in memory once.

A :class:`DocumentHistory` feeds the projection's own consumer (the same
decoding, translation and handlers the runner uses) the log in order, into
an in-memory map instead of the store.  Documents are kept as canonical
JSON text, as a store keeps them, so what a handler reads back is what it
would have read from the store.  Every :data:`SNAPSHOT_EVERY` positions
the map is frozen; a snapshot costs one pointer per block of documents
(blocks are copied on their first write after a freeze, and documents are
numbered in the order they first appear, so only recent blocks change).
The documents as of position *p* are the snapshot at or below *p* with at
most ``SNAPSHOT_EVERY`` positions of the log replayed on top.  Each state
also counts the documents holding each field, and the keys are kept in
sorted order as they appear, so a table of a state needs neither a parse
of every document nor a sort.

Folding goes forward only and in slices (a page of events at a time, up to
a deadline), so the thread doing it can answer other questions meanwhile.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ddd_sim.runtime.subscriptions import Consumer
from ddd_sim.runtime.world.tables import KeyIndex
from ddd_sim.shared.events import JsonObject
from ddd_sim.shared.ports import EventStore

SNAPSHOT_EVERY = 512
"""Log positions between two snapshots: the most an answer replays."""
PAGE = 500
"""Events read from the store at a time."""
BLOCK = 256
_SHIFT = 8  # log2(BLOCK)
_MASK = BLOCK - 1

Slot = tuple[str, tuple[str, ...]]
"""A document: its JSON text and its top-level field names (one tuple per shape)."""
Blocks = tuple[list[Slot | None], ...]


@dataclass(frozen=True, slots=True)
class Frozen:
    """A document map as it was: blocks nobody writes again, size, field counts."""

    blocks: Blocks = ()
    count: int = 0
    fields: tuple[tuple[str, int], ...] = ()
    """How many documents hold each top-level field (the table's columns)."""


EMPTY = Frozen()


def _text(document: JsonObject) -> str:
    """Canonical JSON: sorted keys, no spaces (one text per value, as stored)."""
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


class KeyOrder:
    """Ordinals sorted by their keys, kept up as keys are numbered (append-only)."""

    __slots__ = ("_keys", "_order")

    def __init__(self, keys: KeyIndex) -> None:
        self._keys = keys
        self._order: list[int] = []

    def ordinals(self) -> list[int]:
        """Every numbered key's ordinal, in key order."""
        names = self._keys.names
        done = len(self._order)
        if done < len(names):
            fresh = sorted(range(done, len(names)), key=names.__getitem__)
            # two sorted runs: the sort merges them
            self._order = sorted(self._order + fresh, key=names.__getitem__)
        return self._order


class DocumentMap:
    """Documents by key as JSON text, in copy-on-write blocks; a consumer's writer.

    It answers the store's document calls for one collection (the
    projection's own); writes to any other (a refusal's record) are not
    documents of the projection and are dropped.
    """

    __slots__ = (
        "_blocks",
        "_owned",
        "_shapes",
        "collection",
        "count",
        "fields",
        "keys",
    )

    def __init__(
        self,
        keys: KeyIndex,
        collection: str,
        shapes: dict[tuple[str, ...], tuple[str, ...]],
        frozen: Frozen = EMPTY,
    ) -> None:
        self.keys = keys
        self.collection = collection
        self._shapes = shapes
        self._blocks: list[list[Slot | None]] = list(frozen.blocks)
        self._owned: set[int] = set()
        self.count = frozen.count
        self.fields: dict[str, int] = dict(frozen.fields)

    def text(self, key: str) -> str | None:
        """A document's JSON text, or None if absent."""
        ordinal = self.keys.get(key)
        if ordinal is None or ordinal >= self.count:
            return None
        slot = self._blocks[ordinal >> _SHIFT][ordinal & _MASK]
        return None if slot is None else slot[0]

    def get_document(self, collection: str, key: str) -> JsonObject | None:
        if collection != self.collection:
            return None
        text = self.text(key)
        document: JsonObject | None = None if text is None else json.loads(text)
        return document

    def put_document(self, collection: str, key: str, document: JsonObject) -> None:
        if collection != self.collection:
            return
        ordinal = self.keys.get(key)
        if ordinal is None:
            ordinal = self.keys.add(key)
        shape = tuple(sorted(document))
        self._set(ordinal, (_text(document), self._shapes.setdefault(shape, shape)))

    def delete_document(self, collection: str, key: str) -> None:
        if collection == self.collection:
            ordinal = self.keys.get(key)
            if ordinal is not None and ordinal < self.count:
                self._set(ordinal, None)

    def _set(self, ordinal: int, slot: Slot | None) -> None:
        """Write one slot, copying its block first if a snapshot shares it."""
        index = ordinal >> _SHIFT
        blocks = self._blocks
        while index >= len(blocks):
            self._owned.add(len(blocks))
            blocks.append([None] * BLOCK)
        if index not in self._owned:
            blocks[index] = blocks[index].copy()
            self._owned.add(index)
        block, fields = blocks[index], self.fields
        old = block[ordinal & _MASK]
        if old is not None:
            for name in old[1]:
                fields[name] -= 1
        if slot is not None:
            for name in slot[1]:
                fields[name] = fields.get(name, 0) + 1
        block[ordinal & _MASK] = slot
        if ordinal >= self.count:
            self.count = ordinal + 1

    def freeze(self) -> Frozen:
        """The map as it is; later writes copy the blocks they touch."""
        self._owned.clear()
        return Frozen(tuple(self._blocks), self.count, tuple(self.fields.items()))


class DocumentTexts(Mapping[str, str]):
    """Read-only documents by key (JSON text) over blocks nobody writes any more."""

    __slots__ = ("_frozen", "_keys", "_order", "_size")

    def __init__(self, keys: KeyIndex, order: KeyOrder, frozen: Frozen) -> None:
        self._keys = keys
        self._order = order
        self._frozen = frozen
        self._size = -1

    def __getitem__(self, key: str) -> str:
        ordinal = self._keys.get(key)
        if ordinal is not None and ordinal < self._frozen.count:
            slot = self._frozen.blocks[ordinal >> _SHIFT][ordinal & _MASK]
            if slot is not None:
                return slot[0]
        raise KeyError(key)

    def items_in_order(self) -> Iterator[tuple[str, str]]:
        """(key, text) of every document, in the order keys first appeared."""
        names = self._keys.names
        remaining = self._frozen.count
        base = 0
        for block in self._frozen.blocks:
            for offset, slot in enumerate(block[: min(remaining, BLOCK)]):
                if slot is not None:
                    yield names[base + offset], slot[0]
            remaining -= BLOCK
            base += BLOCK
            if remaining <= 0:
                return

    def by_key(self) -> list[tuple[str, str]]:
        """(key, text) of every document, sorted by key (without sorting them)."""
        names, blocks, count = self._keys.names, self._frozen.blocks, self._frozen.count
        found = []
        for ordinal in self._order.ordinals():
            if ordinal < count:
                slot = blocks[ordinal >> _SHIFT][ordinal & _MASK]
                if slot is not None:
                    found.append((names[ordinal], slot[0]))
        return found

    def columns(self) -> tuple[str, ...]:
        """Every top-level field some document holds, sorted."""
        return tuple(sorted(name for name, held in self._frozen.fields if held))

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self.items_in_order())

    def __len__(self) -> int:
        if self._size < 0:
            self._size = sum(1 for _ in self.items_in_order())
        return self._size

    def parsed(self) -> dict[str, JsonObject]:
        """Every document as a fresh JSON object (what a store's reader returns)."""
        return {key: json.loads(text) for key, text in self.items_in_order()}


class DocumentHistory:
    """A projection folded in memory with snapshots: its documents at any position."""

    def __init__(
        self,
        store: EventStore,
        consumer: Consumer,
        collection: str,
        types: tuple[str, ...],
        *,
        snapshot_every: int = SNAPSHOT_EVERY,
        page: int = PAGE,
    ) -> None:
        if snapshot_every < 1:
            raise ValueError(f"snapshot_every must be >= 1, got {snapshot_every}")
        self._store = store
        self._consumer = consumer
        self._types = types
        self._every = snapshot_every
        self._page = page
        self._keys = KeyIndex()
        self._order = KeyOrder(self._keys)
        self._shapes: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._live = DocumentMap(self._keys, collection, self._shapes)
        # _snapshots[i]: the map just after position i * snapshot_every
        self._snapshots: list[Frozen] = [self._live.freeze()]
        self.folded = 0
        """Every event up to this position has been folded."""

    def fold(self, until: int, *, deadline: float | None = None) -> int:
        """Fold forward to ``until`` (or until ``deadline``, a perf_counter time).

        Returns the position folded to.  At least one page is folded per
        call, so repeated calls always get there.
        """
        every = self._every
        while self.folded < until:
            boundary = (self.folded // every + 1) * every
            bound = min(until, boundary)
            self.folded = self._apply(self._live, self.folded, bound, self._page)
            if self.folded == boundary:
                self._snapshots.append(self._live.freeze())
            if deadline is not None and time.perf_counter() >= deadline:
                break
        return self.folded

    def _apply(
        self, target: DocumentMap, start: int, bound: int, limit: int | None
    ) -> int:
        """Feed events in ``(start, bound]`` (at most ``limit``); where it got."""
        page = list(
            self._store.read_all(
                from_position=start + 1,
                to_position=bound,
                types=self._types,
                limit=limit,
            )
        )
        handle = self._consumer.handle
        for event in page:
            handle(event, target)
        touched = getattr(self._consumer, "touched", None)
        if isinstance(touched, set):
            touched.clear()  # nobody invalidates caches from a replay
        return page[-1].global_position if limit and len(page) == limit else bound

    def at(self, position: int) -> DocumentTexts:
        """The documents just after ``position`` (folded already) was handled."""
        if not 0 <= position <= self.folded:
            raise ValueError(
                f"position {position} is not folded yet (folded to {self.folded})"
            )
        if position == self.folded:
            return DocumentTexts(self._keys, self._order, self._live.freeze())
        base = position // self._every
        replaying = DocumentMap(
            self._keys, self._live.collection, self._shapes, self._snapshots[base]
        )
        self._apply(replaying, base * self._every, position, None)
        return DocumentTexts(self._keys, self._order, replaying.freeze())

    def memory(self) -> dict[str, int]:
        """Roughly what the history holds, in bytes, by part."""
        blocks: dict[int, list[Slot | None]] = {}
        structure = 0
        for frozen in (*self._snapshots, self._live.freeze()):
            structure += sys.getsizeof(frozen.blocks) + sys.getsizeof(frozen.fields)
            blocks.update((id(block), block) for block in frozen.blocks)
        texts: dict[int, str] = {}
        for block in blocks.values():
            structure += sys.getsizeof(block)
            for slot in block:
                if slot is not None:
                    structure += sys.getsizeof(slot)
                    texts[id(slot[0])] = slot[0]
        names = self._keys.names
        return {
            f"snapshots ({len(self._snapshots)}) and blocks": structure,
            f"document texts ({len(texts)} versions)": sum(
                sys.getsizeof(t) for t in texts.values()
            ),
            "keys": sys.getsizeof(self._keys.ordinals)
            + sys.getsizeof(names)
            + sum(sys.getsizeof(n) for n in names),
        }
