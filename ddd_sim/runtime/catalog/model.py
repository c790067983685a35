"""The catalog's entries: bounded contexts, their endpoints, processes, read
models, and the relationship the catalog derives for each pair of contexts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType

from ddd_sim.runtime.catalog.patterns import Pattern, Side


class StoreType(Enum):
    """The kind of store a context would use in production (polyglot persistence)."""

    RELATIONAL = "relational"
    DOCUMENT = "document"
    CACHE = "cache"
    COLUMNAR = "columnar"
    SEARCH = "search"
    EVENT_STORE = "event-store"


class ProcessKind(Enum):
    """How a long-running process coordinates its contexts."""

    ORCHESTRATED_SAGA = "orchestrated saga"
    CHOREOGRAPHY = "choreography"
    PROCESS_MANAGER = "process manager"


COMMAND_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
QUERY_METHODS = frozenset({"GET"})


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One published API route: GET routes are queries, the rest commands."""

    method: str
    path: str
    message: str

    @property
    def kind(self) -> str:
        """``"query"`` for reads, ``"command"`` for writes."""
        return "query" if self.method in QUERY_METHODS else "command"

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.message}"


def api(method: str, path: str, message: str) -> Endpoint:
    """Write an endpoint the way the catalog data reads: ``api("GET", ...)``."""
    return Endpoint(method=method.upper(), path=path, message=message)


@dataclass(frozen=True)
class BoundedContext:
    """A catalog entry: who owns a context, what it offers, whom it talks to.

    ``relationships`` maps each neighbour to the patterns *this* context holds
    toward it: an upstream names its own roles (open host service, published
    language), a downstream its own (conformist, anticorruption layer); either
    may name customer-supplier or a symmetric pattern.  The catalog merges both
    sides into one :class:`Relationship` per pair.  External systems (outside
    the shop, e.g. a card provider) have no production store of ours.
    """

    name: str
    team: str
    purpose: str
    published_apis: tuple[Endpoint, ...] = ()
    dependencies: tuple[str, ...] = ()
    consumers: tuple[str, ...] = ()
    published_languages: tuple[str, ...] = ()
    store: StoreType | None = None
    relationships: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    external: bool = False

    def __post_init__(self) -> None:
        # Freeze the caller's dict so an entry cannot change after registration.
        frozen = {k: tuple(v) for k, v in sorted(self.relationships.items())}
        object.__setattr__(self, "relationships", MappingProxyType(frozen))
        for name in (
            "published_apis",
            "dependencies",
            "consumers",
            "published_languages",
        ):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @property
    def neighbours(self) -> tuple[str, ...]:
        """Every context this one names, sorted."""
        names = {*self.dependencies, *self.consumers, *self.relationships}
        return tuple(sorted(names))


@dataclass(frozen=True, slots=True)
class ProcessEntry:
    """A saga or process manager and the contexts whose messages it drives."""

    name: str
    kind: ProcessKind
    depends_on: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProjectionEntry:
    """A read model: the context owning it, others it reads, where it is kept.

    ``store`` is None when the read model lives in its context's production
    store; a search index or columnar table names its own store type.
    """

    name: str
    context: str
    depends_on: tuple[str, ...] = ()
    store: StoreType | None = None

    @property
    def contexts(self) -> tuple[str, ...]:
        """The owning context and every context it reads, sorted."""
        return tuple(sorted({self.context, *self.depends_on}))


@dataclass(frozen=True, slots=True)
class Relationship:
    """The merged relationship of one pair; ``upstream`` is None when neither
    side is upstream (partners with traffic both ways, or separate ways)."""

    first: str
    second: str
    patterns: frozenset[Pattern]
    upstream: str | None = None

    @property
    def downstream(self) -> str | None:
        """The side that depends on the other, if the pair is one-way."""
        if self.upstream is None:
            return None
        return self.second if self.upstream == self.first else self.first

    def holder(self, pattern: Pattern) -> tuple[str, ...]:
        """Which context(s) hold a pattern: the ACL sits downstream, OHS upstream."""
        if pattern not in self.patterns:
            return ()
        side = pattern.side
        if side is Side.UPSTREAM and self.upstream is not None:
            return (self.upstream,)
        if side is Side.DOWNSTREAM and self.downstream is not None:
            return (self.downstream,)
        return (self.first, self.second)

    def roles(self, side: Side) -> tuple[Pattern, ...]:
        """The patterns on one side, in a fixed order."""
        return tuple(p for p in Pattern if p in self.patterns and p.side is side)

    @property
    def pair(self) -> str:
        """``"upstream -> downstream"`` or ``"a <-> b"`` for messages."""
        if self.upstream is not None:
            return f"{self.upstream} -> {self.downstream}"
        return f"{self.first} <-> {self.second}"


@dataclass(frozen=True, slots=True)
class Impact:
    """What a change to one context reaches, every tuple sorted."""

    context: str
    direct_consumers: tuple[str, ...]
    transitive_consumers: tuple[str, ...]
    processes: tuple[str, ...]
    projections: tuple[str, ...]


_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


def valid_name(name: str) -> bool:
    """Context names are identifiers so every export can name them."""
    return bool(_NAME.match(name))
