"""The ``ddd-sim`` command: errors become one clear line and exit code 2."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from ddd_sim import __version__
from ddd_sim.cli.gui import add_parser as add_gui_parser
from ddd_sim.cli.gui import gui_command
from ddd_sim.cli.simulation import add_parsers as add_simulation_parsers
from ddd_sim.cli.simulation import inspect_world, run_command
from ddd_sim.shared.errors import DddSimError, ValidationError

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ddd-sim",
        description=(
            "DDD Sim: watch event-sourced, saga-driven systems behave under failure. "
            "Without a command, opens the desktop workbench "
            "(the same as `ddd-sim gui`)."
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
    inspect.add_argument(
        "--db", metavar="STORE", default=argparse.SUPPRESS, help="overrides --db"
    )
    moment = inspect.add_mutually_exclusive_group()
    moment.add_argument(
        "--as-of", type=int, metavar="POSITION", help="the world as of a log position"
    )
    moment.add_argument(
        "--at", type=float, metavar="SIM_SECONDS", help="the world at a simulated time"
    )
    inspect.add_argument(
        "--json", action="store_true", help="print the world as one JSON object"
    )
    export = commands.add_parser(
        "export",
        help="write the whole log as CloudEvents JSON lines",
        description="Export every stored event as one CloudEvents 1.0 JSON line "
        "(to standard output, or atomically to --out).",
    )
    export.add_argument("store", nargs="?", metavar="STORE", help="overrides --db")
    export.add_argument(
        "--db", metavar="STORE", default=argparse.SUPPRESS, help="overrides --db"
    )
    export.add_argument(
        "--format",
        choices=("cloudevents", "cml", "dot"),
        default="cloudevents",
        help="the log as CloudEvents JSON lines (default), or the context map "
        "as Context Mapper CML or Graphviz DOT",
    )
    export.add_argument("--out", metavar="FILE", help="write here instead of stdout")
    export.add_argument(
        "--until-position",
        type=int,
        metavar="N",
        help="stop at global position N (the log as it was then)",
    )
    catalog = commands.add_parser(
        "catalog",
        help="print the context catalog, or export the context map",
        description="The bounded contexts with their teams, APIs, published "
        "languages, stores and relationship patterns.",
    )
    catalog.add_argument(
        "--format",
        choices=("text", "cml", "dot"),
        default="text",
        help="text (default), Context Mapper CML, or Graphviz DOT",
    )
    catalog.add_argument(
        "--impact",
        metavar="CONTEXT",
        help="what a change to CONTEXT reaches: consumers, sagas, read models",
    )
    commands.add_parser(
        "projections",
        help="list the read models with their handler versions and lag",
        description="Every projection: running handler version, versions known, "
        "checkpoint, lag in events and simulated ms, documents held. Lists them "
        "as they are, without catching up.",
    )
    rebuild = commands.add_parser(
        "rebuild",
        help="fold the log again into a read model and show what changed",
        description="Rebuild a projection from the whole log beside the running "
        "one, swap it in atomically, and print the diff against the old model. "
        "--version picks another handler version (a fix applied to the past).",
    )
    rebuild.add_argument("projection", metavar="PROJECTION")
    rebuild.add_argument("--version", type=int, metavar="N", help="handler version")
    add_simulation_parsers(commands)
    add_gui_parser(commands)
    commands.add_parser(
        "demo",
        help="write the pattern catalogue's examples (61-70, 77-80) into the store",
        description="Run examples 61-70 and 77-80 (event store, snapshots, "
        "temporal queries, upcasting, projections, CQRS, eventual consistency, "
        "read models, caching, context map, published language, catalog) against "
        "the session store and print what each one shows.",
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


def _write_atomically(out: str, write: Callable[[TextIO], int]) -> int:
    """Write to a temporary file beside ``out``, then rename it into place."""
    target = Path(out)
    if target.is_dir():
        raise ValidationError(f"--out {out} is a folder, not a file")
    if not target.parent.exists():
        raise ValidationError(f"--out {out}: folder {target.parent} does not exist")
    partial = target.with_name(f".{target.name}.partial")
    try:
        with partial.open("w", encoding="utf-8") as stream:
            count = write(stream)
        os.replace(partial, target)
    except OSError as exc:
        raise ValidationError(f"cannot write {out}: {exc.strerror}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return count


def _export(
    location: str | None,
    *,
    out: str | None,
    until: int | None,
    fast: bool,
    form: str = "cloudevents",
) -> int:
    from ddd_sim.bootstrap import PROCESS_STREAM_OWNERS, bootstrap
    from ddd_sim.integration.export import export_log

    if until is not None and until < 0:
        raise ValidationError(f"--until-position must not be negative, got {until}")
    if form != "cloudevents":
        text = _catalog(form, None) + "\n"

        def write_map(stream: TextIO) -> int:
            stream.write(text)
            return 1

        if out is None:
            sys.stdout.write(text)
            return 1
        _write_atomically(out, write_map)
        print(f"exported the context map as {form} to {out}", file=sys.stderr)
        return 1
    app = bootstrap(location, fast=fast)
    try:
        owners = {**app.shop.stream_owners, **PROCESS_STREAM_OWNERS}

        def context_of(stream_id: str) -> str:
            return owners.get(stream_id.split("-", 1)[0], "unowned")

        def write_log(stream: TextIO) -> int:
            return export_log(
                app.store, stream, context_of=context_of, until_position=until
            )

        if out is None:
            return write_log(sys.stdout)
        count = _write_atomically(out, write_log)
        print(f"exported {count} events to {out}", file=sys.stderr)
        return count
    finally:
        app.close()


def _catalog(form: str, impact: str | None) -> str:
    from ddd_sim.runtime.catalog import shop_catalog, to_cml, to_dot
    from ddd_sim.runtime.catalog.text import impact_text, to_text

    catalog = shop_catalog()
    if impact is not None:
        return impact_text(catalog.impact(impact))
    renderers = {"text": to_text, "cml": to_cml, "dot": to_dot}
    return renderers[form](catalog)


def _projections(location: str | None, *, fast: bool) -> str:
    from ddd_sim.bootstrap import bootstrap

    app = bootstrap(location, fast=fast)
    try:
        shop = app.shop
        lines = [
            f"{'projection':<26}{'version':>8}  {'known':<8}{'checkpoint':>11}"
            f"{'lag':>7}{'lag ms':>10}{'documents':>10}"
        ]
        for name in shop.projections.names():
            lag = shop.projections.lag(name)
            known = ",".join(f"v{v}" for v in sorted(shop.handler_versions[name]))
            documents = len(shop.projections.reader(name).all())
            lines.append(
                f"{name:<26}{'v' + str(lag.version):>8}  {known:<8}"
                f"{lag.checkpoint:>11}{lag.events:>7}{lag.sim_ms:>10g}{documents:>10}"
            )
        return "\n".join(lines)
    finally:
        app.close()


def _rebuild(
    location: str | None, projection: str, version: int | None, *, fast: bool
) -> str:
    import time

    from ddd_sim.bootstrap import bootstrap

    app = bootstrap(location, fast=fast)
    try:
        shown = [-1]

        def progress(done: int, total: int) -> bool:
            tenth = 10 * done // max(total, 1)
            if tenth > shown[0]:
                shown[0] = tenth
                print(f"  {projection}: {done}/{total}", file=sys.stderr)
            return True

        started = time.perf_counter()
        report = app.shop.rebuild(projection, version=version, progress=progress)
        took = time.perf_counter() - started
        lines = [
            f"rebuilt {projection} v{report.old_version} -> v{report.new_version} "
            f"from {report.events} events in {took:.2f} s: {report.diff.summary()}"
        ]
        for change in report.diff.changed[:20]:
            lines.append(
                f"  {change.key} {change.path}: {change.old!r} -> {change.new!r}"
            )
        lines += [f"  + {key}" for key in report.diff.added[:10]]
        lines += [f"  - {key}" for key in report.diff.removed[:10]]
        return "\n".join(lines)
    finally:
        app.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "demo":
            print("\n".join(_demo(args.db, fast=args.fast)))
        elif args.command in ("run", "resume"):
            return run_command(args)
        elif args.command == "export":
            _export(
                args.store or args.db,
                out=args.out,
                until=args.until_position,
                fast=args.fast,
                form=args.format,
            )
        elif args.command == "projections":
            print(_projections(args.db, fast=args.fast))
        elif args.command == "rebuild":
            print(_rebuild(args.db, args.projection, args.version, fast=args.fast))
        elif args.command == "catalog":
            print(_catalog(args.format, args.impact))
        elif args.command == "inspect":
            location = args.store or args.db
            if args.json or args.as_of is not None or args.at is not None:
                print(
                    inspect_world(
                        location,
                        as_of=args.as_of,
                        at=args.at,
                        as_json=args.json,
                        fast=args.fast,
                    )
                )
            else:
                print(_summary(location, verify=True, fast=args.fast))
        elif args.command == "gui":
            return gui_command(args)
        else:  # no command: the workbench, with its defaults
            plain = [*(["--db", args.db] if args.db else []), "gui"]
            return gui_command(_parser().parse_args(plain))
    except DddSimError as exc:
        print(f"ddd-sim: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (``ddd-sim export | head``): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
