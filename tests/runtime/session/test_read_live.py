"""Read models now, kept up by the keys each batch wrote: what a full read says."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ddd_sim.bootstrap import open_session, projection_names
from ddd_sim.contexts.billing.application.commands import IssueInvoice, VoidInvoice
from ddd_sim.gui.panels.read_model_data import (
    DocumentTable,
    TextRows,
    document_table,
    read_models_state,
    stale_keys,
)
from ddd_sim.runtime.projections import ProjectionRunner
from ddd_sim.runtime.session.read_live import LiveDocuments, LiveReadModels, _Kept
from ddd_sim.runtime.session.session import Session
from ddd_sim.shared.errors import DddSimError
from ddd_sim.shared.events import JsonObject
from ddd_sim.shared.read_models import StoreReadModel
from ddd_sim.sim.scenario import builtin_scenario, load_scenario

WATCHED = ("billing.invoices", "sales.order_detail", "notification.outbox")
"""Deletes documents; updates them in place; only adds them."""


def started(path: Path, name: str = "shipping_failure") -> Session:
    scenario = load_scenario(builtin_scenario(name), projections=projection_names())
    return open_session(path, scenario)


def runner_of(session: Session) -> ProjectionRunner:
    assert session.shop is not None
    return session.shop.projections


def full_read(session: Session, name: str) -> dict[str, JsonObject]:
    return dict(runner_of(session).reader(name).all())


def assert_as_read_whole(session: Session, live: LiveDocuments) -> None:
    """The kept documents are exactly the store's, as one full read shows them."""
    documents = full_read(session, live.projection)
    assert live.keys == tuple(sorted(documents)), live.projection
    assert [json.loads(text) for text in live.texts] == [
        documents[key] for key in live.keys
    ], live.projection
    fields = {name for document in documents.values() for name in document}
    assert live.columns == tuple(sorted(fields)), live.projection
    assert live.checkpoint == runner_of(session).checkpoint(live.projection)


def assert_table_as_read_whole(session: Session, table: DocumentTable) -> None:
    """The panel's live table equals the table of a fresh full read, cell for cell."""
    checkpoint = runner_of(session).checkpoint(table.projection)
    fresh = document_table(
        table.projection,
        full_read(session, table.projection),
        stale_keys(session, checkpoint),
    )
    assert isinstance(table.rows, TextRows)
    assert table.columns == fresh.columns
    assert list(table.rows) == list(fresh.rows)
    assert table.stale == fresh.stale
    assert table.checkpoint == checkpoint
    assert table.position is None


def issue_invoices(session: Session, count: int, first: int) -> int:
    """Invoice a few orders billing has seen placed (nothing in the run does)."""
    issued = 0
    for order_id in sorted(full_read(session, "billing.orders")):
        if issued == count:
            break
        try:
            session.execute(
                IssueInvoice(invoice_id=f"INV-{first + issued}", order_id=order_id)
            )
        except DddSimError:
            continue  # not billable (yet), or invoiced already
        issued += 1
    return issued


def void_invoices(session: Session, count: int) -> int:
    """Void a few issued invoices: their orders' documents are deleted."""
    issued = [
        document["invoice_id"]
        for document in full_read(session, "billing.invoices").values()
        if document.get("status") == "issued"
    ]
    for invoice_id in issued[:count]:
        session.execute(VoidInvoice(invoice_id=str(invoice_id), reason="a test"))
    return min(count, len(issued))


def test_kept_documents_equal_a_full_read_through_deletes_crashes_and_rebuilds(
    tmp_path: Path,
) -> None:
    session = started(tmp_path / "live.db")
    try:
        live = session.live_read_models
        bulk = LiveReadModels(session, shuffle=0)  # the key order rebuilt each time
        deleted: set[str] = set()
        before: dict[str, tuple[str, ...]] = {}
        moves = 0
        for until in (3.0, 6.0, 9.0, 12.0, 15.0, 18.0, 21.0, 24.0, 27.0, 30.0):
            session.run_until(until)
            if until in (6.0, 15.0):
                assert issue_invoices(session, 6, first=int(until) * 100) == 6
            if until in (9.0, 18.0):
                assert void_invoices(session, 3) == 3
            if until == 12.0:
                session.crash("billing", restart_after=2.0)
            if until == 21.0:
                session.crash(None, restart_after=1.0)  # the whole app
            for name in WATCHED:
                answer = live.documents(name)
                assert_as_read_whole(session, answer)
                assert bulk.documents(name) == answer
                old = before.get(name, ())
                deleted |= {f"{name}/{key}" for key in set(old) - set(answer.keys)}
                moves += answer.keys != old
                before[name] = answer.keys
        assert moves >= 12  # the documents really moved between the answers
        assert any(key.startswith("billing.invoices/") for key in deleted)
        # a rebuild with the same handler tells every key; one with another
        # version is another collection: both read whole again, and right
        shop = session.shop
        assert shop is not None
        shop.rebuild("billing.invoices")
        assert_as_read_whole(session, live.documents("billing.invoices"))
        shop.rebuild("payment.account_summary", version=1)
        summary = live.documents("payment.account_summary")
        assert summary.version == 1
        assert_as_read_whole(session, summary)
        session.run_until(33.0)
        for name in (*WATCHED, "payment.account_summary"):
            assert_as_read_whole(session, live.documents(name))
    finally:
        session.close()


def test_the_panels_live_table_equals_a_fresh_read_after_each_refresh(
    tmp_path: Path,
) -> None:
    session = started(tmp_path / "live.db")
    try:
        known: DocumentTable | None = None
        for until in (4.0, 8.0, 8.0, 12.0, 16.0, 20.0):
            session.run_until(until)
            if until == 12.0:
                session.crash("sales", restart_after=1.0)
            state = read_models_state(session, "billing.invoices", known)
            table = state.table
            assert table is not None
            assert_table_as_read_whole(session, table)
            if known is not None and until == 8.0:
                # nothing ran: the very table comes back, restamped
                assert table.rows is known.rows
            known = table
    finally:
        session.close()


@dataclass
class CountingReader:
    """A projection's documents from the store, counting what is read."""

    inner: StoreReadModel
    counts: Counts

    @property
    def collection(self) -> str:
        return self.inner.collection

    def get(self, key: str) -> JsonObject | None:
        self.counts.got.append(key)
        return self.inner.get(key)

    def all(self) -> Mapping[str, JsonObject]:
        documents = self.inner.all()
        self.counts.whole += 1
        self.counts.documents += len(documents)
        return documents


@dataclass
class Counts:
    """Documents read from the store, one by one and whole."""

    got: list[str] = field(default_factory=list)
    whole: int = 0
    documents: int = 0


class CountingRunner:
    """The real runner, whose readers count each document they read."""

    def __init__(self, inner: ProjectionRunner, counts: Counts) -> None:
        self._inner = inner
        self._counts = counts

    def reader(self, name: str) -> CountingReader:
        return CountingReader(self._inner.reader(name), self._counts)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@dataclass
class CountingSession:
    """What the live read models use of a session, with a counting runner."""

    shop: Any
    simulation: Any


def test_a_refresh_reads_only_the_documents_written_since(tmp_path: Path) -> None:
    session = started(tmp_path / "live.db")
    try:
        counts = Counts()
        runner = runner_of(session)
        counting = CountingRunner(runner, counts)
        fake = CountingSession(
            shop=type("Shop", (), {"projections": counting})(),
            simulation=session.simulation,
        )
        live = LiveReadModels(fake)  # type: ignore[arg-type]
        written: set[str] = set()
        name = "sales.order_detail"
        runner.subscribe(
            lambda told, keys: written.update(keys if told == name else ())
        )
        session.run_until(20.0)
        first = live.documents(name)
        assert (counts.whole, counts.got) == (1, [])
        assert counts.documents == len(first.keys) > 30
        for until in (21.0, 22.0, 23.0, 24.0):
            written.clear()
            counts.got.clear()
            session.run_until(until)
            answer = live.documents(name)
            assert counts.whole == 1  # never read whole again
            assert sorted(counts.got) == sorted(written)  # each written key, once
            assert 0 < len(counts.got) < len(answer.keys) / 4
            assert answer.reads == len(written)
            assert_as_read_whole(session, answer)
        counts.got.clear()
        assert live.documents(name) is live.documents(name)  # nothing moved
        assert counts.got == []
        # another runner (a reopened shop): nothing it was told can be trusted
        fake.shop = type("Shop", (), {"projections": CountingRunner(runner, counts)})()
        session.run_until(23.0)
        assert_as_read_whole(session, live.documents(name))
        assert counts.whole == 2
        # a rebuild tells every key: past a share of them, one read whole
        # costs less than a read per key
        outbox = live.documents("notification.outbox")
        assert counts.whole == 3
        assert len(outbox.keys) > 64
        counts.got.clear()
        assert session.shop is not None
        session.shop.rebuild("notification.outbox")
        assert_as_read_whole(session, live.documents("notification.outbox"))
        assert (counts.whole, counts.got) == (4, [])
    finally:
        session.close()


def test_a_watching_session_reads_whole_whenever_the_checkpoint_moved(
    tmp_path: Path,
) -> None:
    """Another program writes the documents and tells nobody which."""
    path = tmp_path / "live.db"
    session = started(path, "happy_path")
    watcher: Session | None = None
    try:
        session.run_until(10.0)
        watcher = open_session(path, follow=True)
        live = watcher.live_read_models
        answer = live.documents("sales.order_detail")
        assert_as_read_whole(watcher, answer)
        again = live.documents("sales.order_detail")
        assert again.keys is answer.keys  # nothing moved
        assert again.reads == 0
        session.run_until(14.0)
        moved = live.documents("sales.order_detail")
        assert moved.checkpoint > answer.checkpoint
        assert moved.reads == len(moved.keys) > len(answer.keys)
        assert_as_read_whole(watcher, moved)
    finally:
        if watcher is not None:
            watcher.close()
        session.close()


def test_patches_anywhere_in_the_key_order_equal_a_full_load() -> None:
    """Documents added, changed and removed at random keys, one by one or in bulk."""
    rng = random.Random(5)
    for shuffle in (0, 3, 1_000):
        documents: dict[str, JsonObject] = {
            f"k{rng.randrange(10_000):05d}": {"a": rng.random()} for _ in range(300)
        }
        kept = _Kept(1, "c")
        kept.load(documents, 1)
        for step in range(2, 30):
            changed: dict[str, JsonObject | None] = {}
            for _ in range(rng.randrange(1, 40)):
                key = f"k{rng.randrange(10_000):05d}"
                gone = key in documents and rng.random() < 0.4
                changed[key] = None if gone else {rng.choice("abc"): rng.random()}
            for key, document in changed.items():
                if document is None:
                    documents.pop(key, None)
                else:
                    documents[key] = document
            kept.patch(dict(sorted(changed.items())), step, shuffle)
            whole = _Kept(1, "c")
            whole.load(documents, step)
            assert (kept.keys, kept.texts) == (whole.keys, whole.texts), shuffle
            held = {name: n for name, n in kept.fields.items() if n}
            assert held == {name: n for name, n in whole.fields.items() if n}
