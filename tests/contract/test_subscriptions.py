"""Contract: catch-up subscriptions handle each event once, with their checkpoint."""

from __future__ import annotations

import threading

import pytest

from ddd_sim.runtime.subscriptions import CatchUpSubscription
from ddd_sim.shared.events import RecordedEvent
from ddd_sim.shared.ports import EventStore, WriteTransaction
from tests.contract.support import batch


class Boom(Exception):
    """The consumer's simulated crash."""


class Tally:
    """Records, per stream, which positions it applied; fails once at ``fail_at``."""

    def __init__(self, name: str = "tally", fail_at: int | None = None) -> None:
        self.name = name
        self.fail_at = fail_at
        self.calls: list[int] = []

    def handle(self, event: RecordedEvent, tx: WriteTransaction) -> None:
        self.calls.append(event.global_position)
        if event.global_position == self.fail_at:
            self.fail_at = None
            raise Boom(f"failing at {event.global_position}")
        doc = tx.get_document(self.name, event.stream_id) or {"positions": []}
        positions = [*doc["positions"], event.global_position]
        tx.put_document(self.name, event.stream_id, {"positions": positions})


def applied(store: EventStore, name: str = "tally") -> list[int]:
    """Every position the consumer's committed effects mention, sorted."""
    docs = store.documents(name)
    return sorted(p for doc in docs.values() for p in doc["positions"])


def fill(store: EventStore, streams: int = 3, per_stream: int = 5) -> int:
    for round_ in range(per_stream):
        for s in range(streams):
            store.append(f"s-{s}", batch(1, start=round_))
    return streams * per_stream


def test_every_event_is_handled_once_in_order(store: EventStore) -> None:
    total = fill(store, streams=5, per_stream=5)
    tally = Tally()
    subscription = CatchUpSubscription(store, tally, batch_size=10)
    result = subscription.poll()
    assert (result.handled, result.checkpoint, result.head, result.lag) == (
        25,
        25,
        25,
        0,
    )
    assert tally.calls == list(range(1, total + 1))
    assert applied(store) == list(range(1, total + 1))
    assert store.documents("tally")["s-0"] == {"positions": [1, 6, 11, 16, 21]}

    store.append("s-9", batch(3))
    assert subscription.poll().handled == 3
    assert subscription.poll().handled == 0
    assert tally.calls == list(range(1, 29))
    assert applied(store) == list(range(1, 29))
    assert subscription.checkpoint == 28


def test_the_checkpoint_commits_with_the_effects(store: EventStore) -> None:
    fill(store)
    tally = Tally()
    subscription = CatchUpSubscription(store, tally, batch_size=4)
    result = subscription.poll(max_batches=2)
    assert (result.handled, result.checkpoint, result.lag) == (8, 8, 7)
    assert store.checkpoint("tally") == 8
    assert applied(store) == list(range(1, 9))


def test_a_failing_batch_leaves_nothing_and_is_redone_once(store: EventStore) -> None:
    total = fill(store, streams=5, per_stream=5)
    tally = Tally(fail_at=15)
    subscription = CatchUpSubscription(store, tally, batch_size=10)
    with pytest.raises(Boom):
        subscription.poll()
    assert store.checkpoint("tally") == 10
    assert applied(store) == list(range(1, 11))  # none of the failed batch's effects

    tally.calls.clear()
    result = subscription.poll()
    assert result.handled == total - 10
    assert tally.calls == list(range(11, total + 1))  # the batch again, exactly once
    assert applied(store) == list(range(1, total + 1))
    assert store.checkpoint("tally") == total


def test_a_subscription_can_follow_part_of_the_log(store: EventStore) -> None:
    store.append("order-1", batch(2, "Placed"))
    store.append("customer-1", batch(1, "Registered"))
    store.append("order-2", batch(1, "Placed"))
    store.append("order-1", batch(1, "Shipped"))
    tally = Tally()
    subscription = CatchUpSubscription(
        store, tally, stream_prefix="order-", types=["Placed"], batch_size=2
    )
    assert subscription.poll().handled == 3
    assert tally.calls == [1, 2, 4]
    # the last event (5) is not followed, but it has been read past: caught up
    assert store.checkpoint("tally") == 5
    assert subscription.poll().lag == 0


def test_a_subscription_stops_at_its_bound_and_resumes_from_there(
    store: EventStore,
) -> None:
    store.append("order-1", batch(5, "Placed"))
    tally = Tally()
    subscription = CatchUpSubscription(store, tally, batch_size=2)
    held = subscription.poll(until_position=3)
    assert (held.handled, held.checkpoint, held.lag) == (3, 3, 2)
    assert subscription.poll(max_events=1).checkpoint == 4
    assert subscription.poll().handled == 1
    assert tally.calls == [1, 2, 3, 4, 5]


def test_two_runners_of_one_consumer_never_apply_an_event_twice(
    store: EventStore,
) -> None:
    total = fill(store, streams=4, per_stream=50)
    runners = [Tally(), Tally()]
    start = threading.Barrier(len(runners))
    errors: list[BaseException] = []

    def run(tally: Tally) -> None:
        try:
            start.wait()
            subscription = CatchUpSubscription(store, tally, batch_size=5)
            while subscription.poll(max_batches=1).lag:
                pass
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(r,)) for r in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert applied(store) == list(range(1, total + 1))
    assert store.checkpoint("tally") == total
