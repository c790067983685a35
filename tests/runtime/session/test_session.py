"""The workbench's facade: rows, frames as of any position, following a store."""

from __future__ import annotations

import shutil
import time
from collections import Counter
from pathlib import Path

import pytest

from ddd_sim.bootstrap import open_session, projection_names
from ddd_sim.runtime.session.session import Session
from ddd_sim.runtime.world.index import WorldIndex
from ddd_sim.sim.records import RUN_STREAM
from ddd_sim.sim.scenario import builtin_scenario, load_scenario
from ddd_sim.sim.scenario_model import FaultSpec


def new_session(location: str | Path, name: str = "shipping_failure") -> Session:
    scenario = load_scenario(builtin_scenario(name), projections=projection_names())
    return open_session(location, scenario)


def test_rows_match_the_log_one_for_one(tmp_path: Path) -> None:
    session = new_session(tmp_path / "s.db")
    try:
        session.run_until(15.0)
        stored = list(session.store.read_all())
        assert [r.position for r in session.rows] == [e.global_position for e in stored]
        assert [r.type for r in session.rows] == [e.type for e in stored]
        kinds = Counter(r.kind for r in session.rows)
        assert min(kinds["domain"], kinds["process"], kinds["fault"]) > 0
        steps = [r for r in session.rows if r.type == "StepStarted"]
        assert {r.target for r in steps} <= {
            "inventory",
            "payment",
            "shipping",
            "sales",
        }
    finally:
        session.close()


def test_a_frame_is_the_world_as_of_its_position(tmp_path: Path) -> None:
    session = new_session(tmp_path / "s.db")
    try:
        session.run_until(15.0)
        independent = WorldIndex.from_store(session.store)
        for position in (1, 57, session.index.head // 2, session.index.head):
            frame = session.frame(position)
            assert frame.world.to_json() == independent.at(position).to_json()
        assert session.frame().live
        assert not session.frame(10).live
    finally:
        session.close()


def test_commands_faults_and_crashes_land_in_the_log(tmp_path: Path) -> None:
    session = new_session(tmp_path / "s.db", "happy_path")
    try:
        session.run_until(2.0)
        session.inject(FaultSpec(target="payment", kind="down", start=2.0))
        session.catch_up()
        assert [f.target for f in session.frame().world.faults] == ["payment"]
        session.clear("down:payment@2")
        session.crash("inventory", 0.5)
        new = session.catch_up()
        assert [r.type for r in new] == [
            "FaultCleared",
            "ContextCrashed",
        ]
        assert session.frame().world.faults == ()
    finally:
        session.close()


def test_a_follower_sees_what_the_writer_commits(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    writer = new_session(path, "happy_path")
    follower = open_session(path, follow=True)
    try:
        assert follower.read_only
        writer.run_until(5.0)
        follower.catch_up()
        assert follower.index.head == writer.index.head > 0
        assert follower.frame().world.to_json() == writer.frame().world.to_json()
        watched, ran = follower.figures(), writer.figures()
        assert (watched.scenario, watched.saga, watched.seed) == (
            ran.scenario,
            ran.saga,
            ran.seed,
        )
        assert watched.phase == "follow"
        with pytest.raises(PermissionError, match="read-only"):
            follower.crash("sales")
    finally:
        follower.close()
        writer.close()


@pytest.mark.postgres
def test_following_a_postgresql_run(pg_url: str) -> None:
    writer = new_session(pg_url, "happy_path")
    follower = open_session(pg_url, follow=True)
    try:
        writer.run_until(3.0)
        follower.catch_up()
        assert follower.index.head == writer.index.head > 0
        assert follower.frame().world.to_json() == writer.frame().world.to_json()
    finally:
        follower.close()
        writer.close()


def test_save_as_copies_a_consistent_session(tmp_path: Path) -> None:
    session = new_session(tmp_path / "s.db", "happy_path")
    try:
        session.run_until(3.0)
        session.save_as(tmp_path / "copy.db")
        copy = open_session(tmp_path / "copy.db", follow=True)
        try:
            assert copy.index.head == session.index.head
            assert copy.frame().world.to_json() == session.frame().world.to_json()
        finally:
            copy.close()
    finally:
        session.close()


def _log(path: Path) -> list[tuple[str, str, object]]:
    watcher = open_session(path, follow=True)
    try:
        return [(e.type, e.stream_id, e.payload) for e in watcher.store.read_all()]
    finally:
        watcher.close()


def test_opening_an_interrupted_run_writes_nothing_until_it_carries_on(
    tmp_path: Path,
) -> None:
    first = new_session(tmp_path / "run.db", "happy_path")
    first.run_until(4.0)
    first.close()
    shutil.copy(tmp_path / "run.db", tmp_path / "twin.db")
    before = _log(tmp_path / "run.db")
    for _ in range(2):  # opened, looked at, saved as, closed: twice
        looked_at = open_session(tmp_path / "run.db")
        assert looked_at.figures().waiting_to_resume
        assert looked_at.frame().world.sim_time > 0
        looked_at.save_as(tmp_path / f"saved-{_}.db")
        looked_at.close()
    assert _log(tmp_path / "run.db") == before
    assert _log(tmp_path / "saved-1.db") == before

    carried = open_session(tmp_path / "run.db")
    try:
        carried.run_until(8.0)
        assert not carried.figures().waiting_to_resume
    finally:
        carried.close()
    after = _log(tmp_path / "run.db")
    assert after[: len(before)] == before
    assert [t for t, _, _ in after].count("RunResumed") == 1
    assert after[len(before)][0] == "RunResumed"
    # the CLI's resume (at once) and the workbench's (when carried on) agree
    from ddd_sim.bootstrap import open_simulation

    twin = open_simulation(tmp_path / "twin.db")
    try:
        twin.run(until=8.0)
    finally:
        twin.store.close()
    assert _log(tmp_path / "twin.db") == after


@pytest.mark.parametrize("change", ["command", "fault", "crash", "load"])
def test_any_change_to_an_opened_run_carries_it_on_first(
    tmp_path: Path, change: str
) -> None:
    from ddd_sim.contexts.customer.application.commands import RegisterCustomer
    from ddd_sim.runtime.session import load
    from ddd_sim.sim.scenario_model import LoadSpec

    first = new_session(tmp_path / "run.db", "happy_path")
    first.run_until(3.0)
    first.close()
    session = open_session(tmp_path / "run.db")
    try:
        head = session.store.head_position()
        if change == "command":
            session.execute(
                RegisterCustomer(customer_id="CUST-NEW", name="Kim", email="k@ex.org")
            )
        elif change == "fault":
            load.inject_now(
                session, FaultSpec(target="payment", kind="down", start=0.0)
            )
        elif change == "crash":
            session.crash("inventory", 0.5)
        else:
            load.start_load(session, LoadSpec(rate=1.0, start=0.0, until=5.0))
        new = list(session.store.read_all(from_position=head + 1))
        assert new
        assert new[0].type == "RunResumed"
        assert not session.figures().waiting_to_resume
    finally:
        session.close()


def test_a_run_gives_way_between_its_small_steps(tmp_path: Path) -> None:
    """Every long loop of a run offers the window its turn (see shared.courtesy)."""
    import sys

    from ddd_sim.shared import courtesy

    offered: Counter[str] = Counter()

    def hook() -> None:
        offered[sys._getframe(2).f_code.co_qualname] += 1

    courtesy.install(hook)
    try:
        session = new_session(tmp_path / "s.db", "happy_path")
        session.run_until(4.0)
        session.close()
    finally:
        courtesy.uninstall(hook)
    courtesy.give_way()  # uninstalled: nothing is called
    assert set(offered) == {
        "Scheduler.run_until",  # between two scheduled actions
        "CatchUpSubscription.poll",  # between two events a projection handles
        "Dispatcher.pump",  # between two messages published
        "Session.catch_up",  # between two rows classified
        "WorldIndex.advance",  # between two events folded
    }
    assert offered["Session.catch_up"] == session.index.head  # one per row


def test_play_carries_an_opened_run_on_from_where_it_stopped(tmp_path: Path) -> None:
    first = new_session(tmp_path / "run.db", "happy_path")
    first.run_until(3.0)
    first.close()
    session = open_session(tmp_path / "run.db")
    try:
        stopped_at = session.figures().sim_time
        head = session.store.head_position()
        session.set_speed(100.0)
        session.play()
        resumed = list(session.store.read_all(from_position=head + 1))
        assert [e.type for e in resumed] == ["RunResumed"]
        assert resumed[0].payload["sim_time"] == stopped_at
        deadline = time.monotonic() + 10.0
        while session.store.head_position() <= head + 1:
            assert time.monotonic() < deadline, "the run did not carry on"
            time.sleep(0.02)
            session.advance()
        assert session.figures().sim_time > stopped_at
    finally:
        session.close()


def test_paced_driving_resumes_before_letting_time_pass(tmp_path: Path) -> None:
    from ddd_sim.bootstrap import open_simulation
    from ddd_sim.runtime.simulation.driver import TickDriver

    first = new_session(tmp_path / "run.db", "happy_path")
    first.run_until(3.0)
    first.close()
    sim = open_simulation(tmp_path / "run.db", defer_resume=True)
    try:
        driver = TickDriver(sim)
        stopped_at = sim.scheduler.now
        assert driver.peek() == stopped_at  # the resume is due now
        driver.run_until(stopped_at + 2.0)
        marks = [e for e in sim.store.read_stream(RUN_STREAM) if e.type == "RunResumed"]
        assert [e.payload["sim_time"] for e in marks] == [stopped_at]
    finally:
        sim.store.close()


def test_rows_of_one_stream_or_one_flow_share_their_strings(tmp_path: Path) -> None:
    """A session keeps a row per entry: repeated ids are one string each."""
    session = new_session(tmp_path / "s.db", "happy_path")
    try:
        session.run_until(5.0)
        by_stream: dict[str, set[int]] = {}
        by_flow: dict[str, set[int]] = {}
        for row in session.rows:
            by_stream.setdefault(row.stream, set()).add(id(row.stream))
            if row.correlation_id is not None:
                by_flow.setdefault(row.correlation_id, set()).add(
                    id(row.correlation_id)
                )
        assert max(len(ids) for ids in by_stream.values()) == 1
        assert max(len(ids) for ids in by_flow.values()) == 1
        assert len(session.rows) > 3 * len(by_flow)  # flows have many entries
    finally:
        session.close()
