"""Invoices: issued from billing's view of orders, settled when paid, voided before."""

from __future__ import annotations

import uuid

import pytest

from ddd_sim.contexts.billing.application import wiring
from ddd_sim.contexts.billing.application.commands import (
    IssueInvoice,
    SettleInvoice,
    VoidInvoice,
)
from ddd_sim.contexts.billing.application.queries import GetInvoice, InvoiceView
from ddd_sim.contexts.billing.domain.events import (
    InvoiceId,
    InvoiceIssued,
    InvoiceSettled,
    InvoiceVoided,
)
from ddd_sim.integration import events as published
from ddd_sim.shared.errors import DomainError, NotFound, ValidationError
from ddd_sim.shared.ids import CustomerId
from ddd_sim.shared.money import Money
from ddd_sim.shared.read_models import EventMeta
from tests.shop.billing.billing_world import (
    BillingWorld,
    cancelled,
    captured,
    placed,
    refunded,
)


def world_with_order(*more: object) -> BillingWorld:
    world = BillingWorld()
    world.publish(placed("ORD-001", "CUST-001", "150.00"), *more)
    return world


# -- issuing -------------------------------------------------------------------
def test_issuing_bills_the_customer_and_total_billing_has_on_record() -> None:
    world = world_with_order()
    result = world.do(IssueInvoice(invoice_id="INV-001", order_id="ORD-001"), at=50.0)

    assert (result.stream_id, result.version, result.written) == (
        "Invoice-INV-001",
        1,
        True,
    )
    [stored] = world.deps.store.read_stream("Invoice-INV-001")
    assert world.deps.registry.to_domain_event(stored) == InvoiceIssued(
        invoice_id=InvoiceId("INV-001"),
        order_id="ORD-001",
        customer_id=CustomerId("CUST-001"),
        amount=Money.of("150.00", "USD"),
    )
    assert world.ask(GetInvoice(invoice_id="INV-001")) == InvoiceView(
        invoice_id="INV-001",
        order_id="ORD-001",
        customer_id="CUST-001",
        amount=Money.of("150.00", "USD"),
        status="issued",
        issued_at=50.0,
        settled_at=None,
        voided_at=None,
        void_reason=None,
    )


def test_an_order_billing_never_saw_is_not_found_by_name() -> None:
    world = BillingWorld()
    with pytest.raises(NotFound, match="billing knows no order ORD-404"):
        world.do(IssueInvoice(invoice_id="INV-001", order_id="ORD-404"))
    assert world.stored_types() == []


def test_an_order_seen_only_paid_cannot_be_invoiced_until_placed_arrives() -> None:
    world = BillingWorld()
    world.publish(captured("ORD-001"))
    with pytest.raises(NotFound, match="billing has not seen order ORD-001 placed yet"):
        world.do(IssueInvoice(invoice_id="INV-001", order_id="ORD-001"))

    world.publish(placed("ORD-001"))
    world.do(IssueInvoice(invoice_id="INV-001", order_id="ORD-001"))
    assert world.stored_types() == ["InvoiceIssued"]


@pytest.mark.parametrize(
    ("more", "words"),
    [
        ((cancelled("ORD-001"),), "it is cancelled"),
        ((captured("ORD-001"), refunded("ORD-001")), "it is refunded"),
    ],
    ids=["cancelled", "refunded"],
)
def test_a_cancelled_or_refunded_order_is_not_invoiced(
    more: tuple[object, ...], words: str
) -> None:
    world = world_with_order(*more)
    with pytest.raises(DomainError, match=f"cannot invoice order ORD-001: {words}"):
        world.do(IssueInvoice(invoice_id="INV-001", order_id="ORD-001"))
    assert world.stored_types() == []


def test_issuing_the_same_invoice_again_writes_nothing() -> None:
    world = world_with_order()
    first = world.do(IssueInvoice(invoice_id="INV-001", order_id="ORD-001"))
    again = world.do(IssueInvoice(invoice_id="INV-001", order_id="ORD-001"))
    assert again.written is False
    assert (again.stream_id, again.version, again.position) == (
        first.stream_id,
        first.version,
        first.position,
    )
    assert world.stored_types() == ["InvoiceIssued"]


def test_an_invoice_id_cannot_be_reused_for_another_order() -> None:
    world = world_with_order(placed("ORD-002"))
    world.do(IssueInvoice(invoice_id="INV-001", order_id="ORD-001"))
    with pytest.raises(
        DomainError,
        match="invoice INV-001 already exists for order ORD-001, not ORD-002",
    ):
        world.do(IssueInvoice(invoice_id="INV-001", order_id="ORD-002"))


def test_an_order_is_invoiced_once_until_its_invoice_is_voided() -> None:
    world = world_with_order()
    world.do(IssueInvoice(invoice_id="INV-001", order_id="ORD-001"))
    with pytest.raises(
        DomainError, match="order ORD-001 is already invoiced by INV-001"
    ):
        world.do(IssueInvoice(invoice_id="INV-002", order_id="ORD-001"))

    world.do(VoidInvoice(invoice_id="INV-001", reason="wrong address"))
    world.do(IssueInvoice(invoice_id="INV-002", order_id="ORD-001"))
    assert world.ask(GetInvoice(invoice_id="INV-002")).status == "issued"


@pytest.mark.parametrize(
    ("command", "words"),
    [
        (IssueInvoice(invoice_id="BILL-1", order_id="ORD-001"), "InvoiceId must start"),
        (IssueInvoice(invoice_id="INV-001", order_id="X-1"), "OrderId must start"),
        (SettleInvoice(invoice_id="ORD-001"), "InvoiceId must start with INV-"),
    ],
)
def test_malformed_ids_are_refused_by_name(command: object, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        world_with_order().do(command)


# -- settling ------------------------------------------------------------------
def test_an_invoice_is_settled_once_billing_sees_the_order_paid() -> None:
    world = world_with_order()
    world.do(IssueInvoice(invoice_id="INV-001", order_id="ORD-001"))
    with pytest.raises(
        DomainError,
        match="cannot settle invoice INV-001: order ORD-001 is pending payment, not",
    ):
        world.do(SettleInvoice(invoice_id="INV-001"))

    world.publish(captured("ORD-001"))
    world.do(SettleInvoice(invoice_id="INV-001"), at=70.0)
    again = world.do(SettleInvoice(invoice_id="INV-001"))

    assert again.written is False
    assert world.stored_types() == ["InvoiceIssued", "InvoiceSettled"]
    view = world.ask(GetInvoice(invoice_id="INV-001"))
    assert (view.status, view.settled_at) == ("settled", 70.0)


def test_a_settled_invoice_cannot_be_voided() -> None:
    world = world_with_order(captured("ORD-001"))
    world.do(IssueInvoice(invoice_id="INV-001", order_id="ORD-001"))
    world.do(SettleInvoice(invoice_id="INV-001"))
    with pytest.raises(DomainError, match="invoice INV-001 is settled and cannot be"):
        world.do(VoidInvoice(invoice_id="INV-001", reason="too late"))


def test_an_invoice_of_a_cancelled_order_cannot_be_settled() -> None:
    world = world_with_order()
    world.do(IssueInvoice(invoice_id="INV-001", order_id="ORD-001"))
    world.publish(captured("ORD-001"), cancelled("ORD-001"))
    with pytest.raises(DomainError, match="order ORD-001 is cancelled, not paid"):
        world.do(SettleInvoice(invoice_id="INV-001"))


# -- voiding -------------------------------------------------------------------
def test_voiding_records_the_reason_and_repeats_write_nothing() -> None:
    world = world_with_order()
    world.do(IssueInvoice(invoice_id="INV-001", order_id="ORD-001"))
    world.do(VoidInvoice(invoice_id="INV-001", reason="order cancelled"), at=80.0)
    again = world.do(VoidInvoice(invoice_id="INV-001", reason="order cancelled"))

    assert again.written is False
    stored = world.deps.store.read_stream("Invoice-INV-001")
    assert world.deps.registry.to_domain_event(stored[-1]) == InvoiceVoided(
        invoice_id=InvoiceId("INV-001"), order_id="ORD-001", reason="order cancelled"
    )
    view = world.ask(GetInvoice(invoice_id="INV-001"))
    assert (view.status, view.voided_at, view.void_reason) == (
        "voided",
        80.0,
        "order cancelled",
    )


def test_a_void_invoice_cannot_be_settled() -> None:
    world = world_with_order(captured("ORD-001"))
    world.do(IssueInvoice(invoice_id="INV-001", order_id="ORD-001"))
    world.do(VoidInvoice(invoice_id="INV-001", reason="duplicate"))
    with pytest.raises(
        DomainError, match="invoice INV-001 is void and cannot be settled"
    ):
        world.do(SettleInvoice(invoice_id="INV-001"))


def test_voiding_needs_a_reason() -> None:
    world = world_with_order()
    world.do(IssueInvoice(invoice_id="INV-001", order_id="ORD-001"))
    with pytest.raises(ValidationError, match="a reason is needed to void invoice INV"):
        world.do(VoidInvoice(invoice_id="INV-001", reason="  "))


def test_commands_on_an_unknown_invoice_name_it() -> None:
    world = world_with_order()
    with pytest.raises(NotFound, match="no invoice INV-404"):
        world.do(SettleInvoice(invoice_id="INV-404"))
    with pytest.raises(NotFound, match="no invoice INV-404"):
        world.do(VoidInvoice(invoice_id="INV-404", reason="gone"))
    with pytest.raises(NotFound, match="no invoice INV-404"):
        world.ask(GetInvoice(invoice_id="INV-404"))


# -- publishing ----------------------------------------------------------------
def test_an_issued_invoice_is_published_in_the_shops_language() -> None:
    issued = InvoiceIssued(
        invoice_id=InvoiceId("INV-001"),
        order_id="ORD-001",
        customer_id=CustomerId("CUST-001"),
        amount=Money.of("150.00", "USD"),
    )
    meta = EventMeta(
        event_id=uuid.UUID(int=1),
        stream_id="Invoice-INV-001",
        stream_version=1,
        position=1,
        sim_time=0.0,
    )
    translate = wiring.TRANSLATORS["InvoiceIssued"]
    assert translate(issued, meta) == published.InvoiceIssued(
        invoice_id="INV-001",
        order_id="ORD-001",
        customer_id="CUST-001",
        amount=Money.of("150.00", "USD"),
    )
    settled = InvoiceSettled(
        invoice_id=InvoiceId("INV-001"),
        order_id="ORD-001",
        amount=Money.of("150.00", "USD"),
    )
    assert translate(settled, meta) is None


def test_wiring_names_billings_streams_events_and_read_models() -> None:
    assert wiring.STREAM_CATEGORIES == ("Invoice",)
    assert {e.event_type for e in wiring.EVENTS} == {
        "InvoiceIssued",
        "InvoiceSettled",
        "InvoiceVoided",
    }
    assert {p.name: p.source for p in wiring.PROJECTIONS} == {
        "billing.orders": "integration",
        "billing.invoices": "domain",
    }
