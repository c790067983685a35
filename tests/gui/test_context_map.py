"""The context map: catalog edges, traffic as of the slider, health, impact, export."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.context_map import ContextMapPanel
from ddd_sim.gui.panels.context_map_data import (
    PROCESS_NODE,
    EdgeTraffic,
    TrafficLog,
)
from ddd_sim.runtime.catalog import shop_catalog
from ddd_sim.runtime.session.rows import EventRow, Frame
from tests.gui.conftest import fed_in_slices, next_frame, session_rows, show_panel

SHOTS = Path(__file__).parent / "screenshots"
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints"
)


def expected_counts(
    rows: tuple[EventRow, ...], position: int
) -> dict[str, Counter[str]]:
    """Calls and errors per called context, counted here without the panel's code."""
    calls: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    for row in rows:
        if row.position > position or row.lane != "processes" or not row.target:
            continue
        if row.type in ("StepStarted", "StepCompensated"):
            calls[row.target] += 1
        elif row.type == "StepFailed":
            errors[row.target] += 1
    return {"calls": calls, "errors": errors}


def ready_panel(qtbot: QtBot, controller: SessionController) -> ContextMapPanel:
    panel = show_panel(qtbot, controller, ContextMapPanel(controller))
    qtbot.waitUntil(
        lambda: panel.traffic.head > 0 and not panel.feed.ingesting, timeout=5_000
    )
    panel.feed.flush()  # the last slice's traffic is drawn at its redraw
    return panel


def shown(panel: ContextMapPanel, frame: Frame) -> None:
    """Give the panel a frame and draw it now (a redraw may be held back briefly
    after a recent one; a screenshot flushes it the same way)."""
    panel.set_frame(frame)
    panel.feed.flush()


def process_edge(panel: ContextMapPanel, context: str) -> EdgeTraffic:
    key = (PROCESS_NODE, context) if context > PROCESS_NODE else (context, PROCESS_NODE)
    return panel.edges[key].traffic


def test_every_catalog_relationship_is_an_edge_with_its_patterns(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    catalog = shop_catalog()
    assert set(panel.nodes) == {*catalog.names, PROCESS_NODE}
    for rel in catalog.relationships:
        item = panel.edges[(rel.first, rel.second)]
        for pattern in rel.patterns:
            assert pattern.abbreviation in item.edge.label.split(" · ")


def test_edge_counts_match_the_log_at_the_head(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    rows = session_rows(qtbot, controller)
    head = controller.frame.position  # type: ignore[union-attr]
    expected = expected_counts(rows, head)
    assert expected["errors"]["shipping"] > 0  # the scenario's shipping outage
    for context in ("inventory", "payment", "sales", "shipping"):
        traffic = process_edge(panel, context)
        assert traffic.calls == expected["calls"][context]
        assert traffic.errors == expected["errors"][context]
    errors = f"{expected['errors']['shipping']} err"
    assert errors in panel.edges[("processes", "shipping")].label().split("\n")


def test_moving_the_slider_back_shows_the_counts_then(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    rows = session_rows(qtbot, controller)
    controller.move_to(200)
    frame = next_frame(qtbot, controller)
    shown(panel, frame)
    expected = expected_counts(rows, 200)
    assert process_edge(panel, "shipping").errors == 0 == expected["errors"]["shipping"]
    assert process_edge(panel, "inventory").calls == expected["calls"]["inventory"] > 0
    controller.move_to(None)
    shown(panel, next_frame(qtbot, controller))
    assert process_edge(panel, "shipping").errors > 0


def test_node_health_follows_the_world(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    world = controller.frame.world  # type: ignore[union-attr]
    assert world.breakers.get("shipping") == "open"
    shipping = panel.nodes["shipping"].health
    assert shipping.breaker == "open"
    assert "down" in shipping.faults
    assert panel.nodes["inventory"].health.healthy
    controller.move_to(100)  # before the outage
    shown(panel, next_frame(qtbot, controller))
    assert panel.nodes["shipping"].health.healthy


def test_clicking_a_context_selects_it_and_lights_its_impact(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    node = panel.nodes["legacy_erp"]
    point = panel.view.mapFromScene(node.scenePos())
    with qtbot.waitSignal(controller.context_selected, timeout=2_000) as blocker:
        qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == ["legacy_erp"]
    impact = shop_catalog().impact("legacy_erp")
    assert panel.lit_nodes() == {"legacy_erp", *impact.transitive_consumers}
    assert ("inventory", "legacy_erp") in panel.lit_edges()
    assert ("customer", "sales") not in panel.lit_edges()
    assert "Consumers reached</b> (6)" in panel.info.text()


def test_a_selection_elsewhere_lights_sagas_and_read_models(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    controller.select_context("payment")
    impact = shop_catalog().impact("payment")
    assert panel.lit_nodes() == {"payment", PROCESS_NODE, *impact.transitive_consumers}
    for name in (*impact.processes, *impact.projections):
        assert name in panel.info.text()
    controller.select_context("simulation")  # not a context: everything lit again
    assert panel.lit_nodes() == set(panel.nodes)


def test_the_map_exports_as_png_and_svg(
    qtbot: QtBot, controller: SessionController, tmp_path: Path
) -> None:
    panel = ready_panel(qtbot, controller)
    png = panel.export_image(tmp_path / "map.png")
    image = QImage(str(png))
    assert image.width() > 800
    svg = panel.export_image(tmp_path / "map.svg").read_text()
    assert svg.startswith("<?xml")
    assert "shipping" in svg
    with pytest.raises(ValueError, match=r"png or \.svg"):
        panel.export_image(tmp_path / "map.gif")


def test_screenshot_of_the_map(qtbot: QtBot, controller: SessionController) -> None:
    panel = ready_panel(qtbot, controller)
    SHOTS.mkdir(exist_ok=True)
    assert panel.grab().save(str(SHOTS / "context_map.png"))
    controller.select_context("sales")
    image = panel.grab().toImage()
    assert image.save(str(SHOTS / "context_map_impact.png"))
    colours = {
        image.pixel(QPoint(x, y))
        for x in range(0, image.width(), 7)
        for y in range(0, image.height(), 7)
    }
    assert len(colours) > 20  # not a blank canvas
    panel.export_image(SHOTS / "context_map_export.png")


def test_the_run_so_far_is_counted_in_slices_until_every_row_is_in(
    qtbot: QtBot, controller: SessionController, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel, rows = fed_in_slices(qtbot, controller, ContextMapPanel, monkeypatch)
    at_once = TrafficLog()
    at_once.extend(rows)
    head = rows[-1].position
    assert panel.traffic.as_of(head) == at_once.as_of(head)
    assert any(counts.calls for counts in at_once.as_of(head).values())
