"""The order fulfilment process manager: retries, persisted timers, the monitor."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest

from ddd_sim.contexts.sales.application.commands import CancelOrder
from ddd_sim.integration.events import PaymentCaptured
from ddd_sim.integration.wire import Delivery
from ddd_sim.processes.events import (
    ORDER_STEPS,
    ProcessAbandoned,
    ProcessCompensated,
    ProcessCompleted,
    StepFailed,
    StepStarted,
    TimerCancelled,
    TimerFired,
    TimerScheduled,
)
from ddd_sim.processes.fulfilment import (
    FLOW_STREAM_CATEGORY,
    FulfilmentSettings,
    ProcessManagerFlow,
)
from ddd_sim.processes.fulfilment_state import OrderFulfilment
from ddd_sim.processes.host import Outcome, Request
from ddd_sim.processes.timeout_monitor import Watched, abandoned
from ddd_sim.shared.errors import ValidationError, WrongExpectedVersion
from ddd_sim.shared.ids import OrderId
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.money import Money
from tests.processes.fake_host import FakeHost
from tests.processes.support import (
    CrashingHost,
    Killed,
    ShopHost,
    balance,
    compensations,
    crash_and_recover,
    log_types,
    of_type,
    open_shop,
    order_status,
    place,
    process,
    succeeded,
)


def fulfilment(host: FakeHost, order: str = "ORD-1") -> list[DomainEvent]:
    return process(host, FLOW_STREAM_CATEGORY, order)


def timers(events: list[DomainEvent]) -> list[tuple[str, str]]:
    """(what happened, timer) for every timer event, in order."""
    kinds = (TimerScheduled, TimerFired, TimerCancelled)
    return [
        (type(e).__name__.removeprefix("Timer"), e.timer)
        for e in events
        if isinstance(e, kinds)
    ]


def fired(events: list[DomainEvent], timer: str) -> list[TimerFired]:
    return [e for e in events if isinstance(e, TimerFired) and e.timer == timer]


def start(
    host: FakeHost, settings: FulfilmentSettings | None = None, *, run: bool = True
) -> ProcessManagerFlow:
    flow = ProcessManagerFlow(settings)
    flow.attach(host)
    if run:
        host.run()
    return flow


# -- the happy path -----------------------------------------------------------------
def test_happy_path_completes_and_cancels_each_guard_timer() -> None:
    host = open_shop(ShopHost())
    place(host)
    flow = start(host)

    events = fulfilment(host)
    assert succeeded(events) == list(ORDER_STEPS)
    assert isinstance(events[-1], ProcessCompleted)
    assert timers(events) == [
        ("Scheduled", "inventory"),
        ("Cancelled", "inventory"),
        ("Scheduled", "payment"),
        ("Cancelled", "payment"),
    ]
    assert order_status(host) == "OrderConfirmed"
    assert log_types(host, "WalletCharged") == ["WalletCharged"]
    assert flow.in_flight() == 0
    assert host.now() < 1.0  # no timer or monitor kept the world busy


def test_a_published_event_proves_a_step_whose_reply_was_lost() -> None:
    host = open_shop(ShopHost())
    host.script["payment", "charge_payment"].extend(["lost"] * 3)
    place(host)
    start(host)

    events = fulfilment(host)
    assert isinstance(events[-1], ProcessCompleted)
    assert not fired(events, "payment")  # PaymentCaptured arrived first
    assert log_types(host, "WalletCharged") == ["WalletCharged"]


# -- payment retries ------------------------------------------------------------------
def test_a_declined_payment_is_retried_up_to_the_max_then_compensated() -> None:
    host = open_shop(ShopHost())
    host.script["payment", "charge_payment"].extend(["decline"] * 3)
    place(host)
    start(host, FulfilmentSettings(max_payment_attempts=3, retry_delay=5.0))

    events = fulfilment(host)
    charges = [c for c in host.calls if c[2] == "charge_payment"]
    assert [c[3] for c in charges] == [f"ORD-1:charge_payment:{n}" for n in (1, 2, 3)]
    gaps = [round(b[0] - a[0], 3) for a, b in itertools.pairwise(charges)]
    assert all(gap >= 5.0 for gap in gaps)
    attempts = [
        e.attempt for e in of_type(events, StepStarted) if e.step == "charge_payment"
    ]
    assert attempts == [1, 2, 3]
    assert len(of_type(events, StepFailed)) == 3
    assert compensations(events) == ["release_inventory", "cancel_order"]
    assert isinstance(events[-1], ProcessCompensated)
    assert order_status(host) == "OrderCancelled"


def test_the_refund_gives_back_whichever_attempt_charged() -> None:
    host = open_shop(ShopHost())
    host.script["payment", "charge_payment"].append("decline")
    host.script["shipping", "create_shipment"].extend(["down"] * 3)
    place(host)
    start(host)

    events = fulfilment(host)
    assert compensations(events) == [
        "cancel_shipment",
        "refund_payment",
        "release_inventory",
        "cancel_order",
    ]
    refunded = [
        r.payload["idempotency_key"]
        for r in host.store.read_all()
        if r.type == "WalletRefunded"
    ]
    assert refunded == ["ORD-1:charge_payment:2"]
    assert balance(host) == Money.of("100.00")


def test_an_attempt_of_unknown_effect_is_retried_under_its_own_key() -> None:
    host = open_shop(ShopHost())
    # every attempt of the host's first round is lost after charging
    host.script["payment", "charge_payment"].extend(["lost"] * 3)
    place(host)

    class Blind(ProcessManagerFlow):
        """A manager that never hears PaymentCaptured: only replies and timers."""

        def _on_event(self, delivery):  # type: ignore[no-untyped-def]
            if delivery.type != "shop.payment.payment.captured":
                super()._on_event(delivery)

    flow = Blind()
    flow.attach(host)
    host.run()

    events = fulfilment(host)
    keys = [
        e.idempotency_key
        for e in of_type(events, StepStarted)
        if e.step == "charge_payment"
    ]
    assert keys == ["ORD-1:charge_payment:1", "ORD-1:charge_payment:1"]
    assert len(fired(events, "payment")) == 1
    assert isinstance(events[-1], ProcessCompleted)
    assert log_types(host, "WalletCharged") == ["WalletCharged"]


# -- persisted timers -----------------------------------------------------------------
def test_payment_timeout_fires_once_even_across_a_crash() -> None:
    host = open_shop(ShopHost())
    # the first round and the round re-sent after the restart both go unanswered
    host.script["payment", "charge_payment"].extend(["drop"] * 6)
    place(host)
    flow = start(host, run=False)
    host.run(until=10.0)
    assert timers(fulfilment(host))[-1] == ("Scheduled", "payment")

    crash_and_recover(host, flow)

    events = fulfilment(host)
    payment_fired = fired(events, "payment")
    assert len(payment_fired) == 1
    scheduled = next(
        e for e in events if isinstance(e, TimerScheduled) and e.timer == "payment"
    )
    assert payment_fired[0].due == scheduled.due
    assert isinstance(events[-1], ProcessCompleted)
    assert log_types(host, "WalletCharged") == ["WalletCharged"]


def test_a_timer_already_due_at_recovery_fires_at_once() -> None:
    host = open_shop(ShopHost())
    host.script["payment", "charge_payment"].extend(["drop"] * 6)
    place(host)
    flow = start(host, run=False)
    host.run(until=10.0)
    host.crash("sales")
    flow.crash()
    host.clock.advance_to(100.0)  # sales stays down past the payment deadline

    flow.recover()
    host.run()

    events = fulfilment(host)
    payment_fired = fired(events, "payment")
    assert len(payment_fired) == 1
    record = next(
        r
        for r in host.store.read_stream(f"{FLOW_STREAM_CATEGORY}-ORD-1")
        if r.type == "TimerFired" and r.payload["timer"] == "payment"
    )
    assert record.metadata.sim_time == 100.0
    assert isinstance(events[-1], ProcessCompleted)


def test_a_crash_right_after_a_timer_fired_fires_it_again_only_once() -> None:
    host = open_shop(CrashingHost("pm.after_timer_fired", 1))
    host.script["payment", "charge_payment"].extend(["drop"] * 6)
    place(host)
    flow = start(host, run=False)
    with pytest.raises(Killed):
        host.run()
    assert not fired(fulfilment(host), "payment")

    crash_and_recover(host, flow)

    events = fulfilment(host)
    assert len(fired(events, "payment")) == 1
    assert isinstance(events[-1], ProcessCompleted)


def test_inventory_timeout_compensates_the_reservation() -> None:
    host = open_shop(ShopHost())
    host.script["inventory", "reserve_inventory"].extend(["lost"] * 3)

    class Blind(ProcessManagerFlow):
        def _on_event(self, delivery):  # type: ignore[no-untyped-def]
            if delivery.type != "shop.inventory.stock.reserved":
                super()._on_event(delivery)

    place(host)
    flow = Blind(FulfilmentSettings(inventory_timeout=10.0))
    flow.attach(host)
    host.run()

    events = fulfilment(host)
    assert len(fired(events, "inventory")) == 1
    assert compensations(events) == ["release_inventory", "cancel_order"]
    assert log_types(host, "StockReserved", "StockReleased") == [
        "StockReserved",
        "StockReleased",
    ]


# -- optimistic locking ---------------------------------------------------------------
def test_a_stale_copy_cannot_be_saved() -> None:
    host = open_shop(ShopHost())
    host.script["payment", "charge_payment"].extend(["drop"] * 3)
    place(host)
    start(host, run=False)
    host.run(until=10.0)  # waiting for the payment
    repo = host.repository(OrderFulfilment)
    mine, theirs = repo.load("ORD-1"), repo.load("ORD-1")
    mine.order_cancelled("by the customer")
    theirs.order_cancelled("by the customer")
    repo.save(mine)
    with pytest.raises(WrongExpectedVersion):
        repo.save(theirs)


def test_a_save_that_loses_a_race_is_decided_again_on_a_fresh_load() -> None:
    host = open_shop(ShopHost())
    host.script["payment", "charge_payment"].extend(["lost"] * 3)
    held: list[Delivery] = []

    class Slow(ProcessManagerFlow):
        """Hears PaymentCaptured late (the test hands it over)."""

        def _on_event(self, delivery: Delivery) -> None:
            if delivery.type == PaymentCaptured.event_type and not held:
                held.append(delivery)
            else:
                super()._on_event(delivery)

    place(host)
    flow = Slow()
    flow.attach(host)
    host.run(until=10.0)  # charged, every reply lost: waiting for proof or timer
    rules = FulfilmentSettings()
    repo = host.repository(OrderFulfilment)
    other = repo.load("ORD-1")  # another manager handles the payment timeout
    other.timer_fired("payment", other.timers["payment"], host.now(), rules)
    repo.save(other, sim_time=host.now())

    flow._on_event(held[0])  # its copy is stale now: the save must lose
    host.run()

    events = fulfilment(host)
    assert flow.conflicts == 1
    assert len(fired(events, "payment")) == 1
    assert timers(events)[-2:] == [
        ("Scheduled", "payment_retry"),
        ("Cancelled", "payment_retry"),
    ]
    assert isinstance(events[-1], ProcessCompleted)
    assert log_types(host, "WalletCharged") == ["WalletCharged"]


def test_two_managers_on_one_store_decide_a_timeout_once() -> None:
    host = open_shop(ShopHost())
    host.script["payment", "charge_payment"].extend(["drop"] * 6)
    place(host)
    first = start(host, run=False)
    host.run(until=10.0)
    second = ProcessManagerFlow()
    second.attach(host)  # a second app instance on the same store
    second.recover()  # holds the instance at today's version, timer armed too
    host.run(until=200.0)

    events = fulfilment(host)
    assert len(fired(events, "payment")) == 1
    assert second.conflicts == 1  # its save lost, it reloaded and found nothing to do
    assert isinstance(events[-1], ProcessCompleted)
    assert log_types(host, "WalletCharged") == ["WalletCharged"]
    assert first.in_flight() == 0
    second.crash()


# -- cancellation and the monitor -----------------------------------------------------
def test_an_order_cancelled_by_the_customer_is_compensated() -> None:
    host = open_shop(ShopHost())
    host.script["payment", "charge_payment"].extend(["drop"] * 3)
    place(host)
    flow = start(host, run=False)
    host.run(until=10.0)
    host.shop.execute(CancelOrder(order_id=OrderId("ORD-1"), reason="changed mind"))
    host.run()

    events = fulfilment(host)
    assert compensations(events) == [
        "refund_payment",
        "release_inventory",
        "cancel_order",
    ]
    assert timers(events)[-1] == ("Cancelled", "payment")
    assert balance(host) == Money.of("100.00")
    assert flow.in_flight() == 0


class Silent(ShopHost):
    """A network that swallows one operation's requests without a word."""

    def __init__(self, operation: str) -> None:
        super().__init__()
        self.operation = operation
        self.swallowed: list[Request] = []

    def call(
        self,
        source: str,
        request: Request,
        on_outcome: Callable[[Outcome], None],
        *,
        retry: bool = True,
    ) -> None:
        if request.operation == self.operation:
            self.swallowed.append(request)
            return
        super().call(source, request, on_outcome, retry=retry)


def test_the_monitor_abandons_an_idle_instance_and_compensates() -> None:
    host = open_shop(Silent("create_shipment"))
    place(host)
    flow = start(host, FulfilmentSettings(abandon_after=300.0, monitor_interval=60.0))

    events = fulfilment(host)
    abandoned_event = of_type(events, ProcessAbandoned)
    assert len(abandoned_event) == 1
    assert host.now() == pytest.approx(360.0, abs=1.0)  # the first scan past 300 s idle
    assert compensations(events) == [
        "cancel_shipment",
        "refund_payment",
        "release_inventory",
        "cancel_order",
    ]
    assert isinstance(events[-1], ProcessCompensated)
    assert events[-1].failed_step == "create_shipment"
    assert flow.in_flight() == 0
    assert flow.monitor.scans == 6


def test_only_running_instances_without_timers_count_as_abandoned() -> None:
    watched = [
        Watched(process_id="a", last_change=0.0, running=True, timer_pending=False),
        Watched(process_id="b", last_change=0.0, running=True, timer_pending=True),
        Watched(process_id="c", last_change=0.0, running=False, timer_pending=False),
        Watched(process_id="d", last_change=50.0, running=True, timer_pending=False),
    ]
    assert [w.process_id for w in abandoned(watched, 300.0, 300.0)] == ["a"]


def test_settings_name_the_bad_value() -> None:
    with pytest.raises(ValidationError, match="payment_timeout"):
        FulfilmentSettings(payment_timeout=0.0)
    with pytest.raises(ValidationError, match="max_payment_attempts"):
        FulfilmentSettings(max_payment_attempts=0)
