"""Billing's queries and the immutable rows they answer with."""

from __future__ import annotations

from dataclasses import dataclass

from ddd_sim.shared.messages import Query, message
from ddd_sim.shared.money import Money


@message
class GetOrdersForInvoicing(Query):
    """A customer's orders still pending payment."""

    customer_id: str


@message
class GetInvoice(Query):
    """One invoice as billing last recorded it."""

    invoice_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderForInvoicing:
    """An order awaiting payment, in billing's words."""

    order_id: str
    customer_id: str
    amount: Money
    status: str
    placed_at: float


@dataclass(frozen=True, slots=True, kw_only=True)
class InvoiceView:
    """An invoice: what it bills, and whether it is issued, settled or voided."""

    invoice_id: str
    order_id: str
    customer_id: str
    amount: Money
    status: str
    issued_at: float
    settled_at: float | None
    voided_at: float | None
    void_reason: str | None
