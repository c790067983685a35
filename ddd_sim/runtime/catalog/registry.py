"""Service discovery: each bounded context the shop runs is one service identity."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ddd_sim.runtime.catalog.catalog import ContextCatalog
from ddd_sim.runtime.catalog.errors import CatalogError, UnknownService


@dataclass(frozen=True, slots=True)
class ServiceIdentity:
    """A context's identity in the mesh: namespace, version, base endpoints."""

    context: str
    namespace: str
    version: str
    endpoints: tuple[str, ...]


def _dns(label: str) -> str:
    """A DNS label from a name or team: lower case, words joined by '-'."""
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")


class ServiceRegistry:
    """Finds the service of a context; one identity per context."""

    def __init__(self) -> None:
        self._services: dict[str, ServiceIdentity] = {}

    @classmethod
    def from_catalog(
        cls, catalog: ContextCatalog, *, version: str = "1.0", port: int = 8080
    ) -> ServiceRegistry:
        """Register every context the shop runs, in its owning team's namespace.

        External systems are not in our mesh, so they cannot be discovered.
        """
        registry = cls()
        for ctx in catalog.contexts:
            if ctx.external:
                continue
            namespace = _dns(ctx.team)
            host = f"{_dns(ctx.name)}.{namespace}.svc"
            registry.register(
                ServiceIdentity(
                    context=ctx.name,
                    namespace=namespace,
                    version=version,
                    endpoints=(f"http://{host}:{port}",),
                )
            )
        return registry

    def register(self, service: ServiceIdentity) -> None:
        """Add a service; a context registers once and needs an endpoint."""
        if service.context in self._services:
            raise CatalogError(f"service {service.context!r} is already registered")
        if not service.endpoints:
            raise CatalogError(f"service {service.context!r} has no endpoint")
        self._services[service.context] = service

    @property
    def services(self) -> tuple[ServiceIdentity, ...]:
        """Every registered service, by context name."""
        return tuple(self._services[k] for k in sorted(self._services))

    def discover(self, context: str) -> ServiceIdentity:
        """The identity of a context's service; unknown names list the known."""
        try:
            return self._services[context]
        except KeyError:
            known = ", ".join(sorted(self._services))
            raise UnknownService(
                f"no service registered for context {context!r}; "
                f"registered services: {known}"
            ) from None
