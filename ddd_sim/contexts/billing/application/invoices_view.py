"""``billing.invoices``: every invoice by id, and the live invoice of each order."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.billing.domain.events import (
    InvoiceIssued,
    InvoiceSettled,
    InvoiceVoided,
)
from ddd_sim.contexts.billing.domain.invoice import InvoiceStatus
from ddd_sim.shared.read_models import EventMeta, Projection, ReadModelWriter


def invoice_key(invoice_id: str) -> str:
    """The document of one invoice."""
    return f"invoice:{invoice_id}"


def order_key(order_id: str) -> str:
    """The document naming the live (issued or settled) invoice of an order."""
    return f"order:{order_id}"


class InvoiceList(Projection):
    """Invoices with their status; a voided invoice frees its order for a new one."""

    name = "billing.invoices"
    version = 1
    source = "domain"
    event_types = (
        InvoiceIssued.event_type,
        InvoiceSettled.event_type,
        InvoiceVoided.event_type,
    )
    description = "Billing's invoices by id, and the live invoice of each order"

    def handle(self, event: Any, meta: EventMeta, rm: ReadModelWriter) -> None:
        key = invoice_key(str(event.invoice_id))
        if isinstance(event, InvoiceIssued):
            rm.put(
                key,
                {
                    "invoice_id": str(event.invoice_id),
                    "order_id": event.order_id,
                    "customer_id": str(event.customer_id),
                    "amount": event.amount.to_json(),
                    "status": InvoiceStatus.ISSUED.value,
                    "issued_at": meta.sim_time,
                    "settled_at": None,
                    "voided_at": None,
                    "void_reason": None,
                },
            )
            rm.put(order_key(event.order_id), {"invoice_id": str(event.invoice_id)})
            return
        stored = rm.get(key)
        if stored is None:
            return  # the stream starts with InvoiceIssued, so this cannot happen
        doc = dict(stored)
        if isinstance(event, InvoiceSettled):
            doc.update(status=InvoiceStatus.SETTLED.value, settled_at=meta.sim_time)
        elif isinstance(event, InvoiceVoided):
            doc.update(
                status=InvoiceStatus.VOIDED.value,
                voided_at=meta.sim_time,
                void_reason=event.reason,
            )
            live = rm.get(order_key(event.order_id))
            if live is not None and live["invoice_id"] == str(event.invoice_id):
                rm.delete(order_key(event.order_id))
        rm.put(key, doc)
