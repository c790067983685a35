"""CML and DOT exports: valid by their grammars, complete, and deterministic."""

from __future__ import annotations

from collections.abc import Callable

import pydot
import pytest

from ddd_sim.runtime.catalog import (
    build_catalog,
    example80_catalog,
    shop_catalog,
    to_cml,
    to_dot,
)
from ddd_sim.runtime.catalog.cml import cml_identifier
from tests.catalog.catalog_fixtures import ctx
from tests.catalog.cml_checker import CmlError, check_cml

SHOP = shop_catalog()

# pydot's parser still calls pyparsing's camelCase API, which pyparsing 3.3
# deprecates; only that warning, raised from pydot, is let through.
pydot_parser = pytest.mark.filterwarnings(
    "ignore:'[A-Za-z]+' deprecated - use:DeprecationWarning:pydot"
)


def test_cml_of_the_shop_follows_the_grammar_and_names_every_context() -> None:
    model = check_cml(to_cml(SHOP))

    assert model.map_name == "ShopContextMap"
    assert sorted(model.contains) == sorted(model.contexts)
    assert "LegacyERP" in model.contexts
    assert "CardPaymentProvider" in model.contexts
    # Separate ways has no CML relationship; sales-billing is two lines (SK + PL).
    assert len(model.relationships) == len(SHOP.relationships)


@pytest.mark.parametrize(
    "line",
    [
        "Inventory [U,S]->[D,C] Sales",
        "Customer [U,S]->[D,C] Sales",
        "Sales [P]<->[P] Shipping",
        "Billing [SK]<->[SK] Sales",
        "Sales [U,OHS,PL]->[D] Billing",
        "CardPaymentProvider [U]->[D,CF] Payment",
        "LegacyERP [U]->[D,ACL] Inventory",
        "Payment [U,PL]->[D] Notification",
    ],
)
def test_cml_relationship_lines(line: str) -> None:
    assert f"  {line}" in to_cml(SHOP).splitlines() or f"  {line} {{" in to_cml(SHOP)


def test_cml_bounded_contexts_carry_purpose_and_responsibilities() -> None:
    model = check_cml(to_cml(SHOP))

    sales = model.contexts["Sales"]
    assert sales["domainVisionStatement"] == f'"{SHOP.find("sales").purpose}"'
    assert '"PlaceOrder"' in sales["responsibilities"]
    assert '"publishes shop.sales.order.placed"' in sales["responsibilities"]
    assert sales["implementationTechnology"] == '"relational store"'
    assert "Analytics and LegacyERP" in to_cml(SHOP).splitlines()[0]


def test_cml_of_example_80() -> None:
    model = check_cml(to_cml(example80_catalog()))

    assert sorted(model.contexts) == ["Billing", "Customer", "Sales"]
    kinds = sorted((r.kind, r.first, r.second) for r in model.relationships)
    assert kinds == [
        ("CS", "Customer", "Billing"),
        ("CS", "Customer", "Sales"),
        ("P", "Billing", "Sales"),
    ]


def test_exports_are_deterministic() -> None:
    assert to_cml(shop_catalog()) == to_cml(SHOP)
    assert to_dot(shop_catalog()) == to_dot(SHOP)


def _break(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda t: t[: t.rindex("}")], "unbalanced braces"),
        (lambda t: t + "}\n", "unbalanced braces"),
        (
            lambda t: _break(t, "LegacyERP [U]->", "Mainframe [U]->"),
            "relationship names Mainframe, which the map does not contain",
        ),
        (
            lambda t: _break(t, "[D,ACL]", "[D,OHS]"),
            r"\['OHS'\] are not downstream roles",
        ),
        (lambda t: _break(t, "[P]<->[P]", "[P]<->[SK]"), "roles must be"),
        (
            lambda t: _break(t, "[U,S]->[D,C]", "[U,S]->[D]"),
            "'S' and 'C' come together",
        ),
        (
            lambda t: _break(t, "BoundedContext Shipping", "BoundedContext Shipment"),
            "contains Shipping, which is not a declared BoundedContext",
        ),
        (
            lambda t: _break(t, "type = SYSTEM_LANDSCAPE", "type = GALAXY"),
            "type 'GALAXY'",
        ),
        (
            lambda t: _break(
                t, '"Counts orders per day, revenue and units reserved"', "Counts"
            ),
            "expected string, got 'Counts'",
        ),
    ],
)
def test_the_cml_checker_rejects_broken_cml(
    breakage: Callable[[str], str], message: str
) -> None:
    with pytest.raises(CmlError, match=message):
        check_cml(breakage(to_cml(SHOP)))


@pytest.mark.parametrize(
    ("name", "identifier"),
    [
        ("legacy_erp", "LegacyERP"),
        ("card_payment_provider", "CardPaymentProvider"),
        ("Sales", "Sales"),
        ("partnership", "^Partnership"),
        ("domain", "^Domain"),
    ],
)
def test_cml_identifiers(name: str, identifier: str) -> None:
    assert cml_identifier(name) == identifier


def test_cml_escapes_strings_and_keyword_names() -> None:
    catalog = build_catalog(
        "Odd",
        [ctx("partnership", purpose='says "hi" \\ then */ leaves', team="a */ b")],
    )

    model = check_cml(to_cml(catalog))

    assert list(model.contexts) == ["Partnership"]
    assert model.contexts["Partnership"]["domainVisionStatement"] == (
        '"says \\"hi\\" \\\\ then */ leaves"'
    )


def _dot(catalog_text: str) -> pydot.Dot:
    graphs = pydot.graph_from_dot_data(catalog_text)
    assert graphs is not None
    (graph,) = graphs
    return graph


def _unquote(value: str) -> str:
    return value[1:-1] if value.startswith('"') else value


@pydot_parser
def test_dot_of_the_shop_parses_with_a_node_per_context_and_an_edge_per_pair() -> None:
    graph = _dot(to_dot(SHOP))

    nodes = {_unquote(n.get_name()): n for n in graph.get_nodes()}
    nodes.pop("graph", None)
    nodes.pop("node", None)
    assert sorted(nodes) == list(SHOP.names)
    assert len(graph.get_edges()) == len(SHOP.relationships) == 15
    assert graph.get_type() == "digraph"
    assert _unquote(nodes["payment"].get("label")) == (
        "payment\\nteam: Payments\\nstore: event-store"
    )


@pydot_parser
def test_dot_edges_run_upstream_to_downstream_with_their_patterns() -> None:
    edges = {
        (_unquote(e.get_source()), _unquote(e.get_destination())): e
        for e in _dot(to_dot(SHOP)).get_edges()
    }

    acl = edges[("legacy_erp", "inventory")]
    assert _unquote(acl.get("label")) == "anticorruption layer"
    assert _unquote(acl.get("headlabel")) == "D,ACL"
    assert _unquote(edges[("inventory", "sales")].get("taillabel")) == "U,S"
    assert edges[("sales", "shipping")].get("dir") == "both"
    assert edges[("analytics", "legacy_erp")].get("dir") == "none"
    billing = _unquote(edges[("sales", "billing")].get("label"))
    assert billing == "shared kernel, open host service, published language"
    assert ("shipping", "sales") not in edges


@pydot_parser
def test_dot_quotes_awkward_text() -> None:
    catalog = build_catalog("Odd", [ctx("a", team='the "A" team \\ ops')])

    graph = _dot(to_dot(catalog))

    (node,) = [n for n in graph.get_nodes() if _unquote(n.get_name()) == "a"]
    assert (
        _unquote(node.get("label"))
        == 'a\\nteam: the \\"A\\" team \\\\ ops\\nstore: relational'
    )
