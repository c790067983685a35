"""A malformed stored event is refused by name and leaves no trace in the index."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddd_sim.runtime.invariants import check_world
from ddd_sim.runtime.world.index import WorldIndex
from ddd_sim.shared.errors import UnknownEventType
from ddd_sim.shared.events import EventMetadata, RecordedEvent
from tests.runtime.world.runs import troubled_run

WRONG: tuple[Any, ...] = (
    None,
    "abc",
    -1,
    2.5,
    [],
    {},
    {"amount": "x", "currency": "USD"},
)
"""Values a broken writer might store in place of the right one."""


@pytest.fixture(scope="module")
def samples() -> list[RecordedEvent]:
    """The first 120 events of a real run, then one of each further type."""
    sim = troubled_run("process_manager")
    events = list(sim.store.read_all())
    sim.store.close()
    seen: set[str] = set()
    later = []
    for event in events[120:]:
        if event.type not in seen:
            seen.add(event.type)
            later.append(event)
    return events[:120] + later


def _damaged(event: RecordedEvent, key: str, value: Any, drop: bool) -> dict[str, Any]:
    payload = dict(event.payload)
    if drop:
        payload.pop(key, None)
    else:
        payload[key] = value
    return payload


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_refused_events_change_nothing_and_accepted_ones_fold_as_usual(
    samples: list[RecordedEvent], data: st.DataObject
) -> None:
    index, accepted = WorldIndex(checkpoint_every=8), []
    refused = 0
    for event in samples:
        payload = dict(event.payload)
        if payload and data.draw(st.integers(0, 3), label="damage?") == 0:
            key = data.draw(st.sampled_from(sorted(payload)), label="key")
            value = data.draw(st.sampled_from(WRONG), label="value")
            payload = _damaged(event, key, value, data.draw(st.booleans()))
        candidate = dataclasses.replace(
            event, global_position=index.head + 1, payload=payload
        )
        problem = _refusal(index, candidate)
        if problem is None:
            accepted.append(candidate)
            continue
        assert problem.startswith(
            f"position {candidate.global_position}: stored {event.type} in "
            f"{event.stream_id} is malformed ("
        )
        refused += 1
    assert index.head == len(accepted) == len(samples) - refused
    clean = WorldIndex(checkpoint_every=5)
    clean.advance(accepted)
    for position in range(0, index.head + 1, 9):
        world = index.at(position)
        assert world.to_json() == clean.at(position).to_json()
        assert dict(world.charges) == dict(clean.at(position).charges)
        check_world(world, drained=True)  # judges, and does not crash


def _refusal(index: WorldIndex, event: RecordedEvent) -> str | None:
    """Why the index refused the event, or None if it folded it."""
    try:
        index.advance([event])
    except UnknownEventType as exc:
        return str(exc)
    return None


def _recorded(position: int, event_type: str, payload: dict[str, Any]) -> RecordedEvent:
    return RecordedEvent(
        uuid.UUID(int=position),
        "Account-ACC-404",
        position,
        position,
        event_type,
        1,
        payload,
        EventMetadata(sim_time=float(position)),
    )


def test_a_charge_refused_halfway_leaves_no_row_behind() -> None:
    # the ledger row of ORD-1 is numbered before its amount fails to parse
    index = WorldIndex()
    charge = {
        "account_id": "ACC-404",
        "order_id": "ORD-1",
        "amount": {"amount": "1,5", "currency": "USD"},
    }
    with pytest.raises(UnknownEventType, match=r"position 1: stored WalletCharged"):
        index.advance([_recorded(1, "WalletCharged", charge)])
    fixed = charge | {"amount": {"amount": "1.50", "currency": "USD"}}
    index.advance([_recorded(1, "WalletCharged", fixed | {"order_id": "ORD-2"})])
    index.advance([_recorded(2, "WalletCharged", fixed)])
    assert list(index.at(1).charges) == ["ORD-2"]
    assert [(c.order, c.charged) for c in index.at(2).charges.values()] == [
        ("ORD-2", "1.50"),
        ("ORD-1", "1.50"),
    ]


@pytest.mark.parametrize("amount", ["x", "NaN", "Infinity", [], None])
@pytest.mark.parametrize(
    ("event_type", "payload", "field"),
    [
        (
            "OrderPlaced",
            {"order_id": "ORD-1", "customer_id": "CUST-1", "lines": []},
            "total",
        ),
        (
            "AccountOpened",
            {"account_id": "ACC-404", "owner_id": "CUST-1"},
            "initial_balance",
        ),
    ],
)
def test_money_a_row_keeps_as_text_must_be_a_number(
    event_type: str, payload: dict[str, Any], field: str, amount: Any
) -> None:
    # kept unparsed, a bad amount would only fail later, when money moves
    payload = payload | {field: {"amount": amount, "currency": "USD"}}
    index = WorldIndex()
    with pytest.raises(UnknownEventType, match=f"position 1: stored {event_type}"):
        index.advance([_recorded(1, event_type, payload)])
    assert index.head == 0
    assert index.at(0).to_json() == WorldIndex().at(0).to_json()
