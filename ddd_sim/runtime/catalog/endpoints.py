"""Route templates: their syntax, and when two of them would collide."""

from __future__ import annotations

import re

from ddd_sim.runtime.catalog.errors import CatalogError
from ddd_sim.runtime.catalog.model import COMMAND_METHODS, QUERY_METHODS, Endpoint

_LITERAL = re.compile(r"[a-z0-9][a-z0-9_.-]*\Z")
_PARAM = re.compile(r"\{([a-z_][a-z0-9_]*)\}\Z")
_MESSAGE = re.compile(r"[A-Z][A-Za-z0-9]*\Z")


def segments(path: str) -> tuple[str, ...]:
    """The non-empty parts of a path, ``/orders/{id}`` -> ``("orders", "{id}")``."""
    return tuple(part for part in path.split("/") if part)


def param_name(segment: str) -> str | None:
    """The parameter a template segment captures, or None for a literal."""
    match = _PARAM.match(segment)
    return match.group(1) if match else None


def shape(endpoint: Endpoint) -> tuple[str, tuple[str | None, ...]]:
    """Method and literal segments, parameters blanked: equal shapes collide."""
    parts = tuple(None if param_name(s) else s for s in segments(endpoint.path))
    return endpoint.method, parts


def check_endpoint(endpoint: Endpoint, *, context: str) -> None:
    """Accept only ``METHOD /lower/case/{param}`` routes naming a message class."""
    where = f"context {context!r}, endpoint {endpoint}"
    methods = sorted(COMMAND_METHODS | QUERY_METHODS)
    if endpoint.method not in COMMAND_METHODS | QUERY_METHODS:
        raise CatalogError(
            f"{where}: method {endpoint.method!r} is not one of {', '.join(methods)}"
        )
    if not endpoint.path.startswith("/") or not segments(endpoint.path):
        raise CatalogError(f"{where}: path must start with '/' and name a resource")
    seen: set[str] = set()
    for part in endpoint.path.split("/")[1:]:
        name = param_name(part)
        if name is None and not _LITERAL.match(part):
            raise CatalogError(
                f"{where}: path segment {part!r} is neither lower-case text "
                "nor a {parameter}"
            )
        if name is not None and name in seen:
            raise CatalogError(f"{where}: parameter {{{name}}} appears twice")
        if name is not None:
            seen.add(name)
    if not _MESSAGE.match(endpoint.message):
        raise CatalogError(
            f"{where}: message {endpoint.message!r} must be a CamelCase "
            "command or query name"
        )
