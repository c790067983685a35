"""The command line as a user meets it: help, version, clear errors, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from ddd_sim import __version__
from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.shared.events import NewEvent


def run_cli(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_DATA_HOME": str(home), "HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "ddd_sim", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_help_and_version(tmp_path: Path) -> None:
    shown = run_cli("--help", home=tmp_path)
    assert shown.returncode == 0
    assert "inspect" in shown.stdout
    version = run_cli("--version", home=tmp_path)
    assert version.stdout.strip() == f"ddd-sim {__version__}"


def test_no_command_means_the_workbench(tmp_path: Path) -> None:
    shown = run_cli("--help", home=tmp_path)
    assert "Without a command, opens the desktop workbench" in shown.stdout


def test_inspect_verifies_a_real_store(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = open_store(path)
    store.append(
        "Account-ACC-1",
        [NewEvent(event_id=uuid.uuid4(), type="X", payload={"n": i}) for i in range(5)],
    )
    store.close()
    result = run_cli("inspect", str(path), home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "verified: 5 event checksums, all intact" in result.stdout
    assert "Account-ACC-1  v5" in result.stdout


def test_bad_files_exit_2_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("hello, not a database\n")
    before = junk.read_bytes()
    result = run_cli("inspect", str(junk), home=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "not a SQLite database" in result.stderr
    assert junk.read_bytes() == before
    missing_dir = run_cli("inspect", str(tmp_path / "nope" / "x.db"), home=tmp_path)
    assert missing_dir.returncode == 2
    assert "folder does not exist" in missing_dir.stderr
    bad_url = run_cli("inspect", "mysql://x/y", home=tmp_path)
    assert bad_url.returncode == 2
    assert "unsupported store location" in bad_url.stderr


def test_durability_mode_is_labelled(tmp_path: Path) -> None:
    full = run_cli("inspect", str(tmp_path / "a.db"), home=tmp_path)
    assert "mode:     full (synchronous=FULL" in full.stdout
    fast = run_cli("--fast", "inspect", str(tmp_path / "b.db"), home=tmp_path)
    assert "mode:     fast (synchronous=NORMAL" in fast.stdout


@pytest.mark.postgres
def test_a_postgresql_store_by_url(tmp_path: Path, pg_url: str) -> None:
    result = run_cli("inspect", pg_url, home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "mode:     server" in result.stdout
    assert "events:   0" in result.stdout


def test_an_unreachable_server_is_one_line(tmp_path: Path) -> None:
    result = run_cli("inspect", "postgresql://nobody@127.0.0.1:1/none", home=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "cannot reach PostgreSQL" in result.stderr


def test_demo_writes_the_catalogue_examples_and_reruns(tmp_path: Path) -> None:
    first = run_cli("demo", home=tmp_path)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert "61 event store: balance 1300.00 USD at version 3" in lines
    assert any(
        "balance 3490.00 USD at version 250, from the snapshot at 200 + 50 events"
        in line
        for line in lines
    )
    assert any("balance as of t=2.5 was 1500.00 USD" in line for line in lines)
    assert any("stored v1" in line and "reads as v2" in line for line in lines)
    assert any(
        "(lag 0 events): ACC-DEMO-001 deposits 1500.00 USD, withdrawals 200.00 USD, "
        "balance 1300.00 USD, 3 transactions" in line
        for line in lines
    )
    shop = "\n".join(
        line for line in lines if line[:2] in {"66", "67", "68", "69", "70"}
    )
    assert "GetOrder before the projection ran: not in the read model yet" in shop
    assert "order list stalled, 1 event(s) and 1000 sim ms behind" in shop
    assert "timed out (read model sales.order_list (stalled)" in shop
    assert "finds ACC-D1 (balance over 10,000)" in shop
    assert "ORD-D1-2 pending payment (ORD-D1-1 was cancelled" in shop
    assert "MISS → HIT → INVALIDATED → MISS" in shop
    assert (
        "the fix reaches the past: 0 added, 0 removed, 1 changed (7 values), e.g. "
        "ACC-D1 currencies.USD.balance 10501.00 -> 10351.00" in first.stdout
    )
    assert "3 to import, 1 skipped, 7 rejected at the boundary" in first.stdout
    assert "version 3 is not supported by this consumer (reads 1)" in first.stdout
    assert "example 80: Customer affects Billing and Sales" in first.stdout
    again = run_cli("demo", home=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "ACC-DEMO-003 and ACC-DEMO-004" in again.stdout
    assert "ACC-DEMO-003 deposits 1500.00 USD" in again.stdout
    assert "0 to import, 4 skipped, 7 rejected" in again.stdout
    assert "orders for invoicing: ORD-D2-2 pending payment" in again.stdout
