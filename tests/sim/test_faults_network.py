"""The fault board and the simulated network, on the real scheduler and streams."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import pytest

from ddd_sim.shared.messages import DomainEvent
from ddd_sim.sim.faults import FAULT_KINDS, ActiveFault, FaultBoard
from ddd_sim.sim.network import REORDER_FACTOR, Network, Reply
from ddd_sim.sim.records import MessageDropped, MessageDuplicated
from ddd_sim.sim.rng import RandomStreams
from ddd_sim.sim.scheduler import Scheduler

BASE_MS, JITTER_MS = 10.0, 2.0


def fault(kind: str, target: str = "payment", **params: Any) -> ActiveFault:
    return ActiveFault(
        fault_id=f"{kind}:{target}@0", target=target, kind=kind, **params
    )


# -- the board ----------------------------------------------------------------------


def test_the_fault_kinds_are_the_issues_eleven() -> None:
    assert set(FAULT_KINDS) == {
        "down",
        "latency",
        "error_rate",
        "drop",
        "duplicate",
        "reorder",
        "decline",
        "no_reply",
        "crash",
        "stall_projection",
        "partition",
    }


def test_the_board_lists_open_faults_oldest_first_and_clears_by_id() -> None:
    board = FaultBoard()
    down = fault("down")
    slow = fault("latency", "inventory", mean_ms=50.0)
    board.activate(down)
    board.activate(slow)

    assert board.active() == (down, slow)
    assert board.clear(down.fault_id) == down
    assert board.clear(down.fault_id) is None
    assert board.active() == (slow,)


def test_activating_the_same_id_replaces_the_fault() -> None:
    board = FaultBoard()
    board.activate(fault("drop", probability=0.1))
    board.activate(fault("drop", probability=0.9))

    assert len(board.active()) == 1
    assert board.active()[0].probability == 0.9


def test_down_and_decline_apply_only_to_their_target() -> None:
    board = FaultBoard()
    board.activate(fault("down", "shipping"))
    board.activate(fault("decline", "payment"))

    assert board.is_down("shipping")
    assert not board.is_down("payment")
    assert board.declines("payment")
    assert not board.declines("shipping")


def test_a_partition_cuts_one_pair_in_both_directions() -> None:
    board = FaultBoard()
    board.activate(fault("partition", "sales", with_context="payment"))

    assert board.partitioned("sales", "payment")
    assert board.partitioned("payment", "sales")
    assert not board.partitioned("sales", "inventory")
    assert not board.partitioned("inventory", "payment")


def test_stalled_projections_are_named_by_stall_faults_only() -> None:
    board = FaultBoard()
    board.activate(fault("stall_projection", "sales", projection="sales.order_list"))
    board.activate(fault("down", "sales"))

    assert board.stalled_projections() == frozenset({"sales.order_list"})


def test_chance_is_certain_at_one_never_at_zero_and_draws_only_when_active() -> None:
    board = FaultBoard()
    rng = random.Random(1)
    untouched = random.Random(1)

    assert not board.chance("payment", "drop", rng)
    assert rng.random() == untouched.random()  # no fault: no draw

    board.activate(fault("drop", probability=1.0))
    board.activate(fault("error_rate", probability=0.0))
    assert all(board.chance("payment", "drop", rng) for _ in range(200))
    assert not any(board.chance("payment", "error_rate", rng) for _ in range(200))
    assert not board.chance("inventory", "drop", rng)


def test_chance_hits_about_as_often_as_its_probability() -> None:
    board = FaultBoard()
    board.activate(fault("duplicate", probability=0.3))
    rng = random.Random(4)

    hits = sum(board.chance("payment", "duplicate", rng) for _ in range(4000))

    assert 0.27 < hits / 4000 < 0.33


def test_extra_latency_stays_within_mean_plus_or_minus_jitter() -> None:
    board = FaultBoard()
    board.activate(fault("latency", mean_ms=200.0, jitter_ms=50.0))
    rng = random.Random(2)

    extras = [board.extra_latency("payment", rng) for _ in range(500)]

    assert all(0.15 <= extra <= 0.25 for extra in extras)
    assert max(extras) - min(extras) > 0.08  # the jitter is really applied
    assert board.extra_latency("inventory", rng) == 0.0


# -- the network --------------------------------------------------------------------


@dataclass
class Wire:
    """A network on a real scheduler, with what happened written down."""

    faults: FaultBoard = field(default_factory=FaultBoard)
    seed: int = 1
    down: set[str] = field(default_factory=set)
    scheduler: Scheduler = field(default_factory=Scheduler)
    record: list[DomainEvent] = field(default_factory=list)
    served: list[tuple[str, float]] = field(default_factory=list)
    replies: list[tuple[str, float, Reply]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.network = Network(
            self.scheduler,
            RandomStreams(self.seed),
            self.faults,
            latency_ms=BASE_MS,
            jitter_ms=JITTER_MS,
            is_up=lambda context: context not in self.down,
            record=self.record.append,
        )

    def send(self, target: str, key: str, source: str = "sales") -> None:
        def handler() -> Reply:
            self.served.append((key, self.scheduler.now))
            return Reply(kind="ok", detail=key)

        def on_reply(reply: Reply) -> None:
            self.replies.append((key, self.scheduler.now, reply))

        self.network.exchange(source, target, "op", key, handler, on_reply)

    def run(self, until: float = 100.0) -> None:
        self.scheduler.run_until(until)

    def served_at(self, key: str) -> list[float]:
        return [at for k, at in self.served if k == key]


def _one_way(wire: Wire, keys: list[str], sent_at: float = 0.0) -> list[float]:
    return [wire.served_at(key)[0] - sent_at for key in keys]


def test_latency_lies_within_base_plus_or_minus_jitter() -> None:
    wire = Wire()
    keys = [f"k{i}" for i in range(300)]
    for key in keys:
        wire.send("payment", key)
    wire.run()

    delays = _one_way(wire, keys)

    low, high = (BASE_MS - JITTER_MS) / 1000, (BASE_MS + JITTER_MS) / 1000
    assert all(low <= d <= high for d in delays)
    assert max(delays) - min(delays) > 0.003
    assert len(wire.replies) == 300
    assert all(reply.kind == "ok" for _, _, reply in wire.replies)
    round_trips = [at for _, at, _ in wire.replies]
    assert all(2 * low <= at <= 2 * high for at in round_trips)


def test_a_latency_fault_adds_its_mean_plus_or_minus_jitter() -> None:
    board = FaultBoard()
    board.activate(fault("latency", mean_ms=300.0, jitter_ms=100.0))
    wire = Wire(faults=board)
    keys = [f"k{i}" for i in range(300)]
    for key in keys:
        wire.send("payment", key)
        wire.send("inventory", f"inv-{key}")
    wire.run()

    slow = _one_way(wire, keys)
    fast = _one_way(wire, [f"inv-{key}" for key in keys])

    assert all(0.008 + 0.2 <= d <= 0.012 + 0.4 for d in slow)
    assert max(slow) - min(slow) > 0.1
    assert all(0.008 <= d <= 0.012 for d in fast)


@pytest.mark.parametrize("how", ["fault", "crashed"])
def test_a_down_target_answers_a_failure_without_running_the_handler(how: str) -> None:
    board = FaultBoard()
    wire = Wire(faults=board)
    if how == "fault":
        board.activate(fault("down"))
    else:
        wire.down.add("payment")

    wire.send("payment", "charge")
    wire.run()

    assert wire.served == []
    assert [(key, reply.kind) for key, _, reply in wire.replies] == [
        ("charge", "failed")
    ]
    assert "payment is down" in wire.replies[0][2].detail
    assert wire.record == []


def test_error_rate_one_always_fails_and_zero_never_does() -> None:
    board = FaultBoard()
    board.activate(fault("error_rate", "payment", probability=1.0))
    board.activate(fault("error_rate", "inventory", probability=0.0))
    wire = Wire(faults=board)
    for i in range(50):
        wire.send("payment", f"pay-{i}")
        wire.send("inventory", f"inv-{i}")
    wire.run()

    kinds = {key: reply.kind for key, _, reply in wire.replies}
    assert all(kinds[f"pay-{i}"] == "failed" for i in range(50))
    assert all(kinds[f"inv-{i}"] == "ok" for i in range(50))
    assert {key for key, _ in wire.served} == {f"inv-{i}" for i in range(50)}


def test_a_dropped_request_never_runs_never_answers_and_is_recorded() -> None:
    board = FaultBoard()
    board.activate(fault("drop", probability=1.0))
    wire = Wire(faults=board)

    wire.send("payment", "charge-1")
    wire.run()

    assert wire.served == []
    assert wire.replies == []
    assert wire.record == [
        MessageDropped(
            source="sales",
            target="payment",
            operation="op",
            reason="drop",
            key="charge-1",
        )
    ]
    assert (wire.network.sent, wire.network.lost) == (1, 1)


def test_no_reply_lets_the_request_take_effect_but_loses_the_answer() -> None:
    board = FaultBoard()
    board.activate(fault("no_reply", probability=1.0))
    wire = Wire(faults=board)

    wire.send("payment", "charge-1")
    wire.run()

    assert [key for key, _ in wire.served] == ["charge-1"]
    assert wire.replies == []
    assert len(wire.record) == 1
    dropped = wire.record[0]
    assert isinstance(dropped, MessageDropped)
    assert (dropped.reason, dropped.key) == ("no_reply", "charge-1")


def test_a_duplicated_request_runs_twice_answers_once_and_is_recorded() -> None:
    board = FaultBoard()
    board.activate(fault("duplicate", probability=1.0))
    wire = Wire(faults=board)

    wire.send("payment", "charge-1")
    wire.run()

    assert [key for key, _ in wire.served] == ["charge-1", "charge-1"]
    first, second = wire.served_at("charge-1")
    assert 0 < second - first < 0.01
    assert len(wire.replies) == 1
    assert wire.record == [
        MessageDuplicated(
            source="sales", target="payment", operation="op", key="charge-1"
        )
    ]


def test_a_duplicate_arriving_while_the_target_is_down_does_not_run() -> None:
    board = FaultBoard()
    board.activate(fault("duplicate", probability=1.0))
    wire = Wire(faults=board)
    wire.send("payment", "charge-1")
    # go down right after the first arrival, before the duplicate lands
    first_arrival = wire.scheduler.peek()
    wire.scheduler.run_until(first_arrival)
    wire.down.add("payment")
    wire.run()

    assert [key for key, _ in wire.served] == ["charge-1"]


def test_reorder_holds_requests_back_so_they_overtake_each_other() -> None:
    board = FaultBoard()
    board.activate(fault("reorder", probability=1.0))
    wire = Wire(faults=board)
    keys = [f"k{i:03d}" for i in range(200)]
    for key in keys:
        wire.send("payment", key)
    wire.run()

    delays = _one_way(wire, keys)

    ceiling = (BASE_MS + JITTER_MS) / 1000 + REORDER_FACTOR * BASE_MS / 1000
    assert all(0.008 <= d <= ceiling for d in delays)
    assert sum(d > 0.012 for d in delays) > 150  # held back beyond any jitter
    arrival_order = [key for key, _ in wire.served]
    assert arrival_order != keys


def test_a_partition_loses_messages_both_ways_only_between_the_pair() -> None:
    board = FaultBoard()
    board.activate(fault("partition", "sales", with_context="payment"))
    wire = Wire(faults=board)

    wire.send("payment", "sales-to-payment", source="sales")
    wire.send("sales", "payment-to-sales", source="payment")
    wire.send("inventory", "sales-to-inventory", source="sales")
    wire.send("payment", "shipping-to-payment", source="shipping")
    wire.run()

    assert sorted(key for key, _ in wire.served) == [
        "sales-to-inventory",
        "shipping-to-payment",
    ]
    lost = [e for e in wire.record if isinstance(e, MessageDropped)]
    assert [(e.key, e.reason) for e in lost] == [
        ("sales-to-payment", "partition"),
        ("payment-to-sales", "partition"),
    ]


def test_a_call_to_ones_own_context_is_no_network_trip() -> None:
    board = FaultBoard()
    board.activate(fault("drop", "sales", probability=1.0))
    board.activate(fault("latency", "sales", mean_ms=500.0))
    wire = Wire(faults=board)
    wire.scheduler.run_until(1.0)

    wire.send("sales", "local", source="sales")
    wire.run()

    assert wire.served == [("local", 1.0)]
    assert [(k, at) for k, at, _ in wire.replies] == [("local", 1.0)]
    assert wire.record == []


def _inventory_timeline(faults: list[ActiveFault]) -> list[tuple[str, float]]:
    board = FaultBoard()
    for f in faults:
        board.activate(f)
    wire = Wire(faults=board, seed=21)
    for i in range(60):
        wire.scheduler.schedule(i * 0.1, partial(wire.send, "payment", f"pay-{i}"))
        wire.scheduler.schedule(i * 0.1, partial(wire.send, "inventory", f"inv-{i}"))
    wire.run()
    inventory = [(k, at) for k, at in wire.served if k.startswith("inv-")]
    replies = [(k, at) for k, at, _ in wire.replies if k.startswith("inv-")]
    return inventory + replies


NOISY_PAYMENT: list[Callable[[], ActiveFault]] = [
    lambda: fault("latency", mean_ms=80.0, jitter_ms=40.0),
    lambda: fault("error_rate", probability=0.5),
    lambda: fault("drop", probability=0.3),
    lambda: fault("duplicate", probability=0.5),
    lambda: fault("reorder", probability=0.5),
    lambda: fault("no_reply", probability=0.5),
]


def test_faults_on_payment_never_change_the_draws_for_inventory() -> None:
    quiet = _inventory_timeline([])
    noisy = _inventory_timeline([make() for make in NOISY_PAYMENT])

    assert len(quiet) == 120
    assert noisy == quiet


def test_the_same_seed_gives_the_same_timeline_and_another_seed_differs() -> None:
    def timeline(seed: int) -> list[tuple[str, float]]:
        wire = Wire(seed=seed)
        for i in range(20):
            wire.send("payment", f"k{i}")
        wire.run()
        return wire.served

    assert timeline(3) == timeline(3)
    assert timeline(3) != timeline(4)


def test_a_context_that_is_down_sends_nothing_not_even_to_itself() -> None:
    wire = Wire()
    wire.down.add("sales")

    wire.send("payment", "from-a-crashed-caller", source="sales")
    wire.send("sales", "to-itself", source="sales")
    wire.send("sales", "to-the-crashed", source="payment")
    wire.run()

    assert wire.served == []
    assert [(key, reply.kind) for key, _, reply in wire.replies] == [
        ("to-the-crashed", "failed")
    ]
    assert wire.network.sent == 1


def test_a_reply_reaching_a_caller_that_crashed_meanwhile_is_not_delivered() -> None:
    wire = Wire()
    wire.send("payment", "charge-1", source="sales")
    wire.scheduler.run_until(wire.scheduler.peek())  # the request has arrived
    assert [key for key, _ in wire.served] == ["charge-1"]

    wire.down.add("sales")
    wire.run()

    assert wire.replies == []
