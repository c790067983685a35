"""Which patterns may and may not describe one relationship, and on which side."""

from __future__ import annotations

import pytest

from ddd_sim.runtime.catalog import CatalogError, Pattern
from tests.catalog.catalog_fixtures import pair

ILLEGAL = [
    pytest.param(
        (),
        ("conformist", "anticorruption-layer"),
        "one-way",
        "conformist + anticorruption-layer is not allowed",
        id="conformist+acl",
    ),
    pytest.param(
        ("separate-ways",),
        ("partnership",),
        "none",
        "separate-ways excludes every other pattern, but the relationship also "
        "has partnership",
        id="separate-ways+partnership",
    ),
    pytest.param(
        ("separate-ways", "shared-kernel"),
        (),
        "none",
        "separate-ways excludes every other pattern",
        id="separate-ways+shared-kernel-one-side",
    ),
    pytest.param(
        ("customer-supplier",),
        ("partnership",),
        "one-way",
        "up -> down: partnership + customer-supplier is not allowed",
        id="partnership+customer-supplier",
    ),
    pytest.param(
        ("customer-supplier",),
        ("conformist",),
        "one-way",
        "up -> down: conformist + customer-supplier is not allowed",
        id="conformist+customer-supplier",
    ),
    pytest.param(
        ("shared-kernel",),
        ("anticorruption-layer",),
        "one-way",
        "up -> down: shared-kernel + anticorruption-layer is not allowed",
        id="shared-kernel+acl",
    ),
    pytest.param(
        (),
        ("open-host-service",),
        "one-way",
        "open-host-service belongs to the upstream side, but 'down' is "
        "downstream of 'up'",
        id="ohs-downstream",
    ),
    pytest.param(
        (),
        ("published-language",),
        "one-way",
        "published-language belongs to the upstream side",
        id="pl-downstream",
    ),
    pytest.param(
        ("anticorruption-layer",),
        (),
        "one-way",
        "anticorruption-layer belongs to the downstream side, but 'up' is "
        "upstream of 'down'",
        id="acl-upstream",
    ),
    pytest.param(
        ("conformist",),
        (),
        "one-way",
        "conformist belongs to the downstream side",
        id="conformist-upstream",
    ),
    pytest.param(
        ("published-language",),
        (),
        "none",
        "published-language needs an upstream and a downstream, but neither "
        "depends on the other",
        id="asymmetric-without-flow",
    ),
    pytest.param(
        ("customer-supplier",),
        (),
        "mutual",
        "customer-supplier needs an upstream and a downstream, but each depends "
        "on the other",
        id="asymmetric-with-mutual-flow",
    ),
    pytest.param(
        ("separate-ways",),
        (),
        "one-way",
        "up -> down: separate-ways, but one depends on the other",
        id="separate-ways-with-flow",
    ),
]


@pytest.mark.parametrize(("up", "down", "flow", "message"), ILLEGAL)
def test_illegal_combination_is_rejected_with_its_reason(
    up: tuple[str, ...], down: tuple[str, ...], flow: str, message: str
) -> None:
    with pytest.raises(CatalogError, match=message.replace("+", r"\+")):
        pair(up, down, flow=flow)


LEGAL = [
    pytest.param(
        ("open-host-service", "published-language"),
        ("anticorruption-layer",),
        "one-way",
        id="ohs+pl upstream, acl downstream",
    ),
    pytest.param(
        ("customer-supplier", "open-host-service"),
        ("anticorruption-layer",),
        "one-way",
        id="customer-supplier with ohs and acl",
    ),
    pytest.param(
        ("shared-kernel", "published-language"),
        ("shared-kernel",),
        "one-way",
        id="shared kernel over a one-way flow",
    ),
    pytest.param(("partnership",), ("partnership",), "mutual", id="partners"),
    pytest.param(("separate-ways",), (), "none", id="separate ways"),
    pytest.param((), ("conformist",), "one-way", id="plain conformist"),
]


@pytest.mark.parametrize(("up", "down", "flow"), LEGAL)
def test_legal_combination_builds_one_relationship(
    up: tuple[str, ...], down: tuple[str, ...], flow: str
) -> None:
    catalog = pair(up, down, flow=flow)

    (relationship,) = catalog.relationships
    assert {p.value for p in relationship.patterns} == set(up) | set(down)
    assert relationship.upstream == ("up" if flow == "one-way" else None)


def test_the_downstream_holds_the_acl_and_the_upstream_the_open_host_service() -> None:
    catalog = pair(("open-host-service",), ("anticorruption-layer",))

    relationship = catalog.relationship("down", "up")
    assert relationship.holder(Pattern.ANTICORRUPTION_LAYER) == ("down",)
    assert relationship.holder(Pattern.OPEN_HOST_SERVICE) == ("up",)
    assert relationship.holder(Pattern.CONFORMIST) == ()
    assert relationship.pair == "up -> down"
