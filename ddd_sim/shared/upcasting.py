"""Upcasting: old stored schemas read as the current one; rows are never rewritten."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ddd_sim.shared.errors import UnknownEventType

PayloadUpcaster = Callable[[dict[str, Any]], dict[str, Any]]


class Upcasters:
    """A chain of one-step upcasters per event type, from each version to the next.

    A type is *known* once it has a current version.  Reading a known type at
    a version with no path to the current one, or above it, is an error that
    names the type and version; unknown types pass through untouched.
    """

    def __init__(self) -> None:
        self._current: dict[str, int] = {}
        self._steps: dict[tuple[str, int], PayloadUpcaster] = {}

    def declare(self, event_type: str, current_version: int) -> None:
        """Say which schema version of ``event_type`` the code reads today."""
        if current_version < 1:
            raise ValueError(f"schema version must be ≥ 1, got {current_version}")
        known = self._current.get(event_type)
        if known is not None and known != current_version:
            raise ValueError(
                f"{event_type} declared at version {known} and {current_version}"
            )
        self._current[event_type] = current_version

    def register(
        self, event_type: str, from_version: int, step: PayloadUpcaster
    ) -> None:
        """Add the step that turns ``from_version`` payloads into the next version."""
        key = (event_type, from_version)
        if key in self._steps:
            raise ValueError(f"an upcaster for {event_type} v{from_version} exists")
        self._steps[key] = step

    def current_version(self, event_type: str) -> int | None:
        """The version the code reads today, or None for an undeclared type."""
        return self._current.get(event_type)

    def needs_upcast(self, event_type: str, schema_version: int) -> bool:
        """True when the stored version differs from the current one."""
        current = self._current.get(event_type)
        return current is not None and current != schema_version

    def upcast(
        self, event_type: str, schema_version: int, payload: dict[str, Any]
    ) -> tuple[int, dict[str, Any]]:
        """Return the payload at the current version (a new dict; input untouched)."""
        current = self._current.get(event_type)
        if current is None or current == schema_version:
            return schema_version, payload
        if schema_version > current:
            raise UnknownEventType(
                f"event type {event_type} schema version {schema_version} is newer "
                f"than this DDD Sim understands (it reads up to version {current})"
            )
        version, data = schema_version, dict(payload)
        while version < current:
            step = self._steps.get((event_type, version))
            if step is None:
                raise UnknownEventType(
                    f"event type {event_type} schema version {version} is not known: "
                    f"no upcaster from version {version} to {version + 1}"
                )
            data = step(data)
            version += 1
        return version, data
