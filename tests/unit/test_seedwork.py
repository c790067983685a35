"""Seedwork rules: money is exact, ids are typed, messages are frozen, upcasts chain."""

from __future__ import annotations

import dataclasses
import itertools
import uuid
from decimal import Decimal

import pytest

from ddd_sim.contexts.payment.domain.events import AccountOpened, MoneyDeposited
from ddd_sim.integration.envelope import SIM_EPOCH
from ddd_sim.shared.errors import UnknownEventType, ValidationError
from ddd_sim.shared.events import EventMetadata, RecordedEvent
from ddd_sim.shared.ids import SIM_EPOCH_MS, AccountId, CustomerId, IdFactory
from ddd_sim.shared.money import Money
from ddd_sim.shared.serialization import EventRegistry
from ddd_sim.shared.upcasting import Upcasters


def test_money_is_exact_and_quantised() -> None:
    assert Money.of("0.1") + Money.of("0.2") == Money.of("0.3")
    assert Money.of("10.005").amount == Decimal("10.00")  # banker's rounding
    assert Money.of(5, "JPY").amount == Decimal("5")
    assert str(Money.of("12.5", "EUR")) == "12.50 EUR"


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        (1.5, "USD", "must not be a float"),
        ("abc", "USD", "not a money amount"),
        ("NaN", "USD", "must be finite"),
        ("1", "XXX", "unknown currency 'XXX'"),
    ],
)
def test_bad_money_is_refused_with_the_reason(amount, currency, message) -> None:
    with pytest.raises(ValidationError, match=message):
        Money.of(amount, currency)


def test_money_of_two_currencies_does_not_mix() -> None:
    with pytest.raises(ValidationError, match="cannot combine USD and EUR"):
        Money.of("1") + Money.of("1", "EUR")


def test_typed_ids_check_their_prefix() -> None:
    assert CustomerId("CUST-001").value == "CUST-001"
    assert str(AccountId.from_number(7)) == "ACC-007"
    with pytest.raises(ValidationError, match="must start with CUST-"):
        CustomerId("ACC-001")
    with pytest.raises(ValidationError, match="malformed CustomerId"):
        CustomerId("CUST 001; drop table")


def test_seeded_id_factory_repeats() -> None:
    a, b = IdFactory(7), IdFactory(7)
    assert [a.new_uuid() for _ in range(3)] == [b.new_uuid() for _ in range(3)]
    assert IdFactory(8).new_uuid() != IdFactory(7).new_uuid()


def test_ids_on_a_clock_are_version_7_and_sort_by_simulated_time() -> None:
    now = [0.0]
    factory = IdFactory(7, clock=lambda: now[0])
    made = []
    for moment in (0.0, 0.0004, 0.001, 1.5, 1.5, 86_400.25):
        now[0] = moment
        made.append(factory.new_uuid())
    assert {u.version for u in made} == {7}
    assert {u.variant for u in made} == {uuid.RFC_4122}
    assert [u.int >> 80 for u in made] == [
        SIM_EPOCH_MS + ms for ms in (0, 0, 1, 1500, 1500, 86_400_250)
    ]
    for earlier, later in itertools.pairwise(made):
        if earlier.int >> 80 < later.int >> 80:
            assert earlier < later  # a later millisecond sorts later
    assert made[3] != made[4]  # within one millisecond the rest is random
    assert IdFactory(7).new_uuid().version == 4  # no clock: random ids
    assert (
        IdFactory(7, clock=lambda: 2.0).new_uuid()
        == IdFactory(7, clock=lambda: 2.0).new_uuid()
    )


def test_the_id_epoch_is_the_wire_epoch() -> None:
    assert int(SIM_EPOCH.timestamp() * 1000) == SIM_EPOCH_MS


def test_messages_are_frozen_slotted_keyword_only() -> None:
    event = MoneyDeposited(account_id="ACC-1", amount=Money.of("1"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.account_id = "ACC-2"  # type: ignore[misc]
    assert not hasattr(event, "__dict__")
    with pytest.raises(TypeError):
        MoneyDeposited("ACC-1", Money.of("1"))  # type: ignore[misc]
    assert (MoneyDeposited.event_type, MoneyDeposited.schema_version) == (
        "MoneyDeposited",
        2,
    )


def _recorded(type_: str, version: int, payload: dict) -> RecordedEvent:
    return RecordedEvent(
        uuid.uuid4(), "s", 1, 1, type_, version, payload, EventMetadata()
    )


def test_upcasters_chain_step_by_step_and_name_gaps() -> None:
    up = Upcasters()
    up.declare("Thing", 3)
    up.register("Thing", 1, lambda p: {**p, "b": 2})
    up.register("Thing", 2, lambda p: {**p, "c": p["b"] + 1})
    original = {"a": 1}
    assert up.upcast("Thing", 1, original) == (3, {"a": 1, "b": 2, "c": 3})
    assert original == {"a": 1}
    assert up.upcast("Other", 9, {"x": 1}) == (9, {"x": 1})
    with pytest.raises(UnknownEventType, match="Thing schema version 4 is newer"):
        up.upcast("Thing", 4, {})
    gap = Upcasters()
    gap.declare("Gap", 3)
    gap.register("Gap", 2, lambda p: p)
    with pytest.raises(UnknownEventType, match="Gap schema version 1 is not known"):
        gap.upcast("Gap", 1, {})


def test_registry_round_trips_money_and_refuses_unknown_types() -> None:
    registry = EventRegistry()
    registry.register(AccountOpened)
    event = AccountOpened(
        account_id="ACC-1", owner_id="CUST-1", initial_balance=Money.of("9.99", "EUR")
    )
    stored = registry.to_new_event(
        event, event_id=uuid.uuid4(), metadata=EventMetadata()
    )
    assert stored.payload["initial_balance"] == {"amount": "9.99", "currency": "EUR"}
    back = registry.to_domain_event(_recorded("AccountOpened", 1, dict(stored.payload)))
    assert back == event
    with pytest.raises(UnknownEventType, match="unknown event type Nope"):
        registry.to_domain_event(_recorded("Nope", 1, {}))
    with pytest.raises(UnknownEventType, match="not registered"):
        registry.to_new_event(
            MoneyDeposited(account_id="A", amount=Money.of("1")),
            event_id=uuid.uuid4(),
            metadata=EventMetadata(),
        )


def test_money_as_json_is_exact_text_and_round_trips() -> None:
    for money in (
        Money.of("12.5", "USD"),
        Money.of("1E+6", "JPY"),
        Money.of("0", "EUR"),
    ):
        document = money.to_json()
        assert "E" not in document["amount"]
        assert Money.from_json(document) == money
    assert Money.of("12.5").to_json() == {"amount": "12.50", "currency": "USD"}
    assert Money.of("1E+6", "JPY").to_json() == {"amount": "1000000", "currency": "JPY"}
