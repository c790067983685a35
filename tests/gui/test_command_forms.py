"""Reading the forms, without Qt: commands, loads and faults, or field problems."""

from __future__ import annotations

import math

import pytest

from ddd_sim.contexts.payment.application.commands import Deposit, OpenAccount
from ddd_sim.contexts.sales.application.commands import CancelOrder, PlaceOrder
from ddd_sim.gui.panels.command_forms import (
    next_order_id,
    parse_command,
    parse_fault,
    parse_load,
)
from ddd_sim.runtime.session.load import FormKnowledge, fault_now
from ddd_sim.shared.money import Money
from ddd_sim.sim.scenario_model import (
    CustomerSpec,
    FaultSpec,
    LoadSpec,
    ProductSpec,
    Scenario,
)


def order(customer: str, product: str, quantity: str, **extra: str) -> dict[str, str]:
    """A PlaceOrder form with one line."""
    return {
        "customer": customer,
        "items[0].product": product,
        "items[0].quantity": quantity,
        **extra,
    }


PROJECTIONS = ("sales.order_list", "analytics.sales", "inventory.stock")


@pytest.fixture
def known() -> FormKnowledge:
    scenario = Scenario(
        name="t",
        seed=1,
        duration=60.0,
        saga="orchestrated",
        products=(
            ProductSpec(id="PROD-001", stock=5, price=Money.of("50.00"), name="a"),
            ProductSpec(id="PROD-002", stock=5, price=Money.of("20.00"), name="b"),
        ),
        customers=(
            CustomerSpec(id="CUST-001", balance=Money.of("10"), name="c", email="e"),
        ),
    )
    return FormKnowledge(
        scenario=scenario,
        customers=frozenset({"CUST-001", "CUST-002", "CUST-003"}),
        wallets={"CUST-001": "USD", "CUST-002": "EUR"},
        orders=frozenset({"ORD-L0-000001", "ORD-W00004"}),
        phase="load",
        sim_time=12.0,
    )


def test_an_order_form_is_the_order_a_scenario_would_place(
    known: FormKnowledge,
) -> None:
    command = parse_command(
        "PlaceOrder",
        {
            "customer": " CUST-001 ",
            "items[0].product": "PROD-002",
            "items[0].quantity": "3",
            "items[1].product": "PROD-001",
            "items[1].quantity": "1",
        },
        known,
    )
    assert isinstance(command, PlaceOrder)
    assert str(command.order_id) == "ORD-W00005"
    assert [
        (str(li.product_id), li.quantity, li.unit_price) for li in command.lines
    ] == [
        ("PROD-002", 3, Money.of("20.00")),
        ("PROD-001", 1, Money.of("50.00")),
    ]


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        ("PlaceOrder", order("CUST-001", "PROD-001", "0"), "items[0].quantity"),
        ("PlaceOrder", order("CUST-001", "PROD-001", "-2"), "items[0].quantity"),
        ("PlaceOrder", order("CUST-001", "PROD-001", "1.5"), "items[0].quantity"),
        ("PlaceOrder", order("CUST-009", "PROD-001", "1"), "customer"),
        ("PlaceOrder", order("CUST-001", "PROD-404", "1"), "items[0].product"),
        ("PlaceOrder", order("CUST-001", "PROD-001", "1", order="ORD-W00004"), "order"),
        ("Deposit", {"customer": "CUST-001", "amount": "abc"}, "amount"),
        ("Deposit", {"customer": "CUST-001", "amount": "1.001"}, "amount"),
        ("Deposit", {"customer": "CUST-001", "amount": "-1"}, "amount"),
        ("Withdraw", {"customer": "CUST-003", "amount": "1"}, "customer"),
        ("RegisterCustomer", {"customer": "  "}, "customer"),
        ("RegisterCustomer", {"customer": "BOB"}, "customer"),
        (
            "OpenAccount",
            {"customer": "CUST-003", "balance": "1", "currency": "XXX"},
            "currency",
        ),
        ("Restock", {"product": "PROD-001", "quantity": "0"}, "quantity"),
        ("CancelOrder", {"order": "ORD-W00099"}, "order"),
    ],
)
def test_a_bad_value_is_named_at_its_field(
    known: FormKnowledge, kind: str, fields: dict[str, str], field: str
) -> None:
    problems = parse_command(kind, fields, known)
    assert isinstance(problems, dict)
    assert list(problems) == [field]
    assert problems[field]


def test_every_problem_of_a_form_is_named_at_once(known: FormKnowledge) -> None:
    problems = parse_command(
        "PlaceOrder",
        {
            "customer": "",
            "items[0].product": "PROD-001",
            "items[0].quantity": "x",
            "items[1].product": "PROD-001",
            "items[1].quantity": "",
        },
        known,
    )
    assert problems == {
        "customer": "required",
        "items[0].quantity": "must be a whole number, got 'x'",
        "items[1].product": "PROD-001 is on an earlier line; add to it there",
        "items[1].quantity": "required",
    }


def test_money_goes_in_the_wallets_currency(known: FormKnowledge) -> None:
    deposit = parse_command("Deposit", {"customer": "CUST-002", "amount": "5"}, known)
    assert isinstance(deposit, Deposit)
    assert deposit.amount == Money.of("5.00", "EUR")
    opened = parse_command(
        "OpenAccount",
        {"customer": "CUST-003", "balance": "0", "currency": "GBP"},
        known,
    )
    assert isinstance(opened, OpenAccount)
    assert opened.initial_balance == Money.of("0", "GBP")
    cancel = parse_command("CancelOrder", {"order": "ORD-L0-000001"}, known)
    assert isinstance(cancel, CancelOrder)
    assert cancel.reason == "cancelled by the customer"


def test_sent_orders_are_not_given_again(known: FormKnowledge) -> None:
    assert next_order_id(known.orders) == "ORD-W00005"
    fields = {
        "customer": "CUST-001",
        "items[0].product": "PROD-001",
        "items[0].quantity": "1",
    }
    command = parse_command(
        "PlaceOrder", fields, known, sent_orders={"ORD-W00005", "ORD-W00006"}
    )
    assert isinstance(command, PlaceOrder)
    assert str(command.order_id) == "ORD-W00007"


def test_a_load_form(known: FormKnowledge) -> None:
    spec = parse_load({"rate": "2.5", "max_quantity": "4"}, ["CUST-002"], [], known)
    assert spec == LoadSpec(
        rate=2.5, start=0.0, until=math.inf, customers=("CUST-002",), max_quantity=4
    )
    assert parse_load({"rate": "0", "max_quantity": "1"}, [], [], known) == {
        "rate": "must be positive, got 0.0"
    }
    assert list(
        parse_load({"rate": "1", "max_quantity": "1"}, [], ["PROD-9"], known)
    ) == [  # type: ignore[arg-type]
        "products"
    ]
    assert list(parse_load({"rate": "1", "max_quantity": "0"}, [], [], known)) == [  # type: ignore[arg-type]
        "max_quantity"
    ]


def test_a_fault_form_and_its_window(known: FormKnowledge) -> None:
    spec = parse_fault(
        {"target": "payment", "kind": "latency", "mean_ms": "100", "duration": "5"},
        PROJECTIONS,
    )
    assert isinstance(spec, FaultSpec)
    assert (spec.mean_ms, spec.jitter_ms, spec.start, spec.until) == (100, 0, 0, 5)
    now = fault_now(spec, 12.5, set())
    assert (now.start, now.until, now.fault_id) == (12.5, 17.5, "latency:payment@12.5")
    again = fault_now(spec, 12.5, {now.fault_id})
    assert again.fault_id == "latency:payment@12.5#2"
    forever = parse_fault({"target": "sales", "kind": "down", "duration": ""}, ())
    assert isinstance(forever, FaultSpec)
    assert forever.until is None
    stall = parse_fault(
        {"target": "sales", "kind": "stall_projection", "projection": "order_list"},
        PROJECTIONS,
    )
    assert isinstance(stall, FaultSpec)
    assert stall.projection == "sales.order_list"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "error_rate", "probability": "1.2"}, "probability"),
        ({"kind": "drop", "probability": "-0.5"}, "probability"),
        ({"kind": "duplicate", "probability": ""}, "probability"),
        ({"kind": "latency", "mean_ms": "-1"}, "mean_ms"),
        ({"kind": "latency", "mean_ms": "5", "jitter_ms": "-1"}, "jitter_ms"),
        ({"kind": "partition", "with": "sales"}, "with"),
        ({"kind": "partition", "with": ""}, "with"),
        ({"kind": "stall_projection", "projection": "nope"}, "projection"),
        ({"kind": "crash", "restart_after": "0"}, "restart_after"),
        ({"kind": "down", "duration": "-3"}, "duration"),
        ({"kind": "decline"}, "target"),
        ({"kind": "explode"}, "kind"),
    ],
)
def test_a_bad_fault_parameter_is_named(fields: dict[str, str], field: str) -> None:
    problems = parse_fault({"target": "sales", **fields}, PROJECTIONS)
    assert isinstance(problems, dict)
    assert list(problems) == [field]
