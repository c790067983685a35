"""What the context map draws, as plain data: nodes, edges, layout, traffic, impact.

No Qt here.  The map's edges are the catalog's relationships, one edge from
the order processes to each context they drive, and any pair that traffic
was seen on with no relationship in the catalog.  Traffic is counted from
the log's rows: a process step or compensation done is a call on the edge
from the processes to the context it calls, a failed step is an error there,
and a lost network message is an error on its source → target edge.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import networkx as nx

from ddd_sim.runtime.catalog import ContextCatalog, Pattern
from ddd_sim.runtime.session.rows import STEP_TARGETS, EventRow
from ddd_sim.runtime.world.model import World

PROCESS_NODE = "processes"
"""The node standing for the sagas and process managers (the log's lane name)."""

CALL_TYPES = frozenset({"StepStarted", "StepCompensated"})
"""Process rows that are one call to their target context."""
ERROR_TYPES = frozenset({"StepFailed"})
"""Process rows that are one failed call."""

_NETWORK = re.compile(
    r"^(?P<op>.+) (?P<source>\S+) → (?P<target>\S+) (lost|duplicated)$"
)

EdgeKey = tuple[str, str]
"""An edge's two ends, sorted: one key per pair whichever way traffic went."""


def edge_key(a: str, b: str) -> EdgeKey:
    """The key of the edge between two nodes, in either order."""
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True, slots=True)
class MapEdge:
    """An edge the map draws: ``kind`` is relationship, separate, process or traffic.

    ``separate`` is a separate-ways pair: related by a decision, not by traffic.
    """

    source: str
    target: str
    kind: str
    label: str = ""
    tooltip: str = ""

    @property
    def key(self) -> EdgeKey:
        """The edge's pair, sorted."""
        return edge_key(self.source, self.target)


@dataclass(frozen=True, slots=True)
class EdgeTraffic:
    """Calls, errors (failed steps, lost messages) and duplicates on one edge."""

    calls: int = 0
    errors: int = 0
    duplicates: int = 0


@dataclass(frozen=True, slots=True)
class NodeHealth:
    """A node as of a position: down, the faults on it, its breaker state."""

    down: bool = False
    faults: tuple[str, ...] = ()
    breaker: str | None = None

    @property
    def healthy(self) -> bool:
        """Up, with no fault on it and its breaker (if any) closed."""
        return not self.down and not self.faults and self.breaker in (None, "closed")


@dataclass(frozen=True, slots=True)
class ImpactSet:
    """What a change to one node reaches: nodes lit, sagas, read models."""

    context: str
    nodes: frozenset[str]
    processes: tuple[str, ...] = ()
    projections: tuple[str, ...] = ()
    consumers: tuple[str, ...] = ()

    def lights_edge(self, edge: MapEdge) -> bool:
        """An edge is lit when both its ends are."""
        return edge.source in self.nodes and edge.target in self.nodes


def catalog_edges(catalog: ContextCatalog) -> tuple[MapEdge, ...]:
    """The catalog's relationships (upstream first) and the processes' edges."""
    edges: list[MapEdge] = []
    for rel in catalog.relationships:
        source = rel.upstream or rel.first
        target = rel.downstream or rel.second
        ordered = [p for p in Pattern if p in rel.patterns]
        apart = rel.patterns == {Pattern.SEPARATE_WAYS}
        edges.append(
            MapEdge(
                source,
                target,
                "separate" if apart else "relationship",
                " · ".join(p.abbreviation for p in ordered),
                f"{rel.pair}: " + ", ".join(p.label for p in ordered),
            )
        )
    driven = sorted({c for p in catalog.processes for c in p.depends_on})
    names = ", ".join(p.name for p in catalog.processes)
    edges.extend(
        MapEdge(PROCESS_NODE, name, "process", "", f"{names} call {name}")
        for name in driven
    )
    return tuple(edges)


SHOP_GRID: dict[str, tuple[float, float]] = {
    "legacy_erp": (0, 0),
    "inventory": (1, 0),
    "analytics": (3, 0),
    "customer": (0, 1.5),
    "sales": (2, 1),
    "billing": (4, 1),
    PROCESS_NODE: (2, 2),
    "shipping": (3, 2),
    "card_payment_provider": (0, 3),
    "payment": (1, 3),
    "notification": (3, 3),
}
"""The shop's map by hand: upstream left, the processes amid what they call,
and no straight edge through a box (column, row)."""


def map_layout(
    nodes: Iterable[str], edges: Iterable[MapEdge]
) -> dict[str, tuple[float, float]]:
    """The hand-tuned shop layout when the nodes are the shop's, else layered."""
    names = set(nodes)
    if names == set(SHOP_GRID):
        return {n: (x / 4, y / 3) for n, (x, y) in SHOP_GRID.items()}
    return layered_layout(names, edges)


def layered_layout(
    nodes: Iterable[str], edges: Iterable[MapEdge]
) -> dict[str, tuple[float, float]]:
    """Upstream on the left, downstream to the right; deterministic.

    A node's layer is the longest upstream chain above it (cycles, like
    partners, share a layer); within a layer nodes are ordered by the mean
    place of their neighbours in the layers before, to keep crossings few.
    """
    graph = nx.DiGraph()
    graph.add_nodes_from(sorted(nodes))
    for e in edges:
        # a process depends on the contexts it calls: it sits downstream of them
        if e.kind == "process":
            graph.add_edge(e.target, e.source)
        elif e.kind != "separate":
            graph.add_edge(e.source, e.target)
    dag = nx.condensation(graph)
    layer_of: dict[str, int] = {}
    for component in nx.topological_sort(dag):
        preds = [dag.nodes[p]["members"] for p in dag.predecessors(component)]
        depth = max((layer_of[next(iter(m))] + 1 for m in preds), default=0)
        for member in dag.nodes[component]["members"]:
            layer_of[member] = depth
    layers: dict[int, list[str]] = {}
    for name in sorted(layer_of):
        layers.setdefault(layer_of[name], []).append(name)
    undirected = graph.to_undirected()
    place: dict[str, float] = {}
    for depth in sorted(layers):
        members = layers[depth]

        def barycentre(name: str) -> tuple[float, str]:
            known = [place[n] for n in undirected.neighbors(name) if n in place]
            return (sum(known) / len(known) if known else 0.5, name)

        members.sort(key=barycentre)
        for i, name in enumerate(members):
            place[name] = (i + 0.5) / len(members)
    width = max(1, len(layers) - 1)
    return {name: (layer_of[name] / width, place[name]) for name in sorted(layer_of)}


@dataclass
class TrafficLog:
    """Calls and errors per edge, by log position, so any position is a bisect.

    Rows are appended in position order, whatever the slider says; the
    counts as of a position count only the rows at or before it.
    """

    head: int = 0
    _calls: dict[EdgeKey, list[int]] = field(default_factory=dict)
    _errors: dict[EdgeKey, list[int]] = field(default_factory=dict)
    _duplicates: dict[EdgeKey, list[int]] = field(default_factory=dict)

    def extend(self, rows: Iterable[EventRow]) -> None:
        """Count the rows that follow the last one counted (repeats are skipped)."""
        for row in rows:
            if row.position <= self.head:
                continue
            self.head = row.position
            found = classify_traffic(row)
            if found is None:
                continue
            key, what = found
            bucket = {
                "call": self._calls,
                "error": self._errors,
                "duplicate": self._duplicates,
            }[what]
            bucket.setdefault(key, []).append(row.position)

    def keys(self) -> frozenset[EdgeKey]:
        """Every edge any row was counted on."""
        return (
            frozenset(self._calls)
            | frozenset(self._errors)
            | frozenset(self._duplicates)
        )

    def as_of(self, position: int) -> dict[EdgeKey, EdgeTraffic]:
        """Each edge's counts over the rows at or before ``position``."""
        out: dict[EdgeKey, EdgeTraffic] = {}
        for key in self.keys():
            traffic = EdgeTraffic(
                bisect_right(self._calls.get(key, ()), position),
                bisect_right(self._errors.get(key, ()), position),
                bisect_right(self._duplicates.get(key, ()), position),
            )
            if traffic != EdgeTraffic():
                out[key] = traffic
        return out


def classify_traffic(row: EventRow) -> tuple[EdgeKey, str] | None:
    """The edge a row counts on and as what (call, error, duplicate), if any."""
    if row.lane == PROCESS_NODE and row.target is not None:
        if row.type in CALL_TYPES:
            return edge_key(PROCESS_NODE, row.target), "call"
        if row.type in ERROR_TYPES:
            return edge_key(PROCESS_NODE, row.target), "error"
        return None
    if row.kind != "network":
        return None
    parsed = _NETWORK.match(row.summary)
    if parsed is None:
        return None
    source, target = parsed["source"], row.target or parsed["target"]
    what = "error" if row.type == "MessageDropped" else "duplicate"
    # a saga's call travels from its host context, but it is the process's call
    if parsed["op"] in STEP_TARGETS:
        source = PROCESS_NODE
    return edge_key(source, target), what


def count_traffic(
    rows: Iterable[EventRow], position: int
) -> dict[EdgeKey, EdgeTraffic]:
    """Each edge's counts over the rows at or before ``position`` (one pass)."""
    log = TrafficLog()
    log.extend(r for r in rows if r.position <= position)
    return log.as_of(position)


def traffic_edges(
    traffic: Iterable[EdgeKey], known: Iterable[MapEdge]
) -> tuple[MapEdge, ...]:
    """Edges for pairs that carried traffic but that the catalog does not relate."""
    drawn = {e.key for e in known}
    return tuple(
        MapEdge(a, b, "traffic", "", f"{a} ↔ {b}: traffic with no catalog relationship")
        for a, b in sorted(set(traffic) - drawn)
    )


def node_health(world: World, name: str) -> NodeHealth:
    """A node's health as of the world's position."""
    return NodeHealth(
        down=name in world.contexts_down,
        faults=tuple(sorted(f.kind for f in world.faults if f.target == name)),
        breaker=world.breakers.get(name),
    )


def impact_set(catalog: ContextCatalog, name: str) -> ImpactSet:
    """The nodes a change to ``name`` reaches, with its sagas and read models.

    A context lights its transitive consumers, and the processes node when a
    saga depends on it; the processes node lights the contexts it drives.
    An unknown name lights nothing.
    """
    if name == PROCESS_NODE:
        driven = {c for p in catalog.processes for c in p.depends_on}
        return ImpactSet(
            name,
            frozenset({PROCESS_NODE, *driven}),
            processes=tuple(p.name for p in catalog.processes),
        )
    if name not in catalog.names:
        return ImpactSet(name, frozenset())
    impact = catalog.impact(name)
    nodes = {name, *impact.transitive_consumers}
    if impact.processes:
        nodes.add(PROCESS_NODE)
    return ImpactSet(
        name,
        frozenset(nodes),
        processes=impact.processes,
        projections=impact.projections,
        consumers=impact.transitive_consumers,
    )


def node_titles(catalog: ContextCatalog) -> Mapping[str, str]:
    """Each node's title: a context's name in words, the processes' summary."""
    titles = {name: name.replace("_", " ") for name in catalog.names}
    titles[PROCESS_NODE] = "order processes"
    return titles
