"""What bootstrap reads from billing: events, handlers, read models, translators."""

from __future__ import annotations

from ddd_sim.contexts.billing.application.handlers import command_table, query_table
from ddd_sim.contexts.billing.application.invoices_view import InvoiceList
from ddd_sim.contexts.billing.application.orders_view import BillingOrders
from ddd_sim.contexts.billing.domain.events import INVOICE_EVENTS, InvoiceIssued
from ddd_sim.contexts.billing.domain.invoice import Invoice
from ddd_sim.integration import events as published
from ddd_sim.integration.translation import Translator
from ddd_sim.shared.cqrs import CommandTable, ContextDeps, QueryTable
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import EventMeta, Projection
from ddd_sim.shared.upcasting import Upcasters

EVENTS: tuple[type[DomainEvent], ...] = INVOICE_EVENTS
STREAM_CATEGORIES: tuple[str, ...] = (Invoice.aggregate_type,)
PROJECTIONS: tuple[type[Projection], ...] = (BillingOrders, InvoiceList)


def register_upcasters(upcasters: Upcasters) -> None:
    """Billing's events are all at their first version: nothing to upcast."""


def command_handlers(deps: ContextDeps) -> CommandTable:
    """IssueInvoice, SettleInvoice, VoidInvoice."""
    return command_table(deps)


def query_handlers(deps: ContextDeps) -> QueryTable:
    """GetOrdersForInvoicing, GetInvoice."""
    return query_table(deps)


def publish_invoice_issued(
    event: DomainEvent, meta: EventMeta
) -> published.InvoiceIssued | None:
    """Tell other contexts an order was invoiced, in the published language."""
    if not isinstance(event, InvoiceIssued):
        return None
    return published.InvoiceIssued(
        invoice_id=str(event.invoice_id),
        order_id=event.order_id,
        customer_id=str(event.customer_id),
        amount=event.amount,
    )


TRANSLATORS: dict[str, Translator] = {
    InvoiceIssued.event_type: publish_invoice_issued,
}
