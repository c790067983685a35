"""The API gateway: a routing table built from the catalog's published APIs.

Routing is data only: it names the context and message a call goes to, and
leaves sending (and the circuit breaker per downstream) to the runtime.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from ddd_sim.runtime.catalog.catalog import ContextCatalog
from ddd_sim.runtime.catalog.endpoints import param_name, segments
from ddd_sim.runtime.catalog.errors import CatalogError, MethodNotAllowed, NoRoute


@dataclass(frozen=True, slots=True)
class Route:
    """One entry of the routing table: a template and where it leads."""

    method: str
    path: str
    context: str
    kind: str
    message: str

    @property
    def parts(self) -> tuple[str, ...]:
        """The template's path segments."""
        return segments(self.path)

    @property
    def specificity(self) -> tuple[bool, ...]:
        """Literal segments beat parameters, earliest first: ``/orders/search``
        wins over ``/orders/{order_id}``."""
        return tuple(param_name(p) is None for p in self.parts)


@dataclass(frozen=True, slots=True)
class RouteMatch:
    """Where a call goes: the context, command or query, message and path values."""

    context: str
    kind: str
    message: str
    params: MappingProxyType[str, str]


def _bind(route: Route, parts: tuple[str, ...]) -> dict[str, str] | None:
    """The parameter values if a concrete path fits a template, else None."""
    if len(parts) != len(route.parts):
        return None
    values: dict[str, str] = {}
    for template, actual in zip(route.parts, parts, strict=True):
        name = param_name(template)
        if name is None and template != actual:
            return None
        if name is not None:
            values[name] = actual
    return values


class ApiGateway:
    """Routes ``METHOD /path`` to the context and message that serve it."""

    def __init__(self, routes: tuple[Route, ...]) -> None:
        self._routes = tuple(sorted(routes, key=lambda r: (r.path, r.method)))

    @classmethod
    def from_catalog(cls, catalog: ContextCatalog) -> ApiGateway:
        """A route for every published API of every context that has one."""
        return cls(
            tuple(
                Route(e.method, e.path, ctx.name, e.kind, e.message)
                for ctx in catalog.contexts
                for e in ctx.published_apis
            )
        )

    @property
    def routes(self) -> tuple[Route, ...]:
        """The whole table, by path then method."""
        return self._routes

    @property
    def contexts(self) -> tuple[str, ...]:
        """The contexts the gateway can reach, sorted."""
        return tuple(sorted({r.context for r in self._routes}))

    def routes_for(self, context: str) -> tuple[Route, ...]:
        """One context's part of the table; a context without routes is an error."""
        found = tuple(r for r in self._routes if r.context == context)
        if not found:
            raise CatalogError(
                f"the gateway has no routes for context {context!r}; "
                f"contexts with routes: {', '.join(self.contexts)}"
            )
        return found

    def route(self, method: str, path: str) -> RouteMatch:
        """Pick the most specific template for the path that takes the method."""
        verb = method.strip().upper()
        bare = path.split("?", 1)[0]
        if not bare.startswith("/"):
            raise NoRoute(f"path {path!r} must start with '/'")
        parts = segments(bare)
        fitting = [(r, v) for r in self._routes if (v := _bind(r, parts)) is not None]
        if not fitting:
            raise NoRoute(f"no route for {verb} {path}")
        allowed = [(r, v) for r, v in fitting if r.method == verb]
        if not allowed:
            methods = sorted({r.method for r, _ in fitting})
            raise MethodNotAllowed(
                f"{verb} is not allowed on {path}; allowed methods: "
                f"{', '.join(methods)}"
            )
        route, values = max(allowed, key=lambda rv: rv[0].specificity)
        return RouteMatch(
            context=route.context,
            kind=route.kind,
            message=route.message,
            params=MappingProxyType(values),
        )
