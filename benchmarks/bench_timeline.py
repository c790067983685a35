"""Timeline benchmark: the data side of a redraw while following a long live run.

A script, not a test.  The log of a stored session (``--db``; ``bench_asof.py
--db FILE --events 1000000`` makes one) is read once; the timeline's data is
filled with all but its last ``--frames`` x ``--frame-rows`` rows, and the
rest arrive ``--frame-rows`` at a time.  After each frame the numbers a
follow-mode redraw asks for are computed (the view is the whole run, as
``TimelinePanel._fit_range`` sets it): every kind's marks and the saga bars.
Each frame they are also computed the way the panel did before the occupancy
grid and the settled saga runs (every mark in view decimated, every saga
merged), the two timed in turns; every ``--check``-th frame the answers are
compared: marks by the (lane, pixel) cells they land on, saga bars by their
rectangles.

With ``--asof N`` the whole log is taken in and the slider is moved to N
random positions instead (the view still the whole run, as the panel keeps
it while following): at each, the numbers a redraw asks for are computed
the exact way (every mark in view decimated, every saga merged: what a
position before the head cost before the grid and the settled runs served
one) and the bounded way, timed in turns, and compared exactly: the same
marks, the same bars.  With ``--panel`` too, a timeline panel (offscreen)
is then shown the frames of those positions: its ``set_frame`` and redraw
are timed.

    python benchmarks/bench_timeline.py --db FILE
    python benchmarks/bench_timeline.py --db FILE --asof 400 [--panel]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from ddd_sim.bootstrap import open_session
from ddd_sim.gui.panels.timeline_columns import Bars
from ddd_sim.gui.panels.timeline_data import TimelineData, exact_marks
from ddd_sim.gui.panels.timeline_spans import saga_bars
from ddd_sim.runtime.session.rows import KINDS, EventRow
from ddd_sim.runtime.session.session import Session

BIN_PIXELS = 1.5  # as in the panel
PADDING = 0.02  # the panel's setXRange padding


def redraw(
    data: TimelineData,
    x0: float,
    x1: float,
    pixels: float,
    exact: bool,
    as_of: tuple[int, float] | None = None,
) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], dict[str, Bars]]:
    """What a redraw computes as of a (position, time), the head's by default."""
    position, now = as_of or (data.last_position, data.last_time)
    per_pixel = (x1 - x0) / pixels
    marks = {}
    for kind in KINDS:
        if exact:
            marks[kind] = exact_marks(
                data, kind, position, x0, x1, BIN_PIXELS * per_pixel
            )
        else:
            marks[kind] = data.marks(kind, position, x0, x1, BIN_PIXELS * per_pixel)
    width = 2 * per_pixel
    if exact:
        spans = data.sagas.spans(position, now)
        bars = saga_bars(spans, x0, x1, width, width / 2)
    else:
        bars = data.sagas.bars(position, now, x0, x1, width, width / 2)
    return marks, bars


def pixels_of(
    xs: np.ndarray, lanes: np.ndarray, x0: float, per_pixel: float
) -> set[tuple[int, int]]:
    """The (lane, pixel column) cells some marks land on."""
    columns = np.floor((xs - x0) / per_pixel).astype(np.int64)
    return set(zip(lanes.tolist(), columns.tolist(), strict=True))


def load(db: Path, into: Path) -> Session:
    """A copy of a stored session (in the folder ``into``), its log read."""
    copy = into / "bench.db"
    shutil.copyfile(db, copy)
    session = open_session(copy)
    session.catch_up()
    return session


def panel_moves(session: Session, chosen: list[EventRow]) -> list[float]:
    """The panel's ``set_frame`` and redraw (ms) at each position, shown offscreen.

    The panel is fed by a controller as in the workbench; once it has taken
    in the whole log and drawn the head, each position's frame is made
    first (the worker's part, not timed) and then handed to the panel.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Qt only for this part: the rest of the benchmark is the data alone
    from ddd_sim.gui.app import application, wait_until
    from ddd_sim.gui.controller import SessionController
    from ddd_sim.gui.panels.timeline import TimelinePanel

    application()
    controller = SessionController(session)
    wait_until(lambda: controller.frame is not None, timeout=120)
    controller.submit(lambda s: s.pause())
    panel = TimelinePanel(controller)
    panel.resize(1000, 520)
    panel.show()
    wait_until(lambda: panel.feed.primed and not panel.ingesting, timeout=600)
    panel.redraw()  # the head: grids and settled runs built
    took = []
    for row in chosen:
        frame = session.frame(row.position)
        tick = time.perf_counter()
        panel.set_frame(frame)
        panel.feed.flush()  # a redraw put off to a later turn: now
        took.append((time.perf_counter() - tick) * 1000)
    controller.shutdown()
    return took


def same_bars(got: dict[str, Bars], want: dict[str, Bars]) -> bool:
    """The same rectangles per group, in any order (exact merges round a little)."""

    def ordered(bars: Bars) -> np.ndarray:
        rows = np.column_stack((bars.x0, bars.x1, bars.y0, bars.y1))
        return rows[np.lexsort((rows[:, 0], rows[:, 2]))]

    return all(
        ordered(got[group]).shape == ordered(bars).shape
        and np.allclose(ordered(got[group]), ordered(bars), rtol=0, atol=1e-9)
        for group, bars in want.items()
    )


def summary(label: str, took: list[float]) -> str:
    times = sorted(took)
    return (
        f"{label:>24}: ms p50 {statistics.median(times):6.2f}  p95 "
        f"{times[int(0.95 * len(times))]:6.2f}  max {times[-1]:6.2f}"
    )


def as_of_positions(session: Session, args: argparse.Namespace) -> None:
    """Random slider positions over the whole log: exact vs bounded, compared."""
    rows = list(session.rows)
    data = TimelineData()
    for start in range(0, len(rows), 4_000):  # as the panel takes them in
        data.append(rows[start : start + 4_000])
    end = max(data.last_time, 1.0)
    x0, x1 = -PADDING * end, end * (1 + PADDING)
    tick = time.perf_counter()
    redraw(data, x0, x1, args.pixels, exact=False)
    print(
        f"first redraw at the head (grids, runs built): "
        f"{(time.perf_counter() - tick) * 1000:.1f} ms"
    )
    chosen = random.Random(args.seed).choices(rows, k=args.asof)
    took: dict[bool, list[float]] = {True: [], False: []}
    marks_differing = bars_differing = 0
    for turn, row in enumerate(chosen):
        as_of = (row.position, row.sim_time)
        answers = {}
        for exact in (turn % 2 == 0, turn % 2 == 1):
            tick = time.perf_counter()
            answers[exact] = redraw(data, x0, x1, args.pixels, exact, as_of)
            took[exact].append((time.perf_counter() - tick) * 1000)
        (marks, bars), (want_marks, want_bars) = answers[False], answers[True]
        marks_differing += not all(
            np.array_equal(got, want)
            for kind in KINDS
            for got, want in zip(marks[kind], want_marks[kind], strict=True)
        )
        bars_differing += not same_bars(bars, want_bars)
    print(f"{len(chosen)} random positions of {len(rows):,} rows, whole run in view:")
    print(summary("exact (before)", took[True]))
    print(summary("grid + runs as of (after)", took[False]))
    print(
        f"positions whose marks differ from exact: {marks_differing}; "
        f"whose saga bars differ: {bars_differing}"
    )
    if args.panel:
        took_panel = panel_moves(session, chosen)
        print(summary("panel set_frame + redraw", took_panel))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--frames", type=int, default=200)
    parser.add_argument("--frame-rows", type=int, default=250)
    parser.add_argument("--pixels", type=float, default=916.0)
    parser.add_argument("--check", type=int, default=25)
    parser.add_argument("--asof", type=int, default=0, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--panel", action="store_true", help="with --asof: time the panel too"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:  # the copy goes when done
        session = load(args.db, Path(folder))
        rows = list(session.rows)
        print(f"{len(rows):,} rows read in {time.perf_counter() - started:.1f} s")
        if args.asof:
            as_of_positions(session, args)
        else:
            following(rows, args)


def following(rows: list[EventRow], args: argparse.Namespace) -> None:
    """A live run's last frames: exact vs bounded, compared every few."""
    head = len(rows) - args.frames * args.frame_rows
    data = TimelineData()
    data.append(rows[:head])
    took: dict[bool, list[float]] = {True: [], False: []}
    mark_cells = mark_missing = mark_extra = 0
    bar_groups_differing = 0
    for frame in range(args.frames):
        begin = head + frame * args.frame_rows
        data.append(rows[begin : begin + args.frame_rows])
        end = max(data.last_time, 1.0)
        x0, x1 = -PADDING * end, end * (1 + PADDING)
        answers = {}
        # interleaved, in turns first, so both see the same machine load
        for exact in (frame % 2 == 0, frame % 2 == 1):
            tick = time.perf_counter()
            answers[exact] = redraw(data, x0, x1, args.pixels, exact)
            took[exact].append((time.perf_counter() - tick) * 1000)
        if frame % args.check:
            continue
        per_pixel = (x1 - x0) / args.pixels
        (marks, bars), (want_marks, want_bars) = answers[False], answers[True]
        for kind in KINDS:
            got = pixels_of(*marks[kind], x0, per_pixel)
            want = pixels_of(*want_marks[kind], x0, per_pixel)
            mark_cells += len(want)
            mark_missing += len(want - got)
            mark_extra += len(got - want)
        for group, want_group in want_bars.items():
            got_group = bars[group]
            same = len(got_group) == len(want_group) and all(
                np.allclose(getattr(got_group, f), getattr(want_group, f))
                for f in ("x0", "x1", "y0", "y1")
            )
            bar_groups_differing += not same
    for exact, mode in ((True, "exact (before)"), (False, "grid + runs (after)")):
        # the first redraw builds the grids and runs from every row so far
        first, times = took[exact][0], sorted(took[exact][1:])
        print(
            f"{mode:>20}: first {first:.2f} ms; the next {len(times)}: ms p50 "
            f"{statistics.median(times):.2f}  p95 {times[int(0.95 * len(times))]:.2f}"
            f"  max {times[-1]:.2f}"
        )
    print(
        f"marks vs exact: {mark_cells:,} (lane, pixel) cells, {mark_missing} "
        f"missing, {mark_extra} extra; saga bar groups differing: "
        f"{bar_groups_differing}"
    )


if __name__ == "__main__":
    main()
