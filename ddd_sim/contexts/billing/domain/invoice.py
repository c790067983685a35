"""The invoice aggregate: one order billed once, settled only once it is paid."""

from __future__ import annotations

from enum import StrEnum

from ddd_sim.contexts.billing.domain.events import (
    InvoiceId,
    InvoiceIssued,
    InvoiceSettled,
    InvoiceVoided,
)
from ddd_sim.contexts.billing.domain.orders import BillableOrder, BillingStatus
from ddd_sim.shared.aggregate import Aggregate, applies
from ddd_sim.shared.errors import DomainError, ValidationError
from ddd_sim.shared.ids import CustomerId
from ddd_sim.shared.money import Money


class InvoiceStatus(StrEnum):
    """Where an invoice is in its life."""

    ISSUED = "issued"
    SETTLED = "settled"
    VOIDED = "voided"


_NOT_BILLABLE = {
    BillingStatus.CANCELLED: "cancelled orders are not invoiced",
    BillingStatus.REFUNDED: "refunded orders are not invoiced",
}


class Invoice(Aggregate):
    """Bills a live order once; settled invoices stay settled, void ones stay void."""

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.order_id = ""
        self.customer_id: CustomerId | None = None
        self.amount: Money | None = None
        self.status: InvoiceStatus | None = None

    # -- decisions ----------------------------------------------------------
    @classmethod
    def issue(
        cls,
        invoice_id: InvoiceId,
        order: BillableOrder,
        *,
        already_invoiced_by: str | None = None,
    ) -> Invoice:
        """Bill a live order that no other invoice bills already."""
        reason = _NOT_BILLABLE.get(order.status)
        if reason is not None:
            raise DomainError(
                f"cannot invoice order {order.order_id}: it is {order.status.label} "
                f"({reason})"
            )
        if already_invoiced_by is not None and already_invoiced_by != str(invoice_id):
            raise DomainError(
                f"order {order.order_id} is already invoiced by {already_invoiced_by}; "
                f"void that invoice before issuing another"
            )
        if not order.amount.is_positive:
            raise DomainError(
                f"cannot invoice order {order.order_id}: its total is {order.amount}"
            )
        invoice = cls(str(invoice_id))
        invoice._record(
            InvoiceIssued(
                invoice_id=invoice_id,
                order_id=order.order_id,
                customer_id=order.customer_id,
                amount=order.amount,
            )
        )
        return invoice

    def settle(self, order: BillableOrder) -> None:
        """Close the invoice once billing saw its order paid (repeats do nothing)."""
        if self.status is InvoiceStatus.SETTLED:
            return
        if self.status is InvoiceStatus.VOIDED:
            raise DomainError(f"invoice {self.id} is void and cannot be settled")
        if order.status is not BillingStatus.PAID:
            raise DomainError(
                f"cannot settle invoice {self.id}: order {self.order_id} is "
                f"{order.status.label}, not paid"
            )
        assert self.amount is not None  # set by InvoiceIssued, the first event
        self._record(
            InvoiceSettled(
                invoice_id=InvoiceId(self.id),
                order_id=self.order_id,
                amount=self.amount,
            )
        )

    def void(self, reason: str) -> None:
        """Withdraw an unsettled invoice for a stated reason (repeats do nothing)."""
        if not reason.strip():
            raise ValidationError(f"a reason is needed to void invoice {self.id}")
        if self.status is InvoiceStatus.VOIDED:
            return
        if self.status is InvoiceStatus.SETTLED:
            raise DomainError(f"invoice {self.id} is settled and cannot be voided")
        self._record(
            InvoiceVoided(
                invoice_id=InvoiceId(self.id), order_id=self.order_id, reason=reason
            )
        )

    # -- state --------------------------------------------------------------
    @applies(InvoiceIssued)
    def _issued(self, event: InvoiceIssued) -> None:
        self.order_id = event.order_id
        self.customer_id = event.customer_id
        self.amount = event.amount
        self.status = InvoiceStatus.ISSUED

    @applies(InvoiceSettled)
    def _settled(self, event: InvoiceSettled) -> None:
        self.status = InvoiceStatus.SETTLED

    @applies(InvoiceVoided)
    def _voided(self, event: InvoiceVoided) -> None:
        self.status = InvoiceStatus.VOIDED
