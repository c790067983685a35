"""Customer rules: given past events, when a command, then new events or an error."""

from __future__ import annotations

import pytest

from ddd_sim.contexts.customer.domain.customer import (
    Customer,
    CustomerAlreadyRegistered,
)
from ddd_sim.contexts.customer.domain.events import (
    CustomerEmailChanged,
    CustomerRegistered,
)
from ddd_sim.shared.errors import DomainError, ValidationError
from ddd_sim.shared.ids import CustomerId
from ddd_sim.shared.messages import DomainEvent

CID = CustomerId("CUST-001")
REGISTERED = CustomerRegistered(customer_id=CID, name="Ada", email="ada@example.com")


def given(*events: DomainEvent) -> Customer:
    customer = Customer(str(CID))
    customer.replay(events)
    return customer


def test_registering_records_the_trimmed_name_and_lower_cased_email() -> None:
    customer = given()
    customer.register("  Ada ", " Ada@Example.COM ")
    assert customer.pending_events == (REGISTERED,)


def test_registering_an_id_twice_is_refused_naming_the_id() -> None:
    customer = given(REGISTERED)
    with pytest.raises(CustomerAlreadyRegistered, match=r"CUST-001 is already"):
        customer.register("Bob", "bob@example.com")
    assert customer.pending_events == ()


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_a_blank_name_is_refused(name: str) -> None:
    with pytest.raises(ValidationError, match=r"customer CUST-001 needs a name"):
        given().register(name, "ada@example.com")


@pytest.mark.parametrize(
    "email",
    ["", "ada", "ada@", "@example.com", "ada@example", "ada @example.com", "a@b@c.d"],
)
def test_an_email_without_the_shape_of_one_is_refused(email: str) -> None:
    with pytest.raises(ValidationError, match=r"email of customer CUST-001") as err:
        given().register("Ada", email)
    assert repr(email) in str(err.value)


def test_changing_the_email_records_the_old_and_the_new_address() -> None:
    customer = given(REGISTERED)
    customer.change_email("ada@lovelace.org")
    assert customer.pending_events == (
        CustomerEmailChanged(
            customer_id=CID, previous_email="ada@example.com", email="ada@lovelace.org"
        ),
    )
    assert customer.email == "ada@lovelace.org"


def test_changing_to_the_address_already_held_records_nothing() -> None:
    customer = given(REGISTERED)
    customer.change_email("ADA@example.com")
    assert customer.pending_events == ()


def test_changing_to_a_malformed_address_is_refused() -> None:
    with pytest.raises(ValidationError, match=r"CUST-001.*'not-an-email'"):
        given(REGISTERED).change_email("not-an-email")


def test_an_unregistered_customer_cannot_change_email() -> None:
    with pytest.raises(DomainError, match=r"customer CUST-001 is not registered"):
        given().change_email("ada@example.com")
