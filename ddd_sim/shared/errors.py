"""The error hierarchy every layer raises and every entry point turns into a message."""

from __future__ import annotations


class DddSimError(Exception):
    """Base of every error DDD Sim raises on purpose; its text is meant for a user."""


class DomainError(DddSimError):
    """A command broke a business rule; nothing was recorded."""


class ValidationError(DomainError):
    """A value is malformed (negative amount, unknown currency, bad id)."""


class ConcurrencyError(DddSimError):
    """An append lost a race or contradicts what is already stored."""


class WrongExpectedVersion(ConcurrencyError):
    """The stream is not at the version the caller expected."""

    def __init__(self, stream_id: str, expected: object, actual: int) -> None:
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"stream {stream_id!r}: expected version {expected}, "
            f"but the stream is at version {actual}"
        )


class DuplicateEventError(ConcurrencyError):
    """An event id is already stored with other content, elsewhere, or in part."""


class UnknownEventType(DddSimError):
    """A stored event's type or schema version has no class or upcaster."""


class StoreError(DddSimError):
    """The event store cannot be opened or read."""


class StoreUnavailable(StoreError):
    """The store's server cannot be reached or refused the connection."""


class NotAStoreFile(StoreError):
    """The file is not a DDD Sim session (random bytes, empty, another app's DB)."""


class ForeignDatabase(NotAStoreFile):
    """The file is a valid SQLite database made by another application."""


class CorruptStore(StoreError):
    """The file is damaged: truncated, malformed, or an event fails its checksum."""


class StoreTooNew(StoreError):
    """The store was written by a newer DDD Sim whose schema this one cannot read."""


class NotFound(DomainError):
    """The thing a command or query names does not exist."""


class UnknownMessage(DddSimError):
    """No handler is registered for a command or query type."""


class ContractViolation(DddSimError):
    """A message crossing a context boundary breaks its published contract."""


class ConsistencyTimeout(DddSimError):
    """A read model did not reach the awaited version in time."""


class RunStateError(DddSimError):
    """A store holds no run to resume, already holds one, or its run is over."""
