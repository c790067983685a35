"""Child of the kill -9 durability test: appends planned batches until it is killed.

Run as ``python _append_child.py STORE_PATH SEED [WAL_PAGES]``.  It opens (or
creates) the store, works out where a previous, killed child stopped, prints
``START <batch>`` and then, after each batch has committed and never before,
``ACK <batch> <event-id> ...``.  Batch ``n`` of a seed is always the same
(:func:`plan`), so the parent knows every id of a batch without being told.
A non-zero ``WAL_PAGES`` makes SQLite checkpoint that often, so that kills
also land inside checkpoints.
"""

from __future__ import annotations

import os
import random
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

STREAMS = tuple(f"c-{i}" for i in range(6))
CHECKPOINT = "durability-child"
"""Group batches save ``batch + 1`` here, in the same transaction as their events."""


@dataclass(frozen=True, slots=True)
class Batch:
    """One atomic write: a plain append to one stream, or a group commit."""

    number: int
    group: bool
    appends: tuple[tuple[str, tuple[uuid.UUID, ...]], ...]
    pad: int

    @property
    def ids(self) -> list[uuid.UUID]:
        """Every event id, in the order the batch writes them."""
        return [event_id for _, ids in self.appends for event_id in ids]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def plan(seed: int, number: int) -> Batch:
    """Batch ``number`` of run ``seed``: 1-20 events over 1-3 streams."""
    rng = random.Random(f"{seed}/{number}")
    group = rng.random() < 0.5
    streams = rng.sample(STREAMS, rng.randint(2, 3) if group else 1)
    total = rng.randint(len(streams), 20)
    cuts = sorted(rng.sample(range(1, total), len(streams) - 1))
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    appends = tuple(
        (stream, tuple(_uuid(rng) for _ in range(n)))
        for stream, n in zip(streams, sizes, strict=True)
    )
    return Batch(number, group, appends, pad=rng.randrange(0, 3000))


def payload(batch: Batch, index: int) -> dict[str, object]:
    """The payload of the batch's ``index``-th event (padded so the WAL grows)."""
    return {"batch": batch.number, "index": index, "pad": "p" * batch.pad}


def main(path: Path, seed: int, wal_pages: int) -> None:
    from ddd_sim.infrastructure.eventstore.factory import open_store
    from ddd_sim.shared.events import NewEvent

    store = open_store(path)
    if wal_pages:  # checkpoint every few pages, so kills land inside checkpoints too
        writer = store.backend._writer.dbapi_connection  # type: ignore[attr-defined]
        writer.execute(f"PRAGMA wal_autocheckpoint={wal_pages}")
    versions = {stream: store.stream_version(stream) for stream in STREAMS}
    heads = [
        store.read_stream(stream, from_version=version)[0].payload["batch"]
        for stream, version in versions.items()
        if version
    ]
    number = max(heads, default=-1) + 1
    os.write(1, f"START {number}\n".encode())
    while True:
        batch = plan(seed, number)
        index = 0
        writes = []
        for stream, ids in batch.appends:
            events = []
            for event_id in ids:
                body = payload(batch, index)
                events.append(NewEvent(event_id=event_id, type="Tick", payload=body))
                index += 1
            writes.append((stream, events))
        if batch.group:
            with store.transaction() as tx:
                for stream, events in writes:
                    tx.append(stream, events, expected_version=versions[stream])
                tx.save_checkpoint(CHECKPOINT, number + 1)
        else:
            [(stream, events)] = writes
            store.append(stream, events, expected_version=versions[stream])
        for stream, events in writes:
            versions[stream] += len(events)
        line = " ".join(["ACK", str(number), *(str(i) for i in batch.ids)])
        os.write(1, f"{line}\n".encode())  # one write below PIPE_BUF: atomic
        number += 1


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), int((sys.argv[3:] or ["0"])[0]))
