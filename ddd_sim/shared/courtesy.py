"""Long simulation work gives way, between small steps, to a thread that asks.

The workbench's window and its simulation thread share one interpreter
lock.  While both run Python, every call the window makes into Qt hands the
lock over and has to win it back: a timeline paint of 8 ms took 20-70 ms
beside a busy run.  So the window asks for the right of way while it does a
piece of its work, and the simulation calls :func:`give_way` between two
scheduled actions, two handled events, two published messages or two rows
folded: the hook installed there waits (bounded) until the window is done.

The lock is the whole process's, so the hook is too.  Headless runs install
none and pay one test per step.
"""

from __future__ import annotations

from collections.abc import Callable

_hook: list[Callable[[], None]] = []


def give_way() -> None:
    """Let a thread that asked for the right of way finish first (if one did)."""
    if _hook:
        _hook[0]()


def install(hook: Callable[[], None]) -> None:
    """Call ``hook`` at every :func:`give_way` until :func:`uninstall`."""
    _hook.insert(0, hook)


def uninstall(hook: Callable[[], None]) -> None:
    """Stop calling ``hook`` (the one installed before it, if any, is used again)."""
    if hook in _hook:
        _hook.remove(hook)
