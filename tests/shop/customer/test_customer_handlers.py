"""Customer's handlers, directory, queries and translator, wired like bootstrap."""

from __future__ import annotations

import uuid

import pytest

from ddd_sim.contexts.customer.application import wiring
from ddd_sim.contexts.customer.application.commands import (
    ChangeCustomerEmail,
    RegisterCustomer,
)
from ddd_sim.contexts.customer.application.queries import (
    CustomerView,
    GetCustomer,
    ListCustomers,
)
from ddd_sim.contexts.customer.domain.customer import CustomerAlreadyRegistered
from ddd_sim.contexts.customer.domain.events import (
    CustomerEmailChanged,
    CustomerRegistered,
)
from ddd_sim.integration import events as published
from ddd_sim.shared.errors import NotFound, WrongExpectedVersion
from ddd_sim.shared.ids import CustomerId
from ddd_sim.shared.read_models import EventMeta
from tests.shop.customer.customer_world import CustomerWorld, racing_world

ADA = CustomerId("CUST-001")
BOB = CustomerId("CUST-002")


def register(world: CustomerWorld, cid: CustomerId, name: str, email: str) -> None:
    world.do(RegisterCustomer(customer_id=cid, name=name, email=email))


def test_registering_writes_version_one_of_the_customer_stream() -> None:
    world = CustomerWorld()
    result = world.do(RegisterCustomer(customer_id=ADA, name="Ada", email="a@x.io"))
    assert (result.stream_id, result.version, result.written) == (
        "Customer-CUST-001",
        1,
        True,
    )
    assert world.customer(ADA).email == "a@x.io"


def test_registering_an_existing_id_is_refused_by_the_handler() -> None:
    world = CustomerWorld()
    register(world, ADA, "Ada", "a@x.io")
    with pytest.raises(CustomerAlreadyRegistered, match=r"CUST-001"):
        register(world, ADA, "Ada again", "a2@x.io")
    assert world.customer(ADA).name == "Ada"


def test_losing_a_registration_race_is_reported_as_already_registered() -> None:
    world, stale = racing_world()
    register(world, ADA, "Ada", "a@x.io")
    stale.stale = True  # the second handler does not see the first registration
    with pytest.raises(
        CustomerAlreadyRegistered, match=r"customer CUST-001 is already"
    ) as err:
        register(world, ADA, "Imposter", "i@x.io")
    assert isinstance(err.value.__cause__, WrongExpectedVersion)
    assert world.customer(ADA).name == "Ada"


def test_changing_email_bumps_the_version_and_a_repeat_writes_nothing() -> None:
    world = CustomerWorld()
    register(world, ADA, "Ada", "a@x.io")
    changed = world.do(ChangeCustomerEmail(customer_id=ADA, email="ada@y.io"))
    again = world.do(ChangeCustomerEmail(customer_id=ADA, email="ada@y.io"))
    assert (changed.version, changed.written) == (2, True)
    assert (again.version, again.written, again.position) == (
        2,
        False,
        changed.position,
    )


def test_changing_the_email_of_an_unknown_customer_is_not_found() -> None:
    with pytest.raises(NotFound, match=r"customer CUST-404 is not registered"):
        CustomerWorld().do(
            ChangeCustomerEmail(customer_id=CustomerId("CUST-404"), email="a@x.io")
        )


def test_the_directory_shows_each_customer_with_the_current_email() -> None:
    world = CustomerWorld()
    register(world, BOB, "Bob", "bob@x.io")  # t=10
    register(world, ADA, "Ada", "a@x.io")  # t=20
    world.do(ChangeCustomerEmail(customer_id=ADA, email="ada@y.io"))  # t=30
    assert world.ask(GetCustomer(customer_id=ADA)) == CustomerView(
        customer_id=ADA, name="Ada", email="ada@y.io", registered_at=20.0
    )
    listed = world.ask(ListCustomers())
    assert [c.customer_id for c in listed] == [ADA, BOB]
    assert listed[1].registered_at == 10.0


def test_folding_the_directory_twice_changes_nothing() -> None:
    world = CustomerWorld()
    register(world, ADA, "Ada", "a@x.io")
    world.do(ChangeCustomerEmail(customer_id=ADA, email="ada@y.io"))
    first = world.ask(ListCustomers())
    assert world.ask(ListCustomers()) == first


def test_an_unknown_customer_is_not_found_in_the_directory() -> None:
    with pytest.raises(NotFound, match=r"customer CUST-404 is not registered"):
        CustomerWorld().ask(GetCustomer(customer_id=CustomerId("CUST-404")))


def test_a_registration_is_published_in_the_shops_language() -> None:
    meta = EventMeta(
        event_id=uuid.UUID(int=1),
        stream_id="Customer-CUST-001",
        stream_version=1,
        position=1,
        sim_time=0.0,
    )
    event = CustomerRegistered(customer_id=ADA, name="Ada", email="a@x.io")
    translated = wiring.TRANSLATORS[CustomerRegistered.event_type](event, meta)
    assert translated == published.CustomerRegistered(
        customer_id="CUST-001", name="Ada", email="a@x.io"
    )


def test_only_registrations_are_published() -> None:
    assert set(wiring.TRANSLATORS) == {CustomerRegistered.event_type}
    assert CustomerEmailChanged in wiring.EVENTS
    assert wiring.STREAM_CATEGORIES == ("Customer",)
