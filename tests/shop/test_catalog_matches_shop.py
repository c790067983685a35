"""The context catalog describes the shop that actually runs, not a drawing of it."""

from __future__ import annotations

from ddd_sim.bootstrap import bootstrap
from ddd_sim.integration.events import INTEGRATION_EVENTS
from ddd_sim.runtime.catalog import ApiGateway, ServiceRegistry, shop_catalog


def test_catalog_contexts_projections_and_routes_match_the_running_shop() -> None:
    app = bootstrap("memory:")
    shop = app.shop
    catalog = shop_catalog()
    internal = {c.name for c in catalog.contexts if not c.external}
    assert internal == set(shop.contexts)
    assert {p.name for p in catalog.projections} == set(shop.projections.names())
    for projection in catalog.projections:
        running = shop.projections.projection(projection.name)
        assert shop.projections.names().count(projection.name) == 1
        assert running.name.startswith(projection.context + ".")

    commands = {t.__name__: t for t in shop.commands.types()}
    queries = {t.__name__: t for t in shop.queries.types()}
    gateway = ApiGateway.from_catalog(catalog)
    routed = set()
    for route in gateway.routes:
        table = commands if route.kind == "command" else queries
        assert route.message in table, route
        bus = shop.commands if route.kind == "command" else shop.queries
        assert bus.owner(table[route.message]) == route.context, route
        routed.add(route.message)
    assert routed == set(commands) | set(queries)  # every handler is reachable
    registry = ServiceRegistry.from_catalog(catalog)
    assert {s.context for s in registry.services} == internal

    published = {c.event_type: c.source_context for c in INTEGRATION_EVENTS}
    for context in catalog.contexts:
        for language in context.published_languages:
            assert published[language] == context.name
    app.close()
