"""Fixtures shared by the hostile-file tests: one pristine store, private copies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.reliability._hostile import build_pristine


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real store with data, built once per module; never modified."""
    return build_pristine(tmp_path_factory.mktemp("pristine") / "session.db")


@pytest.fixture
def session(pristine: Path, tmp_path: Path) -> Path:
    """A private copy of the pristine store."""
    return Path(shutil.copy(pristine, tmp_path / "session.db"))
