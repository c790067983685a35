"""``ddd-sim run``, ``resume``, ``inspect`` and ``export`` as a user types them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ddd_sim.bootstrap import build_registry, open_simulation, projection_names
from ddd_sim.cli import main
from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.sim.scenario import parse_scenario
from tests.simulation.support import small_scenario

FAULTS = """
[[faults]]
target = "payment"
kind = "decline"
from = 4.0
until = 6.0
"""


def _scenario(tmp_path: Path, **options: object) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(small_scenario(extra=FAULTS, **options))  # type: ignore[arg-type]
    return path


def _events(location: str | Path) -> int:
    store = open_store(str(location), upcasters=build_registry().upcasters)
    try:
        return store.head_position()
    finally:
        store.close()


def test_run_prints_the_summary_and_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "run.db"
    assert main(["run", str(_scenario(tmp_path)), "--db", str(db), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    for key in (
        "scenario",
        "seed",
        "sim_time",
        "events",
        "log_sha256",
        "orders",
        "sagas",
        "faults_injected",
        "invariants",
        "ok",
    ):
        assert key in summary
    assert set(summary["orders"]) >= {"placed", "completed", "cancelled", "in_flight"}
    assert set(summary["sagas"]) >= {"started", "completed", "compensated", "in_flight"}
    assert summary["ok"] is True
    assert all(summary["invariants"].values())
    assert summary["faults_injected"] == 1
    assert summary["events"] == _events(db)


def test_a_seed_on_the_command_line_overrides_the_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _scenario(tmp_path)
    digests = []
    for name, seed in (("a", "3"), ("b", "3"), ("c", "4")):
        db = tmp_path / f"{name}.db"
        assert main(["run", str(path), "--db", str(db), "--seed", seed, "--json"]) == 0
        summary = json.loads(capsys.readouterr().out)
        assert summary["seed"] == int(seed)
        digests.append(summary["log_sha256"])
    assert digests[0] == digests[1] != digests[2]


def test_resume_finishes_an_interrupted_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "resumed.db"
    scenario = parse_scenario(
        small_scenario(extra=FAULTS), "s.toml", projections=projection_names()
    )
    sim = open_simulation(str(db), scenario)
    sim.run(until=5.0)  # as if the process had died here
    sim.store.close()
    before = _events(db)
    assert main(["resume", "--db", str(db), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ok"] is True
    assert summary["drained"] is True
    assert summary["events"] > before
    # a finished run resumes to nothing new: it only reports again
    assert main(["resume", "--db", str(db), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["log_sha256"] == summary["log_sha256"]


def test_inspect_shows_the_world_as_of_a_moment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "inspected.db"
    assert main(["run", str(_scenario(tmp_path)), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["inspect", "--db", str(db), "--as-of", "40", "--json"]) == 0
    early = json.loads(capsys.readouterr().out)
    assert early["position"] == 40
    for key in (
        "sim_time",
        "orders",
        "stock",
        "wallets",
        "sagas",
        "projections",
        "breakers",
    ):
        assert key in early
    assert main(["inspect", "--db", str(db), "--at", "5.0", "--json"]) == 0
    at_five = json.loads(capsys.readouterr().out)
    assert at_five["sim_time"] == 5.0
    assert main(["inspect", "--db", str(db), "--json"]) == 0
    final = json.loads(capsys.readouterr().out)
    assert final["position"] == _events(db)
    assert len(final["orders"]) >= len(at_five["orders"]) >= len(early["orders"])
    product = final["stock"]["PROD-001"]
    assert set(product) >= {"available", "reserved"}
    saga = final["sagas"][0]
    assert set(saga) >= {"id", "order", "status", "steps", "compensations"}
    assert set(saga["steps"][0]) >= {"name", "status", "at"}
    assert main(["inspect", "--db", str(db), "--at", "5.0"]) == 0
    assert "sim time 5.000 s" in capsys.readouterr().out


def test_export_writes_the_log_or_the_map(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "exported.db"
    assert main(["run", str(_scenario(tmp_path)), "--db", str(db)]) == 0
    out = tmp_path / "log.jsonl"
    assert (
        main(["export", "--db", str(db), "--format", "cloudevents", "--out", str(out)])
        == 0
    )
    lines = out.read_text().splitlines()
    assert len(lines) == _events(db)
    assert json.loads(lines[0])["type"].endswith(".RunStarted")
    capsys.readouterr()
    assert main(["export", "--db", str(db), "--format", "cml"]) == 0
    assert "ContextMap" in capsys.readouterr().out
    assert main(["export", "--db", str(db), "--format", "dot"]) == 0
    assert capsys.readouterr().out.startswith("digraph")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "happy_path"], "needs --db"),
        (["run", "no_such_scenario", "--db", "{db}"], "no scenario file or built-in"),
        (["resume", "--db", "{db}"], "no simulation run to resume"),
        (["inspect", "--db", "{db}", "--as-of", "-1"], "must not be negative"),
        (["inspect", "--db", "{db}", "--as-of", "99999"], "past the end of the log"),
    ],
)
def test_bad_requests_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    db = tmp_path / "empty.db"
    assert main([a.replace("{db}", str(db)) for a in args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_a_run_never_overwrites_a_store_that_holds_events(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "used.db"
    path = _scenario(tmp_path)
    assert main(["run", str(path), "--db", str(db)]) == 0
    before = _events(db)
    assert main(["run", str(path), "--db", str(db)]) == 2
    assert "already holds events" in capsys.readouterr().err
    assert _events(db) == before


def test_a_malformed_scenario_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(small_scenario(rate=-1.0))
    db = tmp_path / "never.db"
    assert main(["run", str(bad), "--db", str(db)]) == 2
    assert "bad.toml: load[0].rate" in capsys.readouterr().err
    assert not db.exists()


@pytest.mark.postgres
def test_run_and_inspect_on_postgresql(
    pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(_scenario(tmp_path)), "--db", pg_url, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["ok"] is True
    assert main(["inspect", "--db", pg_url, "--at", "3.0", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["sim_time"] == 3.0
