"""Real runs: the index agrees with the naive fold; invariants hold throughout."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddd_sim.runtime.invariants import check_store, check_world
from ddd_sim.runtime.world.index import WorldIndex
from tests.runtime.world.reference import reference_world
from tests.simulation.support import run_text, small_scenario

FAULTS = """
[[faults]]
target = "payment"
kind = "decline"
from = 2.0
until = 4.0

[[faults]]
target = "shipping"
kind = "down"
from = 5.0
until = 7.0

[[faults]]
target = "sales"
kind = "crash"
from = 3.0
restart_after = 1.0
"""


@pytest.mark.parametrize("saga", ["orchestrated", "choreographed", "process_manager"])
def test_a_run_folds_like_the_naive_fold_and_keeps_its_invariants_throughout(
    tmp_path: Path, saga: str
) -> None:
    sim = run_text(
        tmp_path / "run.db", small_scenario(saga=saga, rate=3.0, extra=FAULTS)
    )
    events = list(sim.store.read_all())
    index = WorldIndex.from_store(sim.store, checkpoint_every=64)
    kinds = {e.type for e in events}
    assert {"FaultInjected", "ContextCrashed", "ProjectionsAdvanced"} <= kinds
    assert {"StepCompensated", "ProcessCompleted"} <= kinds
    for position in range(index.head + 1):
        world = index.at(position)
        if position % 50 == 0 or position == index.head:
            assert world.to_json() == reference_world(events, position)
        broken = {k: r.detail for k, r in check_world(world).items() if not r.ok}
        assert broken == {}, position
    final = index.at(index.head)
    assert {s.kind for s in final.sagas} == {saga}
    assert all(r.ok for r in check_world(final, drained=True).values())
    assert all(r.ok for r in check_store(sim.store, sim.shop).values())
