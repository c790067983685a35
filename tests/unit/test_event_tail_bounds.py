"""The tail's bounds: what a writer's segment and the held tail may keep."""

from __future__ import annotations

from ddd_sim.infrastructure.eventstore.codec import (
    RowDecoder,
    build_rows,
    encode_batch,
    uuid_from_bytes,
    uuid_to_bytes,
)
from ddd_sim.infrastructure.eventstore.tail import EventTail, TailSegment
from tests.contract.support import batch

DECODER = RowDecoder(None, to_uuid=uuid_from_bytes)


def _rows(first: int, n: int) -> list[tuple[object, ...]]:
    return build_rows(
        "s-1", encode_batch(batch(n, start=first)), first, first, 0.0, uuid_to_bytes
    )


def test_a_gap_between_a_writers_rows_abandons_the_segment() -> None:
    segment = TailSegment(100)
    segment.add(_rows(1, 3))
    segment.add(_rows(5, 1))  # position 4 is missing
    assert segment.broken
    assert segment.rows == []
    segment.add(_rows(6, 1))
    assert segment.rows == []  # stays abandoned until its commit


def test_a_writer_keeps_no_more_rows_than_the_capacity() -> None:
    segment = TailSegment(4)
    segment.add(_rows(1, 4))
    assert not segment.broken
    segment.add(_rows(5, 1))
    assert segment.broken
    assert segment.rows == []


def test_an_abandoned_segment_empties_the_tail_when_it_commits() -> None:
    tail = EventTail(DECODER, capacity=10)
    written = tail.segment()
    written.add(_rows(1, 3))
    tail.publish(written)
    held = tail.take(1, None)
    assert held is not None
    assert [r.payload for r in held[1]] == [{"n": 1}, {"n": 2}, {"n": 3}]
    broken = tail.segment()
    broken.abandon()
    tail.publish(broken)
    assert tail.take(1, None) is None


def test_the_held_tail_keeps_the_latest_positions_within_its_bound() -> None:
    tail = EventTail(DECODER, capacity=8)
    for first in range(1, 43, 3):  # positions 1 to 42, three per commit
        written = tail.segment()
        written.add(_rows(first, 3))
        tail.publish(written)
    kept = [p for p in range(1, 43) if tail.take(p, p) is not None]
    assert kept == list(range(43 - len(kept), 43))  # the latest, contiguous
    assert 8 <= len(kept) <= 9  # trimmed to 8 once it holds more than 9
    rows, records = tail.take(kept[0], None) or ([], [])
    assert [r.global_position for r in records] == [r[0] for r in rows] == kept
    assert [r.payload["n"] for r in records] == kept
