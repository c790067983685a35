"""The choreographed order flow over a real in-memory shop and a scripted network."""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from ddd_sim.contexts.inventory.domain.product import Product
from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.integration.delivery import Delivery, delivery_of
from ddd_sim.integration.events import (
    INTEGRATION_EVENTS,
    OrderStepCompensated,
    OrderStepFailed,
    OrderStepSucceeded,
)
from ddd_sim.integration.schemas import PUBLISHED
from ddd_sim.integration.wire import decode, encode
from ddd_sim.processes import choreography
from ddd_sim.processes.choreography import ChoreographedFlow
from ddd_sim.processes.events import (
    ORDER_STEPS,
    ProcessCompensated,
    ProcessCompleted,
    ProcessStarted,
    StepCompensated,
    StepFailed,
    StepStarted,
    StepSucceeded,
)
from ddd_sim.processes.host import Outcome, Request
from ddd_sim.processes.order_saga import SagaSettings
from ddd_sim.processes.orders import STEP_TARGETS
from ddd_sim.runtime.projection_feed import meta_of
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.money import Money
from ddd_sim.shared.read_models import EventMeta
from ddd_sim.shared.repository import AggregateRepository
from tests.processes.fake_host import FakeHost
from tests.processes.support import (
    CrashingHost,
    H,
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


# -- hosts ----------
class ChoreoHost(ShopHost):
    """The shop host publishing the choreography's steps, noting who calls whom."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(translators=choreography.TRANSLATORS, **kwargs)
        self.sources: list[tuple[str, str, str]] = []
        self.consumers: list[tuple[str, str, tuple[str, ...]]] = []

    def call(
        self,
        source: str,
        request: Request,
        on_outcome: Callable[[Outcome], None],
        *,
        retry: bool = True,
    ) -> None:
        self.sources.append((source, request.target, request.operation))
        super().call(source, request, on_outcome, retry=retry)

    def subscribe(
        self,
        consumer: str,
        host_context: str,
        event_types: tuple[type[IntegrationEvent], ...],
        handler: Callable[[Delivery], None],
    ) -> None:
        types = tuple(t.event_type for t in event_types)
        self.consumers.append((consumer, host_context, types))
        super().subscribe(consumer, host_context, event_types, handler)


class CrashingChoreoHost(CrashingHost, ChoreoHost):
    """The choreography's host, dying at the ``nth`` pass of one crash point."""


class UnreliableHost(ChoreoHost):
    """Delivers every event twice, batches shuffled, and everything again late.

    The host's dedup by event id is bypassed on purpose: the policies alone
    must make repeats harmless.
    """

    def __init__(self, seed: int) -> None:
        super().__init__()
        self.shuffle = random.Random(seed)
        self.sent: list[tuple[Callable[[Delivery], None], Delivery]] = []

    def _deliver_new_events(self) -> None:
        batch: list[tuple[Callable[[Delivery], None], Delivery]] = []
        for recorded in self.store.read_all(from_position=self._fed + 1):
            self._fed = recorded.global_position
            translate = self._translators.get(recorded.type)
            if translate is None:
                continue
            published = translate(
                self.registry.to_domain_event(recorded), meta_of(recorded)
            )
            if published is None:
                continue
            delivery = delivery_of(published, recorded)
            for _, types, handler in self._subs:
                if published.event_type in types:
                    batch += [(handler, delivery), (handler, delivery)]
        self.shuffle.shuffle(batch)
        self.sent += batch
        for handler, delivery in batch:
            handler(delivery)

    def replay_everything(self) -> None:
        """Every delivery ever made, once more, long after the fact."""
        for handler, delivery in list(self.sent):
            handler(delivery)
        self.run()


def run_flow(host: FakeHost, settings: SagaSettings | None = None) -> ChoreographedFlow:
    flow = ChoreographedFlow(settings)
    flow.attach(host)
    host.run()
    return flow


def trace(host: FakeHost, order: str = "ORD-1") -> list[DomainEvent]:
    """The order's choreography stream, decoded."""
    return process(host, "Choreography", order)


def available(host: FakeHost, product: str = "PROD-1") -> int:
    products = AggregateRepository(host.store, host.registry, Product)
    units: int = products.load(product).available
    return units


# -- the happy path ----------
def test_each_context_runs_its_own_step_and_sales_completes_the_order() -> None:
    host = open_shop(ChoreoHost())
    place(host)
    flow = run_flow(host)

    events = trace(host)
    started = events[0]
    assert isinstance(started, ProcessStarted)
    assert (started.kind, started.steps) == ("choreographed", ORDER_STEPS)
    assert [(e.step, e.idempotency_key) for e in of_type(events, StepStarted)] == [
        (step, f"ORD-1:{step}") for step in ORDER_STEPS
    ]
    assert succeeded(events) == list(ORDER_STEPS)
    assert isinstance(events[-1], ProcessCompleted)
    assert host.sources == [(STEP_TARGETS[s], STEP_TARGETS[s], s) for s in ORDER_STEPS]
    assert order_status(host) == "OrderConfirmed"
    assert log_types(host, "WalletCharged") == ["WalletCharged"]
    assert balance(host) == Money.of("90.00")
    assert flow.in_flight() == 0


def test_four_policies_each_hosted_in_its_own_context() -> None:
    host = ChoreoHost()
    ChoreographedFlow().attach(host)
    assert [(c, h) for c, h, _ in host.consumers] == [
        ("inventory.order_choreography", "inventory"),
        ("payment.order_choreography", "payment"),
        ("shipping.order_choreography", "shipping"),
        ("sales.order_choreography", "sales"),
    ]
    step_events = (
        "shop.processes.order_step.failed",
        "shop.processes.order_step.compensated",
    )
    assert host.consumers[0][2] == ("shop.sales.order.placed", *step_events)
    for _, _, types in host.consumers[1:]:
        assert types == ("shop.processes.order_step.succeeded", *step_events)


def test_an_order_in_progress_is_in_flight() -> None:
    host = open_shop(ChoreoHost())
    place(host)
    flow = ChoreographedFlow()
    flow.attach(host)
    host.run(until=0.0)  # OrderPlaced delivered, the reservation sent
    assert flow.in_flight() == 1
    host.run()
    assert flow.in_flight() == 0


# -- failures flow back as compensations ----------
def test_out_of_stock_cancels_the_order_without_charging() -> None:
    host = open_shop(ChoreoHost(), stock={"PROD-1": 1})
    place(host, PROD_1=3)
    run_flow(host)

    events = trace(host)
    failed = of_type(events, StepFailed)
    assert [(e.step, e.effect_unknown) for e in failed] == [
        ("reserve_inventory", False)
    ]
    assert compensations(events) == ["cancel_order"]
    assert isinstance(events[-1], ProcessCompensated)
    assert order_status(host) == "OrderCancelled"
    assert not [s for s in host.sources if s[2] == "charge_payment"]
    assert balance(host) == Money.of("100.00")


def test_payment_refused_releases_inventory_then_cancels() -> None:
    host = open_shop(ChoreoHost(), balance="5.00")
    place(host)
    run_flow(host)

    events = trace(host)
    assert succeeded(events) == ["reserve_inventory"]
    assert [e.step for e in of_type(events, StepFailed)] == ["charge_payment"]
    assert compensations(events) == ["release_inventory", "cancel_order"]
    assert [s[0] for s in host.sources[-2:]] == ["inventory", "sales"]
    last = events[-1]
    assert isinstance(last, ProcessCompensated)
    assert last.failed_step == "charge_payment"
    assert order_status(host) == "OrderCancelled"
    assert available(host) == 10
    assert log_types(host, "WalletCharged", "WalletRefunded") == []


def test_shipping_down_after_retries_refunds_releases_and_cancels_in_reverse() -> None:
    host = open_shop(ChoreoHost())
    host.script["shipping", "create_shipment"].extend(["down"] * 3)
    place(host)
    run_flow(host)

    events = trace(host)
    done = of_type(events, StepCompensated)
    assert [(e.compensation, e.noop) for e in done] == [
        ("cancel_shipment", True),  # the shipment may have been booked: undo first
        ("refund_payment", False),
        ("release_inventory", False),
        ("cancel_order", False),
    ]
    undo_calls = [s for s in host.sources if s[2] in [e.compensation for e in done]]
    assert [s[0] for s in undo_calls] == ["shipping", "payment", "inventory", "sales"]
    refund = next(c for c in host.calls if c[2] == "refund_payment")
    assert refund[3] == "ORD-1:charge_payment"  # refunded under the charge's key
    assert isinstance(events[-1], ProcessCompensated)
    assert order_status(host) == "OrderCancelled"
    assert balance(host) == Money.of("100.00")
    assert available(host) == 10


def test_a_charge_whose_replies_are_all_lost_is_refunded_before_the_release() -> None:
    host = open_shop(ChoreoHost())
    host.script["payment", "charge_payment"].extend(["lost"] * 3)
    place(host)
    run_flow(host)

    events = trace(host)
    failed = of_type(events, StepFailed)
    assert [(e.step, e.effect_unknown) for e in failed] == [("charge_payment", True)]
    assert compensations(events) == [
        "refund_payment",
        "release_inventory",
        "cancel_order",
    ]
    assert log_types(host, "WalletCharged", "WalletRefunded") == [
        "WalletCharged",
        "WalletRefunded",
    ]
    assert balance(host) == Money.of("100.00")


def test_a_partly_refused_reservation_is_released() -> None:
    host = open_shop(ChoreoHost(), stock={"PROD-1": 5, "PROD-2": 0})
    place(host, PROD_1=2, PROD_2=1)
    run_flow(host)
    assert compensations(trace(host)) == ["release_inventory", "cancel_order"]
    assert available(host) == 5


def test_a_failing_compensation_is_sent_again_until_it_lands() -> None:
    host = open_shop(ChoreoHost())
    host.script["shipping", "create_shipment"].extend(["down"] * 3)
    host.script["payment", "refund_payment"].extend(["down"] * 6)
    place(host)
    run_flow(host, SagaSettings(compensation_retry=1.0, compensation_retry_max=4.0))

    refunds = [c[4] for c in host.calls if c[2] == "refund_payment"]
    assert refunds == ["down"] * 6 + ["ok"]
    assert compensations(trace(host)) == [
        "cancel_shipment",
        "refund_payment",
        "release_inventory",
        "cancel_order",
    ]
    assert balance(host) == Money.of("100.00")


# -- crashes ----------
@pytest.mark.parametrize(
    ("point", "nth"),
    [
        ("choreography.before_call", 2),  # charge recorded as started, never sent
        ("choreography.after_call", 2),  # charged, reply in hand, not recorded
    ],
)
def test_a_crash_around_the_charge_resumes_and_charges_once(
    point: str, nth: int
) -> None:
    host = open_shop(CrashingChoreoHost(point, nth))
    place(host)
    flow = ChoreographedFlow()
    flow.attach(host)
    with pytest.raises(Killed):
        host.run()
    last = trace(host)[-1]
    assert isinstance(last, StepStarted)
    assert last.step == "charge_payment"

    crash_and_recover(host, flow, "payment")

    events = trace(host)
    assert succeeded(events) == list(ORDER_STEPS)
    assert isinstance(events[-1], ProcessCompleted)
    assert len(of_type(events, StepStarted)) == len(ORDER_STEPS)
    assert log_types(host, "WalletCharged") == ["WalletCharged"]
    assert flow.in_flight() == 0


def test_a_crash_mid_compensation_finishes_each_compensation_once() -> None:
    # passes: send cancel_shipment (1), its reply (2), send the refund (3), the
    # refund's reply (4): die with the money given back but not recorded
    host = open_shop(CrashingChoreoHost("choreography.mid_compensation", 4))
    host.script["shipping", "create_shipment"].extend(["down"] * 3)
    place(host)
    flow = ChoreographedFlow()
    flow.attach(host)
    with pytest.raises(Killed):
        host.run()
    assert compensations(trace(host)) == ["cancel_shipment"]

    crash_and_recover(host, flow, "payment")

    events = trace(host)
    assert compensations(events) == [
        "cancel_shipment",
        "refund_payment",
        "release_inventory",
        "cancel_order",
    ]
    assert isinstance(events[-1], ProcessCompensated)
    assert log_types(host, "WalletRefunded") == ["WalletRefunded"]
    assert balance(host) == Money.of("100.00")


def test_recover_makes_a_move_whose_cue_was_lost() -> None:
    class LosingHost(ChoreoHost):
        """Loses the payment policy's cue: the reservation's success."""

        def subscribe(self, consumer, host_context, event_types, handler):  # type: ignore[no-untyped-def]
            def lossy(delivery: Delivery) -> None:
                if not isinstance(delivery.event, OrderStepSucceeded):
                    handler(delivery)

            wrapped = lossy if consumer == "payment.order_choreography" else handler
            super().subscribe(consumer, host_context, event_types, wrapped)

    host = open_shop(LosingHost())
    place(host)
    flow = run_flow(host)
    assert succeeded(trace(host)) == ["reserve_inventory"]
    assert flow.in_flight() == 1  # stuck: nobody heard the reservation succeed

    flow.recover()
    host.run()
    assert succeeded(trace(host)) == list(ORDER_STEPS)
    assert flow.in_flight() == 0


# -- duplicated, late and reordered deliveries ----------
def outcome_of(host: FakeHost) -> dict[str, Any]:
    """What a run of three orders leaves behind, order by order."""
    return {
        "orders": {o: order_status(host, o) for o in ("ORD-1", "ORD-2", "ORD-3")},
        "traces": {
            o: [(type(e).__name__, getattr(e, "step", "")) for e in trace(host, o)]
            for o in ("ORD-1", "ORD-2", "ORD-3")
        },
        "balance": balance(host),
        "stock": (available(host, "PROD-1"), available(host, "PROD-2")),
        "charges": log_types(host, "WalletCharged"),
    }


def three_orders(host: H) -> H:
    """One that completes, one out of stock, one too dear for the wallet."""
    open_shop(host, stock={"PROD-1": 50, "PROD-2": 0})
    place(host, "ORD-1", PROD_1=1)
    place(host, "ORD-2", PROD_2=1)
    place(host, "ORD-3", PROD_1=15)
    return host


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_duplicated_late_and_reordered_deliveries_change_nothing(seed: int) -> None:
    calm = three_orders(ChoreoHost())
    run_flow(calm)
    expected = outcome_of(calm)
    assert expected["orders"] == {
        "ORD-1": "OrderConfirmed",
        "ORD-2": "OrderCancelled",
        "ORD-3": "OrderCancelled",
    }

    noisy = three_orders(UnreliableHost(seed))
    flow = run_flow(noisy)
    noisy.replay_everything()

    assert outcome_of(noisy) == expected
    assert expected["charges"] == ["WalletCharged"]
    assert flow.in_flight() == 0


# -- the published language ----------
def meta(stream_id: str) -> EventMeta:
    return EventMeta(
        event_id=uuid.UUID(int=1),
        stream_id=stream_id,
        stream_version=3,
        position=9,
        sim_time=1.5,
    )


STORED: list[DomainEvent] = [
    StepSucceeded(process_id="ORD-1", step="charge_payment", attempts=1),
    StepFailed(
        process_id="ORD-1",
        step="create_shipment",
        attempts=3,
        reason="down",
        effect_unknown=True,
    ),
    StepCompensated(
        process_id="ORD-1",
        step="charge_payment",
        compensation="refund_payment",
        attempts=1,
    ),
]


@pytest.mark.parametrize("stored", STORED, ids=lambda e: type(e).__name__)
def test_steps_are_published_on_the_wire_for_choreographies_only(
    stored: DomainEvent,
) -> None:
    translate = choreography.TRANSLATORS[stored.event_type]
    assert translate(stored, meta("Saga-ORD-1")) is None
    assert translate(stored, meta("Fulfilment-ORD-1")) is None

    published = translate(stored, meta("Choreography-ORD-1"))
    assert published is not None
    assert type(published) in INTEGRATION_EVENTS
    assert published.source_context == "processes"
    PUBLISHED.contract_of(type(published))  # part of the published language
    wire = encode(published, event_id=uuid.UUID(int=5), sim_time=1.5)
    assert decode(wire).event == published


def test_what_each_step_event_carries() -> None:
    success, failure, undone = (
        choreography.TRANSLATORS[e.event_type](e, meta("Choreography-ORD-1"))
        for e in STORED
    )
    assert success == OrderStepSucceeded(order_id="ORD-1", step="charge_payment")
    assert failure == OrderStepFailed(
        order_id="ORD-1", step="create_shipment", reason="down", effect_unknown=True
    )
    assert undone == OrderStepCompensated(
        order_id="ORD-1",
        step="charge_payment",
        compensation="refund_payment",
        noop=False,
    )
