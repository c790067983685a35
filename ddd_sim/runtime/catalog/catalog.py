"""The context catalog: registration with validation, lookups, impact analysis."""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from ddd_sim.runtime.catalog.errors import CatalogError, UnknownContext
from ddd_sim.runtime.catalog.model import (
    BoundedContext,
    Impact,
    ProcessEntry,
    ProjectionEntry,
    Relationship,
    StoreType,
)
from ddd_sim.runtime.catalog.patterns import Pattern
from ddd_sim.runtime.catalog.validation import (
    check_entry,
    check_processes,
    check_references,
    check_routes,
    merge_relationships,
)


class CatalogBuilder:
    """Collects entries, checking each on register and the whole on build."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._contexts: dict[str, BoundedContext] = {}
        self._declared: dict[str, dict[str, frozenset[Pattern]]] = {}
        self._processes: dict[str, ProcessEntry] = {}
        self._projections: dict[str, ProjectionEntry] = {}

    def register(self, context: BoundedContext) -> CatalogBuilder:
        """Add a context; reject a second entry of the same name."""
        declared = check_entry(context)
        if context.name in self._contexts:
            raise CatalogError(f"context {context.name!r} is already registered")
        self._contexts[context.name] = context
        self._declared[context.name] = declared
        return self

    def register_process(self, process: ProcessEntry) -> CatalogBuilder:
        """Add a saga or process manager; names are unique."""
        if process.name in self._processes:
            raise CatalogError(f"process {process.name!r} is already registered")
        self._processes[process.name] = process
        return self

    def register_projection(self, projection: ProjectionEntry) -> CatalogBuilder:
        """Add a read model; names are unique."""
        if projection.name in self._projections:
            raise CatalogError(f"projection {projection.name!r} is already registered")
        self._projections[projection.name] = projection
        return self

    def build(self) -> ContextCatalog:
        """Check every cross-reference and relationship, then freeze the catalog."""
        check_references(self._contexts)
        relationships = merge_relationships(self._contexts, self._declared)
        check_processes(self._contexts, self._processes, self._projections)
        check_routes(self._contexts)
        return ContextCatalog(
            self.name,
            self._contexts,
            relationships,
            self._processes,
            self._projections,
        )


def build_catalog(
    name: str,
    contexts: Iterable[BoundedContext],
    processes: Iterable[ProcessEntry] = (),
    projections: Iterable[ProjectionEntry] = (),
) -> ContextCatalog:
    """Register everything given and build the catalog in one call."""
    builder = CatalogBuilder(name)
    for context in contexts:
        builder.register(context)
    for process in processes:
        builder.register_process(process)
    for projection in projections:
        builder.register_projection(projection)
    return builder.build()


class ContextCatalog:
    """A validated, read-only catalog of bounded contexts and what depends on them."""

    def __init__(
        self,
        name: str,
        contexts: dict[str, BoundedContext],
        relationships: dict[tuple[str, str], Relationship],
        processes: dict[str, ProcessEntry],
        projections: dict[str, ProjectionEntry],
    ) -> None:
        self.name = name
        self._contexts = dict(sorted(contexts.items()))
        self._relationships = dict(sorted(relationships.items()))
        self._processes = dict(sorted(processes.items()))
        self._projections = dict(sorted(projections.items()))
        # Edges point upstream -> downstream: descendants are who a change reaches.
        self._graph = nx.DiGraph()
        self._graph.add_nodes_from(self._contexts)
        for ctx in self._contexts.values():
            self._graph.add_edges_from((ctx.name, c) for c in ctx.consumers)

    # -- lookups ------------------------------------------------------------
    @property
    def contexts(self) -> tuple[BoundedContext, ...]:
        """Every context, by name."""
        return tuple(self._contexts.values())

    @property
    def names(self) -> tuple[str, ...]:
        """Every context name, sorted."""
        return tuple(self._contexts)

    @property
    def relationships(self) -> tuple[Relationship, ...]:
        """One relationship per related pair, sorted by pair."""
        return tuple(self._relationships.values())

    @property
    def processes(self) -> tuple[ProcessEntry, ...]:
        """Every registered saga and process manager, by name."""
        return tuple(self._processes.values())

    @property
    def projections(self) -> tuple[ProjectionEntry, ...]:
        """Every registered read model, by name."""
        return tuple(self._projections.values())

    def find(self, name: str) -> BoundedContext:
        """The context of that name; an unknown name lists the known ones."""
        try:
            return self._contexts[name]
        except KeyError:
            raise UnknownContext(name, self.names) from None

    def by_team(self, team: str) -> tuple[BoundedContext, ...]:
        """The contexts a team owns, by name (none is an empty tuple)."""
        return tuple(c for c in self._contexts.values() if c.team == team)

    @property
    def teams(self) -> tuple[str, ...]:
        """Every owning team, sorted."""
        return tuple(sorted({c.team for c in self._contexts.values()}))

    def dependencies(self, name: str) -> tuple[BoundedContext, ...]:
        """The upstream contexts of a context, by name."""
        return tuple(self.find(n) for n in sorted(self.find(name).dependencies))

    def consumers(self, name: str) -> tuple[BoundedContext, ...]:
        """The downstream contexts of a context, by name."""
        return tuple(self.find(n) for n in sorted(self.find(name).consumers))

    def relationship(self, a: str, b: str) -> Relationship:
        """The relationship between two contexts, in either order."""
        self.find(a)
        self.find(b)
        try:
            return self._relationships[(min(a, b), max(a, b))]
        except KeyError:
            raise CatalogError(f"{a!r} and {b!r} have no relationship") from None

    def read_stores(self, name: str) -> tuple[StoreType, ...]:
        """The production store plus every store its read models use."""
        ctx = self.find(name)
        stores = {p.store for p in self._projections.values() if p.context == name}
        stores.add(ctx.store)
        return tuple(s for s in StoreType if s in stores)

    def graph(self) -> nx.DiGraph:
        """A copy of the upstream -> downstream graph, for drawing or analysis."""
        return self._graph.copy()

    # -- impact analysis ----------------------------------------------------
    def impact(self, name: str) -> Impact:
        """Who is reached by a change to a context: consumers near and far, and
        the sagas and read models that depend on the context itself."""
        self.find(name)
        transitive = set(nx.descendants(self._graph, name)) - {name}
        return Impact(
            context=name,
            direct_consumers=tuple(sorted(self._graph.successors(name))),
            transitive_consumers=tuple(sorted(transitive)),
            processes=tuple(
                p.name for p in self._processes.values() if name in p.depends_on
            ),
            projections=tuple(
                p.name for p in self._projections.values() if name in p.contexts
            ),
        )
