"""Service discovery and gateway routing built from the shop's catalog."""

from __future__ import annotations

import pytest

from ddd_sim.runtime.catalog import (
    ApiGateway,
    CatalogError,
    MethodNotAllowed,
    NoRoute,
    ServiceIdentity,
    ServiceRegistry,
    UnknownService,
    shop_catalog,
)

CATALOG = shop_catalog()
GATEWAY = ApiGateway.from_catalog(CATALOG)


@pytest.mark.parametrize(
    ("method", "path", "context", "kind", "message", "params"),
    [
        ("POST", "/orders", "sales", "command", "PlaceOrder", {}),
        (
            "GET",
            "/orders/ORD-001",
            "sales",
            "query",
            "GetOrder",
            {"order_id": "ORD-001"},
        ),
        (
            "POST",
            "/orders/ORD-001/cancel",
            "sales",
            "command",
            "CancelOrder",
            {"order_id": "ORD-001"},
        ),
        ("GET", "/orders/search", "sales", "query", "SearchOrders", {}),
        (
            "GET",
            "/inventory/PROD-001",
            "inventory",
            "query",
            "GetStock",
            {"product_id": "PROD-001"},
        ),
        (
            "POST",
            "/accounts/ACC-001/deposits",
            "payment",
            "command",
            "Deposit",
            {"account_id": "ACC-001"},
        ),
        (
            "GET",
            "/accounts/ACC-001/balances/USD",
            "payment",
            "query",
            "GetBalance",
            {"account_id": "ACC-001", "currency": "USD"},
        ),
        (
            "get",
            "/shipments/SHP-1?verbose=1",
            "shipping",
            "query",
            "GetShipment",
            {"shipment_id": "SHP-1"},
        ),
        ("POST", "/customers", "customer", "command", "RegisterCustomer", {}),
        (
            "GET",
            "/invoices/INV-9",
            "billing",
            "query",
            "GetInvoice",
            {"invoice_id": "INV-9"},
        ),
        (
            "GET",
            "/notifications/count",
            "notification",
            "query",
            "CountNotifications",
            {},
        ),
        ("GET", "/analytics/sales", "analytics", "query", "GetSalesMetrics", {}),
    ],
)
def test_routes_lead_to_context_and_message(
    method: str,
    path: str,
    context: str,
    kind: str,
    message: str,
    params: dict[str, str],
) -> None:
    match = GATEWAY.route(method, path)

    assert (match.context, match.kind, match.message) == (context, kind, message)
    assert dict(match.params) == params


def test_unknown_path_names_method_and_path() -> None:
    with pytest.raises(NoRoute, match="no route for GET /warehouse/PROD-1"):
        GATEWAY.route("GET", "/warehouse/PROD-1")


def test_known_path_with_wrong_method_lists_the_allowed_methods() -> None:
    with pytest.raises(
        MethodNotAllowed,
        match="DELETE is not allowed on /orders/ORD-1; allowed methods: GET",
    ):
        GATEWAY.route("DELETE", "/orders/ORD-1")
    with pytest.raises(MethodNotAllowed, match="allowed methods: GET, POST"):
        GATEWAY.route("PUT", "/orders")


def test_path_must_be_absolute() -> None:
    with pytest.raises(NoRoute, match="path 'orders' must start with '/'"):
        GATEWAY.route("GET", "orders")


def test_every_context_with_apis_has_a_routing_table() -> None:
    with_apis = sorted(c.name for c in CATALOG.contexts if c.published_apis)

    assert list(GATEWAY.contexts) == with_apis
    for name in with_apis:
        routes = GATEWAY.routes_for(name)
        assert len(routes) == len(CATALOG.find(name).published_apis)
        for route in routes:
            assert route.kind == ("query" if route.method == "GET" else "command")


def test_a_context_without_apis_has_no_routing_table() -> None:
    with pytest.raises(
        CatalogError, match="the gateway has no routes for context 'legacy_erp'"
    ):
        GATEWAY.routes_for("legacy_erp")


def test_the_routing_table_is_deterministic() -> None:
    assert ApiGateway.from_catalog(shop_catalog()).routes == GATEWAY.routes


def test_registry_discovers_each_internal_context_in_its_team_namespace() -> None:
    registry = ServiceRegistry.from_catalog(CATALOG, version="2.1")

    inventory = registry.discover("inventory")
    assert inventory == ServiceIdentity(
        context="inventory",
        namespace="warehouse",
        version="2.1",
        endpoints=("http://inventory.warehouse.svc:8080",),
    )
    assert registry.discover("legacy_erp").endpoints == (
        "http://legacy-erp.erp-maintenance.svc:8080",
    )
    assert [s.context for s in registry.services] == [
        c.name for c in CATALOG.contexts if not c.external
    ]


def test_unknown_or_external_contexts_cannot_be_discovered() -> None:
    registry = ServiceRegistry.from_catalog(CATALOG)

    with pytest.raises(
        UnknownService,
        match="no service registered for context 'card_payment_provider'; "
        "registered services: analytics, billing, ",
    ):
        registry.discover("card_payment_provider")


def test_a_service_registers_once_with_an_endpoint() -> None:
    registry = ServiceRegistry()
    registry.register(
        ServiceIdentity("sales", "revenue", "1.0", ("http://sales:8080",))
    )

    with pytest.raises(CatalogError, match="service 'sales' is already registered"):
        registry.register(ServiceIdentity("sales", "revenue", "1.1", ("http://s:1",)))
    with pytest.raises(CatalogError, match="service 'billing' has no endpoint"):
        registry.register(ServiceIdentity("billing", "finance", "1.0", ()))
