"""The built-in scenario files and docs/scenarios.md agree with the loader."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from ddd_sim.bootstrap import projection_names
from ddd_sim.sim.faults import FAULT_KINDS
from ddd_sim.sim.scenario import (
    Scenario,
    builtin_scenario,
    builtin_scenarios_dir,
    load_scenario,
    parse_scenario,
)
from ddd_sim.sim.scenario_commands import COMMAND_KEYS
from ddd_sim.sim.scenario_model import (
    NetworkSpec,
    ProcessManagerSpec,
    ProjectionSpec,
    ResilienceSpec,
)
from ddd_sim.sim.scenario_sections import FAULT_PARAMS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "scenarios.md"
PROJECTIONS = projection_names()
BUILTINS = sorted(p.stem for p in builtin_scenarios_dir().glob("*.toml"))

# the story each built-in tells, as the brief asks for it
STORIES: dict[str, tuple[str, set[tuple[str, str]]]] = {
    # name: (saga, {(fault kind, target)})
    "happy_path": ("orchestrated", set()),
    "payment_declined": ("orchestrated", {("decline", "payment")}),
    "out_of_stock": ("orchestrated", set()),
    "shipping_failure": ("orchestrated", {("down", "shipping")}),
    "duplicate_delivery": (
        "orchestrated",
        {
            ("duplicate", "payment"),
            ("duplicate", "inventory"),
            ("no_reply", "payment"),
        },
    ),
    "crash_mid_saga": ("orchestrated", {("latency", "payment"), ("crash", "sales")}),
    "payment_timeout": ("process_manager", {("down", "payment")}),
    "projection_lag": (
        "orchestrated",
        {("stall_projection", "sales"), ("latency", "inventory")},
    ),
    "cascading_breakers": (
        "orchestrated",
        {("error_rate", "payment"), ("down", "shipping")},
    ),
    "choreography_vs_orchestration": (
        "choreographed",
        {("drop", "payment"), ("duplicate", "shipping"), ("reorder", "inventory")},
    ),
}


def builtin(name: str) -> Scenario:
    return load_scenario(builtin_scenario(name), projections=PROJECTIONS)


def docs() -> str:
    return DOCS.read_text(encoding="utf-8")


def expected_orders(scenario: Scenario) -> float:
    return sum(load.rate * (load.until - load.start) for load in scenario.load)


# -- the built-in files -------------------------------------------------------


def test_the_ten_builtins_are_exactly_the_stories_of_the_issue() -> None:
    assert sorted(STORIES) == BUILTINS


@pytest.mark.parametrize("name", sorted(STORIES))
def test_a_builtin_tells_its_story_with_its_saga_mode_and_faults(name: str) -> None:
    saga, faults = STORIES[name]

    scenario = builtin(name)

    assert scenario.saga == saga
    assert {(f.kind, f.target) for f in scenario.faults} == faults
    assert scenario.name
    assert scenario.description


@pytest.mark.parametrize("name", BUILTINS)
def test_a_builtin_starts_with_a_comment_saying_its_story(name: str) -> None:
    first = builtin_scenario(name).read_text(encoding="utf-8").splitlines()[0]

    assert first.startswith("# ")
    assert len(first) > 20


@pytest.mark.parametrize("name", BUILTINS)
def test_a_builtin_keeps_its_load_modest(name: str) -> None:
    scenario = builtin(name)

    assert 0 < expected_orders(scenario) <= 300
    assert scenario.duration <= 120.0


def test_out_of_stock_asks_for_more_than_it_has() -> None:
    scenario = builtin("out_of_stock")
    mean_quantity = (1 + scenario.load[0].max_quantity) / 2

    demand = expected_orders(scenario) * mean_quantity

    assert demand > 2 * sum(p.stock for p in scenario.products)


def test_payment_timeout_keeps_payment_down_longer_than_its_timeouts() -> None:
    scenario = builtin("payment_timeout")
    (down,) = scenario.faults
    pm = scenario.process_manager

    assert down.until is not None
    window = down.until - down.start
    assert window > pm.payment_timeout * pm.max_payment_attempts


def test_shipping_failure_outlasts_every_retry() -> None:
    scenario = builtin("shipping_failure")
    (down,) = scenario.faults
    r = scenario.resilience
    waits = sum(
        min(r.max_delay, r.base_delay * r.multiplier**n)
        for n in range(r.max_attempts - 1)
    )

    assert down.until is not None
    # many sagas reach create_shipment inside the window and run out of attempts
    assert down.until - down.start > 5 * (waits + r.max_attempts * r.call_timeout)


def test_crash_mid_saga_crashes_sales_while_payment_is_slow() -> None:
    scenario = builtin("crash_mid_saga")
    faults = {f.kind: f for f in scenario.faults}
    latency, crash = faults["latency"], faults["crash"]

    assert latency.until is not None
    assert latency.start < crash.start < latency.until
    assert crash.restart_after == 2.0


def test_the_stalled_projection_of_projection_lag_is_its_full_name() -> None:
    (stall,) = (
        f for f in builtin("projection_lag").faults if f.kind == "stall_projection"
    )

    assert stall.projection == "sales.order_list"


# -- the documentation --------------------------------------------------------


@pytest.mark.parametrize("name", BUILTINS)
def test_the_docs_table_of_builtins_lists_each_one(name: str) -> None:
    assert re.search(rf"^\| `{name}` \| {STORIES[name][0]} \|", docs(), re.M)


@pytest.mark.parametrize("kind", FAULT_KINDS)
def test_the_docs_describe_every_fault_kind_and_its_parameters(kind: str) -> None:
    row = re.search(rf"^\| `{kind}` \|(.*)$", docs(), re.M)

    assert row, kind
    for parameter in FAULT_PARAMS[kind]:
        assert f"`{parameter}`" in row.group(1), (kind, parameter)


@pytest.mark.parametrize("kind", sorted(COMMAND_KEYS))
def test_the_docs_describe_every_command_type_and_its_keys(kind: str) -> None:
    row = re.search(rf"^\| `{kind}` \|(.*)$", docs(), re.M)

    assert row, kind
    required, optional = COMMAND_KEYS[kind]
    for key in (*required, *optional):
        assert f"`{key}`" in row.group(1), (kind, key)


SETTINGS = [
    (NetworkSpec, "network"),
    (ResilienceSpec, "resilience"),
    (ProcessManagerSpec, "process_manager"),
]


@pytest.mark.parametrize(("spec", "section"), SETTINGS)
def test_the_docs_give_every_setting_with_its_true_default(
    spec: type, section: str
) -> None:
    text = docs().split(f"## `[{section}]`", 1)[1].split("\n## ", 1)[0]
    rows = dict(re.findall(r"^\| `(\w+)` \| [a-z ]+ \| `([^`]+)` \|", text, re.M))

    defaults = {f.name: f.default for f in dataclasses.fields(spec)}

    assert set(rows) == set(defaults)
    for key, default in defaults.items():
        assert float(rows[key]) == default, key


def test_the_docs_give_the_projection_interval_default() -> None:
    row = re.search(r"^\| `interval` \| number \| `([^`]+)` \|", docs(), re.M)

    assert row
    assert float(row.group(1)) == ProjectionSpec().interval


@pytest.mark.parametrize(
    "key",
    [
        "name",
        "description",
        "seed",
        "duration",
        "saga",
        "drain_timeout",
        "id",
        "stock",
        "price",
        "currency",
        "balance",
        "email",
        "rate",
        "from",
        "until",
        "customers",
        "products",
        "max_quantity",
        "max_lines",
        "at",
        "type",
        "target",
        "kind",
        "interval",
    ],
)
def test_the_docs_have_a_row_for_every_key(key: str) -> None:
    assert re.search(rf"^\| `{key}` \|", docs(), re.M), key


def toml_blocks() -> list[str]:
    return re.findall(r"^```toml\n(.*?)^```", docs(), re.M | re.S)


def test_every_toml_example_in_the_docs_parses() -> None:
    blocks = toml_blocks()
    minimal = 'name = "m"\nseed = 1\nduration = 10.0\n'

    assert blocks
    for block in blocks:
        text = block if "\nseed = " in block else minimal + block
        parse_scenario(text, "docs.toml", projections=PROJECTIONS)


def test_the_docs_first_example_is_the_issues() -> None:
    first = parse_scenario(toml_blocks()[0], projections=PROJECTIONS)

    assert (first.name, first.seed, first.duration, first.saga) == (
        "Payment outage",
        7,
        120.0,
        "orchestrated",
    )
    assert [f.fault_id for f in first.faults] == ["down:payment@10"]
