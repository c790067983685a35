"""Export the catalog as a Graphviz digraph: contexts as boxes, relationships
as edges from upstream to downstream.

Symmetric pairs (partners, a shared kernel with no one-way flow) draw one
edge with ``dir=both``; separate ways draw a dashed edge with no arrow, since
nothing flows.  Role markers sit at the ends, as Context Mapper draws them:
``U,OHS,PL`` at the upstream, ``D,ACL`` at the downstream.
"""

from __future__ import annotations

from ddd_sim.runtime.catalog.catalog import ContextCatalog
from ddd_sim.runtime.catalog.model import BoundedContext, Relationship
from ddd_sim.runtime.catalog.patterns import Pattern, Side


def dot_string(text: str) -> str:
    """A double-quoted DOT string; a newline becomes DOT's centred line break."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n") + '"'


def _attrs(pairs: list[tuple[str, str]]) -> str:
    return "[" + ", ".join(f"{k}={v}" for k, v in pairs) + "]"


def _node(ctx: BoundedContext) -> str:
    store = ctx.store.value if ctx.store else "external"
    label = f"{ctx.name}\nteam: {ctx.team}\nstore: {store}"
    attrs = [("label", dot_string(label))]
    if ctx.external:
        attrs.append(("style", dot_string("rounded,dashed")))
    return f"  {dot_string(ctx.name)} {_attrs(attrs)};"


def _edge(rel: Relationship) -> str:
    label = ", ".join(p.label for p in Pattern if p in rel.patterns)
    attrs = [("label", dot_string(label))]
    if rel.upstream is not None and rel.downstream is not None:
        tail, head = rel.upstream, rel.downstream
        up = ["U", *(p.abbreviation for p in rel.roles(Side.UPSTREAM))]
        down = ["D", *(p.abbreviation for p in rel.roles(Side.DOWNSTREAM))]
        if Pattern.CUSTOMER_SUPPLIER in rel.patterns:
            up.insert(1, "S")
            down.insert(1, "C")
        attrs += [
            ("taillabel", dot_string(",".join(up))),
            ("headlabel", dot_string(",".join(down))),
        ]
    else:
        tail, head = rel.first, rel.second
        if Pattern.SEPARATE_WAYS in rel.patterns:
            attrs += [("dir", "none"), ("style", "dashed")]
        else:
            attrs.append(("dir", "both"))
    return f"  {dot_string(tail)} -> {dot_string(head)} {_attrs(attrs)};"


def to_dot(catalog: ContextCatalog) -> str:
    """The catalog as DOT text, identical for identical catalogs."""
    lines = [
        f"digraph {dot_string(catalog.name + ' context map')} {{",
        "  graph [rankdir=LR];",
        '  node [shape=box, style="rounded"];',
    ]
    lines += [_node(ctx) for ctx in catalog.contexts]
    lines += [_edge(rel) for rel in catalog.relationships]
    lines.append("}")
    return "\n".join(lines) + "\n"
