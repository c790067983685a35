"""The context map's drawn pieces: a context's node, a relationship's edge."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from ddd_sim.gui.panels.context_map_data import (
    PROCESS_NODE,
    EdgeTraffic,
    MapEdge,
    NodeHealth,
)
from ddd_sim.gui.theme import (
    ACCENT,
    BREAKER_COLOURS,
    CANVAS,
    KIND_COLOURS,
    MUTED,
    PANEL,
    STATUS_COLOURS,
    TEXT,
)

NODE_W, NODE_H = 112.0, 46.0
SPAN_X, SPAN_Y = 700.0, 400.0
"""The layout's unit square, stretched to scene units."""
DIM = 0.22
"""Opacity of what is outside the selected context's impact set."""
EDGE_COLOURS = {
    "relationship": "#7f8da3",
    "separate": "#596273",
    "process": KIND_COLOURS["process"],
    "traffic": KIND_COLOURS["network"],
}
ERROR = KIND_COLOURS["fault"]


def map_font(size: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


class NodeItem(QGraphicsItem):
    """A context as a rounded box: name, team line, health badges."""

    def __init__(self, name: str, title: str, subtitle: str, external: bool) -> None:
        super().__init__()
        self.name, self.title, self.subtitle = name, title, subtitle
        self.external = external
        self.width = max(
            NODE_W,
            QFontMetricsF(map_font(9.5, bold=True)).horizontalAdvance(title) + 20,
            QFontMetricsF(map_font(7.5)).horizontalAdvance(subtitle) + 16,
        )
        self.health = NodeHealth()
        self.selected = False
        self.setZValue(2)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(f"{title}\n{subtitle}")

    def boundingRect(self) -> QRectF:  # noqa: N802
        return QRectF(
            -self.width / 2 - 4, -NODE_H / 2 - 10, self.width + 8, NODE_H + 20
        )

    def box(self) -> QRectF:
        """The node's box in scene units."""
        w = self.width
        return QRectF(self.x() - w / 2, self.y() - NODE_H / 2, w, NODE_H)

    def set_state(self, health: NodeHealth, selected: bool) -> None:
        """Repaint only when the node's health or selection changed."""
        if (health, selected) != (self.health, self.selected):
            self.health, self.selected = health, selected
            self.update()

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        h = self.health
        box = QRectF(-self.width / 2, -NODE_H / 2, self.width, NODE_H)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = QColor(PANEL if not h.down else "#4a2226")
        border = QColor(STATUS_COLOURS["completed"] if h.healthy else ERROR)
        if self.name == PROCESS_NODE:
            border = QColor(KIND_COLOURS["process"])
        if self.selected:
            border = QColor(ACCENT)
        pen = QPen(border, 2.4 if self.selected else 1.4)
        if self.external:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(fill)
        painter.drawRoundedRect(box, 9, 9)
        painter.setPen(QColor(TEXT))
        painter.setFont(map_font(9.5, bold=True))
        painter.drawText(
            box.adjusted(6, 5, -6, -NODE_H / 2),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            self.title,
        )
        painter.setPen(QColor(MUTED))
        painter.setFont(map_font(7.5))
        painter.drawText(
            box.adjusted(6, NODE_H / 2 - 2, -6, -4),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
            self.subtitle,
        )
        self._paint_badges(painter, box)

    def _paint_badges(self, painter: QPainter, box: QRectF) -> None:
        h = self.health
        badges: list[tuple[str, str]] = []
        if h.down:
            badges.append(("DOWN", ERROR))
        badges += [(f"⚡ {kind}", ERROR) for kind in h.faults]
        if h.breaker is not None:
            colour = BREAKER_COLOURS.get(h.breaker, MUTED)
            badges.append((f"⛁ {h.breaker.replace('_', '-')}", colour))
        font = map_font(7, bold=True)
        metrics = QFontMetricsF(font)
        painter.setFont(font)
        x = box.right() - 4
        for text, colour in badges:
            width = metrics.horizontalAdvance(text) + 10
            chip = QRectF(x - width, box.top() - 8, width, 15)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(colour))
            painter.drawRoundedRect(chip, 7, 7)
            painter.setPen(QColor(CANVAS))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
            x -= width + 3


class EdgeItem(QGraphicsItem):
    """A relationship (or a process's calls) with its patterns and live counts."""

    def __init__(
        self, edge: MapEdge, start: NodeItem, end: NodeItem, others: list[QRectF]
    ) -> None:
        super().__init__()
        self.edge = edge
        self.traffic = EdgeTraffic()
        self.path, self.label_at, self.arrow_at = _route(start, end, others)
        self.setZValue(1)
        self.setToolTip(edge.tooltip)

    def boundingRect(self) -> QRectF:  # noqa: N802
        return self.path.boundingRect().adjusted(-70, -20, 70, 20)

    def set_traffic(self, traffic: EdgeTraffic) -> None:
        """Repaint only when the counts changed."""
        if traffic != self.traffic:
            self.traffic = traffic
            self.update()

    def label(self) -> str:
        """Patterns, then calls and errors as of the position, a line each."""
        t = self.traffic
        parts = [self.edge.label] if self.edge.label else []
        if t.calls:
            parts.append(f"{t.calls:,} calls")
        if t.errors:
            parts.append(f"{t.errors:,} err")
        if t.duplicates:
            parts.append(f"{t.duplicates:,} dup")
        return "\n".join(parts)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        kind = self.edge.kind
        colour = QColor(ERROR if self.traffic.errors else EDGE_COLOURS[kind])
        width = 1.3 + min(3.0, math.log10(1 + self.traffic.calls))
        pen = QPen(colour, width)
        if kind in ("process", "separate"):
            pen.setStyle(Qt.PenStyle.DashLine)
        elif kind == "traffic":
            pen.setStyle(Qt.PenStyle.DotLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path)
        if kind != "separate":
            _arrow(painter, self.arrow_at, colour)
        text = self.label()
        if not text:
            return
        font = map_font(7.5, bold=bool(self.traffic.errors))
        metrics = QFontMetricsF(font)
        lines = text.split("\n")
        width_text = max(metrics.horizontalAdvance(line) for line in lines) + 10
        height = metrics.height() * len(lines) + 3
        chip = QRectF(
            self.label_at.x() - width_text / 2,
            self.label_at.y() - height / 2,
            width_text,
            height,
        )
        painter.setPen(QPen(colour, 0.8))
        painter.setBrush(QColor(CANVAS))
        painter.drawRoundedRect(chip, 4, 4)
        painter.setFont(font)
        painter.setPen(QColor(ERROR if self.traffic.errors else TEXT))
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)


def _route(
    start: NodeItem, end: NodeItem, others: list[QRectF]
) -> tuple[QPainterPath, QPointF, QPointF]:
    """A straight line, or the gentlest curve that passes beside other boxes.

    Returns the path (clipped to both boxes), where its label goes, and the
    point where it enters ``end``.
    """
    a, b = start.pos(), end.pos()
    dx, dy = b.x() - a.x(), b.y() - a.y()
    centre = QPointF(SPAN_X / 2, SPAN_Y / 2)
    mid = QPointF((a.x() + b.x()) / 2, (a.y() + b.y()) / 2)
    # bow away from the map's centre first: the rim has room for a curve
    normal = QPointF(-dy, dx)
    away = QPointF.dotProduct(normal, mid - centre) >= 0
    signs = (1.0, -1.0) if away else (-1.0, 1.0)
    path = QPainterPath()
    for bow in (0.0, 0.12, 0.2, 0.3, 0.42):
        for sign in signs[: 1 if bow == 0 else 2]:
            control = mid + normal * (bow * sign)
            path = QPainterPath(_clip(control, start.box()))
            path.quadTo(control, _clip(control, end.box()))
            if not any(_crosses(path, box) for box in others):
                return path, path.pointAtPercent(0.5), path.currentPosition()
    return path, path.pointAtPercent(0.5), path.currentPosition()


def _crosses(path: QPainterPath, box: QRectF) -> bool:
    inflated = box.adjusted(-6, -6, 6, 6)
    return any(inflated.contains(path.pointAtPercent(i / 40)) for i in range(1, 40))


def _clip(outside: QPointF, box: QRectF) -> QPointF:
    """Where the line from ``outside`` to a box's centre meets the box."""
    centre = box.center()
    dx, dy = outside.x() - centre.x(), outside.y() - centre.y()
    if dx == 0 and dy == 0:
        return centre
    scale = min(
        (box.width() / 2 + 3) / abs(dx) if dx else math.inf,
        (box.height() / 2 + 3) / abs(dy) if dy else math.inf,
    )
    return QPointF(centre.x() + dx * scale, centre.y() + dy * scale)


def _arrow(painter: QPainter, tip: QPointF, colour: QColor) -> None:
    """A small dot where the edge enters its downstream (or called) node."""
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawEllipse(tip, 3.6, 3.6)
