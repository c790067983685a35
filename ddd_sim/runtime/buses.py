"""Command and query buses: handler tables, one handler per message type.

Example 66's split: commands change the write model and answer with the new
stream version (so a caller can wait for read models to reach it); queries
only read.  Each context contributes tables; a type claimed twice, or a
message nobody handles, is an error that names it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from ddd_sim.shared.cqrs import CommandContext, CommandResult
from ddd_sim.shared.errors import UnknownMessage
from ddd_sim.shared.messages import Command, Query

M = TypeVar("M")
H = TypeVar("H", bound=Callable[..., Any])


class _Table(Generic[M, H]):
    """Handlers by message type, remembering which context owns each."""

    kind = "message"

    def __init__(self) -> None:
        self._handlers: dict[type[M], H] = {}
        self._owners: dict[type[M], str] = {}

    def register(self, table: dict[type[M], H], *, context: str) -> None:
        """Add one context's handlers; a type may have only one handler."""
        for message_type, handler in table.items():
            owner = self._owners.get(message_type)
            if owner is not None:
                raise ValueError(
                    f"{self.kind} {message_type.__name__} is handled by both "
                    f"{owner} and {context}"
                )
            self._handlers[message_type] = handler
            self._owners[message_type] = context

    def handler_for(self, message: object) -> H:
        """The handler of a message's exact type, or a clear error."""
        handler = self._handlers.get(type(message))  # type: ignore[arg-type]
        if handler is None:
            known = ", ".join(sorted(t.__name__ for t in self._handlers)) or "none"
            raise UnknownMessage(
                f"no handler for {self.kind} {type(message).__name__} "
                f"(known {self.kind}s: {known})"
            )
        return handler

    def owner(self, message_type: type[M]) -> str:
        """The context that handles a message type."""
        try:
            return self._owners[message_type]
        except KeyError:
            raise UnknownMessage(
                f"no handler for {self.kind} {message_type.__name__}"
            ) from None

    def types(self) -> list[type[M]]:
        """Every handled message type, by name."""
        return sorted(self._handlers, key=lambda t: t.__name__)

    def by_name(self, name: str) -> type[M]:
        """A handled message type by its class name (for routes and scenarios)."""
        for message_type in self._handlers:
            if message_type.__name__ == name:
                return message_type
        known = ", ".join(t.__name__ for t in self.types())
        raise UnknownMessage(f"unknown {self.kind} {name!r} (known: {known})")


CommandListener = Callable[[Command, CommandResult], None]


class CommandBus(_Table[Command, Callable[[Any, CommandContext], CommandResult]]):
    """Sends each command to its one handler and reports the stream it wrote."""

    kind = "command"

    def __init__(self) -> None:
        super().__init__()
        self._listeners: list[CommandListener] = []

    def subscribe(self, listener: CommandListener) -> None:
        """Call ``listener(command, result)`` after every successful command."""
        self._listeners.append(listener)

    def dispatch(
        self, command: Command, context: CommandContext | None = None
    ) -> CommandResult:
        """Run a command; raises the handler's domain error unchanged."""
        handler = self.handler_for(command)
        result = handler(command, context or CommandContext())
        for listener in self._listeners:
            listener(command, result)
        return result


class QueryBus(_Table[Query, Callable[[Any], Any]]):
    """Sends each query to its one handler; queries never change state."""

    kind = "query"

    def ask(self, query: Query) -> Any:
        """The answer to a query, from its read model."""
        return self.handler_for(query)(query)
