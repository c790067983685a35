"""Rows by ordinal in copy-on-write blocks: a snapshot costs a tuple of block refs.

Rows are numbered in the order their keys first appear (an ordinal never
changes, and is handed out only together with the row's first write), and
stored in blocks of :data:`BLOCK` rows.  Freezing a table hands out its
current blocks and forgets that it owns them, so the next write to a block
copies that block first: a snapshot costs one pointer per block, and each
write after it at most one block copy.  Orders and sagas are many but mostly
finished, so between two snapshots only the last block or two change: that
is what lets the world be kept every thousand positions for little memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

R = TypeVar("R")
BLOCK = 256  # rows per block: the shifts below (>> 8, & 255) assume it


@dataclass(frozen=True, slots=True)
class Frozen:
    """A table as it was: its blocks (never written again), size, status counts."""

    blocks: tuple[list[Any], ...]
    count: int
    counts: tuple[tuple[str, int], ...]


EMPTY = Frozen((), 0, ())


class KeyIndex:
    """Keys by ordinal and back, append-only: shared by every state of one index.

    Readers of a world only look at ordinals below the world's row count, by
    index into :attr:`names`, so a fold adding keys meanwhile (on another
    thread) never disturbs them.
    """

    __slots__ = ("names", "ordinals")

    def __init__(self) -> None:
        self.ordinals: dict[str, int] = {}
        self.names: list[str] = []

    def __contains__(self, key: str) -> bool:
        return key in self.ordinals

    def __len__(self) -> int:
        return len(self.names)

    def get(self, key: str) -> int | None:
        """The ordinal of a key, or None if it never appeared."""
        return self.ordinals.get(key)

    def add(self, key: str) -> int:
        """Number a key seen for the first time (its row must be set next)."""
        ordinal = len(self.names)
        self.names.append(key)
        self.ordinals[key] = ordinal
        return ordinal

    def truncate(self, length: int) -> None:
        """Forget the keys numbered from ``length`` on (their rows were never set)."""
        for key in self.names[length:]:
            del self.ordinals[key]
        del self.names[length:]


class Table(Generic[R]):
    """Rows by ordinal; ``phase`` (if given) keeps a count of rows per phase."""

    __slots__ = ("_blocks", "_owned", "_phase", "count", "counts", "keys")

    def __init__(
        self,
        keys: KeyIndex,
        phase: Callable[[R], str] | None = None,
        frozen: Frozen = EMPTY,
    ) -> None:
        self.keys = keys
        self._phase = phase
        self._blocks: list[list[Any]] = list(frozen.blocks)
        self._owned: set[int] = set()
        self.count = frozen.count
        self.counts: dict[str, int] = dict(frozen.counts)

    def row(self, ordinal: int) -> R:
        """The row at an ordinal below :attr:`count`."""
        row: R = self._blocks[ordinal >> 8][ordinal & 255]
        return row

    def get(self, key: str) -> R | None:
        """The row of a key as of this table's position, or None."""
        ordinal = self.keys.get(key)
        if ordinal is None or ordinal >= self.count:
            return None
        return self.row(ordinal)

    def set(self, ordinal: int, row: R) -> None:
        """Write a row, copying its block first if a snapshot shares it."""
        index = ordinal >> 8
        blocks = self._blocks
        if index >= len(blocks):
            blocks.append([None] * BLOCK)
            self._owned.add(index)
        elif index not in self._owned:
            blocks[index] = blocks[index].copy()
            self._owned.add(index)
        block = blocks[index]
        phase = self._phase
        if phase is not None:
            counts = self.counts
            old = block[ordinal & 255]
            if old is not None:
                counts[phase(old)] -= 1
            name = phase(row)
            counts[name] = counts.get(name, 0) + 1
        block[ordinal & 255] = row
        if ordinal >= self.count:
            self.count = ordinal + 1

    def freeze(self) -> Frozen:
        """A snapshot; later writes copy the blocks they touch."""
        self._owned.clear()
        return Frozen(tuple(self._blocks), self.count, tuple(self.counts.items()))

    def rows(self) -> RowView[R]:
        """The rows in creation order, as a read-only sequence."""
        return RowView(tuple(self._blocks), self.count)

    def mapping(self) -> KeyView[R]:
        """The rows by key, as a read-only mapping."""
        return KeyView(self.keys, tuple(self._blocks), self.count)


class RowView(Sequence[R]):
    """Read-only rows in creation order over blocks nobody writes any more."""

    __slots__ = ("_blocks", "_count")

    def __init__(self, blocks: tuple[list[Any], ...], count: int) -> None:
        self._blocks = blocks
        self._count = count

    def __iter__(self) -> Iterator[R]:
        remaining = self._count
        for block in self._blocks:
            if remaining <= 0:
                return
            yield from (block[:remaining] if remaining < BLOCK else block)
            remaining -= BLOCK

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> R: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[R]: ...

    def __getitem__(self, index: int | slice) -> R | Sequence[R]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(self._count)))
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(f"row {index} of {self._count}")
        row: R = self._blocks[index >> 8][index & 255]
        return row

    def __repr__(self) -> str:
        return f"RowView({self._count} rows)"


class KeyView(Mapping[str, R]):
    """Read-only rows by key as of one position."""

    __slots__ = ("_blocks", "_count", "_keys")

    def __init__(
        self, keys: KeyIndex, blocks: tuple[list[Any], ...], count: int
    ) -> None:
        self._keys = keys
        self._blocks = blocks
        self._count = count

    def __getitem__(self, key: str) -> R:
        ordinal = self._keys.get(key)
        if ordinal is None or ordinal >= self._count:
            raise KeyError(key)
        row: R = self._blocks[ordinal >> 8][ordinal & 255]
        return row

    def __iter__(self) -> Iterator[str]:
        names = self._keys.names
        for ordinal in range(self._count):
            yield names[ordinal]

    def __len__(self) -> int:
        return self._count

    def __repr__(self) -> str:
        return f"KeyView({self._count} rows)"
