"""Scenario files: the issue's shape parses; a mistake names file, key, problem."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from ddd_sim.bootstrap import open_simulation, projection_names
from ddd_sim.cli import main
from ddd_sim.shared.errors import DddSimError, ValidationError
from ddd_sim.shared.money import Money
from ddd_sim.sim.scenario import (
    Scenario,
    ScenarioError,
    builtin_scenario,
    builtin_scenarios_dir,
    load_scenario,
    parse_scenario,
)
from ddd_sim.sim.scenario_model import (
    NetworkSpec,
    ProcessManagerSpec,
    ProjectionSpec,
    ResilienceSpec,
)

PROJECTIONS = projection_names()

EXAMPLE = """\
name = "Payment outage"
seed = 7
duration = 120.0
saga = "orchestrated"

[[products]]
id = "PROD-001"
stock = 100
price = "50.00"
currency = "USD"

[[customers]]
id = "CUST-001"
balance = "1000.00"
currency = "USD"

[[load]]
rate = 2.0
from = 0.0
until = 60.0
customers = ["CUST-001"]
products = ["PROD-001"]
max_quantity = 3

[[commands]]
at = 5.0
type = "PlaceOrder"
customer = "CUST-001"
items = [{ product = "PROD-001", quantity = 2 }]

[[faults]]
target = "payment"
kind = "down"
from = 10.0
until = 20.0
"""

BUILTINS = sorted(p.stem for p in builtin_scenarios_dir().glob("*.toml"))


def parse(text: str, source: str = "/somewhere/bad.toml") -> Scenario:
    return parse_scenario(text, source, projections=PROJECTIONS)


def edit(old: str, new: str, text: str = EXAMPLE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def problem(text: str) -> str:
    with pytest.raises(ScenarioError) as raised:
        parse(text)
    return str(raised.value)


# -- what parses --------------------------------------------------------------


def test_the_issues_example_parses_with_every_key() -> None:
    scenario = parse_scenario(EXAMPLE, "outage.toml", projections=PROJECTIONS)

    assert (scenario.name, scenario.seed, scenario.duration, scenario.saga) == (
        "Payment outage",
        7,
        120.0,
        "orchestrated",
    )
    (product,) = scenario.products
    assert (product.id, product.stock, product.price, product.name) == (
        "PROD-001",
        100,
        Money.of("50.00", "USD"),
        "PROD-001",
    )
    (customer,) = scenario.customers
    assert (customer.id, customer.balance) == ("CUST-001", Money.of("1000", "USD"))
    assert customer.email == "cust-001@example.com"
    (load,) = scenario.load
    assert (load.rate, load.start, load.until, load.max_quantity, load.max_lines) == (
        2.0,
        0.0,
        60.0,
        3,
        1,
    )
    assert (load.customers, load.products) == (("CUST-001",), ("PROD-001",))
    (command,) = scenario.commands
    assert (command.at, command.type, command.customer, command.items) == (
        5.0,
        "PlaceOrder",
        "CUST-001",
        (("PROD-001", 2),),
    )
    (fault,) = scenario.faults
    assert (fault.target, fault.kind, fault.start, fault.until) == (
        "payment",
        "down",
        10.0,
        20.0,
    )
    assert fault.fault_id == "down:payment@10"
    assert scenario.network == NetworkSpec()
    assert scenario.resilience == ResilienceSpec()
    assert scenario.process_manager == ProcessManagerSpec()
    assert scenario.projections == ProjectionSpec()
    assert scenario.drain_timeout == 600.0
    assert (scenario.source, scenario.text) == ("outage.toml", EXAMPLE)


def test_omitted_lists_and_bounds_take_their_defaults() -> None:
    text = edit(
        'customers = ["CUST-001"]\nproducts = ["PROD-001"]\n', "", EXAMPLE
    ).replace("from = 0.0\nuntil = 60.0\n", "")
    text = edit('kind = "down"\nfrom = 10.0\nuntil = 20.0\n', 'kind = "down"\n', text)

    scenario = parse(text)

    load = scenario.load[0]
    assert (load.start, load.until, load.customers, load.products) == (
        0.0,
        120.0,
        (),
        (),
    )
    fault = scenario.faults[0]
    assert (fault.start, fault.until) == (0.0, None)


def test_every_optional_table_and_fault_parameter_is_read() -> None:
    text = (
        'description = "all keys"\ndrain_timeout = 90.0\n'
        + EXAMPLE
        + """
[[faults]]
target = "inventory"
kind = "latency"
mean_ms = 250
jitter_ms = 50
from = 1.0

[[faults]]
target = "shipping"
kind = "no_reply"
from = 2.0

[[faults]]
target = "sales"
kind = "partition"
with = "payment"
from = 3.0
until = 4.0

[[faults]]
target = "sales"
kind = "stall_projection"
projection = "order_list"
from = 5.0

[[faults]]
target = "shipping"
kind = "crash"
from = 6.0
restart_after = 3.5

[network]
latency_ms = 8.0
jitter_ms = 1.0

[resilience]
max_attempts = 3
base_delay = 0.1
multiplier = 3.0
max_delay = 2.0
jitter = 0.25
call_timeout = 0.5
failure_threshold = 4
cool_down = 6.0
half_open_max_calls = 2

[process_manager]
payment_timeout = 12.0
inventory_timeout = 11.0
max_payment_attempts = 5
retry_delay = 2.0
abandon_after = 100.0
monitor_interval = 10.0

[projections]
interval = 0.25

[projections.delay]
order_detail = 1.5
"""
    )

    scenario = parse(text)

    s = scenario
    assert s.description == "all keys"
    assert s.drain_timeout == 90.0
    _, latency, no_reply, partition, stall, crash = s.faults
    assert (latency.mean_ms, latency.jitter_ms) == (250.0, 50.0)
    assert no_reply.probability == 1.0
    assert partition.with_context == "payment"
    assert stall.projection == "sales.order_list"
    assert (crash.restart_after, crash.until) == (3.5, None)
    assert s.network == NetworkSpec(latency_ms=8.0, jitter_ms=1.0)
    assert s.resilience == ResilienceSpec(
        max_attempts=3,
        base_delay=0.1,
        multiplier=3.0,
        max_delay=2.0,
        jitter=0.25,
        call_timeout=0.5,
        failure_threshold=4,
        cool_down=6.0,
        half_open_max_calls=2,
    )
    assert s.process_manager == ProcessManagerSpec(
        payment_timeout=12.0,
        inventory_timeout=11.0,
        max_payment_attempts=5,
        retry_delay=2.0,
        abandon_after=100.0,
        monitor_interval=10.0,
    )
    assert s.projections == ProjectionSpec(
        interval=0.25, delay={"sales.order_detail": 1.5}
    )


def test_commands_of_every_type_parse_and_are_sorted_by_time() -> None:
    text = (
        EXAMPLE
        + """
[[commands]]
at = 3.0
type = "Restock"
product = "PROD-001"
quantity = 10

[[commands]]
at = 1.0
type = "RegisterCustomer"
customer = "CUST-002"
name = "Bo"

[[commands]]
at = 2.0
type = "OpenAccount"
customer = "CUST-002"
balance = "20.00"
currency = "EUR"

[[commands]]
at = 4.0
type = "Deposit"
customer = "CUST-002"
amount = "5.00"

[[commands]]
at = 4.5
type = "Withdraw"
customer = "CUST-001"
amount = 1

[[commands]]
at = 6.0
type = "CancelOrder"
order = "ORD-C00000"
reason = "changed my mind"
"""
    )

    scenario = parse(text)

    commands = scenario.commands
    assert [c.type for c in commands] == [
        "RegisterCustomer",
        "OpenAccount",
        "Restock",
        "Deposit",
        "Withdraw",
        "PlaceOrder",
        "CancelOrder",
    ]
    assert commands[1].balance == Money.of("20.00", "EUR")
    assert commands[2].quantity == 10
    assert commands[4].amount == Money.of("1", "USD")
    assert commands[6].reason == "changed my mind"


@pytest.mark.parametrize("name", BUILTINS)
def test_every_builtin_scenario_parses(name: str) -> None:
    scenario = load_scenario(builtin_scenario(name), projections=PROJECTIONS)

    assert scenario.name
    assert scenario.products
    assert scenario.customers
    assert scenario.load


def test_the_ten_builtin_scenarios_of_the_issue_are_there() -> None:
    assert (
        sorted(
            [
                "happy_path",
                "payment_declined",
                "out_of_stock",
                "shipping_failure",
                "duplicate_delivery",
                "crash_mid_saga",
                "payment_timeout",
                "projection_lag",
                "cascading_breakers",
                "choreography_vs_orchestration",
            ]
        )
        == BUILTINS
    )


def test_an_unknown_builtin_name_lists_the_known_ones() -> None:
    with pytest.raises(ScenarioError, match="happy_path"):
        builtin_scenario("sad_path")


# -- what does not ------------------------------------------------------------

# (case, text, key path, words of the problem)
MALFORMED: list[tuple[str, str, str, str]] = [
    ("unknown top-level key", 'colour = "red"\n' + EXAMPLE, "colour", "unknown key"),
    (
        "unknown key in a product",
        edit("stock = 100\n", 'stock = 100\ncolour = "red"\n'),
        "products[0].colour",
        "unknown key",
    ),
    (
        "string for a number",
        edit("rate = 2.0", 'rate = "2.0"'),
        "load[0].rate",
        "expected a number, got string '2.0'",
    ),
    (
        "bool for a number",
        edit("duration = 120.0", "duration = true"),
        "duration",
        "expected a number, got boolean true",
    ),
    (
        "fraction for a whole number",
        edit("stock = 100", "stock = 1.5"),
        "products[0].stock",
        "expected a whole number",
    ),
    (
        "string for a whole number",
        edit("seed = 7", 'seed = "7"'),
        "seed",
        "expected a whole number",
    ),
    (
        "negative rate",
        edit("rate = 2.0", "rate = -1.0"),
        "load[0].rate",
        "must be positive, got -1.0",
    ),
    (
        "zero rate",
        edit("rate = 2.0", "rate = 0"),
        "load[0].rate",
        "must be positive, got 0.0",
    ),
    ("negative seed", edit("seed = 7", "seed = -7"), "seed", "at least 0"),
    (
        "negative stock",
        edit("stock = 100", "stock = -1"),
        "products[0].stock",
        "at least 0",
    ),
    (
        "load until before from",
        edit("from = 0.0\nuntil = 60.0", "from = 50.0\nuntil = 40.0"),
        "load[0].until",
        "40.0 is before from (50.0)",
    ),
    (
        "fault until before from",
        edit("from = 10.0\nuntil = 20.0", "from = 10.0\nuntil = 5.0"),
        "faults[0].until",
        "5.0 is before from (10.0)",
    ),
    (
        "fault until equal to from",
        edit("from = 10.0\nuntil = 20.0", "from = 10.0\nuntil = 10.0"),
        "faults[0].until",
        "must be after from",
    ),
    (
        "load past the duration",
        edit("until = 60.0", "until = 600.0"),
        "load[0].until",
        "must be at most 120.0 (the duration), got 600.0",
    ),
    (
        "unknown customer in a load",
        edit('customers = ["CUST-001"]', 'customers = ["CUST-001", "CUST-999"]'),
        "load[0].customers[1]",
        "unknown customer 'CUST-999'",
    ),
    (
        "unknown product in a load",
        edit('products = ["PROD-001"]', 'products = ["PROD-999"]'),
        "load[0].products[0]",
        "unknown product 'PROD-999'",
    ),
    (
        "unknown customer in a command",
        edit(
            'type = "PlaceOrder"\ncustomer = "CUST-001"',
            'type = "PlaceOrder"\ncustomer = "CUST-999"',
        ),
        "commands[0].customer",
        "unknown customer 'CUST-999'",
    ),
    (
        "unknown product in a command",
        edit(
            '{ product = "PROD-001", quantity = 2 }',
            '{ product = "PROD-9", quantity = 2 }',
        ),
        "commands[0].items[0].product",
        "unknown product 'PROD-9'",
    ),
    (
        "unknown fault target",
        edit('target = "payment"', 'target = "billingz"'),
        "faults[0].target",
        "unknown context 'billingz'",
    ),
    (
        "unknown fault kind",
        edit('kind = "down"', 'kind = "meltdown"'),
        "faults[0].kind",
        "unknown fault kind 'meltdown'",
    ),
    (
        "a parameter of another kind",
        edit('kind = "down"', 'kind = "down"\nprobability = 0.5'),
        "faults[0].probability",
        "not a parameter of down",
    ),
    (
        "probability above one",
        edit('kind = "down"', 'kind = "drop"\nprobability = 1.5'),
        "faults[0].probability",
        "at most 1",
    ),
    (
        "probability missing",
        edit('kind = "down"', 'kind = "error_rate"'),
        "faults[0].probability",
        "missing (required)",
    ),
    (
        "latency without a mean",
        edit('kind = "down"', 'kind = "latency"\njitter_ms = 5'),
        "faults[0].mean_ms",
        "missing (required)",
    ),
    (
        "partition without with",
        edit('kind = "down"', 'kind = "partition"'),
        "faults[0].with",
        "missing (required)",
    ),
    (
        "partition with itself",
        edit('kind = "down"', 'kind = "partition"\nwith = "payment"'),
        "faults[0].with",
        "cannot be partitioned from itself",
    ),
    (
        "partition with an unknown context",
        edit('kind = "down"', 'kind = "partition"\nwith = "mars"'),
        "faults[0].with",
        "unknown context 'mars'",
    ),
    (
        "decline on another context",
        edit(
            'target = "payment"\nkind = "down"',
            'target = "inventory"\nkind = "decline"',
        ),
        "faults[0].target",
        "only payment can decline",
    ),
    (
        "stall of an unknown projection",
        edit('kind = "down"', 'kind = "stall_projection"\nprojection = "nope"'),
        "faults[0].projection",
        "unknown projection 'nope'",
    ),
    (
        "crash with until",
        edit('kind = "down"', 'kind = "crash"'),
        "faults[0].until",
        "a crash has no until",
    ),
    (
        "fault past the duration",
        edit("from = 10.0\nuntil = 20.0", "from = 130.0"),
        "faults[0].from",
        "must be at most 120.0 (the duration), got 130.0",
    ),
    (
        "command missing a required key",
        edit('customer = "CUST-001"\nitems', "items"),
        "commands[0].customer",
        "missing (required)",
    ),
    (
        "command key of another type",
        edit("at = 5.0", 'at = "soon"'),
        "commands[0].at",
        "expected a number, got string 'soon'",
    ),
    (
        "command item quantity as a string",
        edit("quantity = 2 }", 'quantity = "2" }'),
        "commands[0].items[0].quantity",
        "expected a whole number, got string '2'",
    ),
    (
        "command with a key its type does not take",
        edit(
            'customer = "CUST-001"\nitems',
            'customer = "CUST-001"\nproduct = "PROD-001"\nitems',
        ),
        "commands[0].product",
        "not a key of PlaceOrder",
    ),
    (
        "unknown command type",
        edit('type = "PlaceOrder"', 'type = "ShipIt"'),
        "commands[0].type",
        "unknown command type 'ShipIt'",
    ),
    (
        "order without items",
        edit('items = [{ product = "PROD-001", quantity = 2 }]', "items = []"),
        "commands[0].items",
        "at least one item",
    ),
    (
        "duplicate product ids",
        EXAMPLE + '\n[[products]]\nid = "PROD-001"\nstock = 1\nprice = "1.00"\n',
        "products[1].id",
        "duplicate id 'PROD-001'",
    ),
    (
        "duplicate customer ids",
        EXAMPLE + '\n[[customers]]\nid = "CUST-001"\n',
        "customers[1].id",
        "duplicate id 'CUST-001'",
    ),
    (
        "duration over seven days",
        edit("duration = 120.0", "duration = 700000.0"),
        "duration",
        "must be at most 604800.0 (7 days), got 700000.0",
    ),
    (
        "over two million expected orders",
        edit("duration = 120.0", "duration = 1000.0").replace(
            "rate = 2.0\nfrom = 0.0\nuntil = 60.0",
            "rate = 5000.0\nfrom = 0.0\nuntil = 500.0",
        ),
        "load",
        "would place about 2,500,000 orders",
    ),
    (
        "a number with four hundred digits",
        edit("duration = 120.0", "duration = " + "9" * 400),
        "duration",
        "far too large",
    ),
    ("nan", edit("duration = 120.0", "duration = nan"), "duration", "finite"),
    ("inf", edit("rate = 2.0", "rate = inf"), "load[0].rate", "finite"),
    ("negative inf", edit("at = 5.0", "at = -inf"), "commands[0].at", "finite"),
    (
        "nan as a price",
        edit('price = "50.00"', "price = nan"),
        "products[0].price",
        "non-negative amount",
    ),
    (
        "a price that is not an amount",
        edit('price = "50.00"', 'price = "fifty"'),
        "products[0].price",
        "not an amount",
    ),
    (
        "more decimals than the currency has",
        edit('price = "50.00"', 'price = "19.999"'),
        "products[0].price",
        "more decimals than USD allows: '19.999'",
    ),
    (
        "a fraction of a yen",
        edit(
            'balance = "1000.00"\ncurrency = "USD"', 'balance = "5.5"\ncurrency = "JPY"'
        ),
        "customers[0].balance",
        "more decimals than JPY allows",
    ),
    (
        "an unknown currency",
        edit(
            'balance = "1000.00"\ncurrency = "USD"',
            'balance = "1000.00"\ncurrency = "usd"',
        ),
        "customers[0].currency",
        "unknown currency 'usd'",
    ),
    (
        "an unknown saga mode",
        edit('saga = "orchestrated"', 'saga = "improvised"'),
        "saga",
        "unknown saga mode 'improvised'",
    ),
    (
        "name missing",
        edit('name = "Payment outage"\n', ""),
        "name",
        "missing (required)",
    ),
    (
        "products as one table",
        edit("[[products]]", "[products]"),
        "products",
        "expected an array of tables",
    ),
    (
        "an unknown key in a settings table",
        EXAMPLE.replace("[[products]]", "[network]\nlatency = 5\n\n[[products]]"),
        "network.latency",
        "unknown key",
    ),
    (
        "an unknown projection in projections.delay",
        EXAMPLE.replace(
            "[[products]]", "[projections.delay]\nnope = 1.0\n\n[[products]]"
        ),
        "projections.delay.nope",
        "unknown projection 'nope'",
    ),
    (
        "a table where a setting table should be",
        EXAMPLE.replace("[[products]]", 'resilience = "strong"\n\n[[products]]'),
        "resilience",
        "expected a table",
    ),
]


@pytest.mark.parametrize(
    ("text", "path", "words"),
    [pytest.param(text, path, words, id=case) for case, text, path, words in MALFORMED],
)
def test_a_malformed_scenario_names_the_file_the_key_path_and_the_problem(
    text: str, path: str, words: str
) -> None:
    message = problem(text)

    assert message.startswith(f"bad.toml: {path}: "), message
    assert words in message


def test_a_toml_syntax_error_names_the_line_and_column() -> None:
    text = EXAMPLE.replace("max_quantity = 3", "max_quantity = = 3")
    line = text.splitlines().index("max_quantity = = 3") + 1

    message = problem(text)

    assert message.startswith("bad.toml: not valid TOML: ")
    assert re.search(rf"line {line}, column \d+", message), message


def test_the_short_name_of_a_projection_resolves_to_its_full_name() -> None:
    text = edit('kind = "down"', 'kind = "stall_projection"\nprojection = "order_list"')
    text = edit('target = "payment"', 'target = "sales"', text)

    scenario = parse(text)

    assert scenario.faults[0].projection == "sales.order_list"


def test_an_error_is_a_validation_error_the_cli_turns_into_one_line() -> None:
    assert issubclass(ScenarioError, ValidationError)
    assert issubclass(ScenarioError, DddSimError)


# -- files --------------------------------------------------------------------


def test_a_file_over_one_mib_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_text(EXAMPLE + "#" + "x" * (1 << 20) + "\n", encoding="utf-8")

    with pytest.raises(ScenarioError, match=r"^huge\.toml: .* at most 1 MiB"):
        load_scenario(path, projections=PROJECTIONS)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin.toml"
    path.write_bytes(EXAMPLE.replace("Payment outage", "Caf\xe9").encode("latin-1"))

    with pytest.raises(ScenarioError, match=r"^latin\.toml: not UTF-8 text"):
        load_scenario(path, projections=PROJECTIONS)


def test_a_missing_file_or_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="cannot read it"):
        load_scenario(tmp_path / "absent.toml")
    with pytest.raises(ScenarioError, match="not a file"):
        load_scenario(tmp_path)


def test_a_file_with_a_byte_order_mark_loads(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.encode())

    assert load_scenario(path, projections=PROJECTIONS).name == "Payment outage"


def test_errors_from_a_file_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(edit("rate = 2.0", "rate = -3.0"), encoding="utf-8")

    with pytest.raises(ScenarioError, match=r"^mine\.toml: load\[0\]\.rate: "):
        load_scenario(path, projections=PROJECTIONS)


def test_ddd_sim_run_refuses_a_malformed_scenario_before_writing_anything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(edit('target = "payment"', 'target = "nowhere"'), encoding="utf-8")
    db = tmp_path / "x.db"

    code = main(["run", str(path), "--db", str(db)])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert "broken.toml: faults[0].target: unknown context 'nowhere'" in lines[0]
    assert "Traceback" not in captured.err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.toml"]


def test_alike_fault_windows_get_distinct_ids() -> None:
    text = EXAMPLE + (
        '\n[[faults]]\ntarget = "payment"\nkind = "down"\nfrom = 10.0\n'
        '\n[[faults]]\ntarget = "payment"\nkind = "down"\nfrom = 10.0\nuntil = 11.0\n'
    )

    scenario = parse(text)

    assert [f.fault_id for f in scenario.faults] == [
        "down:payment@10",
        "down:payment@10#2",
        "down:payment@10#3",
    ]


def test_a_window_ending_never_closes_an_alike_one_in_the_engine() -> None:
    text = edit("duration = 120.0", "duration = 6.0")
    text = edit("until = 60.0", "until = 6.0", text)
    text = edit("at = 5.0", "at = 0.5", text)
    text = edit(
        'kind = "down"\nfrom = 10.0\nuntil = 20.0',
        'kind = "latency"\nmean_ms = 5\nfrom = 1.0\nuntil = 2.0',
        text,
    )
    text += (
        '\n[[faults]]\ntarget = "payment"\nkind = "latency"\nmean_ms = 9\nfrom = 1.0\n'
    )
    sim = open_simulation("memory:", parse(text))

    sim.run(until=3.0)

    assert [(f.fault_id, f.mean_ms) for f in sim.faults.active()] == [
        ("latency:payment@1#2", 9.0)
    ]
    sim.run()
    assert sim.faults.active() == ()
    sim.store.close()


@pytest.mark.parametrize("price", ['"50"', '"50.0"', '"50.00"', "50", "50.0"])
def test_amounts_are_exact_however_they_are_written(price: str) -> None:
    scenario = parse(edit('price = "50.00"', f"price = {price}"))

    assert scenario.products[0].price == Money.of("50.00", "USD")


REGISTER_AT = (
    '\n[[commands]]\nat = {at}\ntype = "RegisterCustomer"\ncustomer = "CUST-NEW"\n'
)
ORDER_AT = (
    '\n[[commands]]\nat = {at}\ntype = "PlaceOrder"\ncustomer = "CUST-NEW"\n'
    'items = [{{ product = "PROD-001", quantity = 1 }}]\n'
)


def test_a_customer_registered_earlier_in_time_is_known_wherever_it_is_listed() -> None:
    scenario = parse(EXAMPLE + ORDER_AT.format(at=9.0) + REGISTER_AT.format(at=8.0))

    assert [(c.at, c.type) for c in scenario.commands] == [
        (5.0, "PlaceOrder"),
        (8.0, "RegisterCustomer"),
        (9.0, "PlaceOrder"),
    ]


def test_a_customer_registered_only_later_in_time_is_unknown_before() -> None:
    message = problem(EXAMPLE + REGISTER_AT.format(at=9.0) + ORDER_AT.format(at=8.0))

    assert message.startswith("bad.toml: commands[2].customer: unknown customer")


# -- the brief's exact messages -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            edit("from = 10.0\nuntil = 20.0", "from = 10.0\nuntil = 5.0"),
            "payment_outage.toml: faults[0].until: 5.0 is before from (10.0)",
            id="until before from",
        ),
        pytest.param(
            edit("rate = 2.0", "rate = -1.0"),
            "payment_outage.toml: load[0].rate: must be positive, got -1.0",
            id="negative rate",
        ),
        pytest.param(
            edit("rate = 2.0", 'rate = "ten"'),
            "payment_outage.toml: load[0].rate: expected a number, got string 'ten'",
            id="a word for a number",
        ),
        pytest.param(
            edit("stock = 100\n", 'stock = 100\ncolour = "red"\n'),
            "payment_outage.toml: products[0].colour: unknown key "
            "(known: currency, id, name, price, stock)",
            id="unknown key",
        ),
    ],
)
def test_messages_read_exactly_file_key_path_problem(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as raised:
        parse_scenario(text, "scenarios/payment_outage.toml", projections=PROJECTIONS)

    assert str(raised.value) == message


ISSUE_EXAMPLE = """\
name = "Payment outage"
seed = 7
duration = 120.0            # simulated seconds of load; the run then drains in-flight work
saga = "orchestrated"       # orchestrated | choreographed | process_manager

[[products]]
id = "PROD-001"
stock = 100
price = "50.00"
currency = "USD"

[[customers]]
id = "CUST-001"
balance = "1000.00"
currency = "USD"

[[load]]                    # seeded Poisson arrivals of PlaceOrder
rate = 2.0                  # orders per simulated second
from = 0.0
until = 60.0
customers = ["CUST-001"]    # omitted = all customers
products = ["PROD-001"]     # omitted = all products
max_quantity = 3

[[commands]]                # explicit commands at simulated times
at = 5.0
type = "PlaceOrder"         # also CancelOrder, Deposit, Withdraw, OpenAccount, ...
customer = "CUST-001"
items = [{ product = "PROD-001", quantity = 2 }]

[[faults]]
target = "payment"          # a context name
kind = "down"               # any fault kind above
from = 10.0
until = 20.0                # omitted = to the end
# kind parameters, e.g. mean_ms/jitter_ms, probability, with = "inventory", ...
"""  # noqa: E501 (the issue's text, as written)


def test_the_issues_example_with_its_comments_parses_like_the_bare_one() -> None:
    with_comments = parse(ISSUE_EXAMPLE)
    bare = parse(EXAMPLE)

    assert replace(with_comments, text="") == replace(bare, text="")
    assert with_comments.saga == "orchestrated"


# -- commands name only what exists by their time -----------------------------

OPEN_EUR_WALLET = """
[[commands]]
at = 1.0
type = "RegisterCustomer"
customer = "CUST-EU"

[[commands]]
at = 2.0
type = "OpenAccount"
customer = "CUST-EU"
balance = "10.00"
currency = "EUR"
"""


def command(at: float, kind: str, **keys: str) -> str:
    lines = [f"at = {at}", f'type = "{kind}"']
    lines += [f"{key} = {value}" for key, value in keys.items()]
    return "\n[[commands]]\n" + "\n".join(lines) + "\n"


def test_a_deposit_is_in_the_currency_of_the_wallet_an_earlier_command_opened() -> None:
    text = EXAMPLE + OPEN_EUR_WALLET
    text += command(3.0, "Deposit", customer='"CUST-EU"', amount='"2.50"')
    text += command(3.5, "Withdraw", customer='"CUST-001"', amount='"1.00"')

    scenario = parse(text)

    deposit, withdraw = scenario.commands[2:4]
    assert deposit.amount == Money.of("2.50", "EUR")
    assert withdraw.amount == Money.of("1.00", "USD")


def test_an_amount_is_checked_against_the_wallets_currency() -> None:
    text = edit('currency = "USD"\n\n[[load]]', 'currency = "JPY"\n\n[[load]]')
    text = text.replace('balance = "1000.00"', 'balance = "1000"')
    text += command(3.0, "Deposit", customer='"CUST-001"', amount='"2.50"')

    message = problem(text)

    assert message == (
        "bad.toml: commands[1].amount: has more decimals than JPY allows: '2.50'"
    )


WALLET_MISTAKES: list[tuple[str, str, str, str]] = [
    (
        "deposit before the wallet is open",
        command(1.5, "Deposit", customer='"CUST-EU"', amount='"1.00"'),
        "commands[3].customer",
        "customer 'CUST-EU' has no wallet yet",
    ),
    (
        "withdraw from a customer never given a wallet",
        command(0.5, "RegisterCustomer", customer='"CUST-NO"')
        + command(3.0, "Withdraw", customer='"CUST-NO"', amount='"1.00"'),
        "commands[4].customer",
        "customer 'CUST-NO' has no wallet yet",
    ),
    (
        "a second wallet",
        command(3.0, "OpenAccount", customer='"CUST-001"', balance='"1.00"'),
        "commands[3].customer",
        "customer 'CUST-001' already has a wallet",
    ),
    (
        "a customer registered twice",
        command(3.0, "RegisterCustomer", customer='"CUST-001"'),
        "commands[3].customer",
        "customer 'CUST-001' is already registered",
    ),
    (
        "a currency on a deposit",
        command(3.0, "Deposit", customer='"CUST-EU"', amount='"1"', currency='"EUR"'),
        "commands[3].currency",
        "not a key of Deposit",
    ),
    (
        "a zero deposit",
        command(3.0, "Deposit", customer='"CUST-EU"', amount='"0.00"'),
        "commands[3].amount",
        "must be positive",
    ),
    (
        "one order id placed twice",
        command(
            3.0,
            "PlaceOrder",
            customer='"CUST-001"',
            items='[{ product = "PROD-001", quantity = 1 }]',
            order='"ORD-MINE"',
        )
        + command(
            4.0,
            "PlaceOrder",
            customer='"CUST-001"',
            items='[{ product = "PROD-001", quantity = 1 }]',
            order='"ORD-MINE"',
        ),
        "commands[4].order",
        "order 'ORD-MINE' is placed twice",
    ),
    (
        "an order id the engine would give",
        command(
            3.0,
            "PlaceOrder",
            customer='"CUST-001"',
            items='[{ product = "PROD-001", quantity = 1 }]',
            order='"ORD-C00001"',
        ),
        "commands[3].order",
        "has the form of an id the engine gives",
    ),
    (
        "a malformed order id",
        command(3.0, "CancelOrder", order='"ord 1"'),
        "commands[3].order",
        "malformed OrderId",
    ),
    (
        "a customer id without its prefix",
        command(3.0, "RegisterCustomer", customer='"BOB"'),
        "commands[3].customer",
        "CustomerId must start with CUST-",
    ),
    (
        "a restock of an unknown product",
        command(3.0, "Restock", product='"PROD-404"', quantity="5"),
        "commands[3].product",
        "unknown product 'PROD-404'",
    ),
    (
        "a restock without a quantity",
        command(3.0, "Restock", product='"PROD-001"'),
        "commands[3].quantity",
        "missing (required)",
    ),
    (
        "a command after the drain",
        command(721.0, "Restock", product='"PROD-001"', quantity="5"),
        "commands[3].at",
        "must be at most 720.0 (duration + drain_timeout), got 721.0",
    ),
]


@pytest.mark.parametrize(
    ("extra", "path", "words"),
    [pytest.param(e, p, w, id=case) for case, e, p, w in WALLET_MISTAKES],
)
def test_a_command_naming_what_does_not_exist_by_its_time_is_refused(
    extra: str, path: str, words: str
) -> None:
    message = problem(EXAMPLE + OPEN_EUR_WALLET + extra)

    assert message.startswith(f"bad.toml: {path}: "), message
    assert words in message


def test_an_order_id_a_file_gives_is_kept_and_cancel_may_name_any() -> None:
    text = EXAMPLE + command(
        3.0,
        "PlaceOrder",
        customer='"CUST-001"',
        items='[{ product = "PROD-001", quantity = 1 }]',
        order='"ORD-MINE"',
    )
    text += command(4.0, "CancelOrder", order='"ORD-L0-000001"')

    scenario = parse(text)

    assert [c.order for c in scenario.commands] == ["ORD-MINE", "ORD-L0-000001", None]


# -- more shapes and limits ---------------------------------------------------

SMALL = 'name = "limits"\nseed = 1\nduration = 10.0\n'


def many(key: str, count: int) -> str:
    return f"{key} = [" + ", ".join(["{}"] * count) + "]\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            SMALL + many("products", 10_001),
            "products: has 10,001 entries; at most 10,000 are allowed",
            id="products",
        ),
        pytest.param(
            SMALL + many("customers", 100_001),
            "customers: has 100,001 entries; at most 100,000 are allowed",
            id="customers",
        ),
        pytest.param(
            SMALL + many("commands", 100_001),
            "commands: has 100,001 entries; at most 100,000 are allowed",
            id="commands",
        ),
        pytest.param(
            SMALL + many("faults", 1_001),
            "faults: has 1,001 entries; at most 1,000 are allowed",
            id="faults",
        ),
        pytest.param(
            SMALL + many("load", 101),
            "load: has 101 entries; at most 100 are allowed",
            id="loads",
        ),
        pytest.param(
            edit("rate = 2.0", "rate = 5001.0"),
            "load[0].rate: must be at most 5000.0 (orders/s), got 5001.0",
            id="rate",
        ),
        pytest.param(
            edit("stock = 100", "stock = 1_000_000_001"),
            "products[0].stock: must be at most 1,000,000,000, got 1,000,000,001",
            id="stock",
        ),
        pytest.param(
            edit('balance = "1000.00"', 'balance = "1000000000000.01"'),
            "customers[0].balance: must be at most 1,000,000,000,000, "
            "got '1000000000000.01'",
            id="money",
        ),
        pytest.param(
            edit("max_quantity = 3", "max_quantity = 1001"),
            "load[0].max_quantity: must be at most 1,000, got 1,001",
            id="max_quantity",
        ),
        pytest.param(
            edit('name = "Payment outage"', 'name = "' + "x" * 10_001 + '"'),
            "name: is longer than 10,000 characters",
            id="string",
        ),
    ],
)
def test_absurd_sizes_are_refused_naming_the_limit(text: str, message: str) -> None:
    assert problem(text) == f"bad.toml: {message}"


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        (
            'customers = ["CUST-001"]',
            'customers = ["CUST-001", 5]',
            "load[0].customers[1]",
            "expected a string, got integer 5",
        ),
        (
            'products = ["PROD-001"]',
            'products = "PROD-001"',
            "load[0].products",
            "expected a list of strings, got string 'PROD-001'",
        ),
        (
            'id = "PROD-001"\nstock',
            'id = "P1"\nstock',
            "products[0].id",
            "ProductId must start with PROD-",
        ),
        (
            "seed = 7",
            "seed = 7.0",
            "seed",
            "expected a whole number, got float 7.0",
        ),
        (
            'kind = "down"\nfrom = 10.0\nuntil = 20.0',
            'kind = "crash"\nrestart_after = 0',
            "faults[0].restart_after",
            "must be positive, got 0.0",
        ),
        (
            'kind = "down"',
            'kind = "latency"\nmean_ms = -5',
            "faults[0].mean_ms",
            "must be at least 0.0, got -5.0",
        ),
        (
            "[[products]]",
            "[resilience]\nmultiplier = 0.5\n\n[[products]]",
            "resilience.multiplier",
            "must be at least 1.0, got 0.5",
        ),
        (
            "[[products]]",
            "[process_manager]\npayment_timeout = 0\n\n[[products]]",
            "process_manager.payment_timeout",
            "must be positive, got 0.0",
        ),
        (
            "[[products]]",
            "drain_timeout = 700000.0\n\n[[products]]",
            "drain_timeout",
            "must be at most 604800.0 (7 days)",
        ),
        (
            "[[products]]",
            "[projections]\ninterval = 0\n\n[[products]]",
            "projections.interval",
            "must be positive",
        ),
        (
            'price = "50.00"',
            'price = "0.00"',
            "products[0].price",
            "must be positive, got 0.00",
        ),
        (
            'price = "50.00"',
            "price = 1979-05-27",
            "products[0].price",
            'expected an amount like "50.00", got date 1979-05-27',
        ),
    ],
)
def test_more_malformed_values_name_their_exact_key(
    old: str, new: str, path: str, words: str
) -> None:
    message = problem(edit(old, new))

    assert message.startswith(f"bad.toml: {path}: "), message
    assert words in message


def test_a_crash_restarts_after_two_seconds_unless_told() -> None:
    scenario = parse(edit('kind = "down"\nfrom = 10.0\nuntil = 20.0', 'kind = "crash"'))

    (crash,) = scenario.faults
    assert (crash.kind, crash.start, crash.until, crash.restart_after) == (
        "crash",
        0.0,
        None,
        2.0,
    )
    assert crash.fault_id == "crash:payment@0"


def test_a_partition_names_both_sides_in_its_id() -> None:
    scenario = parse(edit('kind = "down"', 'kind = "partition"\nwith = "inventory"'))

    assert scenario.faults[0].fault_id == "partition:payment~inventory@10"


def test_an_ambiguous_short_projection_name_lists_the_known_ones() -> None:
    text = edit('kind = "down"', 'kind = "stall_projection"\nprojection = "orders"')

    with pytest.raises(ScenarioError) as raised:
        parse_scenario(text, "x.toml", projections=["billing.orders", "sales.orders"])

    assert str(raised.value) == (
        "x.toml: faults[0].projection: ambiguous projection 'orders' "
        "(known: billing.orders, sales.orders)"
    )


def test_without_a_list_of_projections_any_name_is_kept_as_written() -> None:
    text = edit('kind = "down"', 'kind = "stall_projection"\nprojection = "anything"')

    scenario = parse_scenario(text)

    assert scenario.faults[0].projection == "anything"
    assert scenario.source == "<string>"


def test_the_saga_mode_defaults_to_orchestrated() -> None:
    scenario = parse(edit('saga = "orchestrated"\n', ""))

    assert scenario.saga == "orchestrated"


def test_the_scenario_and_its_parts_are_frozen() -> None:
    scenario = parse(EXAMPLE)

    with pytest.raises(AttributeError):
        scenario.seed = 8  # type: ignore[misc]
    with pytest.raises(AttributeError):
        scenario.faults[0].kind = "latency"  # type: ignore[misc]
