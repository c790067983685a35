"""Projections from the store: lag, stalls, delays, waiting, rebuilds, rejections."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.runtime.clock import ManualClock
from ddd_sim.runtime.projections import ProjectionRunner
from ddd_sim.shared.errors import ConsistencyTimeout, ContractViolation
from ddd_sim.shared.read_models import EventMeta, Projection
from tests.runtime.fixtures import (
    Balances,
    BalancesFixed,
    Open,
    PayIn,
    TakeOut,
    make_shop,
)


def fill(shop, n: int = 4) -> None:  # type: ignore[no-untyped-def]
    shop.do(Open(account_id="ACC-1", amount="100"), at=1.0)
    for i in range(n):
        shop.do(PayIn(account_id="ACC-1", amount="10"), at=2.0 + i)


def test_a_projection_lags_until_polled_then_reads_zero() -> None:
    shop = make_shop()
    fill(shop)
    lag = shop.runner.lag("test.balances")
    assert (lag.checkpoint, lag.head, lag.events) == (0, 5, 5)
    assert lag.sim_ms == 4000.0  # first pending event at t=1, head at t=5
    shop.runner.poll("test.balances", max_events=2)
    lag = shop.runner.lag("test.balances")
    assert (lag.events, lag.sim_ms) == (3, 3000.0)
    shop.runner.poll("test.balances")
    assert shop.runner.lag("test.balances").events == 0
    assert shop.runner.reader("test.balances").get("Account-ACC-1") == {
        "balance": "140.00",
        "events": 5,
        "last_time": 5.0,
    }


def test_a_projection_that_reads_few_types_still_catches_up_to_the_head() -> None:
    shop = make_shop()
    fill(shop, n=1)  # the deposit of 10 is not a "big move"
    shop.runner.poll("test.big_moves")
    assert shop.runner.lag("test.big_moves").events == 0
    assert shop.runner.reader("test.big_moves").all() == {}


def test_a_stalled_projection_does_not_move_and_waiting_on_it_times_out() -> None:
    shop = make_shop()
    fill(shop)
    shop.runner.stall("test.balances")
    clock = ManualClock(10.0)
    with pytest.raises(
        ConsistencyTimeout,
        match=r"test.balances \(stalled\) reached position 0, not Account-ACC-1 v3",
    ):
        shop.runner.wait_for(
            "test.balances",
            clock=clock,
            timeout=2.0,
            stream_id="Account-ACC-1",
            version=3,
        )
    assert clock.now() == pytest.approx(12.0)
    assert shop.runner.lag("test.balances").stalled
    shop.runner.resume("test.balances")
    lag = shop.runner.wait_for(
        "test.balances", clock=clock, timeout=2.0, stream_id="Account-ACC-1", version=3
    )
    assert lag.checkpoint >= 3


def test_a_delayed_projection_stays_behind_in_simulated_time() -> None:
    shop = make_shop()
    fill(shop)  # events at t = 1, 2, 3, 4, 5
    shop.runner.set_delay("test.balances", 2.5)
    shop.runner.poll("test.balances", now=5.0)  # sees events up to t = 2.5
    assert shop.runner.lag("test.balances").checkpoint == 2
    clock = ManualClock(5.0)
    result = shop.runner.wait_for("test.balances", clock=clock, timeout=5.0, position=5)
    assert result.checkpoint == 5
    assert clock.now() == pytest.approx(7.5, abs=0.06)  # waited for the delay


def test_rebuilding_the_same_version_changes_nothing() -> None:
    shop = make_shop()
    fill(shop)
    shop.runner.poll_all()
    report = shop.runner.rebuild("test.balances")
    assert report.completed
    assert report.diff.is_empty
    assert report.events == 5


def test_a_new_handler_version_fixes_the_read_model_and_shows_the_diff() -> None:
    shop = make_shop()
    fill(shop, n=1)
    shop.do(TakeOut(account_id="ACC-1", amount="30"), at=9.0)
    shop.runner.poll_all()
    assert (
        shop.runner.reader("test.balances").get("Account-ACC-1")["balance"] == "140.00"
    )  # type: ignore[index]
    report = shop.runner.rebuild("test.balances", projection=BalancesFixed())
    assert (report.old_version, report.new_version, report.completed) == (1, 2, True)
    [change] = report.diff.changed
    assert (change.key, change.path, change.old, change.new) == (
        "Account-ACC-1",
        "balance",
        "140.00",
        "80.00",
    )
    assert shop.runner.projection("test.balances").version == 2
    assert (
        shop.runner.reader("test.balances").get("Account-ACC-1")["balance"] == "80.00"
    )  # type: ignore[index]
    assert shop.runner.diff_versions("test.balances", 1).summary() == (
        "0 added, 0 removed, 1 changed (1 values)"
    )
    shop.do(PayIn(account_id="ACC-1", amount="1"), at=10.0)  # the new version goes on
    shop.runner.poll_all()
    assert (
        shop.runner.reader("test.balances").get("Account-ACC-1")["balance"] == "81.00"
    )  # type: ignore[index]


def test_a_cancelled_rebuild_leaves_the_running_model_untouched() -> None:
    shop = make_shop()
    fill(shop)
    shop.runner.poll_all()
    before = shop.runner.reader("test.balances").all()
    report = shop.runner.rebuild(
        "test.balances",
        projection=BalancesFixed(),
        progress=lambda done, total: done < 3,
    )
    assert not report.completed
    assert shop.runner.projection("test.balances").version == 1
    assert shop.runner.reader("test.balances").all() == before


def test_a_rebuild_survives_a_store_reopen(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = str(tmp_path / "s.db")
    shop = make_shop(path)
    fill(shop)
    shop.runner.poll_all()
    shop.runner.rebuild("test.balances", projection=BalancesFixed())
    shop.store.close()
    again = make_shop(path)
    again.runner.add(BalancesFixed(), replace=True)
    assert again.runner.lag("test.balances").events == 0  # the v2 checkpoint was kept
    assert (
        again.runner.reader("test.balances").get("Account-ACC-1")["balance"] == "140.00"
    )  # type: ignore[index]


def test_a_consumer_rejects_what_breaks_the_contract_and_goes_on() -> None:
    def strict_wire(
        event: IntegrationEvent, meta: EventMeta, projection: Projection
    ) -> IntegrationEvent:
        if getattr(event, "amount", "") == "500.00":
            raise ContractViolation("data.amount: 500.00 is over the published limit")
        return event

    shop = make_shop(wire=strict_wire)
    shop.do(Open(account_id="ACC-1", amount="1"), at=1.0)
    shop.do(PayIn(account_id="ACC-1", amount="500"), at=2.0)
    shop.do(PayIn(account_id="ACC-1", amount="200"), at=3.0)
    shop.runner.poll("test.big_moves")
    assert [
        d["amount"] for d in shop.runner.reader("test.big_moves").all().values()
    ] == ["200.00"]
    [rejection] = shop.runner.rejections("test.big_moves")
    assert (rejection.position, rejection.event_type) == (2, "MoneyDeposited")
    assert "over the published limit" in rejection.reason


def test_unknown_projection_names_are_refused_with_the_known_ones() -> None:
    shop = make_shop()
    with pytest.raises(
        Exception,
        match=r"unknown projection 'nope' \(known: test.balances, test.big_moves\)",
    ):
        shop.runner.lag("nope")
    with pytest.raises(ValueError, match="already registered"):
        shop.runner.add(Balances())


class _FailingCheckpoint:
    """A store whose next checkpoint save fails, after the batch's effects."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self.armed = True

    def transaction(self) -> Any:
        outer = self

        class _Tx:
            def __init__(self, inner: Any) -> None:
                self._inner = inner

            def save_checkpoint(self, consumer: str, position: int) -> None:
                if outer.armed:
                    outer.armed = False
                    raise OSError("disk full while saving the checkpoint")
                self._inner.save_checkpoint(consumer, position)

            def __getattr__(self, name: str) -> Any:
                return getattr(self._inner, name)

        @contextlib.contextmanager
        def wrapped() -> Iterator[Any]:
            with self._store.transaction() as tx:
                yield _Tx(tx)

        return wrapped()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def test_a_failed_checkpoint_save_takes_the_batch_effects_with_it() -> None:
    shop = make_shop()
    fill(shop)
    flaky = _FailingCheckpoint(shop.store)
    runner = ProjectionRunner(flaky, shop.runner._registry, batch_size=10)  # type: ignore[arg-type]
    runner.add(Balances())
    with pytest.raises(OSError, match="disk full"):
        runner.poll("test.balances")
    assert runner.reader("test.balances").all() == {}  # effects rolled back too
    assert runner.lag("test.balances").checkpoint == 0
    runner.poll("test.balances")
    doc = runner.reader("test.balances").get("Account-ACC-1")
    assert doc is not None
    assert (doc["balance"], doc["events"]) == ("140.00", 5)  # each event once
