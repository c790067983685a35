"""decode refuses what breaks the contract, naming the problem; encode too."""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.integration.events import OrderLine, OrderPlaced
from ddd_sim.integration.wire import decode, encode
from ddd_sim.shared.errors import ContractViolation
from ddd_sim.shared.messages import message
from ddd_sim.shared.money import Money
from tests.integration_wire.test_wire_roundtrip import order_placed

Edit = Callable[[dict[str, Any]], object]


def sent(edit: Edit) -> str:
    """A valid OrderPlaced on the wire, changed by ``edit``."""
    document = json.loads(encode(order_placed(), event_id=uuid.UUID(int=7), sim_time=5))
    edit(document)
    return json.dumps(document)


def refused(raw: bytes | str, **kwargs: Any) -> str:
    with pytest.raises(ContractViolation) as caught:
        decode(raw, **kwargs)
    return str(caught.value)


def test_not_json() -> None:
    assert refused(b"{not json").startswith("not JSON: ")
    assert refused(b"\xff\xfe").startswith("not JSON: ")


def test_not_an_object() -> None:
    assert refused("[1, 2]") == (
        "not a CloudEvent: expected a JSON object, got a JSON array"
    )


@pytest.mark.parametrize("attribute", ["specversion", "id", "source", "type"])
def test_missing_required_attribute(attribute: str) -> None:
    message = refused(sent(lambda d: d.pop(attribute)))
    assert message == f"not a CloudEvent: missing required attribute {attribute}"


def test_wrong_specversion() -> None:
    message = refused(sent(lambda d: d.update(specversion="0.3")))
    assert message == (
        "CloudEvents specversion '0.3' is not supported (this reader reads 1.0)"
    )


def test_invalid_attribute_values_are_reported_by_the_cloudevents_library() -> None:
    message = refused(sent(lambda d: d.update(source="")))
    assert message.startswith("not a valid CloudEvent: source: ")
    assert "'source' must not be None or empty" in message
    message = refused(sent(lambda d: d.update({"bad-name": "x"})))
    assert "bad-name" in message
    assert "lowercase letters and numbers" in message


def test_unknown_type() -> None:
    message = refused(sent(lambda d: d.update(type="shop.sales.order.teleported")))
    assert message == (
        "unknown event type 'shop.sales.order.teleported': "
        "not part of the published language"
    )


def test_unsupported_version_names_type_received_and_supported() -> None:
    def version_3(document: dict[str, Any]) -> None:
        document["dataschema"] = "urn:ddd-sim:schema:shop.sales.order.placed:3"

    expected = (
        "shop.sales.order.placed version 3 is not supported by this consumer (reads 1)"
    )
    assert refused(sent(version_3)) == expected
    assert refused(sent(version_3), accepted={"shop.sales.order.placed": [1]}) == (
        expected
    )


def test_a_consumer_that_does_not_read_the_type() -> None:
    message = refused(
        sent(lambda d: None), accepted={"shop.billing.invoice.issued": {1}}
    )
    assert message == (
        "shop.sales.order.placed is not read by this consumer "
        "(it reads shop.billing.invoice.issued)"
    )


@pytest.mark.parametrize(
    "dataschema",
    [None, "urn:ddd-sim:schema:shop.sales.order.shipped:1", "urn:x", "…placed:v1"],
)
def test_dataschema_must_name_a_version_of_the_type(dataschema: str | None) -> None:
    def edit(document: dict[str, Any]) -> None:
        if dataschema is None:
            del document["dataschema"]
        else:
            document["dataschema"] = dataschema

    assert "dataschema" in refused(sent(edit))


def test_source_must_be_the_publisher() -> None:
    message = refused(sent(lambda d: d.update(source="/shop/billing")))
    assert message == (
        "shop.sales.order.placed is published by /shop/sales, not '/shop/billing'"
    )


def test_payload_failing_its_schema_names_the_path() -> None:
    def bad_total(document: dict[str, Any]) -> None:
        document["data"]["total"]["amount"] = "abc"

    message = refused(sent(bad_total))
    assert message.startswith(
        "shop.sales.order.placed version 1: data.total.amount: 'abc' does not match "
    )

    def bad_quantity(document: dict[str, Any]) -> None:
        document["data"]["lines"][1]["quantity"] = -2

    assert refused(sent(bad_quantity)) == (
        "shop.sales.order.placed version 1: "
        "data.lines[1].quantity: -2 is less than the minimum of 1"
    )


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d.pop("data"), "data must be a JSON object, got no data"),
        (lambda d: d.update(data=[1]), "data must be a JSON object, got a JSON array"),
        (
            lambda d: d.update(datacontenttype="text/plain"),
            "datacontenttype must be application/json, got 'text/plain'",
        ),
        (lambda d: d.update(id="evt-123"), "id must be a UUID, got 'evt-123'"),
        (
            lambda d: d.update(correlationid="x"),
            "correlationid must be a UUID string, got 'x'",
        ),
        (lambda d: d.update(simtime=5), "simtime must be a decimal string, got 5"),
        (
            lambda d: d.update(simtime="-1.0"),
            "sim time must be finite and ≥ 0, got -1.0",
        ),
        (lambda d: d.update(time="yesterday"), "time 'yesterday' is not an RFC 3339"),
    ],
)
def test_malformed_envelopes(edit: Edit, expected: str) -> None:
    assert refused(sent(edit)).startswith(expected)


def test_nan_is_not_json() -> None:
    raw = sent(lambda d: None).replace('"amount": "200.00"', '"amount": NaN')
    assert "NaN is not a JSON number" in refused(raw)


def test_money_rules_a_schema_cannot_see() -> None:
    def currency(document: dict[str, Any]) -> None:
        document["data"]["total"]["currency"] = "XYZ"

    assert refused(sent(currency)).startswith("data.total: unknown currency 'XYZ'")

    def fraction(document: dict[str, Any]) -> None:
        document["data"]["lines"][0]["unit_price"]["amount"] = "1.005"

    assert refused(sent(fraction)) == (
        "data.lines[0].unit_price.amount: '1.005' has more decimal places "
        "than USD allows"
    )


def test_encode_refuses_a_payload_that_breaks_the_schema() -> None:
    bad = OrderPlaced(
        order_id="",
        customer_id="CUST-1",
        lines=(OrderLine(product_id="P", quantity=1, unit_price=Money.of("1")),),
        total=Money.of("1"),
    )
    with pytest.raises(ContractViolation, match=re.escape("data.order_id: '' should")):
        encode(bad, event_id=uuid.UUID(int=1), sim_time=0)


@pytest.mark.parametrize("sim_time", [-1.0, math.inf, math.nan])
def test_encode_refuses_a_bad_sim_time(sim_time: float) -> None:
    with pytest.raises(ContractViolation, match="sim time must be finite and ≥ 0"):
        encode(order_placed(), event_id=uuid.UUID(int=1), sim_time=sim_time)


def test_encode_refuses_an_event_outside_the_published_language() -> None:
    @message
    class Gossip(IntegrationEvent):
        event_type = "shop.sales.gossip.spread"
        source_context = "sales"
        rumour: str

    with pytest.raises(ContractViolation, match="Gossip is not part of the published"):
        encode(Gossip(rumour="x"), event_id=uuid.UUID(int=1), sim_time=0)
