"""The shop's catalog and example 80's: contents, lookups, impact analysis."""

from __future__ import annotations

import pytest

from ddd_sim.integration.events import INTEGRATION_EVENTS
from ddd_sim.runtime.catalog import (
    CatalogError,
    Pattern,
    ProcessKind,
    StoreType,
    example80_catalog,
    shop_catalog,
)

SHOP = shop_catalog()


def test_the_shop_has_its_contexts_and_the_external_card_provider() -> None:
    assert SHOP.names == (
        "analytics",
        "billing",
        "card_payment_provider",
        "customer",
        "inventory",
        "legacy_erp",
        "notification",
        "payment",
        "sales",
        "shipping",
    )
    provider = SHOP.find("card_payment_provider")
    assert provider.external
    assert provider.store is None
    assert [c.name for c in SHOP.dependencies("payment")] == ["card_payment_provider"]


@pytest.mark.parametrize(
    ("name", "store"),
    [
        ("sales", StoreType.RELATIONAL),
        ("inventory", StoreType.RELATIONAL),
        ("payment", StoreType.EVENT_STORE),
        ("customer", StoreType.DOCUMENT),
        ("shipping", StoreType.RELATIONAL),
        ("billing", StoreType.RELATIONAL),
        ("notification", StoreType.DOCUMENT),
        ("analytics", StoreType.COLUMNAR),
    ],
)
def test_each_context_names_its_production_store(name: str, store: StoreType) -> None:
    assert SHOP.find(name).store is store


def test_order_and_account_search_live_in_a_search_store() -> None:
    assert SHOP.read_stores("sales") == (StoreType.RELATIONAL, StoreType.SEARCH)
    assert SHOP.read_stores("payment") == (StoreType.SEARCH, StoreType.EVENT_STORE)
    assert SHOP.read_stores("inventory") == (StoreType.RELATIONAL,)


def test_published_languages_are_exactly_the_integration_events() -> None:
    published = {t for c in SHOP.contexts for t in c.published_languages}
    # the choreography's step events are published by the order flow, not a context
    by_contexts = {e for e in INTEGRATION_EVENTS if e.source_context != "processes"}
    assert published == {e.event_type for e in by_contexts}
    by_flow = {e.event_type for e in INTEGRATION_EVENTS} - published
    assert by_flow == {
        "shop.processes.order_step.succeeded",
        "shop.processes.order_step.failed",
        "shop.processes.order_step.compensated",
    }
    assert "shop.sales.order.placed" in SHOP.find("sales").published_languages


@pytest.mark.parametrize(
    ("a", "b", "upstream", "patterns"),
    [
        ("inventory", "sales", "inventory", {Pattern.CUSTOMER_SUPPLIER}),
        ("customer", "sales", "customer", {Pattern.CUSTOMER_SUPPLIER}),
        ("sales", "shipping", None, {Pattern.PARTNERSHIP}),
        (
            "sales",
            "billing",
            "sales",
            {
                Pattern.SHARED_KERNEL,
                Pattern.PUBLISHED_LANGUAGE,
                Pattern.OPEN_HOST_SERVICE,
            },
        ),
        (
            "card_payment_provider",
            "payment",
            "card_payment_provider",
            {Pattern.CONFORMIST},
        ),
        ("legacy_erp", "inventory", "legacy_erp", {Pattern.ANTICORRUPTION_LAYER}),
        ("payment", "billing", "payment", {Pattern.PUBLISHED_LANGUAGE}),
        ("shipping", "notification", "shipping", {Pattern.PUBLISHED_LANGUAGE}),
        ("inventory", "analytics", "inventory", {Pattern.PUBLISHED_LANGUAGE}),
        ("analytics", "legacy_erp", None, {Pattern.SEPARATE_WAYS}),
    ],
)
def test_shop_relationships(
    a: str, b: str, upstream: str | None, patterns: set[Pattern]
) -> None:
    relationship = SHOP.relationship(a, b)
    assert relationship.upstream == upstream
    assert relationship.patterns == patterns


def test_the_map_knows_who_translates_and_who_conforms() -> None:
    acl = SHOP.relationship("inventory", "legacy_erp")
    conformist = SHOP.relationship("payment", "card_payment_provider")
    assert acl.holder(Pattern.ANTICORRUPTION_LAYER) == ("inventory",)
    assert conformist.holder(Pattern.CONFORMIST) == ("payment",)


def test_notification_hears_from_four_publishers() -> None:
    assert [c.name for c in SHOP.dependencies("notification")] == [
        "customer",
        "payment",
        "sales",
        "shipping",
    ]
    for upstream in ("customer", "payment", "sales", "shipping"):
        assert (
            Pattern.PUBLISHED_LANGUAGE
            in SHOP.relationship(upstream, "notification").patterns
        )


def test_unrelated_contexts_have_no_relationship() -> None:
    with pytest.raises(
        CatalogError, match="'billing' and 'customer' have no relationship"
    ):
        SHOP.relationship("billing", "customer")


def test_find_by_team() -> None:
    assert [c.name for c in SHOP.by_team("Customer Experience")] == [
        "customer",
        "notification",
    ]
    assert SHOP.by_team("Nobody") == ()
    assert "Revenue" in SHOP.teams


def test_impact_of_inventory_reaches_everything_downstream_of_sales() -> None:
    impact = SHOP.impact("inventory")

    assert impact.direct_consumers == ("analytics", "sales")
    assert impact.transitive_consumers == (
        "analytics",
        "billing",
        "notification",
        "sales",
        "shipping",
    )
    assert impact.projections == ("analytics.sales", "inventory.stock")


def test_impact_of_payment_names_its_processes_and_read_models() -> None:
    impact = SHOP.impact("payment")

    assert impact.direct_consumers == ("analytics", "billing", "notification")
    assert impact.transitive_consumers == impact.direct_consumers
    assert impact.processes == ("order_choreography", "order_fulfilment", "order_saga")
    assert impact.projections == (
        "analytics.sales",
        "billing.orders",
        "notification.outbox",
        "payment.account_search",
        "payment.account_summary",
    )


def test_impact_leaves_out_the_context_itself_even_through_a_partnership_cycle() -> (
    None
):
    impact = SHOP.impact("sales")

    assert "sales" not in impact.transitive_consumers
    assert "shipping" in impact.transitive_consumers


def test_a_leaf_context_affects_nobody_else() -> None:
    impact = SHOP.impact("notification")

    assert impact.direct_consumers == ()
    assert impact.transitive_consumers == ()
    assert impact.processes == ()
    assert impact.projections == ("notification.outbox",)


def test_the_three_order_processes_depend_on_the_four_order_contexts() -> None:
    kinds = {p.name: p.kind for p in SHOP.processes}
    assert kinds == {
        "order_choreography": ProcessKind.CHOREOGRAPHY,
        "order_fulfilment": ProcessKind.PROCESS_MANAGER,
        "order_saga": ProcessKind.ORCHESTRATED_SAGA,
    }
    for process in SHOP.processes:
        assert set(process.depends_on) == {"inventory", "payment", "sales", "shipping"}
    assert SHOP.impact("legacy_erp").processes == ()


def test_example_80_impact_of_customer_is_sales_and_billing() -> None:
    catalog = example80_catalog()

    impact = catalog.impact("Customer")

    assert catalog.names == ("Billing", "Customer", "Sales")
    assert impact.direct_consumers == ("Billing", "Sales")
    assert impact.transitive_consumers == ("Billing", "Sales")
    assert catalog.impact("Sales").transitive_consumers == ("Billing",)
    assert catalog.impact("Billing").transitive_consumers == ()


def test_example_80_keeps_its_teams_and_patterns() -> None:
    catalog = example80_catalog()

    assert [(c.name, c.team) for c in catalog.contexts] == [
        ("Billing", "Finance"),
        ("Customer", "Customer Experience"),
        ("Sales", "Revenue"),
    ]
    assert catalog.relationship("Sales", "Billing").patterns == {Pattern.PARTNERSHIP}
    assert catalog.relationship("Customer", "Sales").patterns == {
        Pattern.CUSTOMER_SUPPLIER
    }
    assert [c.name for c in catalog.dependencies("Sales")] == ["Customer"]


def test_graph_is_a_copy() -> None:
    graph = SHOP.graph()
    graph.remove_node("sales")

    assert "sales" in SHOP.graph()
    assert SHOP.graph().has_edge("inventory", "sales")
