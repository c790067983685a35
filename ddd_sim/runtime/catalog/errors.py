"""Errors the context catalog raises: each names the context and what is wrong."""

from __future__ import annotations

from ddd_sim.shared.errors import ValidationError


class CatalogError(ValidationError):
    """A catalog entry, relationship, route or lookup breaks a catalog rule."""


class UnknownContext(CatalogError):
    """A name does not match any registered bounded context."""

    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        self.name = name
        self.known = known
        super().__init__(
            f"unknown bounded context {name!r}; known contexts: {', '.join(known)}"
        )


class IllegalCombination(CatalogError):
    """One relationship holds patterns that contradict each other."""


class NoRoute(CatalogError):
    """The gateway has no route for a method and path."""


class MethodNotAllowed(NoRoute):
    """The path is routed, but not for this HTTP method."""


class UnknownService(CatalogError):
    """The service registry has no identity for a context."""
