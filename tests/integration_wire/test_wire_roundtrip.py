"""Every integration event survives encode → decode, and encoding is deterministic."""

from __future__ import annotations

import dataclasses
import json
import math
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.integration.events import INTEGRATION_EVENTS, OrderLine, OrderPlaced
from ddd_sim.integration.wire import decode, encode
from ddd_sim.shared.errors import ContractViolation
from ddd_sim.shared.money import Money
from tests.integration_wire.wire_strategies import messages

SIM_TIMES = st.floats(min_value=0, max_value=1e9, allow_nan=False)


def order_placed() -> OrderPlaced:
    return OrderPlaced(
        order_id="ORD-001",
        customer_id="CUST-001",
        lines=(
            OrderLine(product_id="PROD-001", quantity=2, unit_price=Money.of("50")),
            OrderLine(product_id="PROD-002", quantity=1, unit_price=Money.of("100")),
        ),
        total=Money.of("200"),
    )


@pytest.mark.parametrize("cls", INTEGRATION_EVENTS, ids=lambda c: c.event_type)
@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_every_event_round_trips(cls: type[IntegrationEvent], data: st.DataObject):
    event = data.draw(messages(cls))
    event_id = data.draw(st.uuids())
    sim_time = data.draw(SIM_TIMES)
    correlation = data.draw(st.none() | st.uuids())
    causation = data.draw(st.none() | st.uuids())
    subject = data.draw(st.none() | st.text(min_size=1, max_size=10))
    wire = encode(
        event,
        event_id=event_id,
        sim_time=sim_time,
        correlation_id=correlation,
        causation_id=causation,
        subject=subject,
    )
    delivery = decode(wire)
    assert delivery.event == event
    assert type(delivery.event) is cls
    assert (delivery.event_id, delivery.sim_time) == (event_id, sim_time)
    assert (delivery.correlation_id, delivery.causation_id) == (correlation, causation)
    assert (delivery.type, delivery.version) == (cls.event_type, cls.version)
    assert delivery.source == f"/shop/{cls.source_context}"
    assert delivery.subject == subject
    # equal inputs give equal bytes, whatever object carries them
    again = encode(
        dataclasses.replace(event),
        event_id=event_id,
        sim_time=sim_time,
        correlation_id=correlation,
        causation_id=causation,
        subject=subject,
    )
    assert again == wire


def test_the_wire_form_is_fixed() -> None:
    wire = encode(
        order_placed(),
        event_id=uuid.UUID(int=1),
        sim_time=90.25,
        correlation_id=uuid.UUID(int=2),
        causation_id=uuid.UUID(int=3),
        subject="ORD-001",
    )
    assert json.loads(wire) == {
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
        "causationid": "00000000-0000-0000-0000-000000000003",
        "data": {
            "order_id": "ORD-001",
            "customer_id": "CUST-001",
            "lines": [
                {
                    "product_id": "PROD-001",
                    "quantity": 2,
                    "unit_price": {"amount": "50.00", "currency": "USD"},
                },
                {
                    "product_id": "PROD-002",
                    "quantity": 1,
                    "unit_price": {"amount": "100.00", "currency": "USD"},
                },
            ],
            "total": {"amount": "200.00", "currency": "USD"},
        },
    }
    # attributes are written in sorted order, then the data with sorted keys
    text = wire.decode()
    assert text.startswith('{"causationid": "00000000-0000-0000-0000-000000000003"')
    assert (
        text.index('"customer_id"') < text.index('"lines"') < text.index('"order_id"')
    )


def test_absent_optional_attributes_are_left_out() -> None:
    document = json.loads(encode(order_placed(), event_id=uuid.UUID(int=1), sim_time=0))
    assert "subject" not in document
    assert "correlationid" not in document
    assert "causationid" not in document
    assert document["time"] == "2026-01-01T00:00:00Z"
    assert decode(json.dumps(document)).correlation_id is None


def test_a_different_input_gives_different_bytes() -> None:
    first = encode(order_placed(), event_id=uuid.UUID(int=1), sim_time=1.0)
    assert first != encode(order_placed(), event_id=uuid.UUID(int=2), sim_time=1.0)
    assert first != encode(order_placed(), event_id=uuid.UUID(int=1), sim_time=1.5)


def test_sim_time_falls_back_to_the_time_attribute() -> None:
    document = json.loads(encode(order_placed(), event_id=uuid.UUID(int=1), sim_time=3))
    del document["simtime"]
    assert decode(json.dumps(document)).sim_time == 3.0


def library_write_event(attributes: dict[str, Any], data: dict[str, Any]) -> bytes:
    """The event as the CloudEvents library's JSON format writes it."""
    from cloudevents.core.formats.json import JSONFormat
    from cloudevents.core.v1.event import CloudEvent

    ordered = json.loads(json.dumps(data, sort_keys=True))
    header = dict(sorted({"specversion": "1.0", **attributes}.items()))
    return JSONFormat().write(CloudEvent(header, ordered))


@pytest.mark.parametrize("cls", INTEGRATION_EVENTS, ids=lambda c: c.event_type)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_our_bytes_are_the_cloudevents_librarys(
    cls: type[IntegrationEvent], data: st.DataObject
):
    """write_event puts the JSON together itself; it must match the library's."""
    from ddd_sim.integration.envelope import sim_timestamp, write_event, write_sim_event
    from ddd_sim.integration.payload import to_data

    event = data.draw(messages(cls))
    sim_time = data.draw(SIM_TIMES)
    attributes = {
        "type": cls.event_type,
        "source": f"/shop/{cls.source_context}",
        "id": str(data.draw(st.uuids())),
        "time": sim_timestamp(sim_time),
        "datacontenttype": "application/json",
        "subject": data.draw(st.text(min_size=1, max_size=10)),
        "correlationid": str(data.draw(st.uuids())),
    }
    payload = to_data(event)
    expected = library_write_event(attributes, payload)
    assert write_event(attributes, payload) == expected
    del attributes["time"]
    assert write_sim_event(attributes, payload, sim_time=sim_time) == expected


EDGE_SIM_TIMES = [
    0,
    3,
    1e-6,
    5e-7,  # half a microsecond: timedelta rounds half to even
    1.5e-6,
    2.5e-6,
    59.9999995,
    3599.9999996,
    86399.9999995,
    86400.0,
    86400 * 366 + 0.25,
    2.5e11,  # year 9948
]


@settings(max_examples=400, deadline=None)
@given(sim_time=SIM_TIMES | st.sampled_from(EDGE_SIM_TIMES))
def test_sim_time_text_is_the_timestamp_as_the_library_writes_it(sim_time: float):
    from ddd_sim.integration.envelope import sim_time_text, sim_timestamp

    written = library_write_event(
        {"type": "t", "source": "/s", "id": "1", "time": sim_timestamp(sim_time)}, {}
    )
    assert json.loads(written)["time"] == sim_time_text(sim_time)


def test_sim_time_text_refuses_what_sim_timestamp_refuses():
    from ddd_sim.integration.envelope import sim_time_text, sim_timestamp

    for bad in (-1.0, math.inf, math.nan, True, "1"):
        with pytest.raises(ContractViolation) as expected:
            sim_timestamp(bad)  # type: ignore[arg-type]
        with pytest.raises(ContractViolation) as refused:
            sim_time_text(bad)  # type: ignore[arg-type]
        assert str(refused.value) == str(expected.value)
    with pytest.raises(OverflowError):
        sim_timestamp(3e11)  # beyond the year 9999
    with pytest.raises(OverflowError):
        sim_time_text(3e11)


def test_a_cloudevent_without_a_source_is_not_written():
    from ddd_sim.integration.envelope import sim_timestamp, write_event

    attributes = {"type": "t", "source": "", "id": "1", "time": sim_timestamp(0)}
    with pytest.raises(ValueError, match="source"):
        write_event(attributes, {})
