"""``ddd-sim gui``: scripted runs render the window; bad input is one line, exit 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

from tests.gui.test_main_window import distinct_colours


def run_gui(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(home),
        "XDG_CONFIG_HOME": str(home),
        "HOME": str(home),
        "QT_QPA_PLATFORM": "offscreen",
    }
    return subprocess.run(
        [sys.executable, "-m", "ddd_sim", "gui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_a_scripted_run_saves_a_screenshot_of_the_world_then(tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    result = run_gui(
        "--db",
        str(tmp_path / "run.db"),
        "--scenario",
        "shipping_failure",
        "--run-until",
        "20",
        "--at",
        "10",
        "--select",
        "payment",
        "--screenshot",
        str(shot),
        "--size",
        "1280x800",
        "--quit",
        home=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1280, 800)
    assert distinct_colours(image) > 40


def test_the_default_session_starts_the_happy_path(tmp_path: Path) -> None:
    result = run_gui("--screenshot", str(tmp_path / "s.png"), "--quit", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "ddd-sim" / "workbench.db").is_file()


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    for args, message in (
        (("--db", "mysql://x/y"), "unsupported store location"),
        (("--db", str(tmp_path / "a.db"), "--scenario", "nope"), "no scenario file"),
        (("--select", "warehouse"), "'warehouse' is not a context"),
        (("--size", "big"), "--size must be WIDTHxHEIGHT"),
    ):
        result = run_gui(*args, "--quit", home=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.strip().count("\n") == 0
