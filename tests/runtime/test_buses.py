"""The command and query buses: tables, clear errors, new stream versions."""

from __future__ import annotations

import pytest

from ddd_sim.runtime.buses import CommandBus
from ddd_sim.shared.cqrs import CommandResult
from ddd_sim.shared.errors import UnknownMessage
from ddd_sim.shared.messages import Command, message
from tests.runtime.fixtures import GetBalance, Open, PayIn, TakeOut, make_shop


@message
class Unhandled(Command):
    pass


def test_a_command_returns_the_new_stream_version_and_position() -> None:
    shop = make_shop()
    first = shop.do(Open(account_id="ACC-1", amount="10"))
    second = shop.do(PayIn(account_id="ACC-1", amount="5"))
    assert (first.stream_id, first.version, first.position) == ("Account-ACC-1", 1, 1)
    assert (second.version, second.position, second.written) == (2, 2, True)


def test_an_unknown_command_or_query_names_itself_and_the_known_ones() -> None:
    shop = make_shop()
    with pytest.raises(
        UnknownMessage, match=r"command Unhandled \(known commands: Open"
    ):
        shop.commands.dispatch(Unhandled())
    with pytest.raises(UnknownMessage, match="query Open"):
        shop.queries.ask(Open(account_id="x", amount="1"))  # type: ignore[arg-type]
    with pytest.raises(UnknownMessage, match="unknown command 'Nope'"):
        shop.commands.by_name("Nope")


def test_two_contexts_cannot_claim_one_command() -> None:
    bus = CommandBus()
    bus.register(
        {Open: lambda c, x: CommandResult(stream_id="s", version=1, position=1)},
        context="a",
    )
    with pytest.raises(ValueError, match="Open is handled by both a and b"):
        bus.register(
            {Open: lambda c, x: CommandResult(stream_id="s", version=1, position=1)},
            context="b",
        )
    assert bus.owner(Open) == "a"


def test_listeners_hear_every_successful_command_and_no_failed_one() -> None:
    shop = make_shop()
    heard: list[tuple[str, int]] = []
    shop.commands.subscribe(
        lambda cmd, result: heard.append((type(cmd).__name__, result.version))
    )
    shop.do(Open(account_id="ACC-1", amount="10"))
    with pytest.raises(Exception, match="cannot withdraw"):
        shop.do(TakeOut(account_id="ACC-1", amount="50"))
    assert heard == [("Open", 1)]


def test_queries_read_the_read_model_not_the_write_model() -> None:
    shop = make_shop()
    shop.do(Open(account_id="ACC-1", amount="10"))
    assert shop.queries.ask(GetBalance(account_id="ACC-1")) is None  # not projected yet
    shop.runner.poll_all()
    assert shop.queries.ask(GetBalance(account_id="ACC-1")) == "10.00"
