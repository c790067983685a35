"""Writing what the workbench shows to files: the log, the context map.

Every file is written beside its target and renamed into place, so a
failed export never leaves a half-written file behind.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from ddd_sim.integration.export import export_log
from ddd_sim.runtime.catalog import shop_catalog, to_cml, to_dot
from ddd_sim.runtime.session.session import Session
from ddd_sim.shared.errors import DddSimError


class ExportError(DddSimError):
    """An export could not be written."""


def write_atomically(target: Path, write: Callable[[TextIO], int]) -> int:
    """Write through a temporary file beside ``target``, then rename it over."""
    target = Path(target)
    if target.is_dir():
        raise ExportError(f"{target} is a folder, not a file")
    if not target.parent.exists():
        raise ExportError(
            f"cannot write {target}: folder {target.parent} does not exist"
        )
    partial = target.with_name(f".{target.name}.partial")
    try:
        with partial.open("w", encoding="utf-8") as stream:
            count = write(stream)
        os.replace(partial, target)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return count


def export_session_log(
    session: Session, target: Path, *, until_position: int | None = None
) -> int:
    """The log (up to a position) as CloudEvents JSON lines; how many written."""

    def context_of(stream_id: str) -> str:
        return session.context_of(stream_id) or "simulation"

    return write_atomically(
        target,
        lambda out: export_log(
            session.store, out, context_of=context_of, until_position=until_position
        ),
    )


def export_context_map(target: Path, form: str) -> None:
    """The context map as Context Mapper CML or Graphviz DOT."""
    renderers = {"cml": to_cml, "dot": to_dot}
    if form not in renderers:
        raise ExportError(f"unknown map format {form!r} (cml or dot)")
    text = renderers[form](shop_catalog()) + "\n"

    def write(out: TextIO) -> int:
        out.write(text)
        return 1

    write_atomically(target, write)
