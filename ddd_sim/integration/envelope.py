"""CloudEvents 1.0 structured-mode JSON, written deterministically and read strictly.

Simulated time maps to a fixed calendar (``SIM_EPOCH`` plus the simulated
seconds) so the same run always gives the same bytes; the exact float rides
along in the ``simtime`` extension.  Keys are written sorted (attributes, then
``data``), so equal inputs give equal bytes on every store and platform.
"""

from __future__ import annotations

import functools
import json
import math
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from json.encoder import encode_basestring_ascii
from typing import Any, Final

from ddd_sim.shared.errors import ContractViolation

SIM_EPOCH: Final = datetime(2026, 1, 1, tzinfo=UTC)
"""The calendar moment simulated time 0 stands for on the wire."""
SPEC_VERSION: Final = "1.0"
JSON_CONTENT_TYPE: Final = "application/json"
_JSON_WRITER: Final = json.JSONEncoder(sort_keys=True)
"""``json.dumps(value, sort_keys=True)``, with the encoder made once."""
_json_string: Final = encode_basestring_ascii
"""What json.dumps writes for a string (the same function)."""
_NO_ID_OR_TIME: Final = "a CloudEvent on our wire needs an explicit id and time"
_REQUIRED: Final = ("specversion", "id", "source", "type")
_CONTEXT_ATTRIBUTES: Final = frozenset(
    {*_REQUIRED, "datacontenttype", "dataschema", "subject", "time"}
)
"""The attributes CloudEvents 1.0 defines; any other is an extension."""
# the library's rule, "$" and all (it lets a name end in a newline through)
_EXTENSION_NAME: Final = re.compile(r"^[a-z0-9]+$")


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
    if "time" not in attributes:
        raise ValueError(_NO_ID_OR_TIME)
    header = _header(attributes)
    header["time"] = _wire_time(header["time"])
    return _write(header, data)


def write_sim_event(
    attributes: Mapping[str, Any], data: Mapping[str, Any], *, sim_time: float
) -> bytes:
    """``write_event`` with ``time`` given as ``sim_timestamp(sim_time)``.

    The same bytes, but the timestamp is written from the simulated seconds
    directly (see :func:`sim_time_text`), not made as a datetime and then
    formatted, which cost a tenth of encoding an event.
    """
    header = _header(attributes)
    header["time"] = sim_time_text(sim_time)
    return _write(header, data)


def sim_time_text(sim_time: float) -> str:
    """``sim_timestamp(sim_time)`` as the wire writes it (a test holds the two equal).

    The same ``timedelta`` does the rounding to microseconds; the epoch is a
    midnight, so the date depends only on the whole days (a few per run,
    kept) and the clock time only on the seconds and microseconds left.
    """
    check_sim_time(sim_time)
    elapsed = timedelta(seconds=sim_time)
    minutes, seconds = divmod(elapsed.seconds, 60)
    hours, minutes = divmod(minutes, 60)
    clock = f"{_day_text(elapsed.days)}T{hours:02d}:{minutes:02d}:{seconds:02d}"
    if elapsed.microseconds:
        return f"{clock}.{elapsed.microseconds:06d}Z"
    return f"{clock}Z"


@functools.lru_cache(maxsize=64)
def _day_text(days: int) -> str:
    """The date ``days`` after the epoch's, as ``isoformat`` writes it."""
    return (SIM_EPOCH + timedelta(days=days)).date().isoformat()


def _header(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes with ``specversion``, refusing a missing or empty required one."""
    if "id" not in attributes:
        raise ValueError(_NO_ID_OR_TIME)
    header = {"specversion": SPEC_VERSION, **attributes}
    for name in _REQUIRED:
        value = header[name]
        if not isinstance(value, str) or not value:
            raise ValueError(f"CloudEvent attribute {name} must be a non-empty string")
    return header


def _write(header: Mapping[str, Any], data: Mapping[str, Any]) -> bytes:
    """The JSON of a checked header (``time`` written) and the data."""
    # attributes are flat (strings, a few integers), sorted at the top level
    # and written as json.dumps writes a dict's items; data is plain JSON, so
    # the C encoder sorts it at every depth; data goes last
    head = ", ".join(
        [
            f"{_json_string(name)}: {_json_string(value)}"
            if type(value) is str
            else f"{_json_string(name)}: {_JSON_WRITER.encode(value)}"
            for name, value in sorted(header.items())
        ]
    )
    return f'{{{head}, "data": {_JSON_WRITER.encode(data)}}}'.encode()


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


_JSON_READER: Final = json.JSONDecoder(parse_constant=_no_constants)


def read_event(raw: bytes | str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parse one structured CloudEvent 1.0 whose data is a JSON object.

    Returns its attributes exactly as sent (``time`` still as text) and its
    data.  The attributes have passed the CloudEvents 1.0 rules, so ``id``,
    ``source`` and ``type`` are non-empty strings and ``subject``, when sent,
    is one too.  The rules are checked here rather than by building the
    CloudEvents library's event object, which cost a third of reading a
    message; a test holds this reader to the library-based one, accepting
    and refusing the same documents with the same messages.
    """
    try:
        document = _parse_json(raw)
    except ValueError as exc:
        raise ContractViolation(f"not JSON: {exc}") from exc
    attributes, data = framed(document)
    problems = _attribute_problems(attributes)
    if problems:
        raise ContractViolation(f"not a valid CloudEvent: {problems}")
    return attributes, data


def framed(document: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A parsed message's attributes and data, once the envelope holds.

    A JSON object with the required attributes, this reader's spec version,
    a JSON object for data, the JSON content type and a readable ``time``;
    the attributes' own CloudEvents rules are :func:`read_event`'s to check.
    """
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
    content_type = document.get("datacontenttype", JSON_CONTENT_TYPE)
    if content_type != JSON_CONTENT_TYPE:
        raise ContractViolation(
            f"datacontenttype must be {JSON_CONTENT_TYPE}, got {content_type!r}"
        )
    if "time" in document:
        _parse_time(document["time"])
    return document, data


def _parse_json(raw: bytes | str) -> Any:
    """``json.loads(raw, parse_constant=_no_constants)``, without building a decoder.

    ``json.loads`` makes a new decoder for every call given an option; this
    does what it does (the same encoding detection, the same errors) with
    one decoder made once.
    """
    if isinstance(raw, str):
        if raw.startswith("\ufeff"):
            raise json.JSONDecodeError(
                "Unexpected UTF-8 BOM (decode using utf-8-sig)", raw, 0
            )
        return _JSON_READER.decode(raw)
    return _JSON_READER.decode(raw.decode(json.detect_encoding(raw), "surrogatepass"))


def _attribute_problems(attributes: Mapping[str, Any]) -> str:
    """What breaks the CloudEvents 1.0 attribute rules, as the library words it.

    Empty when nothing does.  Called after ``read_event`` has checked
    ``specversion``, ``datacontenttype`` and ``time`` and taken ``data`` out,
    so these are the rules left: the required strings, the optional strings,
    and the names of extension attributes.  Messages and their order are
    the library's (per attribute, attributes sorted by name).
    """
    problems: dict[str, list[str]] = {}
    for name in ("id", "source", "type"):
        value = attributes[name]
        if not value or not isinstance(value, str):
            found = problems[name] = []
            if not value:
                found.append(f"Attribute '{name}' must not be None or empty")
            if not isinstance(value, str):
                found.append(f"Attribute '{name}' must be a {str}")
    for name in ("subject", "dataschema"):
        if name in attributes:
            value = attributes[name]
            if not value or not isinstance(value, str):
                found = problems[name] = []
                if not isinstance(value, str):
                    found.append(f"Attribute '{name}' must be a {str}")
                if not value:
                    found.append(f"Attribute '{name}' must not be empty")
    for name in attributes:
        if name not in _CONTEXT_ATTRIBUTES and not _extension_name_ok(name):
            found = problems[name] = []
            if not name:
                found.append(
                    "Extension attribute name must be at least 1 character "
                    f"long but was '{name}'"
                )
            found.append(
                f"Extension attribute '{name}' should only contain "
                "lowercase letters and numbers"
            )
    return "; ".join(
        f"{name}: {', '.join(found)}" for name, found in sorted(problems.items())
    )


@functools.lru_cache(maxsize=256)
def _extension_name_ok(name: str) -> bool:
    """The library's rule for an extension's name (kept: the same few recur)."""
    return _EXTENSION_NAME.match(name) is not None


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
