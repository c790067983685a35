"""The ``ddd-sim`` command: errors become one clear line and exit code 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ddd_sim import __version__
from ddd_sim.shared.errors import DddSimError

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ddd-sim",
        description=(
            "DDD Sim: watch event-sourced, saga-driven systems behave under failure. "
            "Without a command, opens the session store and shows what it holds "
            "(the desktop workbench arrives in a later release)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"ddd-sim {__version__}")
    parser.add_argument(
        "--db",
        metavar="STORE",
        help="session file path, sqlite:///PATH or postgresql://… "
        "(default: a session.db in your user data folder)",
    )
    parser.add_argument(
        "--fast",
        action="store_true",
        help="fast durability (SQLite synchronous=NORMAL): an app crash loses "
        "nothing, a power cut or OS crash may lose the last transactions",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    inspect = commands.add_parser(
        "inspect",
        help="verify every event's checksum and summarise the store",
        description="Read the whole log, verify every checksum, summarise streams.",
    )
    inspect.add_argument("store", nargs="?", metavar="STORE", help="overrides --db")
    commands.add_parser(
        "demo",
        help="write the pattern catalogue's wallet examples (61-65) into the store",
        description="Run examples 61-65 (event store, snapshots, temporal queries, "
        "upcasting, projections) against the session store and print the answers.",
    )
    return parser


def _summary(location: str | None, *, verify: bool, fast: bool) -> str:
    from ddd_sim.bootstrap import bootstrap

    app = bootstrap(location, fast=fast)
    try:
        store = app.store
        streams = store.streams()
        head = store.head_position()
        lines = [
            f"store:    {app.location}",
            f"mode:     {app.durability}",
            f"events:   {head}",
            f"streams:  {len(streams)}",
        ]
        if verify:
            count = sum(1 for _ in store.read_all(raw=True))
            lines.append(f"verified: {count} event checksums, all intact")
        for info in streams[:10]:
            lines.append(f"  {info.stream_id}  v{info.version}")
        if len(streams) > 10:
            lines.append(f"  … and {len(streams) - 10} more streams")
        return "\n".join(lines)
    finally:
        app.close()


def _demo(location: str | None, *, fast: bool) -> list[str]:
    from ddd_sim.bootstrap import bootstrap
    from ddd_sim.demo import run_demo

    app = bootstrap(location, fast=fast)
    try:
        return run_demo(app)
    finally:
        app.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            print("\n".join(_demo(args.db, fast=args.fast)))
        elif args.command == "inspect":
            print(_summary(args.store or args.db, verify=True, fast=args.fast))
        else:
            print(f"DDD Sim {__version__}")
            print(_summary(args.db, verify=False, fast=args.fast))
    except DddSimError as exc:
        print(f"ddd-sim: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
