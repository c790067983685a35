"""The store browser: the log as of the slider, filters, one entry in detail."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.event_models import (
    EventFilter,
    EventTableModel,
    StreamListModel,
)
from ddd_sim.gui.panels.event_store import EventStorePanel
from ddd_sim.runtime.session.rows import EventRow
from ddd_sim.runtime.session.session import Session
from ddd_sim.shared.events import NewEvent
from tests.gui.conftest import (
    SessionFactory,
    fed_in_slices,
    next_frame,
    session_rows,
    show_panel,
)

SHOTS = Path(__file__).parent / "screenshots"
# the offscreen platform says so whenever a window is shown; nothing is wrong
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints"
)


def save_shot(panel: EventStorePanel, name: str) -> None:
    """Render the panel in the workbench's theme, to look at."""
    SHOTS.mkdir(exist_ok=True)
    assert panel.grab().save(str(SHOTS / name))


def ready_panel(qtbot: QtBot, controller: SessionController) -> EventStorePanel:
    panel = show_panel(qtbot, controller, EventStorePanel(controller), (1000, 560))
    qtbot.waitUntil(
        lambda: panel.events.rowCount() > 0 and not panel.feed.ingesting,
        timeout=5_000,
    )
    panel.feed.flush()  # the last slice's rows are shown at its redraw
    return panel


def select(qtbot: QtBot, panel: EventStorePanel, position: int) -> None:
    panel.controller.select_event(position)
    qtbot.waitUntil(
        lambda: panel.detail is not None and panel.detail.row.position == position,
        timeout=5_000,
    )


# -- the models ----------------------------------------------------------------------
def _row(position: int, stream: str, kind: str = "domain") -> EventRow:
    return EventRow(
        position=position,
        sim_time=position / 10,
        stream=stream,
        version=1,
        type="Thing" if kind == "domain" else "Step",
        lane="sales",
        kind=kind,
        summary=f"entry {position}",
        event_id=str(position),
    )


def test_the_models_pass_the_model_tester(
    qtmodeltester: ModelTester, controller: SessionController, qtbot: QtBot
) -> None:
    rows = session_rows(qtbot, controller)
    events, streams = EventTableModel(), StreamListModel()
    events.extend(rows)
    streams.extend(rows)
    events.set_as_of(len(rows) // 2)
    streams.set_as_of(len(rows) // 2)
    events.set_filter(EventFilter(kind="domain"))
    qtmodeltester.check(events)
    qtmodeltester.check(streams)


def test_appending_and_moving_back_insert_and_remove_at_the_end(qtbot: QtBot) -> None:
    model = EventTableModel()
    model.set_as_of(10)
    model.extend([_row(1, "A-1"), _row(2, "B-1", "process"), _row(3, "A-1")])
    assert [r.position for r in model.shown()] == [1, 2, 3]
    model.set_filter(EventFilter(stream="A-1"))
    assert [r.position for r in model.shown()] == [1, 3]
    model.extend([_row(3, "A-1"), _row(4, "A-1")])  # a repeat is skipped
    assert [r.position for r in model.shown()] == [1, 3, 4]
    with qtbot.waitSignal(model.rowsRemoved):
        model.set_as_of(2)
    assert [r.position for r in model.shown()] == [1]
    assert model.row_of(3) is None
    assert model.row_of(1) == 0
    streams = StreamListModel()
    streams.extend(model.rows)
    streams.set_as_of(2)
    assert streams.rowCount() == 2
    assert streams.version_at("A-1", 2) == 1
    streams.set_as_of(4)
    assert streams.data(streams.index(0, 1)) == "3"


# -- the panel -----------------------------------------------------------------------
def test_the_table_up_to_the_position_is_the_sessions_log(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    rows = session_rows(qtbot, controller)
    assert panel.events.shown() == list(rows[: panel.events.as_of])
    assert panel.events.as_of == controller.frame.position  # type: ignore[union-attr]
    streams = {r.stream for r in rows}
    assert panel.streams.rowCount() == len(streams)


def test_moving_the_slider_back_hides_later_entries_and_streams(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    rows = session_rows(qtbot, controller)
    controller.move_to(120)
    frame = next_frame(qtbot, controller)
    assert frame.position == 120
    assert panel.events.shown() == list(rows[:120])
    assert panel.streams.rowCount() == len({r.stream for r in rows[:120]})
    stream = rows[119].stream
    row = panel.streams.row_of(stream)
    assert row is not None
    expected = sum(1 for r in rows[:120] if r.stream == stream)
    assert panel.streams.data(panel.streams.index(row, 1)) == str(expected)
    assert "120 of 120" in panel.count.text()
    controller.move_to(None)
    next_frame(qtbot, controller)
    assert panel.events.rowCount() == len(rows)


def test_stream_kind_and_text_filters(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    rows = session_rows(qtbot, controller)
    stream = next(r.stream for r in rows if r.stream.startswith("Product-"))
    row = panel.streams.row_of(stream)
    assert row is not None
    qtbot.mouseClick(
        panel.stream_view.viewport(),
        Qt.MouseButton.LeftButton,
        pos=panel.stream_view.visualRect(panel.streams.index(row, 0)).center(),
    )
    assert panel.events.shown() == [r for r in rows if r.stream == stream]
    panel.clear_stream()
    panel.set_kind("compensation")
    assert panel.events.shown() == [r for r in rows if r.kind == "compensation"]
    assert panel.events.rowCount() > 0
    panel.set_kind(None)
    panel.set_search("walletcharged")
    wanted = [
        r
        for r in rows
        if "walletcharged" in f"{r.type} {r.summary} {r.stream}".casefold()
    ]
    assert panel.events.shown() == wanted
    assert wanted
    qtbot.keyClicks(panel.search, "x-no-such-thing")
    qtbot.waitUntil(lambda: panel.events.rowCount() == 0, timeout=2_000)


def test_a_click_selects_everywhere_and_shows_the_detail(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    rows = session_rows(qtbot, controller)
    product = max(
        (r for r in rows if r.stream.startswith("Product-")), key=lambda r: r.version
    )
    assert product.version > 20  # past the first snapshot (every 20 events)
    row = panel.events.row_of(product.position)
    assert row is not None
    with qtbot.waitSignal(controller.event_selected) as blocker:
        panel.event_view.scrollTo(panel.events.index(row, 0))
        qtbot.mouseClick(
            panel.event_view.viewport(),
            Qt.MouseButton.LeftButton,
            pos=panel.event_view.visualRect(panel.events.index(row, 2)).center(),
        )
    assert blocker.args == [product.position]
    qtbot.waitUntil(lambda: panel.detail is not None, timeout=5_000)
    assert panel.detail is not None
    assert panel.load is not None
    assert panel.detail.snapshots == (20,)
    assert "Snapshots at v20" in panel.detail_view.snapshots.text()
    assert panel.load.snapshot_version == 20
    assert panel.load.events_replayed == product.version - 20
    assert panel.detail.stored_payload == panel.detail.upcast_payload
    assert "same as stored" in panel.detail_view.upcast_label.text()
    save_shot(panel, "event_store.png")


def test_a_selection_elsewhere_clears_filters_that_hide_it(
    qtbot: QtBot, controller: SessionController
) -> None:
    panel = ready_panel(qtbot, controller)
    rows = session_rows(qtbot, controller)
    panel.set_kind("compensation")
    target = next(r for r in rows if r.kind == "domain")
    select(qtbot, panel, target.position)
    assert panel.events.event_filter.is_empty
    current = panel.event_view.currentIndex()
    assert panel.events.row_at(current.row()).position == target.position


def test_a_v1_wallet_deposit_shows_stored_and_upcast_payloads(
    qtbot: QtBot, make_session: SessionFactory
) -> None:
    session: Session = make_session()
    wallet = next(r.stream for r in session.rows if r.stream.startswith("Account-"))
    account_id = wallet.split("-", 1)[1]
    session.store.append(
        wallet,
        [
            NewEvent(
                event_id=uuid.uuid4(),
                type="MoneyDeposited",
                schema_version=1,
                payload={"account_id": account_id, "amount": "250.00"},
            )
        ],
        session.store.stream_version(wallet),
    )
    session.catch_up()
    position = session.rows[-1].position
    controller = SessionController(session)
    with qtbot.waitSignal(controller.frame_ready, timeout=10_000):
        pass
    try:
        panel = ready_panel(qtbot, controller)
        select(qtbot, panel, position)
        detail = panel.detail
        assert detail is not None
        assert detail.schema_version == 1
        assert '"amount": "250.00"' in panel.detail_view.stored.toPlainText()
        upcast = panel.detail_view.upcast.toPlainText()
        assert '"currency": "USD"' in upcast
        assert "changed by upcasting" in panel.detail_view.upcast_label.text()
        assert panel.load is not None
        assert panel.load.version == session.rows[-1].version
        save_shot(panel, "event_store_upcast.png")
    finally:
        controller.shutdown()


def test_the_run_so_far_is_taken_in_slices_until_every_entry_is_listed(
    qtbot: QtBot, controller: SessionController, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel, rows = fed_in_slices(qtbot, controller, EventStorePanel, monkeypatch)
    assert list(panel.events.rows[: len(rows)]) == list(rows)
    streams = {row.stream for row in rows}
    # shown on the redraw that follows the slices
    qtbot.waitUntil(lambda: panel.streams.rowCount() >= len(streams), timeout=2_000)


def test_rows_kept_quietly_reach_the_view_on_the_next_move(qtbot: QtBot) -> None:
    """A slice of a large log is kept without an insert (and repaint) each."""
    events, streams = EventTableModel(), StreamListModel()
    events.set_as_of(10)
    streams.set_as_of(10)
    inserted: list[object] = []
    events.rowsInserted.connect(lambda *args: inserted.append(args))
    streams.rowsInserted.connect(lambda *args: inserted.append(args))
    rows = [_row(1, "A-1"), _row(2, "B-1"), _row(3, "A-1")]
    events.extend(rows, show=False)
    streams.extend(rows, show=False)
    assert inserted == []
    assert (events.rowCount(), streams.rowCount()) == (0, 0)
    changed: list[object] = []
    streams.dataChanged.connect(lambda *args: changed.append(args))
    events.set_as_of(10)
    streams.set_as_of(10)
    assert len(inserted) == 2
    assert [r.position for r in events.shown()] == [1, 2, 3]
    assert streams.rowCount() == 2
    assert streams.data(streams.index(0, 1)) == "2"
    more = [_row(4, "A-1")]
    events.extend(more, show=False)
    streams.extend(more, show=False)
    assert streams.data(streams.index(0, 1)) == "3"  # the data is there
    streams.set_as_of(10)  # and the view is told the version changed
    assert changed
