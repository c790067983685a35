"""Read models as of a position: each projection's documents at its checkpoint then."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from ddd_sim.bootstrap import open_session, projection_names
from ddd_sim.runtime.document_history import DocumentHistory
from ddd_sim.runtime.session.read_asof import (
    DocumentsAsOf,
    ReadModelsAsOf,
    StillFolding,
)
from ddd_sim.runtime.session.session import Session
from ddd_sim.sim.scenario import builtin_scenario, load_scenario

WATCHED = ("sales.order_list", "sales.order_detail", "billing.orders")
"""Stalled 15-35 s, held 2 s behind, and fed by the published language."""


def lag_session(path: Path) -> Session:
    scenario = load_scenario(
        builtin_scenario("projection_lag"), projections=projection_names()
    )
    return open_session(path, scenario)


def run_capturing(
    session: Session, until: float, every: int = 7
) -> dict[int, dict[str, tuple[int, dict[str, Any]]]]:
    """Run tick by tick; every few ticks keep each watched projection's live
    documents and checkpoint, by the head position they were read at."""
    sim = session.simulation
    assert sim is not None
    runner = sim.shop.projections
    seen: dict[int, dict[str, tuple[int, dict[str, Any]]]] = {}
    ticks = 0
    while sim.scheduler.now < until:
        sim.step_tick()
        ticks += 1
        if ticks % every == 0:
            head = session.store.head_position()
            seen[head] = {
                name: (runner.checkpoint(name), dict(runner.reader(name).all()))
                for name in WATCHED
            }
    session.catch_up()
    return seen


def as_of(session: Session, name: str, position: int) -> DocumentsAsOf:
    answer = session.read_models.documents(name, position, budget_s=None)
    assert isinstance(answer, DocumentsAsOf)
    return answer


def test_documents_as_of_equal_the_live_documents_read_then(tmp_path: Path) -> None:
    session = lag_session(tmp_path / "lag.db")
    try:
        seen = run_capturing(session, 40.0)
        assert len(seen) > 40
        stalled_behind = 0
        # in random order: answers come from snapshots behind and ahead
        for position in random.Random(3).sample(list(seen), len(seen)):
            for name, (checkpoint, live) in seen[position].items():
                answer = as_of(session, name, position)
                documents = {k: json.loads(v) for k, v in answer.documents.items()}
                assert documents == live, f"{name} at {position}"
                # the log's record of the checkpoint may trail the runner's only
                # over events the projection does not read
                assert answer.checkpoint <= checkpoint
                if name == "sales.order_list" and position - answer.checkpoint > 100:
                    stalled_behind += 1
        assert stalled_behind > 5  # the stall really is in the positions compared
    finally:
        session.close()


def test_the_stalled_projection_shows_fewer_orders_than_the_log_holds(
    tmp_path: Path,
) -> None:
    session = lag_session(tmp_path / "lag.db")
    try:
        session.run_until(34.0)
        head = session.index.head
        stalled = as_of(session, "sales.order_list", head)
        detail = as_of(session, "sales.order_detail", head)
        assert stalled.checkpoint < detail.checkpoint < head
        assert 0 < len(stalled.documents) < len(detail.documents)
        early = session.position_at(5.0)
        assert len(as_of(session, "sales.order_list", early).documents) < len(
            stalled.documents
        )
    finally:
        session.close()


def test_snapshots_and_replay_agree_with_one_straight_fold(tmp_path: Path) -> None:
    """Any position from a snapshot plus a replay equals folding straight to it."""
    session = lag_session(tmp_path / "lag.db")
    try:
        session.run_until(30.0)
        assert session.shop is not None
        runner = session.shop.projections
        head = session.index.head
        rng = random.Random(11)
        for name in (*WATCHED, "billing.invoices", "inventory.stock"):
            consumer, types = runner.replica(name)
            small = DocumentHistory(
                session.store, consumer, consumer.collection, types, snapshot_every=64
            )
            small.fold(head)
            for position in [0, 1, 63, 64, 65, head, *rng.sample(range(head), 25)]:
                consumer, types = runner.replica(name)
                straight = DocumentHistory(
                    session.store, consumer, consumer.collection, types
                )
                straight.fold(position)
                texts = small.at(position)
                assert dict(texts) == dict(straight.at(position)), (name, position)
                # the table's shape without parsing or sorting every document
                parsed = texts.parsed()
                fields = {field for doc in parsed.values() for field in doc}
                assert texts.columns() == tuple(sorted(fields))
                assert texts.by_key() == sorted(dict(texts).items())
    finally:
        session.close()


def test_folding_goes_in_slices_and_keeps_a_few_projections(tmp_path: Path) -> None:
    session = lag_session(tmp_path / "lag.db")
    try:
        session.run_until(30.0)
        head = session.index.head
        read_models = ReadModelsAsOf(session, keep=2, snapshot_every=128)
        answers = []
        while True:
            answer = read_models.documents("sales.order_detail", head, budget_s=0.0)
            answers.append(answer)
            if isinstance(answer, DocumentsAsOf):
                break
        pending = [a for a in answers if isinstance(a, StillFolding)]
        assert len(pending) >= 2  # a page at a time, each answer says how far
        folded = [a.folded for a in pending]
        assert folded == sorted(folded)
        assert 0 < pending[0].fraction < 1
        for name in WATCHED:
            read_models.documents(name, head, budget_s=None)
        assert list(read_models.memory()) == [
            "sales.order_detail v1",
            "billing.orders v1",
        ]
    finally:
        session.close()


def test_an_unknown_projection_is_refused(tmp_path: Path) -> None:
    session = lag_session(tmp_path / "lag.db")
    try:
        session.run_until(2.0)
        with pytest.raises(Exception, match="unknown projection"):
            session.read_models.documents("no.such", 1)
    finally:
        session.close()
