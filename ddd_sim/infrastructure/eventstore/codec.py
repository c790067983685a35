"""Events as stored: canonical JSON, whole-row checksums, fast batch decoding."""

from __future__ import annotations

import hashlib
import json
import math
import struct
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ddd_sim.shared.errors import CorruptStore, ValidationError
from ddd_sim.shared.events import EventData, EventMetadata, NewEvent, RecordedEvent
from ddd_sim.shared.upcasting import Upcasters

Row = tuple[Any, ...]
"""``(position, event_id, stream_id, version, type, schema_version, payload,
checksum, correlation_id, causation_id, sim_time, recorded_at)``."""


def _not_json(value: object) -> object:
    raise TypeError(f"{type(value).__name__} is not JSON: {value!r}")


# JSONEncoder.encode builds a new C encoder on every call; build it once
_c_encoder = json.encoder.c_make_encoder  # type: ignore[attr-defined]
_dumps_chunks = (
    _c_encoder(
        None,  # no cycle markers: a cycle ends in RecursionError, caught below
        _not_json,
        json.encoder.encode_basestring,
        None,
        ":",
        ",",
        True,  # sort_keys: one canonical form per value
        False,
        False,  # allow_nan
    )
    if _c_encoder is not None
    else None
)
_fallback = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
).encode


def _dumps(document: Mapping[str, Any]) -> str:
    if _dumps_chunks is None or type(document) is not dict:
        return _fallback(document)
    return "".join(_dumps_chunks(document, 0))


_loads = json.loads
_sha256 = hashlib.sha256
_HEAD = struct.Struct("<qqqddBBHH")
_pack_head = _HEAD.pack


def encode_json(document: Mapping[str, Any], what: str) -> bytes:
    """Canonical UTF-8 JSON: sorted keys, no spaces, no NaN; one form per value."""
    try:
        return _dumps(document).encode()
    except (TypeError, ValueError, RecursionError) as exc:
        raise ValidationError(f"{what} is not plain JSON: {exc}") from exc


def row_checksum(
    position: int,
    event_id: bytes,
    stream_id: str,
    version: int,
    event_type: str,
    schema_version: int,
    payload: bytes,
    correlation_id: bytes | None,
    causation_id: bytes | None,
    sim_time: float,
    recorded_at: float,
) -> bytes:
    """SHA-256 over every stored field of an event, lengths first (no ambiguity).

    SQLite's own checks do not notice a changed byte inside a value; this does,
    whichever column the byte is in.
    """
    sid, typ = stream_id.encode(), event_type.encode()
    corr, caus = correlation_id or b"", causation_id or b""
    head = _pack_head(
        position, version, schema_version, sim_time, recorded_at,
        len(corr), len(caus), len(sid), len(typ),
    )  # fmt: skip
    return _sha256(b"".join((head, event_id, corr, caus, sid, typ, payload))).digest()


def state_checksum(
    stream_id: str, version: int, kind: str, schema_version: int, state: bytes
) -> bytes:
    """SHA-256 over every stored field of a snapshot."""
    sid, typ = stream_id.encode(), kind.encode()
    head = _pack_head(0, version, schema_version, 0.0, 0.0, 0, 0, len(sid), len(typ))
    return _sha256(b"".join((head, sid, typ, state))).digest()


def validate_new(event: NewEvent) -> None:
    """Reject events that could not be stored faithfully, naming the field."""
    kind = event.type
    if type(kind) is not str or not 0 < len(kind) <= 200 or not kind.isprintable():
        raise ValidationError(
            f"event type must be 1-200 printable characters: {kind!r}"
        )
    if type(event.event_id) is not uuid.UUID:
        raise ValidationError(f"event_id of {kind} must be a UUID: {event.event_id!r}")
    version = event.schema_version
    if type(version) is not int or not 1 <= version < 2**31:
        raise ValidationError(
            f"schema_version of {kind} must be an integer ≥ 1, got {version!r}"
        )
    if type(event.payload) is not dict and not isinstance(event.payload, Mapping):
        raise ValidationError(f"payload of {kind} must be a JSON object")
    meta = event.metadata
    if type(meta) is not EventMetadata:
        raise ValidationError(f"metadata of {kind} must be an EventMetadata")
    for name, value in (
        ("correlation_id", meta.correlation_id),
        ("causation_id", meta.causation_id),
    ):
        if value is not None and type(value) is not uuid.UUID:
            raise ValidationError(f"{name} of {kind} must be a UUID or None")
    sim_time = meta.sim_time
    if type(sim_time) not in (float, int) or not math.isfinite(sim_time):
        raise ValidationError(
            f"sim_time of {kind} must be a finite number, got {sim_time!r}"
        )


def validate_stream_id(stream_id: str) -> None:
    """Stream ids are 1-200 printable characters."""
    if (
        not isinstance(stream_id, str)
        or not 0 < len(stream_id) <= 200
        or not stream_id.isprintable()
    ):
        raise ValidationError(
            f"stream id must be 1-200 printable characters: {stream_id!r}"
        )


_new_object = object.__new__
_set = object.__setattr__
_from_bytes = int.from_bytes
_UNKNOWN = uuid.SafeUUID.unknown


def uuid_from_bytes(raw: bytes | None) -> uuid.UUID | None:
    """``UUID(bytes=raw)`` at a third of the cost; the read path makes millions."""
    if raw is None:
        return None
    if len(raw) != 16:
        raise ValueError(f"a stored id has {len(raw)} bytes, not 16")
    value = _new_object(uuid.UUID)
    _set(value, "int", _from_bytes(raw))
    _set(value, "is_safe", _UNKNOWN)
    return value


def same(value: Any) -> Any:
    """Identity: for ids a backend stores as they are."""
    return value


def uuid_to_bytes(value: uuid.UUID | None) -> bytes | None:
    """A UUID's 16 bytes (None stays None)."""
    return None if value is None else value.bytes


def encode_batch(events: Sequence[NewEvent]) -> list[tuple[NewEvent, bytes]]:
    """Validate each event and give it its canonical payload bytes."""
    encoded = []
    for event in events:
        validate_new(event)
        encoded.append((event, encode_json(event.payload, f"payload of {event.type}")))
    return encoded


def build_rows(
    stream_id: str,
    encoded: list[tuple[NewEvent, bytes]],
    first_position: int,
    first_version: int,
    recorded_at: float,
    to_db: Callable[[uuid.UUID | None], Any],
) -> list[Row]:
    """Rows ready to insert, each with its whole-row checksum."""
    rows = []
    for i, (event, payload) in enumerate(encoded):
        meta = event.metadata
        position, version = first_position + i, first_version + i
        sim_time = float(meta.sim_time)
        corr, caus = meta.correlation_id, meta.causation_id
        digest = row_checksum(
            position, event.event_id.bytes, stream_id, version, event.type,
            event.schema_version, payload, uuid_to_bytes(corr), uuid_to_bytes(caus),
            sim_time, recorded_at,
        )  # fmt: skip
        rows.append(
            (
                position,
                to_db(event.event_id),
                stream_id,
                version,
                event.type,
                event.schema_version,
                payload,
                digest,
                to_db(corr),
                to_db(caus),
                sim_time,
                recorded_at,
            )
        )
    return rows


def parse_payloads(payloads: list[bytes]) -> list[Any]:
    """Parse many checksum-verified JSON objects with one parser call.

    One call for the batch costs a third of one call each; a batch that does
    not split back into exactly one object per row is parsed row by row, so a
    crafted payload can never shift data onto a neighbour.
    """
    if not payloads:
        return []
    try:
        parsed = _loads(b"[" + b",".join(payloads) + b"]")
    except ValueError:
        parsed = None
    if (
        isinstance(parsed, list)
        and len(parsed) == len(payloads)
        and all(type(p) is dict for p in parsed)
    ):
        return parsed
    return [_loads(p) for p in payloads]


class RowDecoder:
    """Turns stored rows into :class:`RecordedEvent`: verify, parse, upcast.

    ``id_bytes`` gives a stored id's 16 bytes (for the checksum) and
    ``to_uuid`` a stored id as a UUID; both depend on the backend.
    """

    def __init__(
        self,
        upcasters: Upcasters | None,
        *,
        to_uuid: Callable[[Any], uuid.UUID | None] = same,
        id_bytes: Callable[[Any], bytes | None] = same,
    ) -> None:
        self._upcasters = upcasters
        self._to_uuid = to_uuid
        self._id_bytes = id_bytes

    @property
    def upcasters(self) -> Upcasters | None:
        """The upcasters that reads which are not ``raw`` apply."""
        return self._upcasters

    def decode(self, rows: list[Row], raw: bool) -> list[RecordedEvent]:
        """Decode a batch of rows; damage of any kind raises :class:`CorruptStore`."""
        return self._guarded(self._decode, rows, raw)  # type: ignore[no-any-return]

    def decode_data(self, rows: list[Row], raw: bool) -> list[EventData]:
        """Verified ``(version, type, schema_version, payload)`` of each row.

        The replay path: an aggregate needs no ids, metadata or record objects,
        and building them is most of the cost of loading a long stream.
        """
        return self._guarded(self._decode_data, rows, raw)  # type: ignore[no-any-return]

    def _guarded(
        self, decode: Callable[[list[Row], bool], Any], rows: list[Row], raw: bool
    ) -> Any:
        try:
            return decode(rows, raw)
        except CorruptStore:
            raise
        except (TypeError, ValueError, AttributeError, struct.error) as exc:
            bad = self._first_bad_row(rows)
            raise CorruptStore(
                f"event at position {bad[0] if bad else '?'} is damaged: {exc}"
            ) from exc

    def _first_bad_row(self, rows: list[Row]) -> Row | None:
        for row in rows:
            try:
                self._decode([row], True)
            except Exception:
                return row
        return None

    def _verify_and_parse(self, rows: list[Row]) -> list[Any]:
        digest_of, id_bytes = row_checksum, self._id_bytes
        for pos, eid, sid, ver, typ, sv, payload, digest, corr, caus, sim, rec in rows:
            expected = digest_of(
                pos, id_bytes(eid), sid, ver, typ, sv, payload,  # type: ignore[arg-type]
                id_bytes(corr), id_bytes(caus), sim, rec,
            )  # fmt: skip
            if digest != expected:
                raise CorruptStore(
                    f"event at position {pos} (stream {sid!r} version {ver}) fails "
                    f"its checksum: the store was altered or damaged"
                )
        return parse_payloads([row[6] for row in rows])

    def _decode_data(self, rows: list[Row], raw: bool) -> list[EventData]:
        datas = self._verify_and_parse(rows)
        upcasters = None if raw else self._upcasters
        out: list[EventData] = []
        for row, data in zip(rows, datas, strict=True):
            typ, sv = row[4], row[5]
            if upcasters is not None and upcasters.needs_upcast(typ, sv):
                sv, data = upcasters.upcast(typ, sv, data)
            out.append((row[3], typ, sv, data))
        return out

    def decode_own(self, rows: list[Row]) -> list[RecordedEvent]:
        """Rows this process has just written, as read back ``raw``.

        They were built from the same values as their checksums a moment ago,
        so there is nothing to verify: the payloads are parsed and the records
        built exactly as :meth:`decode` would build them from the stored rows.
        """
        return self._guarded(self._build_own, rows, True)  # type: ignore[no-any-return]

    def _build_own(self, rows: list[Row], raw: bool) -> list[RecordedEvent]:
        return self._build(rows, parse_payloads([row[6] for row in rows]), raw)

    def _decode(self, rows: list[Row], raw: bool) -> list[RecordedEvent]:
        return self._build(rows, self._verify_and_parse(rows), raw)

    def _build(
        self, rows: list[Row], datas: list[Any], raw: bool
    ) -> list[RecordedEvent]:
        upcasters = None if raw else self._upcasters
        needs = upcasters.needs_upcast if upcasters is not None else None
        to_uuid = self._to_uuid
        out: list[RecordedEvent] = []
        append = out.append
        last_meta_key: tuple[Any, ...] | None = None
        meta = EventMetadata()
        for row, data in zip(rows, datas, strict=True):
            pos, eid, sid, ver, typ, sv, _, _, corr, caus, sim, rec = row
            if needs is not None and needs(typ, sv):
                sv, data = upcasters.upcast(typ, sv, data)  # type: ignore[union-attr]
            # rows of one commit share their metadata: share the object too
            key = (corr, caus, sim, rec)
            if key != last_meta_key:
                meta = EventMetadata(to_uuid(corr), to_uuid(caus), sim, rec)
                last_meta_key = key
            event_id: Any = to_uuid(eid)
            append(RecordedEvent(event_id, sid, ver, pos, typ, sv, data, meta))
        return out
