"""read_event checks the CloudEvents 1.0 rules itself; the library's event is the judge.

``library_read_event`` is the reader as it was when it built the CloudEvents
library's event object for every message.  For generated documents, valid
and broken, ours must accept exactly what it accepts, with the same
attributes and data, and refuse the rest with the same message.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddd_sim.integration.envelope import (
    JSON_CONTENT_TYPE,
    _no_constants,
    _parse_time,
    framed,
    read_event,
)
from ddd_sim.shared.errors import ContractViolation


def library_read_event(raw: bytes | str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The reader that let the CloudEvents library validate the attributes."""
    from cloudevents.core.exceptions import CloudEventValidationError
    from cloudevents.core.v1.event import CloudEvent

    try:
        document = json.loads(raw, parse_constant=_no_constants)
    except ValueError as exc:
        raise ContractViolation(f"not JSON: {exc}") from exc
    sent, data = framed(document)  # the envelope's structure, shared
    document = dict(sent)
    if "time" in document:
        document["time"] = _parse_time(document["time"])
    try:
        event = CloudEvent(document, data)
    except CloudEventValidationError as exc:
        problems = "; ".join(
            f"{name}: {', '.join(str(e) for e in errors)}"
            for name, errors in sorted(exc.errors.items())
        )
        raise ContractViolation(f"not a valid CloudEvent: {problems}") from exc
    # what callers read from the event is what was sent
    assert event.get_type() == sent["type"]
    assert event.get_source() == sent["source"]
    assert event.get_id() == sent["id"]
    assert event.get_subject() == sent.get("subject")
    assert event.get_data() is data
    return sent, data


def outcome(reader: Any, raw: bytes | str) -> tuple[str, Any]:
    """What a reader made of ``raw``: the result, or the refusal's message."""
    try:
        return ("accepted", reader(raw))
    except ContractViolation as refusal:
        return ("refused", str(refusal))


def assert_same_verdict(raw: bytes | str) -> None:
    assert outcome(read_event, raw) == outcome(library_read_event, raw)


VALID: dict[str, Any] = {
    "specversion": "1.0",
    "type": "shop.sales.order.placed",
    "source": "/shop/sales",
    "id": "00000000-0000-0000-0000-000000000001",
    "time": "2026-01-01T00:01:30.250000Z",
    "datacontenttype": "application/json",
    "dataschema": "urn:ddd-sim:schema:shop.sales.order.placed:1",
    "subject": "ORD-001",
    "simtime": "90.25",
    "correlationid": "00000000-0000-0000-0000-000000000002",
    "data": {"order_id": "ORD-001"},
}

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-3, max_value=3)
    | st.floats(allow_nan=False, allow_infinity=False, width=16)
    | st.sampled_from(["", "x", "1.0", "/shop/sales", " "]),
    lambda inner: (
        st.lists(inner, max_size=2)
        | st.dictionaries(st.sampled_from(["a", ""]), inner, max_size=2)
    ),
    max_leaves=3,
)
TIMES = st.sampled_from(
    [
        "2026-01-01T00:01:30.250000Z",
        "2026-01-01T00:00:00+02:00",
        "2026-01-01T00:00:00",
        "2026-01-01",
        "yesterday",
        "",
    ]
)
NAMES = st.sampled_from(
    [
        *VALID,
        "data_base64",
        "causationid",
        "position",
        "x1",
        "",
        "Simtime",
        "bad-name",
        "under_score",
        "trailing\n",
        "é",
    ]
) | st.text(alphabet="az09AZ_-\n ", max_size=4)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid event with a few attributes removed, replaced or added."""
    document = json.loads(json.dumps(VALID))
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        name = draw(NAMES)
        action = draw(st.sampled_from(["drop", "set", "set"]))
        if action == "drop":
            document.pop(name, None)
        elif name == "time":
            document[name] = draw(TIMES | JSON_VALUES)
        elif name == "specversion":
            document[name] = draw(st.sampled_from(["1.0", "0.3", 1.0]))
        elif name == "datacontenttype":
            document[name] = draw(st.sampled_from([JSON_CONTENT_TYPE, "", "text/x"]))
        else:
            document[name] = draw(JSON_VALUES)
    return document


@settings(max_examples=600, deadline=None)
@given(document=documents(), as_bytes=st.booleans())
def test_our_reader_judges_documents_as_the_librarys_did(
    document: dict[str, Any], as_bytes: bool
) -> None:
    text = json.dumps(document)
    assert_same_verdict(text.encode() if as_bytes else text)


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=12) | st.text(max_size=12))
def test_our_reader_refuses_what_is_not_json_as_the_librarys_did(
    raw: bytes | str,
) -> None:
    assert_same_verdict(raw)


def edited(**changes: Any) -> str:
    document = {**VALID, **changes}
    return json.dumps({k: v for k, v in document.items() if v is not ...})


@pytest.mark.parametrize(
    "raw",
    [
        edited(),
        edited(time=...),
        edited(subject=...),
        edited(datacontenttype=...),
        edited(id="", source=0, type=[]),
        edited(id=7, subject="", dataschema=False),
        edited(subject=None, dataschema=""),
        edited(**{"": "x", "Bad_Name": 1, "ok1": None}),
        edited(**{"trailing\n": "x"}),
        edited(data_base64="AA=="),
        edited(data=...),
        edited(data=...) + " ",
        "\ufeff" + edited(),
        edited().encode("utf-16"),
        edited().replace('"ORD-001"}', "NaN}"),
    ],
)
def test_edge_cases_are_judged_as_the_library_did(raw: bytes | str) -> None:
    assert_same_verdict(raw)


def test_every_broken_rule_is_named_in_the_librarys_words() -> None:
    _, message = outcome(read_event, edited(id=7, subject="", **{"": "x"}))
    assert message == (
        "not a valid CloudEvent: "
        ": Extension attribute name must be at least 1 character long but was '', "
        "Extension attribute '' should only contain lowercase letters and numbers; "
        "id: Attribute 'id' must be a <class 'str'>; "
        "subject: Attribute 'subject' must not be empty"
    )
