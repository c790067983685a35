"""Export the catalog as a Context Mapper (CML) context map.

Follows the ContextMappingDSL grammar: one ``ContextMap`` with ``type``,
``state``, ``contains`` and relationships, then one ``BoundedContext`` block
per context.  A pair with a symmetric pattern and a one-way flow (sales and
billing share a kernel *and* billing reads sales' published language) becomes
two relationship lines.  CML has no separate-ways relationship, so such pairs
are named only in the leading comment.
"""

from __future__ import annotations

from ddd_sim.runtime.catalog.catalog import ContextCatalog
from ddd_sim.runtime.catalog.model import BoundedContext, Relationship
from ddd_sim.runtime.catalog.patterns import Pattern, Side

# Words the CML lexer reads as keywords; an identifier spelled like one needs '^'.
_KEYWORDS = frozenset(
    {
        "ACL", "Aggregate", "Application", "BoundedContext", "C", "CF", "ContextMap",
        "D", "Domain", "Flow", "Module", "OHS", "P", "PL", "Partnership", "S", "SK",
        "Subdomain", "U", "UseCase", "UserStory", "contains", "state", "type",
    }
)  # fmt: skip

_ACRONYMS = frozenset({"api", "erp", "crm", "id"})


def cml_identifier(name: str) -> str:
    """``legacy_erp`` -> ``LegacyERP``; ``Sales`` stays; keywords get a '^'."""
    words = [w for w in name.split("_") if w]
    ident = "".join(
        w.upper() if w in _ACRONYMS else w[0].upper() + w[1:] for w in words
    )
    return f"^{ident}" if ident in _KEYWORDS else ident


def cml_string(text: str) -> str:
    """A CML string literal, quotes and backslashes escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def _comment(text: str) -> str:
    """A block comment whose text cannot close it early."""
    return "/* " + text.replace("*/", "* /") + " */"


def _symmetric_lines(rel: Relationship) -> list[str]:
    a, b = cml_identifier(rel.first), cml_identifier(rel.second)
    lines = []
    if Pattern.PARTNERSHIP in rel.patterns:
        lines.append(f"  {a} [P]<->[P] {b}")
    if Pattern.SHARED_KERNEL in rel.patterns:
        lines.append(f"  {a} [SK]<->[SK] {b}")
    return lines


def _directed_line(rel: Relationship) -> list[str]:
    if rel.upstream is None or rel.downstream is None:
        return []
    up_roles = [p.abbreviation for p in rel.roles(Side.UPSTREAM)]
    down_roles = [p.abbreviation for p in rel.roles(Side.DOWNSTREAM)]
    if not (up_roles or down_roles or Pattern.CUSTOMER_SUPPLIER in rel.patterns):
        return []
    if Pattern.CUSTOMER_SUPPLIER in rel.patterns:
        up, down = ["U", "S", *up_roles], ["D", "C", *down_roles]
    else:
        up, down = ["U", *up_roles], ["D", *down_roles]
    line = (
        f"  {cml_identifier(rel.upstream)} [{','.join(up)}]->"
        f"[{','.join(down)}] {cml_identifier(rel.downstream)}"
    )
    if Pattern.PUBLISHED_LANGUAGE in rel.patterns:
        line += ' {\n    implementationTechnology = "CloudEvents"\n  }'
    return [line]


def _context_block(ctx: BoundedContext) -> str:
    store = ctx.store.value if ctx.store else "external system"
    lines = [
        _comment(f"team: {ctx.team}; production store: {store}"),
        f"BoundedContext {cml_identifier(ctx.name)} {{",
        f"  domainVisionStatement = {cml_string(ctx.purpose)}",
    ]
    responsibilities = [e.message for e in ctx.published_apis]
    responsibilities += [f"publishes {t}" for t in ctx.published_languages]
    if responsibilities:
        listed = ", ".join(cml_string(r) for r in responsibilities)
        lines.append(f"  responsibilities = {listed}")
    if ctx.store is not None:
        lines.append(f"  implementationTechnology = {cml_string(store + ' store')}")
    lines.append("}")
    return "\n".join(lines)


def to_cml(catalog: ContextCatalog) -> str:
    """The catalog as one CML file, identical for identical catalogs."""
    apart = [
        f"{cml_identifier(r.first)} and {cml_identifier(r.second)}"
        for r in catalog.relationships
        if Pattern.SEPARATE_WAYS in r.patterns
    ]
    header = f"{catalog.name} context map, generated from the context catalog."
    if apart:
        header += " Separate ways (no relationship in CML): " + "; ".join(apart) + "."
    out = [
        _comment(header),
        "",
        f"ContextMap {cml_identifier(catalog.name)}ContextMap {{",
    ]
    out += ["  type = SYSTEM_LANDSCAPE", "  state = AS_IS", ""]
    out += [f"  contains {cml_identifier(c.name)}" for c in catalog.contexts]
    out.append("")
    for rel in catalog.relationships:
        out += _symmetric_lines(rel) + _directed_line(rel)
    out += ["}", ""]
    for ctx in catalog.contexts:
        out += [_context_block(ctx), ""]
    return "\n".join(out)
