"""CloudEvents 1.0 structured-mode JSON, written deterministically and read strictly.

Simulated time maps to a fixed calendar (``SIM_EPOCH`` plus the simulated
seconds) so the same run always gives the same bytes; the exact float rides
along in the ``simtime`` extension.  Keys are written sorted (attributes, then
``data``), so equal inputs give equal bytes on every store and platform.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from cloudevents.core.exceptions import CloudEventValidationError
from cloudevents.core.v1.event import CloudEvent

from ddd_sim.shared.errors import ContractViolation

SIM_EPOCH: Final = datetime(2026, 1, 1, tzinfo=UTC)
"""The calendar moment simulated time 0 stands for on the wire."""
SPEC_VERSION: Final = "1.0"
JSON_CONTENT_TYPE: Final = "application/json"
_REQUIRED: Final = ("specversion", "id", "source", "type")


def sim_timestamp(sim_time: float) -> datetime:
    """The wire ``time`` of a simulated moment (microsecond precision)."""
    check_sim_time(sim_time)
    return SIM_EPOCH + timedelta(seconds=sim_time)


def check_sim_time(sim_time: float) -> None:
    """Refuse a simulated time that is negative, infinite or not a number."""
    if isinstance(sim_time, bool) or not isinstance(sim_time, int | float):
        raise ContractViolation(f"sim time must be a number, got {sim_time!r}")
    if not math.isfinite(sim_time) or sim_time < 0:
        raise ContractViolation(f"sim time must be finite and ≥ 0, got {sim_time!r}")


def write_event(attributes: Mapping[str, Any], data: Mapping[str, Any]) -> bytes:
    """One CloudEvent as JSON bytes; ``id`` and ``time`` are given, never made up.

    The bytes are exactly what the CloudEvents library's JSON format writes
    for the same event (a test holds the two together); they are put
    together here because building and validating the library's event object
    for every message sent cost a tenth of a simulation run.
    """
    if "id" not in attributes or "time" not in attributes:
        raise ValueError("a CloudEvent on our wire needs an explicit id and time")
    header = {"specversion": SPEC_VERSION, **attributes}
    for name in _REQUIRED:
        value = header[name]
        if not isinstance(value, str) or not value:
            raise ValueError(f"CloudEvent attribute {name} must be a non-empty string")
    header["time"] = _wire_time(header["time"])
    # attributes are flat strings, sorted at the top level; data is plain
    # JSON, so the C encoder sorts it at every depth; data goes last
    head = json.dumps(dict(sorted(header.items())))
    body = json.dumps(data, sort_keys=True)
    return f'{head[:-1]}, "data": {body}}}'.encode()


def _wire_time(moment: Any) -> str:
    """RFC 3339 as the library writes it: UTC as ``Z``."""
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValueError(f"CloudEvent time must be an aware datetime, got {moment!r}")
    text = moment.isoformat()
    return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def _json_kind(value: Any) -> str:
    """The JSON name of a parsed value's kind, for messages."""
    if isinstance(value, bool):
        return "boolean"
    names = {list: "array", str: "string", int: "number", float: "number"}
    return names.get(type(value), "null")


def _no_constants(name: str) -> Any:
    """Refuse NaN and Infinity, which JSON does not have."""
    raise ValueError(f"{name} is not a JSON number")


def _error_text(exc: CloudEventValidationError) -> str:
    """The library's per-attribute problems as one line."""
    return "; ".join(
        f"{name}: {', '.join(str(e) for e in errors)}"
        for name, errors in sorted(exc.errors.items())
    )


def read_event(raw: bytes | str) -> tuple[CloudEvent, dict[str, Any]]:
    """Parse one structured CloudEvent 1.0 whose data is a JSON object.

    Returns the event and the attributes exactly as sent (the CloudEvent
    constructor fills in a missing ``time`` with the wall clock, which must
    not be mistaken for a sent one).
    """
    try:
        document = json.loads(raw, parse_constant=_no_constants)
    except ValueError as exc:
        raise ContractViolation(f"not JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise ContractViolation(
            f"not a CloudEvent: expected a JSON object, got a JSON "
            f"{_json_kind(document)}"
        )
    missing = [name for name in _REQUIRED if name not in document]
    if missing:
        raise ContractViolation(
            f"not a CloudEvent: missing required attribute {', '.join(missing)}"
        )
    if document["specversion"] != SPEC_VERSION:
        raise ContractViolation(
            f"CloudEvents specversion {document['specversion']!r} is not supported "
            f"(this reader reads {SPEC_VERSION})"
        )
    data = document.pop("data", None)
    if not isinstance(data, dict):
        if data is None:
            found = "data_base64" if "data_base64" in document else "no data"
        else:
            found = f"a JSON {_json_kind(data)}"
        raise ContractViolation(f"data must be a JSON object, got {found}")
    sent = dict(document)
    content_type = document.get("datacontenttype", JSON_CONTENT_TYPE)
    if content_type != JSON_CONTENT_TYPE:
        raise ContractViolation(
            f"datacontenttype must be {JSON_CONTENT_TYPE}, got {content_type!r}"
        )
    if "time" in document:
        document["time"] = _parse_time(document["time"])
    try:
        event = CloudEvent(document, data)
    except CloudEventValidationError as exc:
        raise ContractViolation(f"not a valid CloudEvent: {_error_text(exc)}") from exc
    return event, sent


def _parse_time(text: Any) -> datetime:
    """An RFC 3339 timestamp with an offset, or a clear refusal."""
    if not isinstance(text, str):
        raise ContractViolation(f"time must be an RFC 3339 string, got {text!r}")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ContractViolation(f"time {text!r} is not an RFC 3339 timestamp") from exc
    if moment.tzinfo is None:
        raise ContractViolation(f"time {text!r} has no UTC offset")
    return moment


def sent_sim_time(sent: Mapping[str, Any]) -> float:
    """The simulated time of a sent event: ``simtime``, else derived from ``time``."""
    text = sent.get("simtime")
    if text is None:
        if "time" not in sent:
            raise ContractViolation("event carries neither simtime nor time")
        elapsed = _parse_time(sent["time"]) - SIM_EPOCH
        sim_time = elapsed.total_seconds()
    else:
        sim_time = _decimal_text(text, "simtime")
    check_sim_time(sim_time)
    return sim_time


def _decimal_text(text: Any, name: str) -> float:
    """A number sent as a decimal string, as CloudEvents extensions are."""
    problem = ContractViolation(f"{name} must be a decimal string, got {text!r}")
    if not isinstance(text, str):
        raise problem
    try:
        return float(text)
    except ValueError as exc:
        raise problem from exc


def sent_id(text: str) -> uuid.UUID:
    """The CloudEvents ``id``, which on our wire is always a stored event's UUID."""
    try:
        return uuid.UUID(text)
    except ValueError as exc:
        raise ContractViolation(f"id must be a UUID, got {text!r}") from exc


def sent_uuid(sent: Mapping[str, Any], name: str) -> uuid.UUID | None:
    """A UUID-valued attribute, None when absent, refused when malformed."""
    text = sent.get(name)
    if text is None:
        return None
    problem = ContractViolation(f"{name} must be a UUID string, got {text!r}")
    if not isinstance(text, str):
        raise problem
    try:
        return uuid.UUID(text)
    except ValueError as exc:
        raise problem from exc
