"""The whole event log as CloudEvents JSON lines, and those lines read back.

Every stored event (any stream, any context) becomes one line, with its
payload as the store returns it today (upcast).  The log is read page by page
so an export never holds more than one page in memory.  Wall-clock record
times are left out so the same run always exports the same bytes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

from ddd_sim.integration.envelope import (
    JSON_CONTENT_TYPE,
    read_event,
    sent_id,
    sent_sim_time,
    sent_uuid,
    sim_timestamp,
    write_event,
)
from ddd_sim.shared.errors import ContractViolation
from ddd_sim.shared.events import EventMetadata, JsonObject, RecordedEvent
from ddd_sim.shared.ports import EventStore

TYPE_PREFIX = "ddd_sim."
SCHEMA_PREFIX = "urn:ddd-sim:event:"


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportedEvent:
    """One exported line: a stored event with the context that owns its stream."""

    event_id: uuid.UUID
    context: str
    type: str
    stream_id: str
    stream_version: int
    position: int
    schema_version: int
    payload: JsonObject
    sim_time: float
    correlation_id: uuid.UUID | None = None
    causation_id: uuid.UUID | None = None

    def recorded(self) -> RecordedEvent:
        """The stored event this line describes (without its wall-clock time)."""
        return RecordedEvent(
            event_id=self.event_id,
            stream_id=self.stream_id,
            stream_version=self.stream_version,
            global_position=self.position,
            type=self.type,
            schema_version=self.schema_version,
            payload=self.payload,
            metadata=EventMetadata(
                correlation_id=self.correlation_id,
                causation_id=self.causation_id,
                sim_time=self.sim_time,
            ),
        )


def export_line(recorded: RecordedEvent, context: str) -> str:
    """One stored event as a CloudEvents JSON line (without the newline)."""
    if not context or "." in context or "/" in context:
        raise ValueError(f"context name {context!r} must be non-empty, without . or /")
    metadata = recorded.metadata
    attributes: dict[str, Any] = {
        "type": f"{TYPE_PREFIX}{context}.{recorded.type}",
        "source": f"/{context}/{recorded.stream_id}",
        "id": str(recorded.event_id),
        "subject": recorded.stream_id,
        "time": sim_timestamp(metadata.sim_time),
        "datacontenttype": JSON_CONTENT_TYPE,
        "dataschema": f"{SCHEMA_PREFIX}{recorded.type}:{recorded.schema_version}",
        "position": recorded.global_position,
        "streamversion": recorded.stream_version,
        "simtime": repr(float(metadata.sim_time)),
    }
    if metadata.correlation_id is not None:
        attributes["correlationid"] = str(metadata.correlation_id)
    if metadata.causation_id is not None:
        attributes["causationid"] = str(metadata.causation_id)
    return write_event(attributes, recorded.payload).decode("utf-8")


def export_log(
    store: EventStore,
    out: TextIO,
    *,
    context_of: Callable[[str], str],
    until_position: int | None = None,
    batch: int = 1000,
) -> int:
    """Write the log up to a position as JSON lines; return how many were written.

    ``context_of`` names the bounded context that owns a stream id.  Without
    ``until_position`` the export stops at the head as it was when it began,
    so events appended meanwhile do not make it inconsistent.
    """
    if batch < 1:
        raise ValueError(f"batch must be at least 1, got {batch}")
    end = store.head_position() if until_position is None else until_position
    position, written = 1, 0
    while position <= end:
        last = None
        page = store.read_all(from_position=position, to_position=end, limit=batch)
        for last in page:
            out.write(export_line(last, context_of(last.stream_id)))
            out.write("\n")
            written += 1
        if last is None:
            break
        position = last.global_position + 1
    return written


def read_export(lines: Iterable[str]) -> Iterator[ExportedEvent]:
    """Parse exported lines back, naming the line number of any bad one.

    Blank lines are skipped (a file may end with one).
    """
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            exported = _parse_line(line)
        except ContractViolation as exc:
            raise ContractViolation(f"export line {number}: {exc}") from exc
        yield exported


def _parse_line(line: str) -> ExportedEvent:
    """One exported line, checked against the export's own conventions."""
    sent, payload = read_event(line)
    full_type: str = sent["type"]
    context, _, event_type = full_type.removeprefix(TYPE_PREFIX).partition(".")
    if not full_type.startswith(TYPE_PREFIX) or not context or not event_type:
        raise ContractViolation(
            f"type {full_type!r} is not {TYPE_PREFIX}<context>.<event type>"
        )
    stream_id: str | None = sent.get("subject")
    if stream_id is None:
        raise ContractViolation("subject (the stream id) is missing")
    if sent["source"] != f"/{context}/{stream_id}":
        raise ContractViolation(
            f"source {sent['source']!r} does not match /{context}/{stream_id}"
        )
    return ExportedEvent(
        event_id=sent_id(sent["id"]),
        context=context,
        type=event_type,
        stream_id=stream_id,
        stream_version=_count(sent, "streamversion"),
        position=_count(sent, "position"),
        schema_version=_schema_version(sent, event_type),
        payload=payload,
        sim_time=sent_sim_time(sent),
        correlation_id=sent_uuid(sent, "correlationid"),
        causation_id=sent_uuid(sent, "causationid"),
    )


def _count(sent: Mapping[str, Any], name: str) -> int:
    """A position or version: an integer of at least 1."""
    value = sent.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ContractViolation(f"{name} must be a positive integer, got {value!r}")
    return value


def _schema_version(sent: Mapping[str, Any], event_type: str) -> int:
    """The stored schema version named by ``dataschema``."""
    dataschema = sent.get("dataschema")
    prefix = f"{SCHEMA_PREFIX}{event_type}:"
    number = dataschema.removeprefix(prefix) if isinstance(dataschema, str) else ""
    if not dataschema or number == dataschema or not number.isdecimal():
        raise ContractViolation(
            f"dataschema must be {prefix}<version>, got {dataschema!r}"
        )
    return int(number)
