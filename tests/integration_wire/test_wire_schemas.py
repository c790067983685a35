"""The schemas come from the classes, are strict, and keep old versions beside new."""

from __future__ import annotations

import dataclasses
import json
import uuid
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.integration.events import INTEGRATION_EVENTS, OrderLine, OrderPlaced
from ddd_sim.integration.payload import to_data
from ddd_sim.integration.schemas import (
    PUBLISHED,
    ContractRegistry,
    dump_schemas,
    schema_for,
)
from ddd_sim.integration.wire import decode, encode
from ddd_sim.shared.errors import ContractViolation
from ddd_sim.shared.messages import message
from ddd_sim.shared.money import Money
from tests.integration_wire.test_wire_roundtrip import order_placed


@message
class OrderPlacedV2(IntegrationEvent):
    """Version 2 of OrderPlaced: adds the sales channel."""

    event_type = "shop.sales.order.placed"
    version = 2
    source_context = "sales"
    order_id: str
    customer_id: str
    lines: tuple[OrderLine, ...]
    total: Money
    channel: str


def violation(data: Any) -> str:
    with pytest.raises(ContractViolation) as caught:
        PUBLISHED.contract_of(OrderPlaced).check(data)
    return str(caught.value)


def valid_data() -> dict[str, Any]:
    return to_data(order_placed())


@pytest.mark.parametrize("cls", INTEGRATION_EVENTS, ids=lambda c: c.event_type)
def test_every_schema_mirrors_its_class(cls: type[IntegrationEvent]) -> None:
    schema = schema_for(cls.event_type, cls.version)
    Draft202012Validator.check_schema(schema)
    names = [f.name for f in dataclasses.fields(cls)]
    assert list(schema["properties"]) == names
    assert schema["required"] == names
    assert schema["additionalProperties"] is False
    assert schema["$id"] == f"urn:ddd-sim:schema:{cls.event_type}:{cls.version}"
    for definition in schema.get("$defs", {}).values():
        assert definition["additionalProperties"] is False
        assert definition["required"] == list(definition["properties"])


def test_every_published_event_has_a_contract() -> None:
    keys = {(c.event_type, c.version) for c in PUBLISHED}
    assert keys == {(c.event_type, c.version) for c in INTEGRATION_EVENTS}
    assert len(PUBLISHED) == len(INTEGRATION_EVENTS)


def test_field_rules_follow_the_published_names() -> None:
    schema = schema_for("shop.inventory.stock.reserved", 1)
    assert schema["properties"]["product_id"] == {"type": "string", "minLength": 1}
    assert schema["properties"]["quantity"] == {"type": "integer", "minimum": 1}
    assert schema["properties"]["available"] == {"type": "integer", "minimum": 0}
    delivery = schema_for("shop.shipping.shipment.created", 1)
    assert delivery["properties"]["estimated_delivery"] == {"type": "number"}


def test_a_valid_payload_passes() -> None:
    PUBLISHED.contract_of(OrderPlaced).check(valid_data())


def test_an_extra_field_is_refused() -> None:
    data = {**valid_data(), "coupon": "FREE"}
    assert violation(data) == (
        "shop.sales.order.placed version 1: data: Additional properties are not "
        "allowed ('coupon' was unexpected)"
    )


def test_a_missing_field_is_refused() -> None:
    data = valid_data()
    del data["customer_id"]
    assert violation(data) == (
        "shop.sales.order.placed version 1: data: 'customer_id' is a required property"
    )


def test_a_negative_quantity_is_refused() -> None:
    data = valid_data()
    data["lines"][0]["quantity"] = -1
    assert violation(data).endswith(
        "data.lines[0].quantity: -1 is less than the minimum of 1"
    )


def test_a_float_amount_is_refused() -> None:
    data = valid_data()
    data["total"]["amount"] = 200.0
    assert violation(data).endswith("data.total.amount: 200.0 is not of type 'string'")


def test_a_lower_case_currency_is_refused() -> None:
    data = valid_data()
    data["total"]["currency"] = "usd"
    assert "data.total.currency: 'usd' does not match" in violation(data)


def test_a_boolean_is_not_an_integer() -> None:
    data = valid_data()
    data["lines"][0]["quantity"] = True
    assert "data.lines[0].quantity: True is not of type 'integer'" in violation(data)


def test_schema_for_gives_a_copy() -> None:
    schema_for("shop.sales.order.placed", 1)["properties"].clear()
    assert "order_id" in schema_for("shop.sales.order.placed", 1)["properties"]


def test_schema_for_an_unknown_version() -> None:
    with pytest.raises(
        ContractViolation,
        match=r"no schema for shop\.sales\.order\.placed version 9 \(published "
        r"versions: 1\)",
    ):
        schema_for("shop.sales.order.placed", 9)


def test_dump_holds_every_schema_as_json() -> None:
    dumped = json.loads(dump_schemas())
    assert sorted(dumped) == sorted(
        f"urn:ddd-sim:schema:{c.event_type}:{c.version}" for c in INTEGRATION_EVENTS
    )
    assert dumped["urn:ddd-sim:schema:shop.sales.order.placed:1"] == schema_for(
        "shop.sales.order.placed", 1
    )
    assert dump_schemas() == dump_schemas()


def test_a_new_version_is_a_new_entry_beside_the_old() -> None:
    registry = ContractRegistry((*INTEGRATION_EVENTS, OrderPlacedV2))
    assert registry.versions("shop.sales.order.placed") == (1, 2)
    assert registry.contract("shop.sales.order.placed", 1).schema == schema_for(
        "shop.sales.order.placed", 1
    )
    assert (
        "channel" in registry.contract("shop.sales.order.placed", 2).schema["required"]
    )
    base = order_placed()
    v2 = OrderPlacedV2(
        order_id=base.order_id,
        customer_id=base.customer_id,
        lines=base.lines,
        total=base.total,
        channel="web",
    )
    wire = encode(v2, event_id=uuid.UUID(int=1), sim_time=0, registry=registry)
    assert decode(wire, registry=registry).event == v2
    with pytest.raises(
        ContractViolation, match=r"version 2 is not supported .*\(reads 1\)"
    ):
        decode(wire, accepted={"shop.sales.order.placed": [1]}, registry=registry)
    # the build's own language does not know version 2 yet
    with pytest.raises(
        ContractViolation, match=r"version 2 is not supported .*\(reads 1\)"
    ):
        decode(wire)
    v1 = encode(
        order_placed(), event_id=uuid.UUID(int=2), sim_time=0, registry=registry
    )
    assert decode(v1, registry=registry).version == 1


def test_one_type_and_version_belongs_to_one_class() -> None:
    @message
    class Impostor(IntegrationEvent):
        event_type = "shop.sales.order.placed"
        source_context = "sales"
        order_id: str

    with pytest.raises(ValueError, match="already published by OrderPlaced"):
        ContractRegistry((OrderPlaced, Impostor))


def test_a_field_type_without_a_json_form_is_refused() -> None:
    @message
    class Tagged(IntegrationEvent):
        event_type = "shop.sales.order.tagged"
        source_context = "sales"
        tags: frozenset[str]

    with pytest.raises(TypeError, match=r"field 'tags'.*has no published JSON form"):
        ContractRegistry((Tagged,))
