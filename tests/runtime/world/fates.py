"""Orders through every fate, and the simulation's records, written into a Story.

Each order follows a fate: completed (and perhaps delivered), declined,
failed at shipping, run by a process manager with a payment retry, abandoned
by its process manager, or left in flight (``reserved``, ``charged``).
"""

from __future__ import annotations

from collections.abc import Callable

from ddd_sim.contexts.inventory.application.commands import (
    ReceiveStock,
    ReleaseStock,
    ReserveStock,
    ShipReservedStock,
)
from ddd_sim.contexts.payment.application.commands import (
    ChargeWallet,
    Deposit,
    RefundWallet,
    Withdraw,
)
from ddd_sim.contexts.payment.domain.ids import PaymentId
from ddd_sim.contexts.sales.application.commands import (
    CancelOrder,
    CompleteOrder,
    ConfirmOrder,
    MarkOrderShipped,
)
from ddd_sim.contexts.shipping.application.commands import CreateShipment
from ddd_sim.processes import events as pe
from ddd_sim.shared.ids import AccountId, OrderId, ProductId
from ddd_sim.shared.messages import Command, DomainEvent
from ddd_sim.shared.money import Money
from ddd_sim.sim import records as sim
from tests.runtime.world.story import CUSTOMERS, PRICE, UNDO, Story, usd


def run_order(story: Story, number: int, fate: str) -> str:
    """Place an order and run its process to the fate asked; the order id."""
    order = f"ORD-{number:04d}"
    customer = story.rng.choice(CUSTOMERS)
    account = AccountId(f"ACC-{customer}")
    lines = story.place(order, customer)
    total = usd(
        str(sum(Money.of(PRICE[p], "USD").amount * q for p, q in lines.items()))
    )
    managed = fate in ("retried", "abandoned")
    stream = f"{'Fulfilment' if managed else 'Saga'}-{order}"

    def rec(*events: DomainEvent) -> None:
        story.record(stream, *events)

    def start(step: str, attempt: int = 1) -> None:
        rec(
            pe.StepStarted(
                process_id=order,
                step=step,
                attempt=attempt,
                idempotency_key=f"{order}:{step}",
                compensation=UNDO[step],
            )
        )

    def ok(step: str, attempts: int = 1) -> None:
        rec(pe.StepSucceeded(process_id=order, step=step, attempts=attempts))

    def fail(step: str, reason: str, *, unknown: bool = False) -> None:
        rec(
            pe.StepFailed(
                process_id=order,
                step=step,
                attempts=1,
                reason=reason,
                effect_unknown=unknown,
            )
        )

    def undo(step: str, *commands: Command, noop: bool = False) -> None:
        rec(
            pe.CompensationStarted(process_id=order, step=step, compensation=UNDO[step])
        )
        for command in commands:
            story.do(command)
        rec(
            pe.StepCompensated(
                process_id=order,
                step=step,
                compensation=UNDO[step],
                attempts=1,
                noop=noop,
            )
        )

    def timer(
        kind: Callable[..., DomainEvent], name: str, due: float | None = None
    ) -> None:
        extra = {} if due is None else {"due": due}
        rec(kind(process_id=order, timer=name, **extra))

    releases = [
        ReleaseStock(product_id=ProductId(p), order_id=OrderId(order)) for p in lines
    ]
    cancel = CancelOrder(order_id=OrderId(order), reason=fate)
    refund = RefundWallet(account_id=account, idempotency_key=f"{order}:charge_payment")

    rec(
        pe.ProcessStarted(
            process_id=order,
            kind="process_manager" if managed else "orchestrated",
            order_id=order,
            customer_id=customer,
            lines=lines,
            total=total,
            steps=pe.ORDER_STEPS,
        )
    )
    start("reserve_inventory")
    if managed:
        timer(pe.TimerScheduled, "inventory", story.now + 30)
    for product, quantity in lines.items():
        story.do(
            ReserveStock(
                product_id=ProductId(product),
                order_id=OrderId(order),
                quantity=quantity,
            )
        )
    ok("reserve_inventory")
    if managed:
        timer(pe.TimerCancelled, "inventory")
    if fate == "reserved":
        return order
    start("charge_payment")
    if fate == "declined":
        fail("charge_payment", "declined by the wallet")
        undo("reserve_inventory", *releases)
        undo("confirm_order", cancel)
        rec(
            pe.ProcessCompensated(
                process_id=order,
                failed_step="charge_payment",
                reason="declined by the wallet",
            )
        )
        return order
    if fate == "retried":
        timer(pe.TimerScheduled, "payment", story.now + 30)
        fail("charge_payment", "wallet unreachable")
        timer(pe.TimerCancelled, "payment")
        timer(pe.TimerScheduled, "payment_retry", story.now + 5)
        timer(pe.TimerFired, "payment_retry", story.now)
        start("charge_payment", attempt=2)
    story.do(
        ChargeWallet(
            account_id=account,
            payment_id=PaymentId(f"PAY-{order}"),
            order_id=OrderId(order),
            amount=total,
            idempotency_key=f"{order}:charge_payment",
        )
    )
    ok("charge_payment", attempts=2 if fate == "retried" else 1)
    if fate == "charged":
        return order
    start("create_shipment")
    if fate in ("shipping", "abandoned"):
        if fate == "shipping":
            fail("create_shipment", "shipping is down", unknown=True)
        else:
            rec(
                pe.ProcessAbandoned(
                    process_id=order,
                    idle_since=story.now,
                    reason="nothing happened for 300 s",
                )
            )
        undo("create_shipment", noop=True)
        undo("charge_payment", refund)
        undo("reserve_inventory", *releases)
        undo("confirm_order", cancel)
        rec(
            pe.ProcessCompensated(
                process_id=order, failed_step="create_shipment", reason=fate
            )
        )
        return order
    story.do(CreateShipment(shipment_id=f"SHP-{order}", order_id=OrderId(order)))
    ok("create_shipment")
    start("confirm_order")
    story.do(ConfirmOrder(order_id=OrderId(order)))
    ok("confirm_order")
    rec(pe.ProcessCompleted(process_id=order))
    if fate == "delivered":
        for product in lines:
            story.do(
                ShipReservedStock(
                    product_id=ProductId(product), order_id=OrderId(order)
                )
            )
        story.do(MarkOrderShipped(order_id=OrderId(order), shipment_id=f"SHP-{order}"))
        story.do(CompleteOrder(order_id=OrderId(order)))
    return order


def simulation_records(story: Story, n: int) -> None:
    """What the simulation records beside the shop, a little of each."""
    fault = f"F-{n}"
    story.record(
        sim.FAULT_STREAM,
        sim.FaultInjected(
            fault_id=fault,
            target="payment",
            kind="latency",
            until=story.now + 9,
            mean_ms=50.0,
        ),
    )
    story.record(
        sim.BREAKER_STREAM,
        sim.BreakerStateChanged(
            target="payment",
            from_state="closed",
            to_state="open",
            failures=3,
            reason="too many failures",
        ),
    )
    story.record(
        sim.CONTEXT_STREAM,
        sim.ContextCrashed(context="sales", restart_at=story.now + 3),
    )
    story.record(
        sim.PROJECTION_STREAM,
        sim.ProjectionsAdvanced(
            checkpoints={
                "sales.order_list": max(0, story.store.head_position() - 3),
                "inventory.stock": story.store.head_position(),
            }
        ),
    )
    story.raw("Legacy-x", "SomethingNobodyFolds", {"anything": [1, 2]})
    story.record(sim.CONTEXT_STREAM, sim.ContextRestarted(context="sales"))
    story.record(
        sim.BREAKER_STREAM,
        sim.BreakerStateChanged(
            target="payment",
            from_state="open",
            to_state="half_open",
            failures=0,
            reason="cool-down over",
        ),
    )
    if n % 8 == 4:
        story.record(
            sim.FAULT_STREAM,
            sim.FaultCleared(fault_id=fault, target="payment", kind="latency"),
        )


FATES = ("delivered", "completed", "declined", "shipping", "retried", "abandoned")
"""Fates an order's process ends in (``reserved`` and ``charged`` stay in flight)."""


def clean_story(orders: int = 12, seed: int = 1, *, in_flight: bool = True) -> Story:
    """A shop, its orders through every fate, two left in flight, sim records."""
    story = Story(seed)
    story.open_shop()
    story.do(Deposit(account_id=AccountId("ACC-CUST-001"), amount=usd("100.00")))
    story.do(Withdraw(account_id=AccountId("ACC-CUST-002"), amount=usd("10.50")))
    story.do(ReceiveStock(product_id=ProductId("PROD-001"), quantity=5))
    for number in range(1, orders + 1):
        run_order(story, number, FATES[(number - 1) % len(FATES)])
        if number % 4 == 0:
            simulation_records(story, number)
    if in_flight:
        run_order(story, orders + 1, "reserved")
        run_order(story, orders + 2, "charged")
    return story
