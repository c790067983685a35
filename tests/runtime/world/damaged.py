"""Copies of a finished run to damage, and ways to damage its sagas and its store."""

from __future__ import annotations

import dataclasses
import shutil
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ddd_sim.bootstrap import build_registry, wire_shop
from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.runtime.invariants import InvariantResult, check_store, check_world
from ddd_sim.runtime.shop import ShopRuntime
from ddd_sim.runtime.world.index import WorldIndex
from ddd_sim.runtime.world.model import SagaRow, World
from ddd_sim.shared.events import EventMetadata, NewEvent, RecordedEvent, StreamInfo
from ddd_sim.shared.ports import EventStore


def broken_only(results: Mapping[str, InvariantResult]) -> dict[str, str]:
    """The invariants that do not hold, with their details."""
    return {name: r.detail for name, r in results.items() if not r.ok}


@dataclass
class Copy:
    """A copy of the finished run, with its shop, that a test may damage."""

    path: Path
    store: EventStore
    shop: ShopRuntime
    events: list[RecordedEvent]

    def append(self, stream: str, event_type: str, payload: Mapping[str, Any]) -> None:
        """Append one event a moment after the run's last."""
        self.store.append(
            stream,
            [
                NewEvent(
                    event_id=uuid.uuid4(),
                    type=event_type,
                    payload=dict(payload),
                    metadata=EventMetadata(
                        sim_time=self.events[-1].metadata.sim_time + 1.0
                    ),
                )
            ],
        )

    def world(self) -> World:
        index = WorldIndex.from_store(self.store)
        return index.at(index.head)

    def broken(self, *, drained: bool = True, store: bool = False) -> dict[str, str]:
        """What breaks: the world invariants, and with ``store`` the store's too."""
        results = check_world(self.world(), drained=drained)
        if store:
            results |= check_store(self.store, self.shop)
        return broken_only(results)

    def first(self, event_type: str, **payload: Any) -> RecordedEvent:
        """The first event of a type whose payload has these values."""
        return next(
            e
            for e in self.events
            if e.type == event_type
            and all(e.payload.get(k) == v for k, v in payload.items())
        )

    def saga(self, status: str, *, refunded: bool = False) -> SagaRow:
        """A finished saga; with ``refunded``, one that refunded its charge."""
        return next(
            s
            for s in self.world().sagas
            if s.status == status
            and (
                not refunded
                or "charge_payment" in [c.step for c in s.compensations if not c.noop]
            )
        )


def open_copy(path: Path) -> tuple[EventStore, ShopRuntime]:
    registry = build_registry()
    store = open_store(str(path), upcasters=registry.upcasters, fast=True)
    return store, wire_shop(store, registry, seed=1)


def copy_of(source: Path, events: list[RecordedEvent], folder: Path) -> Copy:
    """A fresh copy of the run stored in ``source`` (its log: ``events``)."""
    for file in source.parent.glob(source.name + "*"):
        shutil.copy(file, folder / file.name)
    store, shop = open_copy(folder / source.name)
    return Copy(folder / source.name, store, shop, events)


def saga_events(copy: Copy, saga: SagaRow) -> list[RecordedEvent]:
    return [e for e in copy.events if e.stream_id == saga.id]


def clone_saga(copy: Copy, events: list[RecordedEvent], process: str) -> None:
    """Write a saga's own events again as another process (no other effect)."""
    for event in events:
        payload = dict(event.payload) | {"process_id": process}
        if event.type == "ProcessStarted":
            payload["order_id"] = process
        copy.append(f"Saga-{process}", event.type, payload)


UNDO = ("CompensationStarted", "StepCompensated")


def undone_in(events: list[RecordedEvent], order: list[str]) -> list[RecordedEvent]:
    """The saga's events with its compensations run in ``order`` (by step)."""
    first = next(i for i, e in enumerate(events) if e.type in UNDO)
    head, end = events[:first], events[-1]
    undo = [e for e in events[first:-1] if e.type in UNDO]
    return [
        *head,
        *[e for step in order for e in undo if e.payload["step"] == step],
        end,
    ]


def unknown_shipment(copy: Copy) -> tuple[SagaRow, list[RecordedEvent]]:
    """A saga that undid an unknown shipment as a no-op, rewritten as a clean failure.

    The shipment then never took effect: its undo is owed nothing.
    """
    saga = next(
        s
        for s in copy.world().sagas
        if any(c.noop and c.step == "create_shipment" for c in s.compensations)
    )
    events = []
    for event in saga_events(copy, saga):
        if event.type == "StepFailed":
            payload = dict(event.payload) | {"effect_unknown": False}
            event = dataclasses.replace(event, payload=payload)
        events.append(event)
    return saga, events


class ClaimingStore:
    """A fake store whose streams claim versions their events do not reach."""

    def __init__(self, claimed: dict[str, int], log: list[tuple[str, int]]) -> None:
        self._claimed, self._log = claimed, log

    def streams(self) -> list[StreamInfo]:
        return [StreamInfo(s, v, 1, 1) for s, v in sorted(self._claimed.items())]

    def read_all(self, *, raw: bool = False) -> Iterator[RecordedEvent]:
        for position, (stream, version) in enumerate(self._log, start=1):
            yield RecordedEvent(
                uuid.UUID(int=position),
                stream,
                version,
                position,
                "X",
                1,
                {},
                EventMetadata(),
            )
