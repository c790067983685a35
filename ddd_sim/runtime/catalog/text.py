"""The catalog as plain text, for the command line and for reviewers."""

from __future__ import annotations

from ddd_sim.runtime.catalog.catalog import ContextCatalog
from ddd_sim.runtime.catalog.model import Impact


def to_text(catalog: ContextCatalog) -> str:
    """Every context: owner, purpose, store, APIs, language and neighbours."""
    lines = [f"{catalog.name}: {len(catalog.contexts)} bounded contexts"]
    for context in catalog.contexts:
        kind = "external system" if context.external else "bounded context"
        store = context.store.value if context.store is not None else "none"
        reads = ", ".join(s.value for s in catalog.read_stores(context.name))
        lines += [
            "",
            f"{context.name} ({kind}, team {context.team})",
            f"  purpose:    {context.purpose}",
            f"  stores:     {store}" + (f"; read models on {reads}" if reads else ""),
        ]
        if context.published_apis:
            lines.append(f"  APIs:       {len(context.published_apis)} routes")
            lines += [f"    {endpoint}" for endpoint in context.published_apis]
        if context.published_languages:
            lines.append(f"  publishes:  {', '.join(context.published_languages)}")
        for relationship in catalog.relationships:
            if context.name not in (relationship.first, relationship.second):
                continue
            other = (
                relationship.second
                if relationship.first == context.name
                else relationship.first
            )
            patterns = ", ".join(sorted(p.label for p in relationship.patterns))
            if relationship.upstream is None:
                where = "with"
            elif relationship.upstream == context.name:
                where = "upstream of"
            else:
                where = "downstream of"
            lines.append(f"  {where} {other}: {patterns}")
    return "\n".join(lines)


def impact_text(impact: Impact) -> str:
    """What a change to one context reaches."""

    def listed(names: tuple[str, ...]) -> str:
        return ", ".join(names) or "none"

    return "\n".join(
        [
            f"impact of a change to {impact.context}:",
            f"  direct consumers:     {listed(impact.direct_consumers)}",
            f"  transitive consumers: {listed(impact.transitive_consumers)}",
            f"  sagas and processes:  {listed(impact.processes)}",
            f"  read models:          {listed(impact.projections)}",
        ]
    )
