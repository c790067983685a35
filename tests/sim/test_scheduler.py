"""The scheduler: simulated-time order, ties by priority then counter, no going back."""

from __future__ import annotations

import math
import random
from functools import partial

import pytest

from ddd_sim.sim.scheduler import Scheduled, Scheduler


def test_actions_at_one_time_run_in_the_order_they_were_scheduled() -> None:
    scheduler = Scheduler()
    log: list[str] = []
    for name in ("a", "b", "c", "d"):
        scheduler.schedule(1.0, partial(log.append, name))

    scheduler.run_until(1.0)

    assert log == ["a", "b", "c", "d"]


def test_time_orders_before_priority_and_priority_before_counter() -> None:
    scheduler = Scheduler()
    log: list[str] = []
    scheduler.schedule(2.0, lambda: log.append("t2 p0"), priority=0)
    scheduler.schedule(1.0, lambda: log.append("t1 p2 first"), priority=2)
    scheduler.schedule(1.0, lambda: log.append("t1 p1"), priority=1)
    scheduler.schedule(1.0, lambda: log.append("t1 p2 second"), priority=2)
    scheduler.schedule(1.0, lambda: log.append("t1 p0"), priority=0)

    while scheduler.step():
        pass

    assert log == ["t1 p0", "t1 p1", "t1 p2 first", "t1 p2 second", "t2 p0"]


def test_step_moves_now_to_the_action_time_and_reports_an_empty_queue() -> None:
    scheduler = Scheduler(start=5.0)
    seen: list[float] = []
    scheduler.schedule_in(2.5, lambda: seen.append(scheduler.now))

    assert scheduler.step() is True
    assert seen == [7.5]
    assert scheduler.now == 7.5
    assert scheduler.step() is False
    assert scheduler.now == 7.5


def test_run_until_runs_what_is_scheduled_while_running_at_the_same_time() -> None:
    scheduler = Scheduler()
    log: list[str] = []

    def first() -> None:
        log.append("first")
        scheduler.schedule(scheduler.now, lambda: log.append("same time"))
        scheduler.schedule_in(0.5, lambda: log.append("later, still due"))
        scheduler.schedule_in(5.0, lambda: log.append("after until"))

    scheduler.schedule(1.0, first)
    ran = scheduler.run_until(2.0)

    assert log == ["first", "same time", "later, still due"]
    assert ran == 3
    assert scheduler.now == 2.0
    assert scheduler.pending() == 1


def test_run_until_includes_actions_due_exactly_at_until() -> None:
    scheduler = Scheduler()
    log: list[str] = []
    scheduler.schedule(3.0, lambda: log.append("at 3"))
    scheduler.schedule(3.0000001, lambda: log.append("just after"))

    scheduler.run_until(3.0)

    assert log == ["at 3"]


def test_run_until_sets_now_even_when_nothing_is_due() -> None:
    scheduler = Scheduler()

    assert scheduler.run_until(4.25) == 0
    assert scheduler.now == 4.25


@pytest.mark.parametrize("at", [-0.5, math.nan, math.inf, -math.inf])
def test_scheduling_in_the_past_or_at_no_time_is_refused(at: float) -> None:
    scheduler = Scheduler(start=1.0)

    with pytest.raises(ValueError, match="cannot schedule"):
        scheduler.schedule(at, lambda: None)
    assert scheduler.pending() == 0


def test_a_negative_or_nan_delay_is_refused() -> None:
    scheduler = Scheduler()

    with pytest.raises(ValueError, match="negative"):
        scheduler.schedule_in(-1.0, lambda: None)
    with pytest.raises(ValueError, match="nan"):
        scheduler.schedule_in(math.nan, lambda: None)


def test_run_until_refuses_going_back() -> None:
    scheduler = Scheduler()
    scheduler.run_until(10.0)

    with pytest.raises(ValueError, match="already 10"):
        scheduler.run_until(9.0)
    assert scheduler.now == 10.0


@pytest.mark.parametrize("until", [math.nan, math.inf])
def test_run_until_refuses_a_time_that_is_not_finite(until: float) -> None:
    scheduler = Scheduler()
    log: list[float] = []
    scheduler.schedule(1.0, lambda: log.append(1.0))
    scheduler.schedule(1e9, lambda: log.append(1e9))

    with pytest.raises(ValueError, match="cannot run until"):
        scheduler.run_until(until)

    assert log == []
    assert scheduler.now == 0.0
    assert scheduler.pending() == 2


def test_a_cancelled_action_never_runs_and_is_not_pending() -> None:
    scheduler = Scheduler()
    log: list[str] = []
    keep = scheduler.schedule(1.0, lambda: log.append("keep"))
    drop = scheduler.schedule(1.0, lambda: log.append("drop"))

    drop.cancel()

    assert scheduler.pending() == 1
    assert scheduler.run_until(5.0) == 1
    assert log == ["keep"]
    assert not keep.cancelled


def test_an_action_can_cancel_one_due_at_the_same_time() -> None:
    scheduler = Scheduler()
    log: list[str] = []
    second = scheduler.schedule(1.0, lambda: log.append("second"), priority=2)
    scheduler.schedule(1.0, second.cancel, priority=1)

    scheduler.run_until(1.0)

    assert log == []


def test_cancel_owner_cancels_only_that_owners_pending_actions() -> None:
    scheduler = Scheduler()
    log: list[str] = []
    scheduler.schedule(1.0, lambda: log.append("sales 1"), owner="sales")
    scheduler.schedule(2.0, lambda: log.append("payment"), owner="payment")
    scheduler.schedule(3.0, lambda: log.append("sales 2"), owner="sales")
    already = scheduler.schedule(4.0, lambda: log.append("sales 3"), owner="sales")
    already.cancel()

    assert scheduler.pending("sales") == 2
    assert scheduler.cancel_owner("sales") == 2
    assert scheduler.cancel_owner("sales") == 0
    assert scheduler.pending("sales") == 0
    assert scheduler.pending("payment") == 1
    assert scheduler.pending() == 1

    scheduler.run_until(10.0)

    assert log == ["payment"]


def test_peek_skips_cancelled_actions_and_is_infinite_when_empty() -> None:
    scheduler = Scheduler()
    assert scheduler.peek() == math.inf

    first = scheduler.schedule(1.0, lambda: None)
    scheduler.schedule(2.0, lambda: None)
    assert scheduler.peek() == 1.0

    first.cancel()
    assert scheduler.peek() == 2.0
    assert scheduler.pending() == 1


def test_step_skips_cancelled_actions() -> None:
    scheduler = Scheduler()
    log: list[str] = []
    scheduler.schedule(1.0, lambda: log.append("one")).cancel()
    scheduler.schedule(2.0, lambda: log.append("two"))

    assert scheduler.step() is True
    assert log == ["two"]
    assert scheduler.now == 2.0


def test_scheduled_items_carry_their_owner_label_and_time() -> None:
    scheduler = Scheduler()
    item = scheduler.schedule(1.5, lambda: None, owner="shipping", label="timeout")

    assert (item.at, item.owner, item.label, item.priority) == (
        1.5,
        "shipping",
        "timeout",
        1,
    )


def test_cancelling_after_running_or_twice_leaves_the_count_alone() -> None:
    scheduler = Scheduler()
    ran = scheduler.schedule(1.0, lambda: None)
    twice = scheduler.schedule(2.0, lambda: None)
    scheduler.schedule(3.0, lambda: None)
    scheduler.run_until(1.0)

    ran.cancel()
    twice.cancel()
    twice.cancel()

    assert scheduler.pending() == 1
    assert scheduler.run_until(5.0) == 1
    assert scheduler.pending() == 0


def test_an_action_that_cancels_itself_leaves_the_count_alone() -> None:
    scheduler = Scheduler()
    items: list[Scheduled] = []
    items.append(scheduler.schedule(1.0, lambda: items[0].cancel()))
    scheduler.schedule(2.0, lambda: None)

    assert scheduler.step() is True
    assert scheduler.pending() == 1


def test_the_live_count_matches_a_recount_through_a_random_workload() -> None:
    rng = random.Random(4)
    scheduler = Scheduler()
    items: list[Scheduled] = []
    ran: set[int] = set()

    def add(delay: float, owner: str) -> None:
        index = len(items)
        items.append(scheduler.schedule_in(delay, partial(spawn, index), owner=owner))

    def spawn(index: int) -> None:
        ran.add(index)
        if rng.random() < 0.6:
            add(rng.random(), rng.choice(["a", "b"]))

    for _ in range(50):
        add(rng.random() * 3, rng.choice(["", "a"]))
    steps = 0
    while scheduler.pending():
        choice = rng.random()
        if choice < 0.2:
            rng.choice(items).cancel()
        elif choice < 0.25:
            scheduler.cancel_owner(rng.choice(["a", "b"]))
        else:
            scheduler.step()
        steps += 1
        waiting = [i for n, i in enumerate(items) if n not in ran and not i.cancelled]
        assert scheduler.pending() == len(waiting)
        assert scheduler.pending("a") == sum(1 for i in waiting if i.owner == "a")

    assert steps > 50
    assert scheduler.step() is False
