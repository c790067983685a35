"""The order every flow runs, and the request each step and compensation sends.

All three flows (orchestrated, choreographed, process manager) move the same
order through the same four steps; only *who decides* differs.  The ids a
step creates (payment, shipment) are derived from the order, and every
request carries the key ``<process id>:<step>``, so repeating a step or its
compensation is harmless.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from ddd_sim.contexts.inventory.application.commands import ReleaseStock, ReserveStock
from ddd_sim.contexts.payment.application.commands import ChargeWallet, RefundWallet
from ddd_sim.contexts.payment.domain.ids import PaymentId
from ddd_sim.contexts.sales.application.commands import CancelOrder, ConfirmOrder
from ddd_sim.contexts.shipping.application.commands import (
    CancelShipment,
    CreateShipment,
)
from ddd_sim.processes.host import Request
from ddd_sim.shared.ids import AccountId, CustomerId, OrderId, ProductId
from ddd_sim.shared.money import Money

STEP_TARGETS: dict[str, str] = {
    "reserve_inventory": "inventory",
    "charge_payment": "payment",
    "create_shipment": "shipping",
    "confirm_order": "sales",
    "release_inventory": "inventory",
    "refund_payment": "payment",
    "cancel_shipment": "shipping",
    "cancel_order": "sales",
}
"""The context that carries out each step and each compensation."""

SHIPPING_LEAD_TIME = 86_400.0
"""Simulated seconds from shipment creation to the estimated delivery."""


def wallet_of(customer_id: str) -> AccountId:
    """The wallet a customer pays from: ``ACC-`` + the customer id."""
    return AccountId(f"ACC-{customer_id}")


def payment_of(order_id: str) -> PaymentId:
    """The one wallet payment of an order."""
    return PaymentId(f"PAY-{order_id}")


def shipment_of(order_id: str) -> str:
    """The one shipment of an order."""
    return f"SHP-{order_id}"


@dataclass(frozen=True, slots=True, kw_only=True)
class OrderSpec:
    """What a flow needs to know of an order to run and undo its steps."""

    order_id: str
    customer_id: str
    lines: Mapping[str, int]
    """Quantity per product id."""
    total: Money

    def key(self, process_id: str, step: str) -> str:
        """The idempotency key of one step (or compensation) of one process."""
        return f"{process_id}:{step}"

    def request(
        self,
        step: str,
        key: str,
        *,
        reason: str = "",
        correlation_id: uuid.UUID | None = None,
        causation_id: uuid.UUID | None = None,
    ) -> Request:
        """The request that carries out a forward step or a compensation.

        A compensation's key is its *forward* step's key where the context
        needs to find what it undoes (a refund names the charge it reverses).
        """
        order = OrderId(self.order_id)
        products = [ProductId(p) for p in sorted(self.lines)]
        commands: tuple[object, ...]
        if step == "reserve_inventory":
            commands = tuple(
                ReserveStock(product_id=p, order_id=order, quantity=self.lines[str(p)])
                for p in products
            )
        elif step == "release_inventory":
            commands = tuple(
                ReleaseStock(product_id=p, order_id=order) for p in products
            )
        elif step == "charge_payment":
            commands = (
                ChargeWallet(
                    account_id=wallet_of(self.customer_id),
                    payment_id=payment_of(self.order_id),
                    order_id=order,
                    amount=self.total,
                    idempotency_key=key,
                ),
            )
        elif step == "refund_payment":
            commands = (
                RefundWallet(
                    account_id=wallet_of(self.customer_id), idempotency_key=key
                ),
            )
        elif step == "create_shipment":
            commands = (
                CreateShipment(
                    shipment_id=shipment_of(self.order_id),
                    order_id=order,
                    lead_time=SHIPPING_LEAD_TIME,
                ),
            )
        elif step == "cancel_shipment":
            commands = (
                CancelShipment(
                    shipment_id=shipment_of(self.order_id),
                    reason=reason or "order flow compensated",
                ),
            )
        elif step == "confirm_order":
            commands = (ConfirmOrder(order_id=order),)
        elif step == "cancel_order":
            commands = (
                CancelOrder(order_id=order, reason=reason or "order flow compensated"),
            )
        else:
            raise ValueError(f"unknown order step {step!r}")
        return Request(
            target=STEP_TARGETS[step],
            operation=step,
            commands=commands,  # type: ignore[arg-type]
            idempotency_key=key,
            correlation_id=correlation_id,
            causation_id=causation_id,
        )


def customer_of(value: str) -> CustomerId:
    """A customer id, checked."""
    return CustomerId(value)
