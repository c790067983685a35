"""The context catalog and context map: bounded contexts as data, validated,
with impact analysis, service discovery, gateway routing and CML/DOT export.

It describes contexts by name and never imports them.
"""

from __future__ import annotations

from ddd_sim.runtime.catalog.catalog import (
    CatalogBuilder,
    ContextCatalog,
    build_catalog,
)
from ddd_sim.runtime.catalog.cml import to_cml
from ddd_sim.runtime.catalog.dot import to_dot
from ddd_sim.runtime.catalog.errors import (
    CatalogError,
    IllegalCombination,
    MethodNotAllowed,
    NoRoute,
    UnknownContext,
    UnknownService,
)
from ddd_sim.runtime.catalog.gateway import ApiGateway, Route, RouteMatch
from ddd_sim.runtime.catalog.model import (
    BoundedContext,
    Endpoint,
    Impact,
    ProcessEntry,
    ProcessKind,
    ProjectionEntry,
    Relationship,
    StoreType,
    api,
)
from ddd_sim.runtime.catalog.patterns import Pattern, Side
from ddd_sim.runtime.catalog.registry import ServiceIdentity, ServiceRegistry
from ddd_sim.runtime.catalog.shop import example80_catalog, shop_catalog

__all__ = [
    "ApiGateway",
    "BoundedContext",
    "CatalogBuilder",
    "CatalogError",
    "ContextCatalog",
    "Endpoint",
    "IllegalCombination",
    "Impact",
    "MethodNotAllowed",
    "NoRoute",
    "Pattern",
    "ProcessEntry",
    "ProcessKind",
    "ProjectionEntry",
    "Relationship",
    "Route",
    "RouteMatch",
    "ServiceIdentity",
    "ServiceRegistry",
    "Side",
    "StoreType",
    "UnknownContext",
    "UnknownService",
    "api",
    "build_catalog",
    "example80_catalog",
    "shop_catalog",
    "to_cml",
    "to_dot",
]
