"""The shop's command-line tools: export the log, print and export the catalog."""

from __future__ import annotations

from pathlib import Path

import pydot
import pytest

from ddd_sim.integration.export import read_export
from tests.unit.test_cli import run_cli


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    home = tmp_path_factory.mktemp("home")
    db = home / "s.db"
    done = run_cli("--db", str(db), "demo", home=home)
    assert done.returncode == 0, done.stderr
    return home, db


def test_export_writes_every_event_as_a_cloudevent_line(
    session: tuple[Path, Path],
) -> None:
    home, db = session
    out = home / "log.jsonl"
    result = run_cli("--db", str(db), "export", "--out", str(out), home=home)
    assert result.returncode == 0, result.stderr
    events = list(read_export(out.read_text(encoding="utf-8").splitlines()))
    head = int(
        run_cli("inspect", str(db), home=home).stdout.split("events:")[1].split()[0]
    )
    assert len(events) == head
    assert [e.position for e in events] == list(range(1, head + 1))
    contexts = {e.context for e in events}
    assert {"payment", "sales", "inventory", "customer"} <= contexts
    assert "unowned" not in contexts
    assert f"exported {head} events" in result.stderr
    shown = run_cli("--db", str(db), "export", "--until-position", "5", home=home)
    assert len(shown.stdout.splitlines()) == 5
    assert shown.stdout.splitlines() == out.read_text(encoding="utf-8").splitlines()[:5]


def test_a_failed_export_leaves_the_target_untouched(
    session: tuple[Path, Path],
) -> None:
    home, db = session
    for bad, message in (
        (str(home / "missing" / "x.jsonl"), "does not exist"),
        (str(home), "is a folder"),
    ):
        result = run_cli("--db", str(db), "export", "--out", bad, home=home)
        assert result.returncode == 2
        assert message in result.stderr
        assert "Traceback" not in result.stderr
    negative = run_cli("--db", str(db), "export", "--until-position", "-1", home=home)
    assert negative.returncode == 2
    assert "must not be negative" in negative.stderr
    assert not list(home.glob(".*.partial"))


@pytest.mark.filterwarnings(
    "ignore:'[A-Za-z]+' deprecated - use:DeprecationWarning:pydot"
)
def test_catalog_text_impact_cml_and_dot(tmp_path: Path) -> None:
    text = run_cli("catalog", home=tmp_path)
    assert text.returncode == 0, text.stderr
    assert "legacy_erp (bounded context" in text.stdout
    assert "downstream of legacy_erp: anticorruption layer" in text.stdout
    impact = run_cli("catalog", "--impact", "inventory", home=tmp_path)
    assert (
        "transitive consumers: analytics, billing, notification, sales, shipping"
        in (impact.stdout)
    )
    cml = run_cli("catalog", "--format", "cml", home=tmp_path)
    assert "ContextMap ShopContextMap {" in cml.stdout
    assert "LegacyERP [U]->[D,ACL] Inventory" in cml.stdout
    dot = run_cli("catalog", "--format", "dot", home=tmp_path)
    [graph] = pydot.graph_from_dot_data(dot.stdout)
    assert len(graph.get_nodes()) >= 10
    unknown = run_cli("catalog", "--impact", "warehouse", home=tmp_path)
    assert unknown.returncode == 2
    assert "unknown bounded context 'warehouse'; known contexts: analytics" in (
        unknown.stderr
    )


def test_projections_list_their_versions_and_lag_and_rebuild_shows_a_diff(
    session: tuple[Path, Path],
) -> None:
    home, db = session
    listed = run_cli("--db", str(db), "projections", home=home)
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[0]: line.split() for line in listed.stdout.splitlines()[1:]}
    assert len(rows) == 12
    assert rows["sales.order_list"][1] == "v1"
    rebuilt = run_cli("--db", str(db), "rebuild", "sales.order_list", home=home)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "rebuilt sales.order_list v1 -> v1 from 3 events" in rebuilt.stdout
    assert "0 added, 0 removed, 0 changed" in rebuilt.stdout
    assert "sales.order_list: " in rebuilt.stderr  # progress
    for args, message in (
        (("rebuild", "sales.order_list", "--version", "9"), "has no handler version 9"),
        (("rebuild", "nope"), "unknown projection 'nope' (known: analytics.sales"),
    ):
        failed = run_cli("--db", str(db), *args, home=home)
        assert failed.returncode == 2
        assert message in failed.stderr
        assert "Traceback" not in failed.stderr
