"""What an order is to billing: an amount a customer owes, in billing's own words."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ddd_sim.shared.ids import CustomerId
from ddd_sim.shared.money import Money


class BillingStatus(StrEnum):
    """Billing's word for where an order's money stands (Sales says "placed")."""

    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"

    @property
    def label(self) -> str:
        """The status in plain words, for messages."""
        return self.value.replace("_", " ")


def billing_status(*, captured: bool, cancelled: bool, refunded: bool) -> BillingStatus:
    """Derive the status from the facts seen, whatever order they arrived in.

    A refund outranks a cancellation (the money went back), and a
    cancellation outranks a capture (the order is no longer billable even if
    its refund has not reached billing yet).
    """
    if refunded:
        return BillingStatus.REFUNDED
    if cancelled:
        return BillingStatus.CANCELLED
    if captured:
        return BillingStatus.PAID
    return BillingStatus.PENDING_PAYMENT


@dataclass(frozen=True, slots=True, kw_only=True)
class BillableOrder:
    """An order as billing sees it when it issues or settles an invoice."""

    order_id: str
    customer_id: CustomerId
    amount: Money
    status: BillingStatus
