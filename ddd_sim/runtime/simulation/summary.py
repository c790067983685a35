"""What a finished (or interrupted) run amounts to: figures, invariants, a digest."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ddd_sim.runtime.invariants import check_store, check_world
from ddd_sim.runtime.shop import ShopRuntime
from ddd_sim.runtime.world.index import WorldIndex
from ddd_sim.shared.errors import CorruptStore
from ddd_sim.shared.ports import EventStore


def log_digest(store: EventStore) -> str:
    """SHA-256 of the whole log, wall-clock timestamps excluded.

    Two runs of one scenario with one seed must give the same digest.
    """
    digest = hashlib.sha256()
    for event in store.read_all(raw=True):
        meta = event.metadata
        line = json.dumps(
            [
                event.global_position,
                str(event.event_id),
                event.stream_id,
                event.stream_version,
                event.type,
                event.schema_version,
                event.payload,
                str(meta.correlation_id) if meta.correlation_id else None,
                str(meta.causation_id) if meta.causation_id else None,
                repr(meta.sim_time),
            ],
            sort_keys=True,
            separators=(",", ":"),
        )
        digest.update(line.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def run_summary(
    store: EventStore,
    shop: ShopRuntime,
    *,
    scenario: str,
    seed: int,
    saga: str,
    sim_time: float,
    drained: bool,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The ``run``/``resume`` JSON: counts, every invariant, ``ok``."""
    try:
        index = WorldIndex.from_store(store)
    except ValueError as broken:  # a log with a hole in its positions
        raise CorruptStore(f"the log cannot be folded: {broken}") from broken
    world = index.at(index.head)
    counts = world.counts
    results = check_world(world, drained=drained)
    results.update(check_store(store, shop))
    summary: dict[str, Any] = {
        "scenario": scenario,
        "seed": seed,
        "saga": saga,
        "sim_time": round(sim_time, 6),
        "events": store.head_position(),
        "log_sha256": log_digest(store),
        "orders": {
            "placed": counts.orders_placed,
            "completed": counts.orders_completed,
            "cancelled": counts.orders_cancelled,
            "in_flight": counts.orders_in_flight,
        },
        "sagas": {
            "started": counts.sagas_started,
            "completed": counts.sagas_completed,
            "compensated": counts.sagas_compensated,
            "in_flight": counts.sagas_in_flight,
        },
        "faults_injected": counts.faults_injected,
        "drained": drained,
        "invariants": {name: r.ok for name, r in sorted(results.items())},
        "ok": all(r.ok for r in results.values()),
    }
    failing = {name: r.detail for name, r in sorted(results.items()) if not r.ok}
    if failing:
        summary["invariant_failures"] = failing
    summary.update(extra or {})
    return summary
