"""The published language on the wire: integration events as CloudEvents 1.0 JSON.

``encode`` checks the payload against its schema before it leaves the
publisher; ``decode`` refuses anything that breaks the contract with a
``ContractViolation`` naming what is wrong, so a consumer only ever sees
events it understands.  The contract version travels in ``dataschema``.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Collection, Mapping
from typing import Any

from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.integration.delivery import Delivery
from ddd_sim.integration.envelope import (
    JSON_CONTENT_TYPE,
    check_sim_time,
    read_event,
    sent_id,
    sent_sim_time,
    sent_uuid,
    write_sim_event,
)
from ddd_sim.integration.payload import from_data, to_data
from ddd_sim.integration.schemas import PUBLISHED, ContractRegistry, schema_id
from ddd_sim.shared.errors import ContractViolation


def source_of(event_class: type[IntegrationEvent]) -> str:
    """The CloudEvents ``source`` of a publisher: ``/shop/<context>``."""
    return f"/shop/{event_class.source_context}"


def encode(
    event: IntegrationEvent,
    *,
    event_id: uuid.UUID,
    sim_time: float,
    correlation_id: uuid.UUID | None = None,
    causation_id: uuid.UUID | None = None,
    subject: str | None = None,
    registry: ContractRegistry = PUBLISHED,
) -> bytes:
    """The structured CloudEvent of an integration event; same inputs, same bytes."""
    contract = registry.contract_of(type(event))
    data = to_data(event)
    contract.check(data)
    check_sim_time(sim_time)
    attributes: dict[str, Any] = {
        "type": contract.event_type,
        "source": source_of(contract.event_class),
        "id": str(event_id),
        "datacontenttype": JSON_CONTENT_TYPE,
        "dataschema": schema_id(contract.event_type, contract.version),
        "simtime": repr(float(sim_time)),
    }
    if subject is not None:
        attributes["subject"] = subject
    if correlation_id is not None:
        attributes["correlationid"] = str(correlation_id)
    if causation_id is not None:
        attributes["causationid"] = str(causation_id)
    return write_sim_event(attributes, data, sim_time=sim_time)


@functools.lru_cache(maxsize=256)
def _schema_prefix(event_type: str) -> str:
    """``urn:ddd-sim:schema:<type>:``, the dataschema of any version of a type."""
    return schema_id(event_type, 0).removesuffix("0")


def _version_sent(sent: Mapping[str, Any], event_type: str) -> int:
    """The contract version named by ``dataschema`` (which must name this type)."""
    dataschema = sent.get("dataschema")
    prefix = _schema_prefix(event_type)
    if not isinstance(dataschema, str) or not dataschema.startswith(prefix):
        raise ContractViolation(
            f"{event_type}: dataschema must be {prefix}<version>, got {dataschema!r}"
        )
    number = dataschema.removeprefix(prefix)
    if not number.isdigit() or not number.isascii():
        raise ContractViolation(
            f"{event_type}: dataschema {dataschema!r} does not end in a version number"
        )
    return int(number)


def decode(
    data: bytes | str,
    *,
    accepted: Mapping[str, Collection[int]] | None = None,
    registry: ContractRegistry = PUBLISHED,
) -> Delivery:
    """Read one CloudEvent, refusing what this consumer's contract does not allow.

    ``accepted`` maps each event type the consumer reads to the versions it
    understands; None accepts every published type and version.
    """
    sent, payload = read_event(data)
    event_type: str = sent["type"]
    published = registry.versions(event_type)
    if not published:
        raise ContractViolation(
            f"unknown event type {event_type!r}: not part of the published language"
        )
    if accepted is not None:
        _check_type(event_type, accepted)
    version = _version_sent(sent, event_type)
    _check_version(
        event_type, version, accepted[event_type] if accepted is not None else published
    )
    contract = registry.contract(event_type, version)
    expected_source = source_of(contract.event_class)
    source: str = sent["source"]
    if source != expected_source:
        raise ContractViolation(
            f"{event_type} is published by {expected_source}, not {source!r}"
        )
    contract.check(payload)
    return Delivery(
        event=from_data(contract.event_class, payload),
        event_id=sent_id(sent["id"]),
        type=event_type,
        version=version,
        source=source,
        sim_time=sent_sim_time(sent),
        subject=sent.get("subject"),
        correlation_id=sent_uuid(sent, "correlationid"),
        causation_id=sent_uuid(sent, "causationid"),
    )


def _check_type(event_type: str, accepted: Mapping[str, Collection[int]]) -> None:
    if event_type not in accepted:
        raise ContractViolation(
            f"{event_type} is not read by this consumer "
            f"(it reads {', '.join(sorted(accepted)) or 'nothing'})"
        )


def _check_version(event_type: str, version: int, readable: Collection[int]) -> None:
    if version not in readable:
        raise ContractViolation(
            f"{event_type} version {version} is not supported by this consumer "
            f"(reads {', '.join(map(str, sorted(readable)))})"
        )


def admit(delivery: Delivery, accepted: Mapping[str, Collection[int]]) -> Delivery:
    """``delivery`` if this consumer's contract reads its type and version.

    What :func:`decode` checks with ``accepted``, for an event already decoded
    once without it (the consumers of one message share the decoding).
    """
    _check_type(delivery.type, accepted)
    _check_version(delivery.type, delivery.version, accepted[delivery.type])
    return delivery
