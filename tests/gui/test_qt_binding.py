"""The Qt binding must not leak: PySide6 6.12.0 dropped a reference to True per emit.

On Python 3.11 a few thousand emits from Python then abort the interpreter
(``bool_dealloc``): the workbench emits on every frame and every query, so
that would end a session within minutes.  ``pyproject.toml`` excludes that
version; this test catches any other that does the same.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    ticked = Signal(int)


def test_emitting_a_signal_keeps_every_reference() -> None:
    emitter = _Emitter()
    received: list[int] = []
    emitter.ticked.connect(received.append)
    before = sys.getrefcount(True)
    for i in range(500):
        emitter.ticked.emit(i)
    assert len(received) == 500
    assert abs(sys.getrefcount(True) - before) < 50
