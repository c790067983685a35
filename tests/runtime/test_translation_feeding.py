"""Translators say what they publish; consumers are fed only what they read."""

from __future__ import annotations

from typing import Any

from ddd_sim.integration import events as published
from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.integration.translation import published_types
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import EventMeta
from tests.runtime.fixtures import BigMove, Open, PayIn, TakeOut, make_shop, publish


def exact(event: DomainEvent, meta: EventMeta) -> published.OrderPlaced:
    raise NotImplementedError


def either(
    event: DomainEvent, meta: EventMeta
) -> published.OrderPlaced | published.OrderCancelled | None:
    raise NotImplementedError


def vague(event: DomainEvent, meta: EventMeta) -> IntegrationEvent | None:
    raise NotImplementedError


def unannotated(event, meta):  # type: ignore[no-untyped-def]
    raise NotImplementedError


def test_published_types_come_from_the_return_annotation() -> None:
    assert published_types(exact) == {"shop.sales.order.placed"}
    assert published_types(either) == {
        "shop.sales.order.placed",
        "shop.sales.order.cancelled",
    }
    assert published_types(vague) is None
    assert published_types(unannotated) is None


def withdrawals_as_something_else(event: Any, meta: EventMeta) -> published.OrderPlaced:
    raise AssertionError("a consumer of big moves must never be fed withdrawals")


def big_moves_only(event: Any, meta: EventMeta) -> BigMove | None:
    return publish(event, meta)  # type: ignore[return-value]


def test_a_consumer_is_fed_only_stored_types_that_can_become_what_it_reads() -> None:
    shop = make_shop(
        translators={
            "MoneyDeposited": big_moves_only,
            "MoneyWithdrawn": withdrawals_as_something_else,
        }
    )
    shop.do(Open(account_id="ACC-1", amount="1"), at=1.0)
    shop.do(PayIn(account_id="ACC-1", amount="300"), at=2.0)
    shop.do(TakeOut(account_id="ACC-1", amount="5"), at=3.0)
    result = shop.runner.poll("test.big_moves")
    assert result.handled == 1  # the deposit only: withdrawals were never read
    assert result.lag == 0
    assert len(shop.runner.reader("test.big_moves").all()) == 1


def test_a_translator_that_does_not_say_feeds_every_consumer() -> None:
    shop = make_shop()  # the fixture's translator is annotated IntegrationEvent | None
    shop.do(Open(account_id="ACC-1", amount="1"), at=1.0)
    shop.do(PayIn(account_id="ACC-1", amount="300"), at=2.0)
    assert shop.runner.poll("test.big_moves").handled == 1
