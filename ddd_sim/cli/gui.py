"""``ddd-sim gui`` (and ``ddd-sim`` alone): the desktop workbench.

This module is the workbench's composition root: it turns an
:class:`~ddd_sim.gui.opening.OpenRequest` into a session (the GUI never
builds stores) and hands the GUI that opener.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import platformdirs

from ddd_sim.gui.main_window import PANELS
from ddd_sim.gui.opening import OpenRequest, Progress
from ddd_sim.runtime.session.session import Session
from ddd_sim.shared.errors import ValidationError

DEFAULT_SCENARIO = "happy_path"
SAGA_MODES = ("orchestrated", "choreographed", "process_manager")
PANEL_NAMES = tuple(module for module, _, _ in PANELS)


def default_workbench_store() -> Path:
    """Where the workbench keeps its session when the user names none."""
    return platformdirs.user_data_path("ddd-sim", appauthor=False) / "workbench.db"


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``gui`` to the command line."""
    gui = commands.add_parser(
        "gui",
        help="open the desktop workbench (the default without a command)",
        description=(
            "Open the workbench on a session: a new run of --scenario, the run a "
            "store holds (resumed, paused), or with --follow a store another "
            "program is writing (read-only)."
        ),
    )
    add_gui_options(gui)


def add_gui_options(parser: argparse.ArgumentParser) -> None:
    """The workbench's options (shared by ``gui`` and the bare command)."""
    parser.add_argument(
        "--db",
        metavar="STORE",
        default=argparse.SUPPRESS,
        help="session file path or postgresql://… URL "
        "(default: workbench.db in your user data folder)",
    )
    parser.add_argument(
        "--scenario",
        metavar="FILE_OR_NAME",
        help="start a new run of a scenario file or built-in scenario",
    )
    parser.add_argument("--seed", type=int, help="the new run's seed")
    parser.add_argument("--saga", choices=SAGA_MODES, help="the new run's saga mode")
    parser.add_argument(
        "--follow",
        action="store_true",
        help="watch a store another program writes, read-only",
    )
    parser.add_argument(
        "--run-until",
        type=float,
        metavar="SIM_SECONDS",
        help="run the simulation to this simulated time before showing it",
    )
    parser.add_argument(
        "--at",
        type=float,
        metavar="SIM_SECONDS",
        help="show the world as it was at this simulated time",
    )
    parser.add_argument(
        "--select", metavar="CONTEXT", help="select a context (lights its impact set)"
    )
    parser.add_argument(
        "--show",
        action="append",
        choices=PANEL_NAMES,
        default=[],
        metavar="PANEL",
        help=f"bring a panel to the front (repeatable): {', '.join(PANEL_NAMES)}",
    )
    parser.add_argument(
        "--focus",
        choices=PANEL_NAMES,
        metavar="PANEL",
        help="give one panel the whole window (View → Focus on; Escape undoes it)",
    )
    parser.add_argument(
        "--event",
        type=int,
        metavar="POSITION",
        help="select the log entry at POSITION (lights its correlation and causes)",
    )
    parser.add_argument(
        "--screenshot", metavar="FILE.png", help="save the window to a PNG"
    )
    parser.add_argument(
        "--quit", action="store_true", help="quit after the screenshot (for scripts)"
    )
    parser.add_argument(
        "--size",
        default="1600x1000",
        metavar="WxH",
        help="window size for the screenshot (default 1600x1000)",
    )


def with_saga(text: str, saga: str) -> str:
    """A scenario's TOML with its top-level ``saga`` set to ``saga``."""
    if saga not in SAGA_MODES:
        raise ValidationError(
            f"saga must be one of {', '.join(SAGA_MODES)}, got {saga!r}"
        )
    line = f'saga = "{saga}"'
    pattern = re.compile(r"^saga\s*=.*$", re.MULTILINE)
    first_table = re.search(r"^\s*\[", text, re.MULTILINE)
    head_end = first_table.start() if first_table else len(text)
    if pattern.search(text[:head_end]):
        return pattern.sub(line, text[:head_end], count=1) + text[head_end:]
    return f"{line}\n{text}"


def open_request(request: OpenRequest, progress: Progress) -> Session:
    """Open what a request names (the workbench's one way to get a session)."""
    from ddd_sim.bootstrap import open_session, projection_names
    from ddd_sim.cli.simulation import _scenario_path
    from ddd_sim.sim.scenario import parse_scenario, read_scenario_text

    scenario = None
    if request.scenario is not None:
        path = _scenario_path(request.scenario)
        text = read_scenario_text(path)
        if request.saga is not None:
            text = with_saga(text, request.saga)
        scenario = parse_scenario(text, str(path), projections=projection_names())
    location = request.location
    if not location.startswith(("postgresql", "postgres:", "sqlite:", "memory:")):
        Path(location).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return open_session(
        location,
        scenario,
        seed=request.seed,
        follow=request.follow,
        fold=False,  # the window folds the log in slices, usable meanwhile
        progress=progress,
    )


def gui_command(args: argparse.Namespace) -> int:
    """Open the workbench as the options say; the exit code."""
    from ddd_sim.gui.app import GuiOptions, run_gui

    location = getattr(args, "db", None)
    scenario = args.scenario
    if location is None:
        location = str(default_workbench_store())
        if scenario is None and not Path(location).exists():
            scenario = DEFAULT_SCENARIO
    if args.select is not None:
        from ddd_sim.runtime.catalog import shop_catalog

        known = sorted(shop_catalog().names)
        if args.select not in known:
            raise ValidationError(
                f"--select {args.select!r} is not a context (known: {', '.join(known)})"
            )
    if args.event is not None and args.event < 1:
        raise ValidationError(f"--event must be a log position ≥ 1, got {args.event}")
    width, _, height = str(args.size).partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise ValidationError(f"--size must be WIDTHxHEIGHT, got {args.size!r}")
    options = GuiOptions(
        request=OpenRequest(
            location=str(location),
            scenario=scenario,
            seed=args.seed,
            saga=args.saga,
            follow=args.follow,
        ),
        run_until=args.run_until,
        at=args.at,
        select=args.select,
        show=tuple(args.show),
        focus=args.focus,
        event=args.event,
        screenshot=args.screenshot,
        quit=args.quit,
        size=(int(width), int(height)),
    )
    return run_gui(options, open_request)
