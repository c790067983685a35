"""Billing's command and query handlers, over its repository and read models."""

from __future__ import annotations

from ddd_sim.contexts.billing.application.commands import (
    IssueInvoice,
    SettleInvoice,
    VoidInvoice,
)
from ddd_sim.contexts.billing.application.invoices_view import (
    InvoiceList,
    invoice_key,
    order_key,
)
from ddd_sim.contexts.billing.application.orders_view import (
    BillingOrders,
    billable_order,
)
from ddd_sim.contexts.billing.application.queries import (
    GetInvoice,
    GetOrdersForInvoicing,
    InvoiceView,
    OrderForInvoicing,
)
from ddd_sim.contexts.billing.domain.events import InvoiceId
from ddd_sim.contexts.billing.domain.invoice import Invoice
from ddd_sim.contexts.billing.domain.orders import BillingStatus
from ddd_sim.shared.cqrs import (
    CommandContext,
    CommandResult,
    CommandTable,
    ContextDeps,
    QueryTable,
    save,
)
from ddd_sim.shared.errors import DomainError, NotFound
from ddd_sim.shared.ids import CustomerId, OrderId
from ddd_sim.shared.money import Money
from ddd_sim.shared.repository import AggregateNotFound


def command_table(deps: ContextDeps) -> CommandTable:
    """Invoice commands: issue from billing's order view, settle when paid, void."""
    invoices = deps.repository(Invoice)

    def issue(cmd: IssueInvoice, ctx: CommandContext) -> CommandResult:
        invoice_id = InvoiceId(cmd.invoice_id)
        OrderId(cmd.order_id)  # a malformed order id is a ValidationError naming it
        try:
            existing = invoices.load(cmd.invoice_id)
        except AggregateNotFound:
            existing = None
        if existing is not None:
            if existing.order_id != cmd.order_id:
                raise DomainError(
                    f"invoice {cmd.invoice_id} already exists for order "
                    f"{existing.order_id}, not {cmd.order_id}"
                )
            return save(invoices, existing, ctx)  # a repeat: nothing to write
        order = billable_order(
            deps.read_model(BillingOrders.name).get(cmd.order_id), cmd.order_id
        )
        live = deps.read_model(InvoiceList.name).get(order_key(cmd.order_id))
        invoice = Invoice.issue(
            invoice_id,
            order,
            already_invoiced_by=None if live is None else str(live["invoice_id"]),
        )
        return save(invoices, invoice, ctx)

    def settle(cmd: SettleInvoice, ctx: CommandContext) -> CommandResult:
        invoice = _load(cmd.invoice_id)
        doc = deps.read_model(BillingOrders.name).get(invoice.order_id)
        invoice.settle(billable_order(doc, invoice.order_id))
        return save(invoices, invoice, ctx)

    def void(cmd: VoidInvoice, ctx: CommandContext) -> CommandResult:
        invoice = _load(cmd.invoice_id)
        invoice.void(cmd.reason)
        return save(invoices, invoice, ctx)

    def _load(invoice_id: str) -> Invoice:
        InvoiceId(invoice_id)
        try:
            invoice: Invoice = invoices.load(invoice_id)
        except AggregateNotFound as exc:
            raise NotFound(f"no invoice {invoice_id}") from exc
        return invoice

    return {IssueInvoice: issue, SettleInvoice: settle, VoidInvoice: void}


def query_table(deps: ContextDeps) -> QueryTable:
    """Orders awaiting payment per customer, and invoices by id."""

    def orders_for_invoicing(
        query: GetOrdersForInvoicing,
    ) -> tuple[OrderForInvoicing, ...]:
        CustomerId(query.customer_id)
        pending = [
            doc
            for doc in deps.read_model(BillingOrders.name).all().values()
            if doc["customer_id"] == query.customer_id
            and doc["status"] == BillingStatus.PENDING_PAYMENT
        ]
        pending.sort(key=lambda doc: (doc["placed_at"], doc["order_id"]))
        return tuple(
            OrderForInvoicing(
                order_id=doc["order_id"],
                customer_id=doc["customer_id"],
                amount=Money.from_json(doc["total"]),
                status=doc["status"],
                placed_at=doc["placed_at"],
            )
            for doc in pending
        )

    def get_invoice(query: GetInvoice) -> InvoiceView:
        InvoiceId(query.invoice_id)
        doc = deps.read_model(InvoiceList.name).get(invoice_key(query.invoice_id))
        if doc is None:
            raise NotFound(f"no invoice {query.invoice_id}")
        return InvoiceView(
            invoice_id=doc["invoice_id"],
            order_id=doc["order_id"],
            customer_id=doc["customer_id"],
            amount=Money.from_json(doc["amount"]),
            status=doc["status"],
            issued_at=doc["issued_at"],
            settled_at=doc["settled_at"],
            voided_at=doc["voided_at"],
            void_reason=doc["void_reason"],
        )

    return {GetOrdersForInvoicing: orders_for_invoicing, GetInvoice: get_invoice}
