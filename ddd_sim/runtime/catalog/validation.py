"""The rules a catalog enforces: per entry on register, across entries on build."""

from __future__ import annotations

from collections.abc import Mapping

from ddd_sim.runtime.catalog.endpoints import check_endpoint, shape
from ddd_sim.runtime.catalog.errors import CatalogError, UnknownContext
from ddd_sim.runtime.catalog.model import (
    BoundedContext,
    ProcessEntry,
    ProjectionEntry,
    Relationship,
    valid_name,
)
from ddd_sim.runtime.catalog.patterns import (
    Pattern,
    Side,
    check_combination,
    parse_pattern,
)


def check_entry(ctx: BoundedContext) -> dict[str, frozenset[Pattern]]:
    """Check what one entry can say about itself; return its parsed patterns."""
    if not valid_name(ctx.name):
        raise CatalogError(
            f"context name {ctx.name!r} must start with a letter and hold only "
            "letters, digits and underscores"
        )
    for attr in ("team", "purpose"):
        if not getattr(ctx, attr).strip():
            raise CatalogError(f"context {ctx.name!r}: {attr} must not be empty")
    if ctx.external and ctx.store is not None:
        raise CatalogError(
            f"context {ctx.name!r} is external: the shop does not choose its "
            f"store, so store must be None (got {ctx.store.value})"
        )
    if not ctx.external and ctx.store is None:
        raise CatalogError(f"context {ctx.name!r}: a production store type is required")
    if ctx.name in ctx.neighbours:
        raise CatalogError(f"context {ctx.name!r} is related to itself")
    routes: set[object] = set()
    for endpoint in ctx.published_apis:
        check_endpoint(endpoint, context=ctx.name)
        if shape(endpoint) in routes:
            raise CatalogError(
                f"context {ctx.name!r}: endpoint {endpoint} repeats another route"
            )
        routes.add(shape(endpoint))
    return {
        neighbour: _own_patterns(ctx, neighbour, raw)
        for neighbour, raw in ctx.relationships.items()
    }


def _own_patterns(
    ctx: BoundedContext, neighbour: str, raw: tuple[str, ...]
) -> frozenset[Pattern]:
    """Parse one side's patterns and check each sits on the side this context is."""
    where = f"context {ctx.name!r} toward {neighbour!r}"
    if not raw:
        raise CatalogError(f"{where}: a relationship needs at least one pattern")
    patterns = frozenset(parse_pattern(r, where=where) for r in raw)
    is_upstream = neighbour in ctx.consumers
    is_downstream = neighbour in ctx.dependencies
    for pattern in sorted(patterns, key=lambda p: p.value):
        side = pattern.side
        if side is Side.SYMMETRIC:
            continue
        if is_upstream == is_downstream:
            flow = (
                "each depends on the other"
                if is_upstream
                else "neither depends on the other"
            )
            raise CatalogError(
                f"{where}: {pattern.value} needs an upstream and a downstream, "
                f"but {flow}"
            )
        if side is Side.UPSTREAM and is_downstream:
            raise CatalogError(
                f"{where}: {pattern.value} belongs to the upstream side, but "
                f"{ctx.name!r} is downstream of {neighbour!r}"
            )
        if side is Side.DOWNSTREAM and is_upstream:
            raise CatalogError(
                f"{where}: {pattern.value} belongs to the downstream side, but "
                f"{ctx.name!r} is upstream of {neighbour!r}"
            )
    check_combination(patterns, directed=is_upstream != is_downstream, pair=where)
    return patterns


def check_references(contexts: Mapping[str, BoundedContext]) -> None:
    """Every name an entry uses is registered, and both ends of an edge agree."""
    known = tuple(sorted(contexts))
    for ctx in contexts.values():
        for field_name in ("dependencies", "consumers", "relationships"):
            for other in getattr(ctx, field_name):
                if other not in contexts:
                    raise CatalogError(
                        f"context {ctx.name!r} names unknown context {other!r} in "
                        f"its {field_name}; known contexts: {', '.join(known)}"
                    )
    for ctx in contexts.values():
        for consumer in ctx.consumers:
            if ctx.name not in contexts[consumer].dependencies:
                raise CatalogError(
                    f"{ctx.name!r} lists {consumer!r} as a consumer, but "
                    f"{consumer!r} does not list {ctx.name!r} as a dependency"
                )
        for upstream in ctx.dependencies:
            if ctx.name not in contexts[upstream].consumers:
                raise CatalogError(
                    f"{ctx.name!r} lists {upstream!r} as a dependency, but "
                    f"{upstream!r} does not list {ctx.name!r} as a consumer"
                )


def merge_relationships(
    contexts: Mapping[str, BoundedContext],
    declared: Mapping[str, Mapping[str, frozenset[Pattern]]],
) -> dict[tuple[str, str], Relationship]:
    """Merge both sides' patterns into one relationship per pair and check it."""
    pairs: dict[tuple[str, str], set[Pattern]] = {}
    for name, toward in declared.items():
        for neighbour, patterns in toward.items():
            key = (min(name, neighbour), max(name, neighbour))
            pairs.setdefault(key, set()).update(patterns)
    for ctx in contexts.values():
        for upstream in ctx.dependencies:
            key = (min(upstream, ctx.name), max(upstream, ctx.name))
            if key not in pairs:
                raise CatalogError(
                    f"{ctx.name!r} depends on {upstream!r}, but neither names a "
                    "context-map pattern for that relationship"
                )
    merged: dict[tuple[str, str], Relationship] = {}
    for (first, second), found in sorted(pairs.items()):
        up = _upstream_of(contexts, first, second)
        relationship = Relationship(first, second, frozenset(found), up)
        check_combination(
            relationship.patterns, directed=up is not None, pair=relationship.pair
        )
        flows = {*contexts[first].dependencies, *contexts[first].consumers}
        if Pattern.SEPARATE_WAYS in relationship.patterns and second in flows:
            raise CatalogError(
                f"{relationship.pair}: separate-ways, but one depends on the other"
            )
        merged[(first, second)] = relationship
    return merged


def _upstream_of(
    contexts: Mapping[str, BoundedContext], first: str, second: str
) -> str | None:
    """The one-way upstream of a pair, or None if traffic is mutual or absent."""
    a_up = second in contexts[first].consumers
    b_up = first in contexts[second].consumers
    if a_up == b_up:
        return None
    return first if a_up else second


def check_processes(
    contexts: Mapping[str, BoundedContext],
    processes: Mapping[str, ProcessEntry],
    projections: Mapping[str, ProjectionEntry],
) -> None:
    """Sagas and read models depend only on registered contexts."""
    known = tuple(sorted(contexts))
    for process in processes.values():
        if not process.depends_on:
            raise CatalogError(f"process {process.name!r} depends on no context")
        for name in process.depends_on:
            if name not in contexts:
                raise CatalogError(
                    f"process {process.name!r}: " + str(UnknownContext(name, known))
                )
    for projection in projections.values():
        for name in projection.contexts:
            if name not in contexts:
                raise CatalogError(
                    f"projection {projection.name!r}: "
                    + str(UnknownContext(name, known))
                )
        if not projection.name.startswith(f"{projection.context}."):
            raise CatalogError(
                f"projection {projection.name!r} must be named "
                f"'{projection.context}.<view>' after the context that owns it"
            )


def check_routes(contexts: Mapping[str, BoundedContext]) -> None:
    """No two contexts publish the same route: the gateway must be unambiguous."""
    owners: dict[object, str] = {}
    for name in sorted(contexts):
        for endpoint in contexts[name].published_apis:
            key = shape(endpoint)
            if key in owners:
                raise CatalogError(
                    f"context {name!r}: endpoint {endpoint} collides with a "
                    f"route of context {owners[key]!r}"
                )
            owners[key] = name
