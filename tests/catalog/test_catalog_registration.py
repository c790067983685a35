"""Registration and build rules: each rejection names the context and the problem."""

from __future__ import annotations

import re

import pytest

from ddd_sim.runtime.catalog import (
    BoundedContext,
    CatalogBuilder,
    CatalogError,
    Endpoint,
    Pattern,
    ProcessEntry,
    ProcessKind,
    ProjectionEntry,
    StoreType,
    UnknownContext,
    api,
    build_catalog,
)
from ddd_sim.runtime.catalog.patterns import parse_pattern
from ddd_sim.shared.errors import ValidationError
from tests.catalog.catalog_fixtures import ctx, pair


def test_catalog_errors_are_validation_errors() -> None:
    assert issubclass(CatalogError, ValidationError)


def test_unknown_context_in_dependencies_is_named_with_the_known_ones() -> None:
    with pytest.raises(
        CatalogError,
        match=r"context 'sales' names unknown context 'pricing' in its "
        r"dependencies; known contexts: inventory, sales",
    ):
        build_catalog("T", [ctx("sales", deps=("pricing",)), ctx("inventory")])


def test_unknown_context_in_consumers_is_rejected() -> None:
    with pytest.raises(CatalogError, match="'inventory' names unknown context 'x'"):
        build_catalog("T", [ctx("inventory", consumers=("x",))])


def test_unknown_context_in_relationships_is_rejected() -> None:
    with pytest.raises(
        CatalogError, match="names unknown context 'erp' in its relationships"
    ):
        build_catalog("T", [ctx("analytics", rel={"erp": ("separate-ways",)})])


def test_unknown_pattern_name_is_rejected_on_register() -> None:
    builder = CatalogBuilder("T")
    with pytest.raises(
        CatalogError,
        match=r"context 'a' toward 'b': unknown context-map pattern 'friendship'; "
        r"known patterns: customer-supplier, ",
    ):
        builder.register(ctx("a", rel={"b": ("friendship",)}))


@pytest.mark.parametrize(
    ("written", "pattern"),
    [
        ("Anti-Corruption Layer", Pattern.ANTICORRUPTION_LAYER),
        ("ACL", Pattern.ANTICORRUPTION_LAYER),
        ("customer_supplier", Pattern.CUSTOMER_SUPPLIER),
        ("Customer\u2013Supplier", Pattern.CUSTOMER_SUPPLIER),
        ("Open Host Service", Pattern.OPEN_HOST_SERVICE),
        ("SK", Pattern.SHARED_KERNEL),
    ],
)
def test_pattern_names_are_read_the_usual_ways(written: str, pattern: Pattern) -> None:
    assert parse_pattern(written, where="test") is pattern


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(ctx("a", deps=("a",)), id="dependency"),
        pytest.param(ctx("a", consumers=("a",)), id="consumer"),
        pytest.param(ctx("a", rel={"a": ("partnership",)}), id="relationship"),
    ],
)
def test_a_context_related_to_itself_is_rejected(entry: BoundedContext) -> None:
    with pytest.raises(CatalogError, match="context 'a' is related to itself"):
        CatalogBuilder("T").register(entry)


def test_consumer_without_matching_dependency_is_rejected() -> None:
    with pytest.raises(
        CatalogError,
        match="'inventory' lists 'sales' as a consumer, but 'sales' does not "
        "list 'inventory' as a dependency",
    ):
        build_catalog(
            "T",
            [
                ctx(
                    "inventory",
                    consumers=("sales",),
                    rel={"sales": ("customer-supplier",)},
                ),
                ctx("sales"),
            ],
        )


def test_dependency_without_matching_consumer_is_rejected() -> None:
    with pytest.raises(
        CatalogError,
        match="'sales' lists 'inventory' as a dependency, but 'inventory' does "
        "not list 'sales' as a consumer",
    ):
        build_catalog(
            "T",
            [
                ctx("inventory"),
                ctx(
                    "sales",
                    deps=("inventory",),
                    rel={"inventory": ("customer-supplier",)},
                ),
            ],
        )


def test_a_dependency_needs_a_pattern() -> None:
    with pytest.raises(
        CatalogError,
        match="'down' depends on 'up', but neither names a context-map pattern",
    ):
        pair()


def test_an_empty_pattern_list_is_rejected() -> None:
    with pytest.raises(CatalogError, match="needs at least one pattern"):
        CatalogBuilder("T").register(ctx("a", rel={"b": ()}))


def test_a_context_registers_once() -> None:
    builder = CatalogBuilder("T").register(ctx("a"))
    with pytest.raises(CatalogError, match="context 'a' is already registered"):
        builder.register(ctx("a"))


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (ctx("a", store=None), "context 'a': a production store type is required"),
        (
            ctx("a", external=True),
            "context 'a' is external: the shop does not choose its store",
        ),
        (ctx("a b"), "context name 'a b' must start with a letter"),
        (ctx("a", team=" "), "context 'a': team must not be empty"),
        (ctx("a", purpose=""), "context 'a': purpose must not be empty"),
    ],
)
def test_entry_fields_are_checked_on_register(
    entry: BoundedContext, message: str
) -> None:
    with pytest.raises(CatalogError, match=message):
        CatalogBuilder("T").register(entry)


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        (api("FETCH", "/orders", "GetOrders"), "method 'FETCH' is not one of"),
        (api("GET", "orders", "GetOrders"), "path must start with '/'"),
        (api("GET", "/Orders", "GetOrders"), "segment 'Orders' is neither"),
        (
            api("GET", "/orders/{id}/{id}", "GetOrder"),
            r"parameter \{id\} appears twice",
        ),
        (
            api("GET", "/orders", "get_orders"),
            "message 'get_orders' must be a CamelCase",
        ),
    ],
)
def test_published_apis_are_checked(endpoint: Endpoint, message: str) -> None:
    entry = ctx("sales", published_apis=(endpoint,))
    with pytest.raises(CatalogError, match=f"context 'sales', endpoint .*{message}"):
        CatalogBuilder("T").register(entry)


def test_two_routes_of_the_same_shape_in_one_context_are_rejected() -> None:
    entry = ctx(
        "sales",
        published_apis=(
            api("GET", "/orders/{order_id}", "GetOrder"),
            api("GET", "/orders/{id}", "GetOrderAgain"),
        ),
    )
    with pytest.raises(CatalogError, match="repeats another route"):
        CatalogBuilder("T").register(entry)


def test_two_contexts_cannot_publish_the_same_route() -> None:
    with pytest.raises(
        CatalogError,
        match="context 'billing': endpoint POST /orders -> TakeOrder collides "
        "with a route of context 'anything'",
    ):
        build_catalog(
            "T",
            [
                ctx("anything", published_apis=(api("POST", "/orders", "PlaceOrder"),)),
                ctx("billing", published_apis=(api("POST", "/orders", "TakeOrder"),)),
            ],
        )


def test_processes_and_projections_name_known_contexts() -> None:
    with pytest.raises(
        CatalogError,
        match="process 'order_saga': unknown bounded context 'payment'; known "
        "contexts: sales",
    ):
        build_catalog(
            "T",
            [ctx("sales")],
            processes=[
                ProcessEntry("order_saga", ProcessKind.ORCHESTRATED_SAGA, ("payment",))
            ],
        )
    with pytest.raises(
        CatalogError,
        match=re.escape("projection 'sales.list': unknown bounded context 'x'"),
    ):
        build_catalog(
            "T",
            [ctx("sales")],
            projections=[ProjectionEntry("sales.list", "sales", ("x",))],
        )


def test_a_projection_is_named_after_its_context() -> None:
    with pytest.raises(
        CatalogError,
        match=re.escape("projection 'orders' must be named 'sales.<view>'"),
    ):
        build_catalog(
            "T", [ctx("sales")], projections=[ProjectionEntry("orders", "sales")]
        )


def test_process_and_projection_names_are_unique() -> None:
    builder = CatalogBuilder("T")
    builder.register_process(ProcessEntry("p", ProcessKind.CHOREOGRAPHY, ("a",)))
    with pytest.raises(CatalogError, match="process 'p' is already registered"):
        builder.register_process(ProcessEntry("p", ProcessKind.CHOREOGRAPHY, ("a",)))
    builder.register_projection(ProjectionEntry("a.v", "a"))
    with pytest.raises(
        CatalogError, match=re.escape("projection 'a.v' is already registered")
    ):
        builder.register_projection(ProjectionEntry("a.v", "a", store=StoreType.SEARCH))


def test_a_process_depends_on_some_context() -> None:
    with pytest.raises(CatalogError, match="process 'p' depends on no context"):
        build_catalog(
            "T", [ctx("a")], processes=[ProcessEntry("p", ProcessKind.CHOREOGRAPHY, ())]
        )


def test_finding_an_unknown_context_lists_the_known_names() -> None:
    catalog = pair(("published-language",))

    with pytest.raises(
        UnknownContext,
        match="unknown bounded context 'sales'; known contexts: down, up",
    ):
        catalog.find("sales")
    with pytest.raises(UnknownContext):
        catalog.impact("sales")
    with pytest.raises(UnknownContext):
        catalog.consumers("sales")
