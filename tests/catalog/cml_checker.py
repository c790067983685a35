"""A small recursive-descent checker for the part of Context Mapper's CML
grammar (ContextMappingDSL.xtext) that the catalog exports: one ContextMap
with type/state/contains and bracket-style relationships, then BoundedContext
blocks.  Comments are hidden tokens, as in Xtext's common terminals."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>/\*.*?\*/|//[^\n]*)
  | (?P<string>"(?:\\.|[^"\\])*")
  | (?P<arrow><->|->|<-)
  | (?P<punct>[{}\[\],=:])
  | (?P<id>\^?[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE | re.DOTALL,
)
_MAP_TYPES = {"UNDEFINED", "SYSTEM_LANDSCAPE", "ORGANIZATIONAL"}
_MAP_STATES = {"UNDEFINED", "AS_IS", "TO_BE"}
_BC_TYPES = {"UNDEFINED", "FEATURE", "APPLICATION", "SYSTEM", "TEAM"}
_UP_ROLES = {"OHS", "PL"}
_DOWN_ROLES = {"ACL", "CF"}
_RIGHTS = {"INFLUENCER", "OPINION_LEADER", "VETO_RIGHT", "DECISION_MAKER", "MONOPOLIST"}


class CmlError(ValueError):
    """The text is not valid CML (for the subset checked here)."""


@dataclass
class CmlRelationship:
    kind: str  # "P", "SK", "UD" or "CS"
    first: str  # the upstream for UD/CS
    second: str  # the downstream for UD/CS
    up_roles: tuple[str, ...] = ()
    down_roles: tuple[str, ...] = ()


@dataclass
class CmlModel:
    map_name: str | None = None
    contains: list[str] = field(default_factory=list)
    relationships: list[CmlRelationship] = field(default_factory=list)
    contexts: dict[str, dict[str, object]] = field(default_factory=dict)


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            line = text.count("\n", 0, pos) + 1
            raise CmlError(f"line {line}: unexpected character {text[pos]!r}")
        kind = m.lastgroup or ""
        if kind not in ("ws", "comment"):
            tokens.append((kind, m.group()))
        pos = m.end()
    depth = 0
    for _, value in tokens:
        depth += {"{": 1, "}": -1}.get(value, 0)
        if depth < 0:
            raise CmlError("unbalanced braces: '}' without '{'")
    if depth:
        raise CmlError(f"unbalanced braces: {depth} '{{' never closed")
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.i = tokens, 0

    def peek(self, ahead: int = 0) -> str | None:
        j = self.i + ahead
        return self.tokens[j][1] if j < len(self.tokens) else None

    def take(self, expected: str | None = None, kind: str | None = None) -> str:
        if self.i >= len(self.tokens):
            raise CmlError(f"unexpected end of input, expected {expected or kind}")
        k, v = self.tokens[self.i]
        if (expected is not None and v != expected) or (kind is not None and k != kind):
            raise CmlError(f"expected {expected or kind}, got {v!r} (token {self.i})")
        self.i += 1
        return v

    def ident(self) -> str:
        return self.take(kind="id").lstrip("^")

    def optional_eq(self) -> None:
        if self.peek() == "=":
            self.take("=")

    def enum(self, allowed: set[str], what: str) -> str:
        value = self.take(kind="id")
        if value not in allowed:
            raise CmlError(f"{what} {value!r} is not one of {sorted(allowed)}")
        return value

    # -- ContextMap ----------------------------------------------------------
    def context_map(self, model: CmlModel) -> None:
        self.take("ContextMap")
        if self.peek() != "{":
            model.map_name = self.ident()
        self.take("{")
        seen: set[str] = set()
        while self.peek() in ("type", "state") and self.peek() not in seen:
            key = self.take()
            seen.add(key)
            self.optional_eq()
            self.enum(_MAP_TYPES if key == "type" else _MAP_STATES, key)
        while self.peek() == "contains":
            self.take("contains")
            model.contains.append(self.ident())
            while self.peek() == ",":
                self.take(",")
                model.contains.append(self.ident())
        while self.peek() != "}":
            model.relationships.append(self.relationship())
        self.take("}")

    def roles(self) -> list[str]:
        if self.peek() != "[":
            return []
        self.take("[")
        items = [self.take(kind="id")]
        while self.peek() == ",":
            self.take(",")
            items.append(self.take(kind="id"))
        self.take("]")
        return items

    def relationship(self) -> CmlRelationship:
        left = self.ident()
        left_roles = self.roles()
        arrow = self.take(kind="arrow")
        right_roles = self.roles()
        right = self.ident()
        if arrow == "<->":
            rel = self.symmetric(left, left_roles, right, right_roles)
        elif arrow == "->":
            rel = self.directed(left, left_roles, right, right_roles)
        else:
            rel = self.directed(right, right_roles, left, left_roles)
        if self.peek() == ":":
            self.take(":")
            self.ident()
        if self.peek() == "{":
            self.relationship_body(symmetric=arrow == "<->")
        return rel

    def symmetric(
        self, a: str, ra: list[str], b: str, rb: list[str]
    ) -> CmlRelationship:
        if not ra and not rb:
            return CmlRelationship("SK", a, b)  # the grammar's default symmetric
        if ra != rb or ra not in (["P"], ["SK"]):
            raise CmlError(
                f"{a} <-> {b}: roles must be [P]/[P] or [SK]/[SK], got {ra}/{rb}"
            )
        return CmlRelationship(ra[0], a, b)

    def directed(
        self, up: str, ur: list[str], down: str, dr: list[str]
    ) -> CmlRelationship:
        where = f"{up} -> {down}"
        u = ur[1:] if ur[:1] == ["U"] else ur
        d = dr[1:] if dr[:1] == ["D"] else dr
        supplier, customer = u[:1] == ["S"], d[:1] == ["C"]
        if supplier != customer:
            raise CmlError(f"{where}: 'S' and 'C' come together (customer-supplier)")
        if supplier:
            u, d = u[1:], d[1:]
        elif (ur and not u and ur != ["U"]) or (dr and not d and dr != ["D"]):
            raise CmlError(f"{where}: empty role list")
        if bad := [r for r in u if r not in _UP_ROLES]:
            raise CmlError(f"{where}: {bad} are not upstream roles (OHS, PL)")
        if bad := [r for r in d if r not in _DOWN_ROLES]:
            raise CmlError(f"{where}: {bad} are not downstream roles (ACL, CF)")
        kind = "CS" if supplier else "UD"
        return CmlRelationship(kind, up, down, tuple(u), tuple(d))

    def relationship_body(self, *, symmetric: bool) -> None:
        self.take("{")
        while self.peek() != "}":
            key = self.take(kind="id")
            self.optional_eq()
            if key == "implementationTechnology":
                self.take(kind="string")
            elif key == "downstreamRights" and not symmetric:
                self.enum(_RIGHTS, key)
            else:
                raise CmlError(f"unknown relationship attribute {key!r}")
        self.take("}")

    # -- BoundedContext ------------------------------------------------------
    def bounded_context(self, model: CmlModel) -> None:
        self.take("BoundedContext")
        name = self.ident()
        if name in model.contexts:
            raise CmlError(f"BoundedContext {name} is declared twice")
        attrs: dict[str, object] = {}
        model.contexts[name] = attrs
        if self.peek() != "{":
            return
        self.take("{")
        while self.peek() != "}":
            key = self.take(kind="id")
            if key in attrs:
                raise CmlError(f"BoundedContext {name}: {key} given twice")
            self.optional_eq()
            if key in ("domainVisionStatement", "implementationTechnology"):
                attrs[key] = self.take(kind="string")
            elif key == "responsibilities":
                items = [self.take(kind="string")]
                while self.peek() == ",":
                    self.take(",")
                    items.append(self.take(kind="string"))
                attrs[key] = items
            elif key == "type":
                attrs[key] = self.enum(_BC_TYPES, "type")
            else:
                raise CmlError(f"BoundedContext {name}: unknown attribute {key!r}")
        self.take("}")


def check_cml(text: str) -> CmlModel:
    """Parse CML and check every referenced context is declared and contained."""
    parser = _Parser(tokenize(text))
    model = CmlModel()
    if parser.peek() == "ContextMap":
        parser.context_map(model)
    while parser.peek() is not None:
        parser.bounded_context(model)
    declared = set(model.contexts)
    for name in model.contains:
        if name not in declared:
            raise CmlError(f"contains {name}, which is not a declared BoundedContext")
    contained = set(model.contains)
    for rel in model.relationships:
        for name in (rel.first, rel.second):
            if name not in contained:
                raise CmlError(
                    f"relationship names {name}, which the map does not contain"
                )
    return model
