"""The quick check says yes only to payloads the full validators accept.

It stands in front of fastjsonschema (whose yes is what a contract accepts)
and jsonschema (whose words name a refusal), so its one duty is never to
say yes to a payload they refuse; and to say yes to the payloads the shop
really publishes, or it saves nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastjsonschema import JsonSchemaValueException
from hypothesis import given, settings
from hypothesis import strategies as st

from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.integration.events import INTEGRATION_EVENTS, OrderPlaced
from ddd_sim.integration.payload import to_data
from ddd_sim.integration.quick_check import compile_quick_check, never
from ddd_sim.integration.schemas import PUBLISHED
from tests.integration_wire.test_wire_roundtrip import order_placed
from tests.integration_wire.wire_strategies import messages

NEAR_MISSES = [None, True, False, 0, -1, 2, 2.0, 0.5, "", "x", "1.5", "10.00\n", "usd"]
"""Values one slip away from valid ones: a wrong type, a bound, a pattern."""
JSON_VALUES = st.sampled_from(NEAR_MISSES) | st.recursive(
    st.sampled_from(NEAR_MISSES),
    lambda inner: (
        st.lists(inner, max_size=2)
        | st.dictionaries(
            st.sampled_from(["amount", "currency", "x"]), inner, max_size=2
        )
    ),
    max_leaves=4,
)


def places(node: Any) -> list[tuple[Any, Any]]:
    """Every (container, key or index) inside a parsed JSON value."""
    found: list[tuple[Any, Any]] = []
    keys = node.keys() if isinstance(node, dict) else range(len(node))
    for key in keys:
        found.append((node, key))
        if isinstance(node[key], dict | list):
            found.extend(places(node[key]))
    return found


def fully_valid(cls: type[IntegrationEvent], payload: Any) -> bool:
    contract = PUBLISHED.contract_of(cls)
    try:
        contract.fast_check(payload)
    except JsonSchemaValueException:
        return False
    assert contract.validator.is_valid(payload)
    return True


@pytest.mark.parametrize("cls", INTEGRATION_EVENTS, ids=lambda c: c.event_type)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_published_payloads_pass_quickly(
    cls: type[IntegrationEvent], data: st.DataObject
) -> None:
    payload = to_data(data.draw(messages(cls)))
    assert PUBLISHED.contract_of(cls).quick_check(payload)
    assert PUBLISHED.contract_of(cls).quick_check(json.loads(json.dumps(payload)))


def single_edits(payload: Any) -> list[Any]:
    """The payload with one value replaced by each near miss, or a key more or less."""
    text = json.dumps(payload)
    edits = []
    for index in range(len(places(payload))):
        for value in [*NEAR_MISSES, [], {}, {"x": 1}, "dropped", "added"]:
            edit = json.loads(text)
            container, key = places(edit)[index]
            if value == "dropped":
                del container[key]
            elif value == "added" and isinstance(container, dict):
                container["x"] = 1
            else:
                container[key] = value
            edits.append(edit)
    return edits


@pytest.mark.parametrize("cls", INTEGRATION_EVENTS, ids=lambda c: c.event_type)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_a_quick_yes_to_one_slip_is_a_yes_of_the_full_validators(
    cls: type[IntegrationEvent], data: st.DataObject
) -> None:
    check = PUBLISHED.contract_of(cls).quick_check
    for payload in single_edits(to_data(data.draw(messages(cls)))):
        if check(payload):
            assert fully_valid(cls, payload), payload


@pytest.mark.parametrize("cls", INTEGRATION_EVENTS, ids=lambda c: c.event_type)
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_a_quick_yes_to_any_edit_is_a_yes_of_the_full_validators(
    cls: type[IntegrationEvent], data: st.DataObject
) -> None:
    payload = json.loads(json.dumps(to_data(data.draw(messages(cls)))))
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        spots = places(payload)
        if not spots:
            break
        container, key = data.draw(st.sampled_from(spots))
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            container[key] = data.draw(JSON_VALUES)
        elif action == "delete" or isinstance(container, list):
            del container[key]
        else:
            container[data.draw(st.sampled_from(["x", "amount", "lines"]))] = 1
    if PUBLISHED.contract_of(cls).quick_check(payload):
        assert fully_valid(cls, payload), payload


def edited(path: str, value: Any) -> dict[str, Any]:
    payload: dict[str, Any] = json.loads(json.dumps(to_data(order_placed())))
    *parents, last = path.split(".")
    node: Any = payload
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[int(last) if last.isdigit() else last] = value
    return payload


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("lines.0.quantity", 2.0),  # fastjsonschema and jsonschema say yes
        ("lines.0.quantity", True),
        ("lines.0.quantity", 0),
        ("total.amount", "200.00\n"),  # jsonschema says yes, fastjsonschema no
        ("total.amount", 200),
        ("total.currency", "usd"),
        ("order_id", ""),
        ("lines", ()),
        ("total.extra", 1),
    ],
)
def test_anything_unusual_goes_the_long_way(path: str, value: Any) -> None:
    assert not PUBLISHED.contract_of(OrderPlaced).quick_check(edited(path, value))


def test_optional_fields_take_none_or_their_type() -> None:
    check = compile_quick_check(
        {
            "type": "object",
            "properties": {"note": {"anyOf": [{"type": "string"}, {"type": "null"}]}},
            "required": ["note"],
            "additionalProperties": False,
        }
    )
    assert check({"note": None})
    assert check({"note": "x"})
    assert not check({"note": 1})
    assert not check({})


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "format": "date"},
        {"type": "integer", "maximum": 3},
        {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        {"type": "array", "items": {"type": "string"}, "minItems": 1},
        {
            "type": "object",
            "properties": {"a": {"type": "string"}},
            "required": [],
            "additionalProperties": False,
        },
        {"type": "object", "properties": {}, "required": []},
        {"$ref": "#/$defs/Money"},
    ],
)
def test_a_schema_it_cannot_read_is_never_quick(schema: dict[str, Any]) -> None:
    assert compile_quick_check(schema) is never


def test_every_published_schema_has_a_quick_check() -> None:
    for contract in PUBLISHED:
        assert contract.quick_check is not never, contract.event_type
