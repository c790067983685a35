"""Rows by key in copy-on-write blocks: a snapshot costs a list of block refs.

Rows are numbered in the order their keys first appear (ordinals never
change), and stored in blocks of :data:`BLOCK` rows.  Taking a snapshot hands
out the current blocks and forgets that it owns them, so the next write to a
block copies that block first: a snapshot costs one pointer per block, and
each write after it at most one block copy.  That is what lets the world be
kept as of every few thousand positions without copying every order each time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

R = TypeVar("R")
BLOCK = 256


@dataclass(frozen=True, slots=True)
class Frozen:
    """A table as it was: its blocks (never written again), size, status counts."""

    blocks: tuple[list[Any], ...]
    count: int
    counts: tuple[tuple[str, int], ...]


class Table(Generic[R]):
    """Rows by key; ``status`` (if given) keeps a count of rows per status."""

    def __init__(
        self,
        keys: dict[str, int],
        status: Callable[[R], str] | None = None,
        frozen: Frozen | None = None,
    ) -> None:
        self.keys = keys  # shared, append-only: key -> ordinal
        self._status = status
        self._blocks: list[list[Any]] = list(frozen.blocks) if frozen else []
        self._owned: set[int] = set()
        self.count = frozen.count if frozen else 0
        self.counts: dict[str, int] = dict(frozen.counts) if frozen else {}

    def ordinal(self, key: str) -> int:
        """The key's row number (a new one for a new key)."""
        found = self.keys.get(key)
        if found is None:
            found = self.keys[key] = len(self.keys)
        return found

    def get(self, key: str) -> R | None:
        """The row of a key as of this table's position, or None."""
        ordinal = self.keys.get(key)
        if ordinal is None or ordinal >= self.count:
            return None
        row: R | None = self._blocks[ordinal // BLOCK][ordinal % BLOCK]
        return row

    def row(self, ordinal: int) -> R | None:
        if ordinal >= self.count:
            return None
        row: R | None = self._blocks[ordinal // BLOCK][ordinal % BLOCK]
        return row

    def set(self, ordinal: int, row: R | None) -> None:
        """Write a row (copying its block first if a snapshot shares it)."""
        index, offset = divmod(ordinal, BLOCK)
        blocks = self._blocks
        while len(blocks) <= index:
            blocks.append([None] * BLOCK)
            self._owned.add(len(blocks) - 1)
        if index not in self._owned:
            blocks[index] = list(blocks[index])
            self._owned.add(index)
        block = blocks[index]
        if self._status is not None:
            old = block[offset]
            if old is not None:
                status = self._status(old)
                self.counts[status] = self.counts[status] - 1
            if row is not None:
                status = self._status(row)
                self.counts[status] = self.counts.get(status, 0) + 1
        block[offset] = row
        if ordinal >= self.count:
            self.count = ordinal + 1

    def freeze(self) -> Frozen:
        """A snapshot; later writes copy the blocks they touch."""
        self._owned.clear()
        return Frozen(tuple(self._blocks), self.count, tuple(self.counts.items()))

    def rows(self) -> RowView[R]:
        """The rows (None-free) as a read-only sequence, in creation order."""
        return RowView(tuple(self._blocks), self.count)

    def mapping(self) -> KeyView[R]:
        """The rows by key, as a read-only mapping."""
        return KeyView(self.keys, tuple(self._blocks), self.count)


class RowView(Sequence[R]):
    """Read-only rows in creation order (rows that are None are skipped)."""

    def __init__(self, blocks: tuple[list[Any], ...], count: int) -> None:
        self._blocks = blocks
        self._count = count

    def _all(self) -> Iterator[R]:
        remaining = self._count
        for block in self._blocks:
            for row in block[: min(BLOCK, remaining)]:
                if row is not None:
                    yield row
            remaining -= BLOCK
            if remaining <= 0:
                return

    def __iter__(self) -> Iterator[R]:
        return self._all()

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> R: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[R]: ...

    def __getitem__(self, index: int | slice) -> R | Sequence[R]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        row: R = self._blocks[index // BLOCK][index % BLOCK]
        return row


class KeyView(Mapping[str, R]):
    """Read-only rows by key as of one position."""

    def __init__(self, keys: dict[str, int], blocks: tuple[list[Any], ...], count: int):
        self._keys = keys
        self._blocks = blocks
        self._count = count

    def __getitem__(self, key: str) -> R:
        ordinal = self._keys.get(key)
        if ordinal is None or ordinal >= self._count:
            raise KeyError(key)
        row: R | None = self._blocks[ordinal // BLOCK][ordinal % BLOCK]
        if row is None:
            raise KeyError(key)
        return row

    def __iter__(self) -> Iterator[str]:
        for key, ordinal in self._keys.items():
            if (
                ordinal < self._count
                and self._blocks[ordinal // BLOCK][ordinal % BLOCK] is not None
            ):
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)
