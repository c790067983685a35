"""Selecting a context anywhere: the read models panel shows that context's own."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ddd_sim.gui.controller import SessionController
from tests.gui.test_read_models import ready_panel


def test_a_selected_context_shows_its_read_model_most_behind(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    frame = controller.frame
    assert frame is not None
    for context in ("sales", "payment", "inventory"):
        own = [p for p in frame.world.projections if p.name.startswith(f"{context}.")]
        expected = max(own, key=lambda p: p.lag_events).name
        controller.select_context(context)
        assert panel.projection == expected
        qtbot.waitUntil(
            lambda e=expected: (
                panel.documents.table is not None
                and panel.documents.table.projection == e
            ),
            timeout=10_000,
        )


def test_a_context_without_read_models_leaves_the_choice_alone(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    before = panel.projection
    controller.select_context("legacy_erp")
    assert panel.projection == before
