"""The orchestrated order saga over a real in-memory shop and a scripted network."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from ddd_sim.integration.events import OrderLine, OrderPlaced
from ddd_sim.integration.wire import Delivery
from ddd_sim.processes.events import (
    COMPENSATIONS,
    ORDER_STEPS,
    CompensationStarted,
    ProcessCompensated,
    ProcessCompleted,
    StepCompensated,
    StepFailed,
    StepStarted,
    StepSucceeded,
)
from ddd_sim.processes.host import Outcome, Request
from ddd_sim.processes.order_saga import (
    CONSUMER,
    FLOW_STREAM_CATEGORY,
    OrchestratedFlow,
    SagaSettings,
)
from ddd_sim.processes.orders import OrderSpec
from ddd_sim.processes.saga_state import may_have_taken_effect
from ddd_sim.shared.cqrs import CommandResult
from ddd_sim.shared.errors import ValidationError
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.money import Money
from tests.processes.fake_host import FakeHost
from tests.processes.support import (
    CUSTOMER,
    PRICE,
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


def saga(host: FakeHost, order: str = "ORD-1") -> list[DomainEvent]:
    return process(host, FLOW_STREAM_CATEGORY, order)


def run_saga(
    host: FakeHost, *, settings: SagaSettings | None = None
) -> OrchestratedFlow:
    flow = OrchestratedFlow(settings)
    flow.attach(host)
    host.run()
    return flow


# -- the happy path -----------------------------------------------------------------
def test_happy_path_runs_every_step_in_order_and_confirms_the_order() -> None:
    host = open_shop(ShopHost())
    place(host)
    flow = run_saga(host)

    events = saga(host)
    assert succeeded(events) == list(ORDER_STEPS)
    assert isinstance(events[-1], ProcessCompleted)
    assert order_status(host) == "OrderConfirmed"
    assert flow.in_flight() == 0
    assert log_types(host, "WalletCharged") == ["WalletCharged"]
    assert balance(host) == Money.of("90.00")


def test_each_compensation_is_registered_before_its_step_runs() -> None:
    host = open_shop(ShopHost())
    place(host)
    run_saga(host)

    events = saga(host)
    started = of_type(events, StepStarted)
    assert [(e.step, e.compensation, e.idempotency_key) for e in started] == [
        (step, COMPENSATIONS[step], f"ORD-1:{step}") for step in ORDER_STEPS
    ]
    for step in ORDER_STEPS:
        kinds = [type(e) for e in events if getattr(e, "step", None) == step]
        assert kinds == [StepStarted, StepSucceeded]
    assert [c[2] for c in host.calls] == list(ORDER_STEPS)


def test_a_repeated_order_placed_starts_no_second_saga() -> None:
    handlers: list[Callable[[Delivery], None]] = []

    class Recording(ShopHost):
        def subscribe(self, consumer, host_context, event_types, handler):  # type: ignore[no-untyped-def]
            assert (consumer, host_context) == (CONSUMER, "sales")
            handlers.append(handler)
            super().subscribe(consumer, host_context, event_types, handler)

    host = open_shop(Recording())
    place(host)
    run_saga(host)
    again = OrderPlaced(
        order_id="ORD-1",
        customer_id=CUSTOMER,
        lines=(OrderLine(product_id="PROD-1", quantity=1, unit_price=PRICE),),
        total=PRICE,
    )
    handlers[0](
        Delivery(
            event=again,
            event_id=uuid.UUID(int=7),  # another id: the host's dedup cannot help
            type=again.event_type,
            version=1,
            source="/shop/sales",
            sim_time=host.now(),
        )
    )
    host.run()
    assert len(of_type(saga(host), StepStarted)) == len(ORDER_STEPS)


# -- failures and compensation ------------------------------------------------------
def test_payment_refused_for_lack_of_money_releases_then_cancels() -> None:
    host = open_shop(ShopHost(), balance="5.00")
    place(host)
    run_saga(host)

    events = saga(host)
    assert succeeded(events) == ["reserve_inventory"]
    failed = of_type(events, StepFailed)
    assert [(e.step, e.effect_unknown) for e in failed] == [("charge_payment", False)]
    assert compensations(events) == ["release_inventory", "cancel_order"]
    assert isinstance(events[-1], ProcessCompensated)
    assert events[-1].failed_step == "charge_payment"
    assert order_status(host) == "OrderCancelled"
    assert log_types(host, "StockReserved", "StockReleased") == [
        "StockReserved",
        "StockReleased",
    ]
    assert not [c for c in host.calls if c[2] == "refund_payment"]


def test_a_scripted_decline_is_not_retried_and_compensates() -> None:
    host = open_shop(ShopHost())
    host.script["payment", "charge_payment"].append("decline")
    place(host)
    run_saga(host)

    events = saga(host)
    assert [c[2] for c in host.calls].count("charge_payment") == 1
    assert compensations(events) == ["release_inventory", "cancel_order"]
    assert log_types(host, "WalletCharged") == []
    assert balance(host) == Money.of("100.00")


def test_shipping_down_after_retries_compensates_everything_in_reverse() -> None:
    host = open_shop(ShopHost())
    host.script["shipping", "create_shipment"].extend(["down", "down", "down"])
    place(host)
    run_saga(host)

    events = saga(host)
    done = of_type(events, StepCompensated)
    assert [(e.compensation, e.noop) for e in done] == [
        ("cancel_shipment", True),
        ("refund_payment", False),
        ("release_inventory", False),
        ("cancel_order", False),
    ]
    started = [e.compensation for e in of_type(events, CompensationStarted)]
    assert started == compensations(events)
    assert order_status(host) == "OrderCancelled"
    assert balance(host) == Money.of("100.00")
    refund = next(c for c in host.calls if c[2] == "refund_payment")
    assert refund[3] == "ORD-1:charge_payment"  # refunded under the charge's key


def test_out_of_stock_only_cancels_the_order() -> None:
    host = open_shop(ShopHost(), stock={"PROD-1": 0})
    place(host)
    run_saga(host)
    assert compensations(saga(host)) == ["cancel_order"]


def test_a_partly_refused_reservation_is_released() -> None:
    host = open_shop(ShopHost(), stock={"PROD-1": 5, "PROD-2": 0})
    place(host, PROD_1=2, PROD_2=1)
    run_saga(host)
    assert compensations(saga(host)) == ["release_inventory", "cancel_order"]
    assert log_types(host, "StockReserved", "StockReleased") == [
        "StockReserved",
        "StockReleased",
    ]


def test_a_lost_reply_on_the_charge_charges_once() -> None:
    host = open_shop(ShopHost())
    host.script["payment", "charge_payment"].extend(["lost", "ok"])
    place(host)
    run_saga(host)

    events = saga(host)
    charge = next(
        e for e in of_type(events, StepSucceeded) if e.step == "charge_payment"
    )
    assert (charge.attempts, charge.duplicate) == (2, True)
    assert isinstance(events[-1], ProcessCompleted)
    assert log_types(host, "WalletCharged") == ["WalletCharged"]
    assert balance(host) == Money.of("90.00")


def test_a_failing_compensation_is_sent_again_until_it_succeeds() -> None:
    host = open_shop(ShopHost())
    host.script["shipping", "create_shipment"].extend(["down"] * 3)
    host.script["payment", "refund_payment"].extend(["down"] * 7)
    place(host)
    run_saga(
        host, settings=SagaSettings(compensation_retry=1.0, compensation_retry_max=4.0)
    )

    refunds = [c for c in host.calls if c[2] == "refund_payment"]
    assert [c[4] for c in refunds] == ["down"] * 7 + ["ok"]
    assert compensations(saga(host)) == [
        "cancel_shipment",
        "refund_payment",
        "release_inventory",
        "cancel_order",
    ]
    assert balance(host) == Money.of("100.00")


# -- crashes ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("point", "nth"),
    [
        ("saga.before_call", 2),  # charge recorded as started, never sent
        ("saga.after_call", 2),  # charged, reply in hand, not yet recorded
    ],
)
def test_a_crash_around_the_charge_resumes_and_charges_once(
    point: str, nth: int
) -> None:
    host = open_shop(CrashingHost(point, nth))
    place(host)
    flow = OrchestratedFlow()
    flow.attach(host)
    with pytest.raises(Killed):
        host.run()
    events = saga(host)
    assert isinstance(events[-1], StepStarted)
    assert events[-1].step == "charge_payment"

    crash_and_recover(host, flow)

    events = saga(host)
    assert succeeded(events) == list(ORDER_STEPS)
    assert isinstance(events[-1], ProcessCompleted)
    assert len(of_type(events, StepStarted)) == len(ORDER_STEPS)
    assert log_types(host, "WalletCharged") == ["WalletCharged"]
    assert flow.in_flight() == 0


def test_a_crash_mid_compensation_finishes_compensating_once_each() -> None:
    # passes of saga.mid_compensation: send cancel_shipment (1), its reply (2),
    # send refund (3), the refund's reply (4): die with the refund done, unrecorded
    host = open_shop(CrashingHost("saga.mid_compensation", 4))
    host.script["shipping", "create_shipment"].extend(["down"] * 3)
    place(host)
    flow = OrchestratedFlow()
    flow.attach(host)
    with pytest.raises(Killed):
        host.run()
    assert compensations(saga(host)) == ["cancel_shipment"]

    crash_and_recover(host, flow)

    events = saga(host)
    assert compensations(events) == [
        "cancel_shipment",
        "refund_payment",
        "release_inventory",
        "cancel_order",
    ]
    assert log_types(host, "WalletRefunded", "StockReleased", "OrderCancelled") == [
        "WalletRefunded",
        "StockReleased",
        "OrderCancelled",
    ]
    assert balance(host) == Money.of("100.00")
    assert flow.in_flight() == 0


def test_recover_skips_finished_sagas_and_a_stale_reply_is_ignored() -> None:
    host = open_shop(ShopHost())
    place(host, "ORD-1")
    flow = run_saga(host)
    place(host, "ORD-2")
    host.run(until=host.now() + 0.005)  # ORD-2 reserve sent, reply pending
    assert flow.in_flight() == 1

    flow.recover()  # without a crash: the pending reply belongs to an older life
    assert flow.in_flight() == 1
    host.run()

    assert flow.in_flight() == 0
    assert len(of_type(saga(host, "ORD-1"), StepStarted)) == len(ORDER_STEPS)
    assert succeeded(saga(host, "ORD-2")) == list(ORDER_STEPS)


# -- rules ------------------------------------------------------------------------
def _request(commands: int) -> Request:
    spec = OrderSpec(
        order_id="ORD-1", customer_id=CUSTOMER, lines={"PROD-1": 1}, total=PRICE
    )
    request = spec.request("reserve_inventory", "ORD-1:reserve_inventory")
    return Request(
        target=request.target,
        operation=request.operation,
        commands=request.commands * commands,
        idempotency_key=request.idempotency_key,
    )


@pytest.mark.parametrize(
    ("kind", "attempts", "commands", "expected"),
    [
        ("rejected", 1, 1, False),
        ("failed", 1, 1, False),
        ("circuit_open", 1, 1, False),
        ("timeout", 1, 1, True),
        ("failed", 3, 1, True),  # an earlier attempt may have timed out after acting
        ("rejected", 1, 2, True),  # the first command ran before the refusal
    ],
)
def test_which_failed_steps_may_have_taken_effect(
    kind: str, attempts: int, commands: int, expected: bool
) -> None:
    outcome = Outcome(kind=kind, attempts=attempts)  # type: ignore[arg-type]
    assert may_have_taken_effect(outcome, _request(commands)) is expected


def test_saga_settings_refuse_a_retry_longer_than_its_cap() -> None:
    with pytest.raises(ValidationError, match="compensation_retry"):
        SagaSettings(compensation_retry=10.0, compensation_retry_max=1.0)
    assert [SagaSettings(2.0, 5.0).retry_delay(n) for n in (1, 2, 3)] == [2, 4, 5]


def test_written_results_are_no_noop() -> None:
    from ddd_sim.processes.saga_state import compensation_is_noop

    wrote = CommandResult(stream_id="s", version=1, position=1)
    assert not compensation_is_noop(Outcome(kind="ok", attempts=1, results=(wrote,)))
    assert compensation_is_noop(Outcome(kind="ok", attempts=1, duplicate=True))
    assert compensation_is_noop(Outcome(kind="rejected", attempts=1))
