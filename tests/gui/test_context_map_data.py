"""The context map's data, without Qt: edges, layout, traffic by position, impact."""

from __future__ import annotations

from itertools import combinations

from ddd_sim.gui.panels.context_map_data import (
    PROCESS_NODE,
    SHOP_GRID,
    EdgeTraffic,
    TrafficLog,
    catalog_edges,
    classify_traffic,
    count_traffic,
    impact_set,
    layered_layout,
    map_layout,
    traffic_edges,
)
from ddd_sim.runtime.catalog import shop_catalog
from ddd_sim.runtime.session.rows import EventRow


def _row(
    position: int,
    type_: str,
    *,
    lane: str = "processes",
    kind: str = "process",
    target: str | None = None,
    summary: str = "",
) -> EventRow:
    return EventRow(
        position,
        position / 10,
        "Saga-1",
        position,
        type_,
        lane,
        kind,
        summary or type_,
        f"e{position}",
        target=target,
    )


def test_step_rows_are_calls_and_failures_errors_on_the_process_edge() -> None:
    assert classify_traffic(_row(1, "StepStarted", target="payment")) == (
        ("payment", PROCESS_NODE),
        "call",
    )
    assert classify_traffic(_row(2, "StepFailed", target="payment")) == (
        ("payment", PROCESS_NODE),
        "error",
    )
    assert classify_traffic(_row(3, "StepCompensated", target="inventory")) == (
        ("inventory", PROCESS_NODE),
        "call",
    )
    assert classify_traffic(_row(4, "CompensationStarted", target="shipping")) is None
    assert classify_traffic(_row(5, "OrderPlaced", lane="sales", kind="domain")) is None


def test_lost_messages_count_on_their_pair_and_saga_calls_on_the_process_edge() -> None:
    lost = _row(
        1,
        "MessageDropped",
        lane="simulation",
        kind="network",
        target="notification",
        summary="deliver shop.sales.order_placed sales → notification lost",
    )
    assert classify_traffic(lost) == (("notification", "sales"), "error")
    saga_call = _row(
        2,
        "MessageDropped",
        lane="simulation",
        kind="network",
        target="payment",
        summary="charge_payment sales → payment lost",
    )
    assert classify_traffic(saga_call) == (("payment", PROCESS_NODE), "error")
    dup = _row(
        3,
        "MessageDuplicated",
        lane="simulation",
        kind="network",
        target="payment",
        summary="charge_payment sales → payment duplicated",
    )
    assert classify_traffic(dup) == (("payment", PROCESS_NODE), "duplicate")


def test_counts_as_of_a_position_count_only_rows_up_to_it() -> None:
    rows = [
        _row(1, "StepStarted", target="shipping"),
        _row(2, "StepFailed", target="shipping"),
        _row(3, "StepStarted", target="shipping"),
        _row(4, "StepFailed", target="shipping"),
    ]
    log = TrafficLog()
    log.extend(rows)
    log.extend(rows[:2])  # repeats are skipped
    key = (PROCESS_NODE, "shipping")
    assert log.as_of(4)[key] == EdgeTraffic(calls=2, errors=2)
    assert log.as_of(2)[key] == EdgeTraffic(calls=1, errors=1)
    assert log.as_of(0) == {}
    assert count_traffic(rows, 3) == {key: EdgeTraffic(calls=2, errors=1)}


def test_uncatalogued_traffic_gets_its_own_edge() -> None:
    edges = catalog_edges(shop_catalog())
    extra = traffic_edges({("customer", "sales"), ("billing", "shipping")}, edges)
    assert [(e.source, e.target, e.kind) for e in extra] == [
        ("billing", "shipping", "traffic")
    ]


def test_the_shop_layout_keeps_boxes_apart_and_the_fallback_is_deterministic() -> None:
    catalog = shop_catalog()
    names = (*catalog.names, PROCESS_NODE)
    edges = catalog_edges(catalog)
    layout = map_layout(names, edges)
    assert set(layout) == set(SHOP_GRID)
    for a, b in combinations(layout.values(), 2):
        assert a != b
    layered = layered_layout(names, edges)
    assert layered == layered_layout(reversed(names), edges)
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in layered.values())
    # upstream sits left of downstream
    assert layered["legacy_erp"][0] < layered["inventory"][0] < layered["sales"][0]


def test_the_impact_set_follows_the_catalog() -> None:
    catalog = shop_catalog()
    impact = catalog.impact("inventory")
    lit = impact_set(catalog, "inventory")
    assert lit.nodes == {"inventory", PROCESS_NODE, *impact.transitive_consumers}
    assert lit.projections == impact.projections
    assert impact_set(catalog, "simulation").nodes == frozenset()
    driven = impact_set(catalog, PROCESS_NODE)
    assert driven.nodes == {PROCESS_NODE, "inventory", "payment", "sales", "shipping"}
