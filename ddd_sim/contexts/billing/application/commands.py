"""Billing's commands: the caller allocates invoice ids (INV-…)."""

from __future__ import annotations

from ddd_sim.shared.messages import Command, message


@message
class IssueInvoice(Command):
    """Bill one order, for the customer and total billing has on record."""

    invoice_id: str
    order_id: str


@message
class SettleInvoice(Command):
    """Close an invoice whose order billing has seen paid."""

    invoice_id: str


@message
class VoidInvoice(Command):
    """Withdraw an unsettled invoice, saying why."""

    invoice_id: str
    reason: str
