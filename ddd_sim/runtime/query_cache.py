"""A cache in front of the query bus: TTL in simulated time, invalidated by events.

Example 70: read models are eventually consistent anyway, so answers can be
kept.  An answer is dropped when its time-to-live runs out, or as soon as a
projection it was read from commits a change to a document it depends on —
after the commit, so the next miss reads the new state, never the old.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ddd_sim.runtime.buses import QueryBus
from ddd_sim.runtime.clock import Clock
from ddd_sim.shared.messages import Query


@dataclass(frozen=True, slots=True)
class CacheRule:
    """Which read model a query reads, and which document (None: all of them)."""

    projection: str
    key: Callable[[Any], str | None] = lambda _query: None


@dataclass(slots=True)
class CacheStats:
    """Hits, misses, entries dropped by events and by age."""

    hits: int = 0
    misses: int = 0
    invalidations: int = 0
    expirations: int = 0
    recent: deque[tuple[str, Query]] = field(default_factory=lambda: deque(maxlen=200))
    """The latest lookups as (what happened, query), oldest first."""

    @property
    def log(self) -> list[str]:
        """The latest lookups as lines: ``HIT GetOrder(...)``, ``MISS …``."""
        # formatted only when read: a repr per hit would double its cost
        return [f"{kind} {query!r}" for kind, query in self.recent]

    @property
    def hit_ratio(self) -> float:
        """Hits over all lookups (0 before the first)."""
        total = self.hits + self.misses
        return self.hits / total if total else 0.0


@dataclass(slots=True)
class _Entry:
    value: Any
    expires_at: float
    projection: str
    key: str | None


class CachedQueries:
    """Answers cacheable queries from memory; everything else goes to the bus."""

    def __init__(
        self,
        bus: QueryBus,
        clock: Clock,
        *,
        ttl: float = 60.0,
        rules: dict[type[Query], CacheRule] | None = None,
    ) -> None:
        if ttl <= 0:
            raise ValueError(f"a cache time-to-live must be positive, got {ttl}")
        self._bus = bus
        self._clock = clock
        self.ttl = ttl
        self._rules = dict(rules or {})
        self._entries: dict[Query, _Entry] = {}
        self.stats = CacheStats()

    def add_rule(self, query_type: type[Query], rule: CacheRule) -> None:
        """Make a query type cacheable, reading from ``rule.projection``."""
        self._rules[query_type] = rule

    def ask(self, query: Query) -> Any:
        """The answer, from the cache when fresh, else from the bus (then kept)."""
        rule = self._rules.get(type(query))
        if rule is None:
            return self._bus.ask(query)
        now = self._clock.now()
        entry = self._entries.get(query)
        if entry is not None:
            if entry.expires_at > now:
                self.stats.hits += 1
                self.stats.recent.append(("HIT", query))
                return entry.value
            del self._entries[query]
            self.stats.expirations += 1
        self.stats.misses += 1
        self.stats.recent.append(("MISS", query))
        value = self._bus.ask(query)
        self._entries[query] = _Entry(
            value, now + self.ttl, rule.projection, rule.key(query)
        )
        return value

    def invalidate(self, projection: str, keys: frozenset[str]) -> int:
        """Drop answers read from documents ``keys`` of ``projection``."""
        doomed = [
            query
            for query, entry in self._entries.items()
            if entry.projection == projection
            and (entry.key is None or entry.key in keys)
        ]
        for query in doomed:
            del self._entries[query]
            self.stats.recent.append(("INVALIDATED", query))
        self.stats.invalidations += len(doomed)
        return len(doomed)

    def clear(self) -> None:
        """Forget every answer (counters are kept)."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
