"""The append decision table (KurrentDB's), shared by every store adapter.

An append whose expected version holds is written; a unique-constraint hit on
an event id, or an expected version that does not hold, lands here to decide
between an idempotent acknowledgement and a precise error.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from ddd_sim.infrastructure.eventstore.codec import encode_batch, validate_stream_id
from ddd_sim.shared.errors import DuplicateEventError, WrongExpectedVersion
from ddd_sim.shared.events import AppendResult, ExpectedVersion, NewEvent, StreamState


@dataclass(frozen=True, slots=True)
class StoredIdentity:
    """What the store holds under one event id, enough to compare content."""

    stream_id: str
    version: int
    position: int
    type: str
    schema_version: int
    payload: bytes


@dataclass(frozen=True, slots=True)
class Candidate:
    """An event the caller wants to append, reduced to what identifies its content."""

    event_id: uuid.UUID
    type: str
    schema_version: int
    payload: bytes
    """The canonical JSON bytes: same content means the very same bytes."""


def expected_holds(expected: ExpectedVersion, current: int) -> bool:
    """True when an append at ``current`` satisfies ``expected``."""
    if expected is StreamState.ANY:
        return True
    if expected is StreamState.NO_STREAM:
        return current == 0
    if expected is StreamState.STREAM_EXISTS:
        return current > 0
    return expected == current


def check_expected(expected: ExpectedVersion) -> None:
    """Reject an expected version that can never hold."""
    if isinstance(expected, StreamState):
        return
    if isinstance(expected, bool) or not isinstance(expected, int) or expected < 0:
        raise ValueError(
            f"expected version must be ≥ 0 or a StreamState, got {expected!r}"
        )


def check_unique_ids(event_ids: Sequence[uuid.UUID]) -> None:
    """A batch may not carry the same event id twice."""
    if len(set(event_ids)) == len(event_ids):
        return
    seen: set[uuid.UUID] = set()
    for event_id in event_ids:
        if event_id in seen:
            raise DuplicateEventError(f"the batch contains event id {event_id} twice")
        seen.add(event_id)


def prepare_append(
    stream_id: str, events: Sequence[NewEvent], expected: ExpectedVersion
) -> list[tuple[NewEvent, bytes]]:
    """Everything an append checks before touching a store; encoded events out."""
    validate_stream_id(stream_id)
    check_expected(expected)
    encoded = encode_batch(events)
    check_unique_ids([e.event_id for e, _ in encoded])
    return encoded


def candidates_of(encoded: Sequence[tuple[NewEvent, bytes]]) -> list[Candidate]:
    """The batch reduced to what identifies each event's content."""
    return [Candidate(e.event_id, e.type, e.schema_version, p) for e, p in encoded]


def decide(
    stream_id: str,
    candidates: Sequence[Candidate],
    expected: ExpectedVersion,
    current: int,
    found: dict[uuid.UUID, StoredIdentity],
) -> AppendResult:
    """Acknowledge an exact re-append or raise the error that explains the clash."""
    if not found:
        raise WrongExpectedVersion(stream_id, expected, current)
    for candidate in candidates:
        stored = found.get(candidate.event_id)
        if stored is None:
            continue
        if stored.stream_id != stream_id:
            raise DuplicateEventError(
                f"event {candidate.event_id} is already stored in stream "
                f"{stored.stream_id!r} at version {stored.version}; "
                f"it cannot also go to {stream_id!r}"
            )
        if (stored.type, stored.schema_version, stored.payload) != (
            candidate.type,
            candidate.schema_version,
            candidate.payload,
        ):
            raise DuplicateEventError(
                f"event {candidate.event_id} is already stored in {stream_id!r} at "
                f"version {stored.version} with different content "
                f"({stored.type} v{stored.schema_version}); nothing was written"
            )
    if len(found) < len(candidates):
        missing = len(candidates) - len(found)
        raise DuplicateEventError(
            f"the batch for {stream_id!r} partially overlaps events already stored: "
            f"{len(found)} of {len(candidates)} are there, {missing} are new; "
            f"nothing was written"
        )
    versions = [found[c.event_id].version for c in candidates]
    first = versions[0]
    if versions != list(range(first, first + len(versions))):
        raise DuplicateEventError(
            f"the events of this batch are stored in {stream_id!r}, but not "
            f"consecutively in this order (versions {versions}); nothing was written"
        )
    start = first - 1
    if isinstance(expected, int) and expected != start:
        if expected == current:
            # The version is right, so WrongExpectedVersion would send a retry
            # loop round forever; the events themselves are the problem.
            raise DuplicateEventError(
                f"the events of this batch are already stored in {stream_id!r} "
                f"at versions {first}-{versions[-1]}; appending them again after "
                f"version {current} would duplicate them; nothing was written"
            )
        raise WrongExpectedVersion(stream_id, expected, current)
    if expected is StreamState.NO_STREAM and start != 0:
        raise WrongExpectedVersion(stream_id, expected, current)
    positions = [found[c.event_id].position for c in candidates]
    return AppendResult(
        stream_id, first, versions[-1], positions[0], positions[-1], written=False
    )
