"""The workbench's colours, one place: event kinds, statuses, breaker states.

Restrained on a dark canvas so that what matters (a fault, a compensation,
an open breaker) is the brightest thing on the screen.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

KIND_COLOURS: dict[str, str] = {
    "domain": "#5b9bd5",
    "process": "#70c1b3",
    "compensation": "#f4a259",
    "fault": "#e15554",
    "breaker": "#d3b44c",
    "network": "#b07bcc",
    "crash": "#ff2e63",
    "projection": "#7d8597",
    "run": "#c0c0c0",
}
"""One colour per log-entry kind (see ``ddd_sim.runtime.session.rows.KINDS``)."""

STATUS_COLOURS: dict[str, str] = {
    "running": "#5b9bd5",
    "compensating": "#f4a259",
    "completed": "#62b37a",
    "compensated": "#e07a5f",
    "abandoned": "#9a8c98",
    "new": "#7d8597",
}
"""Saga and process statuses."""

BREAKER_COLOURS: dict[str, str] = {
    "closed": "#62b37a",
    "open": "#e15554",
    "half_open": "#d3b44c",
}

CANVAS = "#1e2127"
PANEL = "#262a31"
TEXT = "#dcdfe4"
MUTED = "#8b93a1"
ACCENT = "#61afef"
FAULT_SHADE = "#e1555433"
"""Fault windows: the fault colour, mostly transparent."""


def kind_colour(kind: str) -> QColor:
    """The colour of a log-entry kind (grey for an unknown one)."""
    return QColor(KIND_COLOURS.get(kind, MUTED))


def apply_theme(app: QApplication) -> None:
    """A dark Fusion palette for the whole application."""
    app.setStyle("Fusion")
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: PANEL,
        QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: CANVAS,
        QPalette.ColorRole.AlternateBase: PANEL,
        QPalette.ColorRole.ToolTipBase: PANEL,
        QPalette.ColorRole.ToolTipText: TEXT,
        QPalette.ColorRole.Text: TEXT,
        QPalette.ColorRole.Button: PANEL,
        QPalette.ColorRole.ButtonText: TEXT,
        QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: CANVAS,
        QPalette.ColorRole.PlaceholderText: MUTED,
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(
        QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(MUTED)
    )
    palette.setColor(
        QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(MUTED)
    )
    app.setPalette(palette)
