"""An append-only list kept in fixed-size chunks: growing it never copies it.

A Python list of a million rows grows by reallocating its array of
pointers, which copies it: 24 ms of the window's time, every eighth or so
more rows.  A table model that keeps every entry of a large log keeps them
here instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar, overload

T = TypeVar("T")

CHUNK = 1 << 16
"""Items per chunk."""


class ChunkedList(Sequence[T]):
    """Append-only; indexing and iteration as a list's."""

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._chunks: list[list[T]] = []
        self._size = 0
        self.extend(items)

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._size))]
        if index < 0:
            index += self._size
        if not 0 <= index < self._size:
            raise IndexError(f"index {index} is outside the list's {self._size}")
        return self._chunks[index // CHUNK][index % CHUNK]

    def __iter__(self) -> Iterator[T]:
        for chunk in self._chunks:
            yield from chunk

    def extend(self, items: Iterable[T]) -> None:
        """Append items at the end."""
        pending = list(items)
        taken = 0
        while taken < len(pending):
            if not self._chunks or len(self._chunks[-1]) == CHUNK:
                self._chunks.append([])
            last = self._chunks[-1]
            room = CHUNK - len(last)
            last.extend(pending[taken : taken + room])
            taken += min(room, len(pending) - taken)
        self._size += len(pending)
