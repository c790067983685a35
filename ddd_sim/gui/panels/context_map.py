"""The context map: bounded contexts and their relationships, live.

The layout is computed once from the catalog (upstream left, downstream
right).  Each frame recolours the nodes (down, faults, breaker state) and
relabels the edges (calls and errors as of the slider, counted from the log
by :mod:`.context_map_data`).  Clicking a context selects it everywhere and
lights its impact set; everything else is dimmed.
"""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPen,
    QResizeEvent,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QStyleOptionGraphicsItem,
    QWidget,
)

from ddd_sim.gui.controller import SessionController
from ddd_sim.gui.panels.context_map_data import (
    PROCESS_NODE,
    EdgeKey,
    EdgeTraffic,
    ImpactSet,
    MapEdge,
    NodeHealth,
    TrafficLog,
    catalog_edges,
    impact_set,
    map_layout,
    node_health,
    node_titles,
    traffic_edges,
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
from ddd_sim.gui.widgets import PanelWidget
from ddd_sim.runtime.catalog import ContextCatalog, Pattern, shop_catalog
from ddd_sim.runtime.session.rows import EventRow, Frame

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


def _font(size: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


class _NodeItem(QGraphicsItem):
    """A context as a rounded box: name, team line, health badges."""

    def __init__(self, name: str, title: str, subtitle: str, external: bool) -> None:
        super().__init__()
        self.name, self.title, self.subtitle = name, title, subtitle
        self.external = external
        self.width = max(
            NODE_W,
            QFontMetricsF(_font(9.5, bold=True)).horizontalAdvance(title) + 20,
            QFontMetricsF(_font(7.5)).horizontalAdvance(subtitle) + 16,
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
        painter.setFont(_font(9.5, bold=True))
        painter.drawText(
            box.adjusted(6, 5, -6, -NODE_H / 2),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            self.title,
        )
        painter.setPen(QColor(MUTED))
        painter.setFont(_font(7.5))
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
        font = _font(7, bold=True)
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


class _EdgeItem(QGraphicsItem):
    """A relationship (or a process's calls) with its patterns and live counts."""

    def __init__(
        self, edge: MapEdge, start: _NodeItem, end: _NodeItem, others: list[QRectF]
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
        font = _font(7.5, bold=bool(self.traffic.errors))
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
    start: _NodeItem, end: _NodeItem, others: list[QRectF]
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


class _MapView(QGraphicsView):
    """The scene, fitted to the widget; a click on a node names it."""

    def __init__(self, scene: QGraphicsScene, panel: ContextMapPanel) -> None:
        super().__init__(scene)
        self._panel = panel
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setBackgroundBrush(QColor(CANVAS))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        for item in self.items(event.position().toPoint()):
            if isinstance(item, _NodeItem):
                self._panel.click_context(item.name)
                return
        super().mousePressEvent(event)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(640, 360)


class ContextMapPanel(PanelWidget):
    """Contexts, patterns, live traffic and health; a click lights an impact set."""

    title = "Context map"
    object_name = "context_map"

    def __init__(
        self,
        controller: SessionController,
        parent: QWidget | None = None,
        catalog: ContextCatalog | None = None,
    ) -> None:
        super().__init__(controller, parent)
        self.catalog = catalog if catalog is not None else shop_catalog()
        self.traffic = TrafficLog()
        self.selection: ImpactSet | None = None
        self.counts: dict[EdgeKey, EdgeTraffic] = {}
        self._position = 0
        self._world_frame: Frame | None = None
        self._primed = False
        self._waiting: list[EventRow] = []
        self._build()
        controller.context_selected.connect(self.show_context)
        controller.query(lambda s: tuple(s.rows), self._prime)
        if controller.frame is not None:
            self._world_frame = controller.frame
            self._position = controller.frame.position
            self._refresh()

    # -- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.scene = QGraphicsScene(self)
        names = (*self.catalog.names, PROCESS_NODE)
        edges = catalog_edges(self.catalog)
        layout = map_layout(names, edges)
        titles = node_titles(self.catalog)
        self.positions = {
            n: QPointF(x * SPAN_X, y * SPAN_Y) for n, (x, y) in layout.items()
        }
        self.nodes: dict[str, _NodeItem] = {}
        for name in names:
            if name == PROCESS_NODE:
                subtitle, external = "saga · choreography · PM", False
            else:
                entry = self.catalog.find(name)
                subtitle, external = entry.team, entry.external
            node = _NodeItem(name, titles[name], subtitle, external)
            node.setPos(self.positions[name])
            self.scene.addItem(node)
            self.nodes[name] = node
        self.edges: dict[EdgeKey, _EdgeItem] = {}
        for edge in edges:
            self._add_edge(edge)
        self.scene.setSceneRect(
            self.scene.itemsBoundingRect().adjusted(-20, -16, 20, 16)
        )
        self.view = _MapView(self.scene, self)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.info.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.info.setFixedWidth(200)
        self.info.setContentsMargins(8, 6, 8, 6)
        self.info.setStyleSheet(f"background: {PANEL}; color: {TEXT};")
        box = QHBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.view, 1)
        box.addWidget(self.info)
        self._show_info()

    def _add_edge(self, edge: MapEdge) -> None:
        if edge.source not in self.nodes or edge.target not in self.nodes:
            return  # traffic with something the map does not know
        ends = (self.nodes[edge.source], self.nodes[edge.target])
        others = [n.box() for n in self.nodes.values() if n not in ends]
        item = _EdgeItem(edge, *ends, others)
        self.scene.addItem(item)
        self.edges[edge.key] = item

    # -- frames -----------------------------------------------------------------------
    def _prime(self, rows: tuple[EventRow, ...]) -> None:
        self._primed = True
        self.traffic.extend(rows)
        self.traffic.extend(self._waiting)
        self._waiting = []
        self._refresh()

    def set_frame(self, frame: Frame) -> None:
        """Count the new rows, then show health and traffic as of the position."""
        if self._primed:
            self.traffic.extend(frame.new_events)
        else:
            self._waiting.extend(frame.new_events)
        self._world_frame = frame
        self._position = frame.position
        self._refresh()

    def _refresh(self) -> None:
        frame = self._world_frame
        for edge in traffic_edges(self.traffic.keys(), self._drawn_edges()):
            self._add_edge(edge)
        self.counts = self.traffic.as_of(self._position)
        for key, item in self.edges.items():
            item.set_traffic(self.counts.get(key, EdgeTraffic()))
        selected = self.selection.context if self.selection else None
        for name, node in self.nodes.items():
            health = node_health(frame.world, name) if frame else NodeHealth()
            node.set_state(health, name == selected)
        self._show_info()

    def _drawn_edges(self) -> list[MapEdge]:
        return [item.edge for item in self.edges.values()]

    # -- selection --------------------------------------------------------------------
    def click_context(self, name: str) -> None:
        """What a click on a node does: select it in every panel."""
        self.controller.select_context(name)

    def show_context(self, name: str) -> None:
        """Light a context's impact set and dim the rest (unknown: light all)."""
        impact = impact_set(self.catalog, name)
        self.selection = impact if impact.nodes else None
        for node_name, node in self.nodes.items():
            lit = self.selection is None or node_name in impact.nodes
            node.setOpacity(1.0 if lit else DIM)
            node.set_state(node.health, node_name == name)
        for item in self.edges.values():
            lit = self.selection is None or impact.lights_edge(item.edge)
            item.setOpacity(1.0 if lit else DIM)
        self._show_info()

    def lit_nodes(self) -> frozenset[str]:
        """The nodes drawn at full strength."""
        return frozenset(n for n, node in self.nodes.items() if node.opacity() == 1.0)

    def lit_edges(self) -> frozenset[EdgeKey]:
        """The edges drawn at full strength."""
        return frozenset(k for k, item in self.edges.items() if item.opacity() == 1.0)

    def _show_info(self) -> None:
        self.info.setText(_info_html(self, self.selection))

    # -- export -----------------------------------------------------------------------
    def export_image(self, path: str | Path) -> Path:
        """Save the map as PNG or SVG (by the file's suffix)."""
        target = Path(path)
        rect = self.scene.sceneRect()
        suffix = target.suffix.lower()
        if suffix == ".svg":
            generator = QSvgGenerator()
            generator.setFileName(str(target))
            generator.setSize(rect.size().toSize())
            generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
            generator.setTitle(f"{self.catalog.name} context map")
            painter = QPainter(generator)
            painter.fillRect(QRectF(0, 0, rect.width(), rect.height()), QColor(CANVAS))
            self.scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
            painter.end()
        elif suffix == ".png":
            image = QImage((rect.size() * 2).toSize(), QImage.Format.Format_ARGB32)
            image.fill(QColor(CANVAS))
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.scene.render(painter, QRectF(image.rect()), rect)
            painter.end()
            if not image.save(str(target)):
                raise OSError(f"could not write {target}")
        else:
            raise ValueError(f"{target.name}: the map exports as .png or .svg")
        return target


def _info_html(panel: ContextMapPanel, impact: ImpactSet | None) -> str:
    """The side panel: the selected context's facts and impact, or a legend."""
    legend = " · ".join(f"<b>{p.abbreviation}</b> {p.label}" for p in Pattern)
    counts = panel.counts
    calls = sum(t.calls for t in counts.values())
    errors = sum(t.errors for t in counts.values())
    head = (
        f"<span style='color:{MUTED}'>as of #{panel._position:,}: "
        f"{calls:,} calls, <span style='color:{ERROR}'>{errors:,} errors</span>"
        "</span>"
    )
    if impact is None:
        body = (
            "<b>Context map</b><br>"
            f"<span style='color:{MUTED}'>Click a context to light what a change "
            "to it reaches.</span>"
        )
    else:
        node = panel.nodes.get(impact.context)
        title = node.title if node else impact.context
        purpose = ""
        if impact.context in panel.catalog.names:
            purpose = panel.catalog.find(impact.context).purpose
        body = f"<b style='color:{ACCENT}'>{title}</b><br>"
        if purpose:
            body += f"<span style='color:{MUTED}'>{purpose}</span><br>"
        body += _health_html(node.health if node else NodeHealth())
        body += _list_html("Consumers reached", impact.consumers)
        body += _list_html("Sagas and processes", impact.processes)
        body += _list_html("Read models", impact.projections)
    return (
        f"{body}<br>{head}<hr><span style='color:{MUTED}; font-size:8pt'>"
        f"{legend}</span>"
    )


def _health_html(health: NodeHealth) -> str:
    parts = [f"<span style='color:{ERROR}'>down</span>"] if health.down else []
    parts += [f"<span style='color:{ERROR}'>fault {k}</span>" for k in health.faults]
    if health.breaker is not None:
        colour = BREAKER_COLOURS.get(health.breaker, MUTED)
        parts.append(f"<span style='color:{colour}'>breaker {health.breaker}</span>")
    if not parts:
        parts.append(
            f"<span style='color:{STATUS_COLOURS['completed']}'>healthy</span>"
        )
    return "Health: " + ", ".join(parts) + "<br>"


def _list_html(heading: str, names: tuple[str, ...]) -> str:
    items = ", ".join(names) if names else f"<span style='color:{MUTED}'>none</span>"
    return f"<br><b>{heading}</b> ({len(names)})<br>{items}<br>"
