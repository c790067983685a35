"""The simulation gives way to the window's pieces of work, bounded."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator

import pytest

from ddd_sim.gui import turns
from ddd_sim.shared import courtesy


@pytest.fixture
def shared() -> Iterator[None]:
    turns.share_with_simulation()
    try:
        yield
    finally:
        turns.unshare()


def _simulation_step() -> tuple[threading.Thread, threading.Event]:
    """A thread that reaches a give-way point, then says it got past it."""
    passed = threading.Event()

    def step() -> None:
        courtesy.give_way()
        passed.set()

    thread = threading.Thread(target=step)
    thread.start()
    return thread, passed


def test_the_simulation_waits_while_a_piece_runs_and_goes_on_after(
    shared: None,
) -> None:
    with turns.piece():
        thread, passed = _simulation_step()
        time.sleep(0.03)
        assert not passed.is_set()
    thread.join(1.0)
    assert passed.is_set()
    # with no piece under way it goes straight on
    thread, passed = _simulation_step()
    thread.join(0.05)
    assert passed.is_set()


def test_a_long_piece_holds_the_simulation_once_and_at_most_give_way_s(
    shared: None,
) -> None:
    with turns.piece():
        began = time.perf_counter()
        thread, passed = _simulation_step()
        thread.join(1.0)
        waited = time.perf_counter() - began
        assert passed.is_set()
        assert turns.GIVE_WAY_S * 0.9 <= waited < turns.GIVE_WAY_S + 0.2
        # the same piece does not hold it again: it shares the lock from now on
        began = time.perf_counter()
        thread, passed = _simulation_step()
        thread.join(1.0)
        assert passed.is_set()
        assert time.perf_counter() - began < 0.05


def test_the_window_never_waits_for_itself(shared: None) -> None:
    with turns.piece():
        began = time.perf_counter()
        courtesy.give_way()
        assert time.perf_counter() - began < 0.01


def test_sharing_sets_a_short_switch_interval_and_unsharing_restores_all() -> None:
    before = sys.getswitchinterval()
    turns.share_with_simulation()
    turns.share_with_simulation()  # two controllers
    assert sys.getswitchinterval() == pytest.approx(turns.SWITCH_INTERVAL_S)
    turns.unshare()
    assert sys.getswitchinterval() == pytest.approx(turns.SWITCH_INTERVAL_S)
    turns.unshare()
    assert sys.getswitchinterval() == pytest.approx(before)
    with turns.piece():  # nothing installed: the simulation never waits
        thread, passed = _simulation_step()
        thread.join(0.05)
        assert passed.is_set()
