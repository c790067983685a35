"""EventRegistry shares one decoded event per record object, and only that."""

from __future__ import annotations

import uuid

import pytest

from ddd_sim.contexts.payment.domain.events import MoneyDeposited
from ddd_sim.shared import serialization
from ddd_sim.shared.errors import UnknownEventType
from ddd_sim.shared.events import EventMetadata, RecordedEvent
from ddd_sim.shared.money import Money
from ddd_sim.shared.serialization import EventRegistry


def _registry() -> EventRegistry:
    registry = EventRegistry()
    registry.register(MoneyDeposited)
    registry.upcasters.register(  # v1 stored the amount as a bare string
        "MoneyDeposited",
        1,
        lambda p: {**p, "amount": {"amount": p["amount"], "currency": "USD"}},
    )
    return registry


def _recorded(amount: object, version: int = 2) -> RecordedEvent:
    payload = {"account_id": "ACC-1", "amount": amount}
    return RecordedEvent(
        uuid.uuid4(), "s", 1, 1, "MoneyDeposited", version, payload, EventMetadata()
    )


def test_one_record_object_decodes_once() -> None:
    registry = _registry()
    record = _recorded({"amount": "5.00", "currency": "EUR"})
    event = registry.to_domain_event(record)
    assert registry.to_domain_event(record) is event
    assert event == MoneyDeposited(account_id="ACC-1", amount=Money.of("5", "EUR"))


def test_an_equal_record_of_another_read_is_decoded_again() -> None:
    registry = _registry()
    record = _recorded({"amount": "5.00", "currency": "EUR"})
    event = registry.to_domain_event(record)
    same_fields = RecordedEvent(*(getattr(record, f) for f in record.__slots__))
    again = registry.to_domain_event(same_fields)
    assert again == event
    assert again is not event


def test_an_upcast_record_decodes_as_before_and_stays_as_stored() -> None:
    registry = _registry()
    record = _recorded("7.50", version=1)
    expected = MoneyDeposited(account_id="ACC-1", amount=Money.of("7.5", "USD"))
    assert registry.to_domain_event(record) == expected
    assert registry.to_domain_event(record) == expected
    assert record.payload == {"account_id": "ACC-1", "amount": "7.50"}


def test_a_refused_record_is_refused_every_time() -> None:
    registry = _registry()
    record = _recorded({"amount": "x", "currency": "EUR"})
    for _ in range(2):
        with pytest.raises(UnknownEventType, match="malformed field"):
            registry.to_domain_event(record)


def test_the_memo_is_bounded_and_stays_right() -> None:
    registry = _registry()
    kept = serialization._DECODED_KEPT
    records = [
        _recorded({"amount": f"{n}.00", "currency": "EUR"}) for n in range(kept + 5)
    ]
    for record in records:
        decoded = registry.to_domain_event(record)
        assert decoded.amount == Money.of(record.payload["amount"]["amount"], "EUR")
        assert len(registry._decoded) <= kept
    assert registry.to_domain_event(records[0]).amount == Money.of("0", "EUR")
