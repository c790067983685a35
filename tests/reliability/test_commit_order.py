"""T3: global position = commit order, so a catch-up reader never skips an event.

Writers commit batches at the same moment while a reader polls
``read_all(from_position=last + 1)`` the whole time.  On PostgreSQL this holds
only because appenders take a table lock: without it two transactions number
their rows from the same maximum.  Some transactions are forced to roll back
after appending; the reader must never see their events, and positions must
stay gapless.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from dataclasses import dataclass, field

import pytest

from ddd_sim.shared.events import AppendResult, NewEvent
from ddd_sim.shared.ports import EventStore


class Doomed(Exception):
    """Raised inside a transaction after its append, to roll it back."""


@dataclass
class Workload:
    writers: int
    rounds: int
    batch: int
    rollback_every: int | None  # roll back when (round + writer) % this == 0


@dataclass
class Outcome:
    committed: list[tuple[AppendResult, list[uuid.UUID]]] = field(default_factory=list)
    rolled_back: set[uuid.UUID] = field(default_factory=set)
    errors: list[BaseException] = field(default_factory=list)
    seen: list[tuple[int, uuid.UUID]] = field(default_factory=list)
    reader_faults: list[str] = field(default_factory=list)
    fruitful_reads: int = 0
    """Reader passes that found new events: > 1 shows it read during the writes."""


def write(
    store: EventStore, load: Workload, w: int, start: threading.Barrier, out: Outcome
) -> None:
    try:
        for r in range(load.rounds):
            events = [
                NewEvent(
                    event_id=uuid.uuid4(),
                    type="Batched",
                    payload={"w": w, "r": r, "i": i},
                )
                for i in range(load.batch)
            ]
            ids = [e.event_id for e in events]
            doomed = load.rollback_every and (r + w) % load.rollback_every == 0
            start.wait()
            if doomed:
                try:
                    with store.transaction() as tx:
                        tx.append(f"w{w}-r{r}", events, expected_version=0)
                        raise Doomed
                except Doomed:
                    out.rolled_back.update(ids)
            else:
                out.committed.append(
                    (store.append(f"w{w}-r{r}", events, expected_version=0), ids)
                )
    except BaseException as exc:
        out.errors.append(exc)
        start.abort()


def read(store: EventStore, stop: threading.Event, out: Outcome) -> None:
    last = 0
    try:
        while True:
            finished = stop.is_set()  # decided before reading: the last pass sees all
            before = last
            for event in store.read_all(from_position=last + 1):
                if event.global_position != last + 1:
                    out.reader_faults.append(
                        f"after {last} came {event.global_position}"
                    )
                last = event.global_position
                out.seen.append((last, event.event_id))
            out.fruitful_reads += last > before
            if finished:
                return
    except BaseException as exc:
        out.errors.append(exc)


def run(store: EventStore, load: Workload) -> Outcome:
    out = Outcome()
    start = threading.Barrier(load.writers)
    stop = threading.Event()
    reader = threading.Thread(target=read, args=(store, stop, out))
    writers = [
        threading.Thread(target=write, args=(store, load, w, start, out))
        for w in range(load.writers)
    ]
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=120)
    stop.set()
    reader.join(timeout=120)
    assert not reader.is_alive()
    assert not any(t.is_alive() for t in writers)
    return out


LOADS = {
    "2x1000": Workload(writers=2, rounds=5, batch=1000, rollback_every=None),
    "2x1000-rollbacks": Workload(writers=2, rounds=5, batch=1000, rollback_every=3),
    "6x5-rollbacks": Workload(writers=6, rounds=25, batch=5, rollback_every=4),
}


@pytest.mark.parametrize("name", list(LOADS))
def test_batches_commit_whole_and_the_reader_sees_each_once(
    store: EventStore, name: str
) -> None:
    load = LOADS[name]
    out = run(store, load)
    assert out.errors == []
    assert out.reader_faults == []
    assert out.fruitful_reads > 1, "the reader never read while writers committed"
    if load.rollback_every:
        assert out.rolled_back, "the workload rolled nothing back"

    ranges = sorted((r.first_position, r.last_position) for r, _ in out.committed)
    for (_, last), (first, _) in itertools.pairwise(ranges):
        assert first == last + 1, "batches interleave or leave a gap"
    total = len(out.committed) * load.batch
    assert store.head_position() == total
    for result, ids in out.committed:
        assert result.last_position - result.first_position + 1 == load.batch
        stored = store.read_all(
            from_position=result.first_position, to_position=result.last_position
        )
        assert [e.event_id for e in stored] == ids

    assert [p for p, _ in out.seen] == list(range(1, total + 1))
    seen_ids = {i for _, i in out.seen}
    assert len(seen_ids) == total
    assert seen_ids == {i for _, ids in out.committed for i in ids}
    assert not seen_ids & out.rolled_back
