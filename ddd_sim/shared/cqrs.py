"""What command and query handlers receive and return, shared by every context.

A command handler is ``handler(command, context) -> CommandResult``; a query
handler is ``handler(query) -> result``.  Each context lists its handlers in
tables (``application/wiring.py``) and ``bootstrap`` puts them on the buses.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

from ddd_sim.shared.aggregate import Aggregate
from ddd_sim.shared.events import AppendResult
from ddd_sim.shared.ids import IdFactory
from ddd_sim.shared.messages import Command, Query
from ddd_sim.shared.ports import EventStore
from ddd_sim.shared.read_models import ReadModelReader
from ddd_sim.shared.repository import AggregateCache, AggregateRepository
from ddd_sim.shared.serialization import EventRegistry


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandContext:
    """When a command runs (simulated seconds) and which flow it belongs to."""

    sim_time: float = 0.0
    correlation_id: uuid.UUID | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandResult:
    """The stream a command wrote and its new version, to wait for read models on.

    ``position`` is the global position of the last event written (or found
    already written); ``written`` is False when the command changed nothing
    (an idempotent repeat).
    """

    stream_id: str
    version: int
    position: int
    written: bool = True

    @classmethod
    def of(cls, result: AppendResult) -> CommandResult:
        """The result of one append."""
        return cls(
            stream_id=result.stream_id,
            version=result.last_version,
            position=result.last_position,
            written=result.written,
        )

    @classmethod
    def unchanged(cls, stream_id: str, version: int, position: int) -> CommandResult:
        """A command that was already done: nothing was written."""
        return cls(
            stream_id=stream_id, version=version, position=position, written=False
        )


CommandHandler: TypeAlias = Callable[[Any, CommandContext], CommandResult]
QueryHandler: TypeAlias = Callable[[Any], Any]
CommandTable: TypeAlias = dict[type[Command], CommandHandler]
QueryTable: TypeAlias = dict[type[Query], QueryHandler]


@dataclass(frozen=True, slots=True, kw_only=True)
class ContextDeps:
    """What ``bootstrap`` hands every context to build its handlers from.

    ``read_model(name)`` reads the current documents of a projection by its
    name; ``snapshot_every`` maps aggregate types to snapshot frequencies.
    """

    store: EventStore
    registry: EventRegistry
    ids: IdFactory
    read_model: Callable[[str], ReadModelReader]
    snapshot_every: dict[str, int]
    aggregates: AggregateCache | None = None

    def repository(
        self, aggregate_class: type[Any], *, stream_prefix: str | None = None
    ) -> AggregateRepository[Any]:
        """A repository for one aggregate type on the shared store."""
        return AggregateRepository(
            self.store,
            self.registry,
            aggregate_class,
            stream_prefix=stream_prefix,
            snapshot_every=self.snapshot_every.get(aggregate_class.aggregate_type),
            ids=self.ids,
            cache=self.aggregates,
        )


def save(
    repository: AggregateRepository[Any], aggregate: Aggregate, context: CommandContext
) -> CommandResult:
    """Save an aggregate's pending events and report the stream's new version.

    When the command decided nothing (an idempotent repeat), nothing is
    written and the result names the stream's current version and position.
    """
    result = repository.save(
        aggregate,
        sim_time=context.sim_time,
        correlation_id=context.correlation_id,
        causation_id=context.causation_id,
    )
    if result is not None:
        return CommandResult.of(result)
    stream_id = repository.stream_id(aggregate.id)
    position = 0
    if aggregate.version:
        last = repository.store.read_stream(
            stream_id, from_version=aggregate.version, to_version=aggregate.version
        )
        position = last[0].global_position if last else 0
    return CommandResult.unchanged(stream_id, aggregate.version, position)
