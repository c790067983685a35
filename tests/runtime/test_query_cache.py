"""The cached query layer: example 70's miss, hit, invalidation, miss; TTL."""

from __future__ import annotations

import pytest

from ddd_sim.runtime.clock import ManualClock
from ddd_sim.runtime.query_cache import CachedQueries, CacheRule
from tests.runtime.fixtures import GetBalance, Open, PayIn, make_shop


def cached_shop(ttl: float = 60.0):  # type: ignore[no-untyped-def]
    shop = make_shop()
    clock = ManualClock()
    cache = CachedQueries(
        shop.queries,
        clock,
        ttl=ttl,
        rules={
            GetBalance: CacheRule(
                "test.balances", key=lambda q: f"Account-{q.account_id}"
            )
        },
    )
    shop.runner.subscribe(cache.invalidate)
    return shop, cache, clock


def test_example_70_miss_hit_invalidation_miss_hit() -> None:
    shop, cache, _ = cached_shop()
    shop.do(Open(account_id="ACC-001", amount="1000"))
    shop.runner.poll_all()
    ask = GetBalance(account_id="ACC-001")
    assert cache.ask(ask) == "1000.00"  # miss
    assert cache.ask(ask) == "1000.00"  # hit
    shop.do(PayIn(account_id="ACC-001", amount="500"))
    assert cache.ask(ask) == "1000.00"  # the projection has not moved: still a hit
    shop.runner.poll_all()  # the projection commits: the entry is dropped
    assert cache.ask(ask) == "1500.00"  # miss
    assert cache.ask(ask) == "1500.00"  # hit
    stats = cache.stats
    assert (stats.hits, stats.misses, stats.invalidations) == (3, 2, 1)
    assert [line.split()[0] for line in stats.log] == [
        "MISS",
        "HIT",
        "HIT",
        "INVALIDATED",
        "MISS",
        "HIT",
    ]


def test_a_change_to_another_document_keeps_the_entry() -> None:
    shop, cache, _ = cached_shop()
    shop.do(Open(account_id="ACC-001", amount="1"))
    shop.do(Open(account_id="ACC-002", amount="2"))
    shop.runner.poll_all()
    cache.ask(GetBalance(account_id="ACC-001"))
    shop.do(PayIn(account_id="ACC-002", amount="5"))
    shop.runner.poll_all()
    cache.ask(GetBalance(account_id="ACC-001"))
    assert (cache.stats.hits, cache.stats.invalidations) == (1, 0)


def test_entries_expire_after_their_time_to_live() -> None:
    shop, cache, clock = cached_shop(ttl=30.0)
    shop.do(Open(account_id="ACC-001", amount="1"))
    shop.runner.poll_all()
    ask = GetBalance(account_id="ACC-001")
    cache.ask(ask)
    clock.sleep(29.9)
    cache.ask(ask)
    clock.sleep(0.1)
    cache.ask(ask)
    assert (cache.stats.misses, cache.stats.hits, cache.stats.expirations) == (2, 1, 1)
    assert cache.stats.hit_ratio == pytest.approx(1 / 3)


def test_queries_without_a_rule_always_go_to_the_bus() -> None:
    shop, cache, _ = cached_shop()
    cache.clear()
    other = CachedQueries(shop.queries, ManualClock())
    shop.do(Open(account_id="ACC-001", amount="1"))
    shop.runner.poll_all()
    assert other.ask(GetBalance(account_id="ACC-001")) == "1.00"
    assert (other.stats.hits, other.stats.misses, len(other)) == (0, 0, 0)
    with pytest.raises(ValueError, match="time-to-live must be positive"):
        CachedQueries(shop.queries, ManualClock(), ttl=0)
