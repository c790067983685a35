"""Each saga mode's run folds like the naive fold; its invariants hold throughout."""

from __future__ import annotations

import pytest

from ddd_sim.bootstrap import open_simulation, projection_names
from ddd_sim.runtime.invariants import check_store, check_world
from ddd_sim.runtime.world.index import WorldIndex
from ddd_sim.sim.scenario import parse_scenario
from tests.runtime.world.reference import reference_world
from tests.runtime.world.runs import troubled_run, troubled_text


@pytest.mark.parametrize("saga", ["orchestrated", "choreographed"])
def test_a_run_folds_like_the_naive_fold_and_keeps_its_invariants_throughout(
    saga: str,
) -> None:
    sim = troubled_run(saga)
    try:
        events = list(sim.store.read_all())
        index = WorldIndex.from_store(sim.store, checkpoint_every=64)
        assert {"StepCompensated", "ProcessCompleted"} <= {e.type for e in events}
        for position in range(index.head + 1):
            world = index.at(position)
            if position % 97 == 0 or position == index.head:
                assert world.to_json() == reference_world(events, position)
            broken = {k: r.detail for k, r in check_world(world).items() if not r.ok}
            assert broken == {}, position
        final = index.at(index.head)
        assert {s.kind for s in final.sagas} == {saga}
        assert final.counts.sagas_compensated > 0
        assert all(r.ok for r in check_world(final, drained=True).values())
        assert all(r.ok for r in check_store(sim.store, sim.shop).values())
    finally:
        sim.store.close()


def test_catching_up_with_a_run_as_it_goes_equals_indexing_it_after() -> None:
    text = troubled_text("orchestrated")
    scenario = parse_scenario(text, "test.toml", projections=projection_names())
    sim = open_simulation("memory:", scenario)
    try:
        live = WorldIndex(checkpoint_every=50)
        heads = []
        for until in (0.5, 3.0, 3.1, 7.5, 11.0, 16.0):
            sim.run(until=until)
            before = live.head
            folded = live.catch_up(sim.store, batch=37)
            assert folded == sim.store.head_position() - before
            heads.append(live.head)
            assert live.at(live.head).to_json() == reference_world(
                list(sim.store.read_all()), live.head
            )
        sim.run()
        live.catch_up(sim.store)
        assert heads == sorted(heads)
        assert heads[0] > 0
        after = WorldIndex.from_store(sim.store, checkpoint_every=50)
        assert live.head == after.head == sim.store.head_position()
        for position in [*heads, *range(0, after.head, 113), after.head]:
            assert live.at(position).to_json() == after.at(position).to_json()
    finally:
        sim.store.close()
