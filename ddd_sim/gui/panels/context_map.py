"""The context map: bounded contexts and their relationships, live.

The layout is computed once from the catalog (upstream left, downstream
right).  Each frame recolours the nodes (down, faults, breaker state) and
relabels the edges (calls and errors as of the slider, counted from the log
by :mod:`.context_map_data`).  Clicking a context selects it everywhere and
lights its impact set; everything else is dimmed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QResizeEvent,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
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
from ddd_sim.gui.panels.context_map_items import (
    DIM,
    ERROR,
    SPAN_X,
    SPAN_Y,
    EdgeItem,
    NodeItem,
)
from ddd_sim.gui.panels.row_feed import PaintTimed, RowFeed
from ddd_sim.gui.theme import (
    ACCENT,
    BREAKER_COLOURS,
    CANVAS,
    MUTED,
    PANEL,
    STATUS_COLOURS,
    TEXT,
)
from ddd_sim.gui.widgets import PanelWidget
from ddd_sim.runtime.catalog import ContextCatalog, Pattern, shop_catalog
from ddd_sim.runtime.session.rows import Frame


class _MapView(PaintTimed, QGraphicsView):
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
            if isinstance(item, NodeItem):
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
        self._build()
        controller.context_selected.connect(self.show_context)
        # the run so far is asked for once and counted in a slice per turn
        self.feed = RowFeed(controller, self.traffic.extend, self._refresh, self)
        self.feed.watch_paint(self.view)
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
        self.nodes: dict[str, NodeItem] = {}
        for name in names:
            if name == PROCESS_NODE:
                subtitle, external = "saga · choreography · PM", False
            else:
                entry = self.catalog.find(name)
                subtitle, external = entry.team, entry.external
            node = NodeItem(name, titles[name], subtitle, external)
            node.setPos(self.positions[name])
            self.scene.addItem(node)
            self.nodes[name] = node
        self.edges: dict[EdgeKey, EdgeItem] = {}
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
        item = EdgeItem(edge, *ends, others)
        self.scene.addItem(item)
        self.edges[edge.key] = item

    # -- frames -----------------------------------------------------------------------
    def set_frame(self, frame: Frame) -> None:
        """Count the new rows, then show health and traffic as of the position."""
        self._world_frame = frame
        self._position = frame.position
        self.feed.take_frame(frame)
        if not self.feed.primed:
            self._refresh()  # health now; traffic once the run so far is in

    def _refresh(self) -> None:
        self.feed.drawing()
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
