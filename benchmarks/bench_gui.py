"""Workbench benchmark: a large session's slider, a live run's event loop, memory.

A script, not a test: run it on demand (offscreen works) and read the table.

1. **Open**: a session file holding a run (``--db``; ``bench_asof.py --db
   FILE --events 1000000`` makes one) is opened, its log folded, the window
   shown; "interactive" is when the first frame has been rendered.  The
   window is then closed and deleted: the live part runs with one session in
   memory (without ``--db`` only the live part runs).
2. **Slider**: ``--moves`` random positions.  For each, the as-of world is
   computed (what the worker does) and the window renders that frame and
   repaints (what the GUI thread does), timed apart.
3. **Live**: a new run at ``--rate`` orders per simulated second (or the
   built-in ``--live-scenario``) plays at speed 1 for ``--live-seconds`` wall
   seconds, the GUI thread in a Qt event loop as in the app; a 2 ms timer on
   it measures how late the event loop serves it (stalls).
4. **Memory**: peak resident set size.

Targets (issue 5): as-of p95 <= 16 ms, repaint p95 <= 50 ms, stalls p99 <= 20
ms and max <= 50 ms, open to interactive <= 3 s, RSS <= 1.5 GB.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui.py --db FILE
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import shutil
import statistics
import tempfile
import time
import weakref
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QEvent, QEventLoop, QTimer

from ddd_sim.bootstrap import open_session, projection_names
from ddd_sim.gui.app import application, open_window, wait_until
from ddd_sim.gui.main_window import MainWindow
from ddd_sim.gui.opening import OpenRequest
from ddd_sim.runtime.session.rows import Frame
from ddd_sim.runtime.session.session import Session
from ddd_sim.sim.scenario import (
    Scenario,
    builtin_scenario,
    load_scenario,
    parse_scenario,
)

LIVE = """
name = "live benchmark"
seed = 5
duration = 600.0
saga = "orchestrated"

{products}
{customers}
[[load]]
rate = {rate}
max_quantity = 2
"""


def no_opener(request: OpenRequest, progress: object) -> Session:
    raise RuntimeError("the benchmark opens no other session")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def row(label: str, values: list[float]) -> str:
    return (
        f"{label:<38}{statistics.median(values):>9.2f}{percentile(values, 0.95):>9.2f}"
        f"{percentile(values, 0.99):>9.2f}{max(values):>9.2f}"
    )


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


PANEL_MS: dict[str, list[float]] = {}


def timed_panels(window: MainWindow) -> None:
    """Time every panel's ``set_frame`` (to find the slow one)."""
    for name, panel in window.panels.items():
        original = panel.set_frame

        def timed(frame: Frame, _name: str = name, _call: Any = original) -> None:
            t0 = time.perf_counter()
            _call(frame)
            PANEL_MS.setdefault(_name, []).append((time.perf_counter() - t0) * 1000)

        panel.set_frame = timed


def close_window(window: MainWindow) -> None:
    """Close a window and let Qt delete it (its session closes with it)."""
    window.close()
    window.deleteLater()
    # processEvents() leaves deferred deletes alone: deliver them now
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    wait_until(lambda: False, timeout=0.2)


def open_and_scrub(db: Path, moves: int) -> tuple[list[str], weakref.ref[Session]]:
    started = time.perf_counter()
    session = open_session(db, fold=False)  # as the workbench opens a session
    window = open_window(session, no_opener, remember_layout=False)
    timed_panels(window)
    window.resize(1600, 1000)
    window.show()
    controller = window.controller
    wait_until(lambda: controller.frame is not None, timeout=120)
    wait_until(lambda: False, timeout=0.05)
    interactive = time.perf_counter() - started

    def folded_all() -> bool:
        frame = controller.frame
        return frame is not None and frame.figures.head >= frame.figures.stored_head

    wait_until(folded_all, timeout=600)
    folded = time.perf_counter() - started
    controller.submit(lambda s: s.pause())
    wait_until(lambda: False, timeout=0.2)
    head = session.index.head
    rng = random.Random(7)
    as_of, repaint = [], []
    for _ in range(moves):
        position = rng.randint(1, head)
        t0 = time.perf_counter()
        frame = session.frame(
            position
        )  # the worker is idle (paused): safe to time here
        t1 = time.perf_counter()
        window.set_frame(frame)
        window.render_pending()  # every panel's turn, as the event loop would
        window.repaint()
        t2 = time.perf_counter()
        as_of.append((t1 - t0) * 1000)
        repaint.append((t2 - t1) * 1000)
    close_window(window)
    return [
        f"session: {db} ({head:,} events)",
        f"open: interactive after {interactive:.2f} s, whole log folded after "
        f"{folded:.2f} s",
        f"{'ms':<38}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}",
        row("slider: as-of world", as_of),
        row("slider: render + repaint", repaint),
    ], weakref.ref(session)


def live_scenario(rate: float, name: str | None) -> Scenario:
    """A built-in scenario by name, or orders at ``rate`` over a large shop."""
    if name is not None:
        return load_scenario(builtin_scenario(name), projections=projection_names())
    products = "\n".join(
        f'[[products]]\nid = "PROD-{i:03d}"\nstock = 100000000\nprice = "{10 + i}.00"\n'
        for i in range(20)
    )
    customers = "\n".join(
        f'[[customers]]\nid = "CUST-{i:03d}"\nbalance = "1000000000.00"\n'
        for i in range(50)
    )
    text = LIVE.format(rate=rate, products=products, customers=customers)
    return parse_scenario(text, "live.toml", projections=projection_names())


def live_stalls(
    rate: float, seconds: float, name: str | None = None, db: Path | None = None
) -> list[str]:
    if db is not None:  # a copy of a stored, unfinished run, carried on live
        copy = Path(tempfile.mkdtemp()) / "live.db"
        shutil.copyfile(db, copy)
        session = open_session(copy)
    else:
        scenario = live_scenario(rate, name)
        session = open_session(
            Path(tempfile.mkdtemp()) / "live.db", scenario, fast=True
        )
    window = open_window(session, no_opener, remember_layout=False)
    timed_panels(window)
    window.resize(1600, 1000)
    window.show()
    controller = window.controller
    wait_until(lambda: controller.frame is not None)
    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    def beat() -> None:
        now = clock.nsecsElapsed()
        gaps.append(max(0.0, (now - last[0]) / 1e6 - 2.0))
        last[0] = now

    timer = QTimer()
    timer.setInterval(2)
    timer.timeout.connect(beat)
    timer.start()
    controller.submit(lambda s: s.play())
    # the event loop the app runs (app.exec): wait_until's sleeps would be
    # counted as stalls of the GUI's own making
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    timer.stop()
    figures = controller.frame.figures if controller.frame else None
    close_window(window)
    sim_time = figures.sim_time if figures else 0.0
    head = figures.head if figures else 0
    what = f"{db.name} carried on" if db is not None else name or f"{rate:g} orders/s"
    return [
        f"live: {what} simulated for {seconds:g} s wall: "
        f"reached t = {sim_time:.1f} s simulated, {head:,} events",
        row("GUI event-loop stall", gaps),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, help="a session to open and scrub")
    parser.add_argument("--moves", type=int, default=100)
    parser.add_argument("--rate", type=float, default=500.0)
    parser.add_argument("--live-seconds", type=float, default=10.0)
    parser.add_argument(
        "--live-scenario", help="run a built-in scenario live instead of --rate"
    )
    parser.add_argument(
        "--live-db",
        type=Path,
        help="carry on a copy of a stored, unfinished run live instead (a large "
        "one: bench_read_asof.py --make-running EVENTS --db FILE)",
    )
    args = parser.parse_args()
    application()
    lines: list[str] = []
    if args.db is not None:
        lines, first = open_and_scrub(args.db, args.moves)
        # the live part measures one session in memory: the first must be gone
        gc.collect()
        if first() is not None:
            raise SystemExit("the first session is still referenced after closing")
    lines += live_stalls(args.rate, args.live_seconds, args.live_scenario, args.live_db)
    lines.append(f"peak RSS {peak_mb():,.0f} MB")
    lines.append("set_frame per panel, ms (all frames of both parts):")
    for name, values in sorted(PANEL_MS.items()):
        lines.append(row(f"  {name}", values))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
