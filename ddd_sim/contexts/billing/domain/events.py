"""Invoice events; their names and versions are stored schema.

Amounts and customers use the shared kernel with Sales (``Money``,
``CustomerId``), so an invoice and the order it bills mean the same thing by
"150.00 USD" and "CUST-001".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ddd_sim.shared.ids import CustomerId, TypedId
from ddd_sim.shared.messages import DomainEvent, message
from ddd_sim.shared.money import Money


@dataclass(frozen=True, slots=True, order=True)
class InvoiceId(TypedId):
    """An invoice (INV-…); billing's own id, not part of the shared kernel."""

    prefix: ClassVar[str] = "INV"


@message
class InvoiceIssued(DomainEvent):
    """Billing asked a customer to pay for one order."""

    invoice_id: InvoiceId
    order_id: str
    customer_id: CustomerId
    amount: Money


@message
class InvoiceSettled(DomainEvent):
    """The invoiced order was paid, so the invoice is closed."""

    invoice_id: InvoiceId
    order_id: str
    amount: Money


@message
class InvoiceVoided(DomainEvent):
    """An invoice was withdrawn before it was settled, with the reason."""

    invoice_id: InvoiceId
    order_id: str
    reason: str


INVOICE_EVENTS = (InvoiceIssued, InvoiceSettled, InvoiceVoided)
