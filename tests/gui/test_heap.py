"""The heap keeper: what a session folded leaves the collector's view, then returns."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.heap import HeapKeeper
from tests.gui.conftest import SessionFactory


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    """Each test starts and ends with nothing frozen."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_the_first_fold_freezes_and_the_next_only_after_enough_positions() -> None:
    keeper = HeapKeeper(every=100)
    assert keeper.folded(0)
    assert gc.get_freeze_count() > 0
    assert not keeper.folded(99)
    assert keeper.folded(100)
    assert (keeper.frozen_at, keeper.freezes) == (100, 2)


def test_a_release_thaws_the_heap_and_every_keeper_freezes_again() -> None:
    mine, other = HeapKeeper(every=100), HeapKeeper(every=100)
    mine.folded(10)
    other.folded(10)
    other.release()
    assert gc.get_freeze_count() == 0
    assert mine.due(11)
    assert mine.folded(11)
    assert gc.get_freeze_count() > 0


def test_a_frozen_object_is_still_freed_when_its_last_reference_goes() -> None:
    class Folded:
        pass

    keeper = HeapKeeper()
    kept = Folded()
    keeper.folded(0)
    gc.collect()
    before = gc.get_freeze_count()
    del kept
    assert gc.get_freeze_count() == before - 1


def test_the_worker_freezes_while_a_run_is_caught_up_and_thaws_on_close(
    qtbot: QtBot, make_session: SessionFactory
) -> None:
    controller = SessionController(make_session("happy_path", run_until=5.0))
    with qtbot.waitSignal(controller.frame_ready, timeout=10_000):
        pass
    qtbot.waitUntil(lambda: controller._worker.heap.freezes > 0, timeout=5_000)
    assert gc.get_freeze_count() > 0
    controller.shutdown()
    assert gc.get_freeze_count() == 0


def test_full_collections_wait_while_the_heap_is_held_and_come_back_after() -> None:
    before = gc.get_threshold()
    keeper = HeapKeeper()
    keeper.folded(0)
    assert gc.get_threshold()[2] > before[2]
    assert gc.get_threshold()[:2] == before[:2]
    keeper.release()
    assert gc.get_threshold() == before
