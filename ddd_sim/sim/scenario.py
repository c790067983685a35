"""Scenario files: TOML read strictly into :mod:`ddd_sim.sim.scenario_model`.

Every key is known, every value has the right type and a sane size, every
reference (a product, a customer, a context, a projection) exists; a problem
is reported as ``FILE: key.path: what is wrong`` before anything runs.
"""

from __future__ import annotations

import math
import sys
import tomllib
from collections.abc import Callable, Collection
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from ddd_sim.shared.errors import ValidationError
from ddd_sim.shared.ids import CustomerId, OrderId, ProductId
from ddd_sim.shared.money import Money
from ddd_sim.sim.faults import FAULT_KINDS
from ddd_sim.sim.scenario_model import (
    CONTEXTS,
    SAGA_MODES,
    CommandSpec,
    CustomerSpec,
    FaultSpec,
    LoadSpec,
    NetworkSpec,
    ProcessManagerSpec,
    ProductSpec,
    ProjectionSpec,
    ResilienceSpec,
    Scenario,
)

__all__ = [
    "CommandSpec",
    "CustomerSpec",
    "FaultSpec",
    "LoadSpec",
    "ProductSpec",
    "Scenario",
    "ScenarioError",
    "builtin_scenario",
    "builtin_scenarios_dir",
    "load_scenario",
    "parse_scenario",
]

MAX_FILE_BYTES = 1 << 20
MAX_DURATION = 7 * 86_400.0
MAX_RATE = 5_000.0
MAX_ORDERS = 2_000_000
MAX_PRODUCTS, MAX_CUSTOMERS = 10_000, 100_000
MAX_COMMANDS, MAX_FAULTS = 100_000, 1_000
MAX_STOCK = 10**9
MAX_MONEY = Decimal(10**12)
MAX_QUANTITY = 1_000

_T = TypeVar("_T")


class ScenarioError(ValidationError):
    """A scenario file that cannot run, with the file, the key path and why."""


class _Reader:
    """Reads one TOML table, tracking the key path for messages."""

    def __init__(self, source: str, path: str, table: Any) -> None:
        self.source, self.path = source, path
        if not isinstance(table, dict):
            self.fail(f"expected a table, got {_kind(table)}")
        self.table: dict[str, Any] = table
        self.used: set[str] = set()

    def fail(self, problem: str, key: str | None = None) -> ScenarioError:
        where = self.at(key) if key else self.path or "(top level)"
        raise ScenarioError(f"{self.source}: {where}: {problem}")

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return key in self.table

    def raw(self, key: str, default: Any = ...) -> Any:
        self.used.add(key)
        if key not in self.table:
            if default is ...:
                self.fail("missing (required)", key)
            return default
        return self.table[key]

    def string(self, key: str, default: Any = ...) -> Any:
        value = self.raw(key, default)
        if value is default and default is not ...:
            return value
        if not isinstance(value, str):
            self.fail(f"expected a string, got {_kind(value)}", key)
        if len(value) > 10_000:
            self.fail("is longer than 10,000 characters", key)
        return value

    def number(
        self,
        key: str,
        default: Any = ...,
        *,
        low: float = 0.0,
        high: float = math.inf,
        strict_low: bool = False,
    ) -> Any:
        value = self.raw(key, default)
        if value is default and default is not ...:
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"expected a number, got {_kind(value)}", key)
        try:
            value = float(value)
        except OverflowError:  # an integer with hundreds of digits
            self.fail(f"is far too large ({len(str(value))} digits)", key)
        if not math.isfinite(value):
            self.fail(f"must be a finite number, got {value}", key)
        if value < low or (strict_low and value == low):
            self.fail(
                f"must be {'greater than' if strict_low else 'at least'} {low:g}, "
                f"got {value:g}",
                key,
            )
        if value > high:
            self.fail(f"must be at most {high:g}, got {value:g}", key)
        return value

    def integer(
        self, key: str, default: Any = ..., *, low: int = 0, high: int = 2**62
    ) -> Any:
        value = self.raw(key, default)
        if value is default and default is not ...:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"expected a whole number, got {_kind(value)}", key)
        if value < low:
            self.fail(f"must be at least {low}, got {value}", key)
        if value > high:
            self.fail(f"must be at most {high:,}, got {value:,}", key)
        return value

    def money(self, key: str, currency: str, default: Any = ...) -> Any:
        value = self.raw(key, default)
        if value is default and default is not ...:
            return value
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(f'expected an amount like "50.00", got {_kind(value)}', key)
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            self.fail(f"is not an amount: {value!r}", key)
        if not amount.is_finite() or amount < 0:
            self.fail(f"must be a non-negative amount, got {value!r}", key)
        if amount > MAX_MONEY:
            self.fail(f"must be at most {MAX_MONEY:,}, got {value!r}", key)
        try:
            money = Money.of(str(amount), currency)
        except ValidationError as error:
            self.fail(str(error), key)
        if money.amount != amount:  # Money rounds; a scenario must say what it means
            self.fail(f"has more decimals than {currency} allows: {value!r}", key)
        return money

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.raw(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail("expected a list of strings", key)
        return tuple(value)

    def tables(self, key: str, limit: int) -> list[_Reader]:
        value = self.raw(key, [])
        if not isinstance(value, list):
            self.fail(
                f"expected an array of tables ([[{key}]]), got {_kind(value)}", key
            )
        if len(value) > limit:
            self.fail(f"has {len(value):,} entries; at most {limit:,} are allowed", key)
        return [
            _Reader(self.source, f"{self.at(key)}[{i}]", t) for i, t in enumerate(value)
        ]

    def sub(self, key: str) -> _Reader:
        return _Reader(self.source, self.at(key), self.raw(key, {}))

    def done(self) -> None:
        unknown = sorted(set(self.table) - self.used)
        if unknown:
            known = ", ".join(sorted(self.used)) or "none"
            self.fail(f"unknown key (known: {known})", unknown[0])


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"boolean {value}"
    if isinstance(value, str):
        return f"string {value!r}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return f"{type(value).__name__} {value!r}"


def _checked_id(reader: _Reader, key: str, kind: Callable[[str], Any]) -> str:
    value = reader.string(key)
    try:
        kind(value)
    except ValidationError as error:
        reader.fail(str(error), key)
    return str(value)


def _currency(r: _Reader) -> str:
    """The table's ``currency`` (USD if omitted), checked at its own key."""
    currency = r.string("currency", "USD")
    try:
        Money.of("0", currency)
    except ValidationError as error:
        r.fail(str(error), "currency")
    return str(currency)


_PRODUCT_KEYS = ("currency", "id", "name", "price", "stock")
_FAULT_PARAMS: dict[str, tuple[str, ...]] = {
    "down": (),
    "latency": ("mean_ms", "jitter_ms"),
    "error_rate": ("probability",),
    "drop": ("probability",),
    "duplicate": ("probability",),
    "reorder": ("probability",),
    "decline": (),
    "no_reply": ("probability",),
    "crash": ("restart_after",),
    "stall_projection": ("projection",),
    "partition": ("with",),
}
_COMMAND_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # type: (required, optional)
    "PlaceOrder": (("customer", "items"), ("order",)),
    "CancelOrder": (("order",), ("reason",)),
    "Deposit": (("customer", "amount"), ()),
    "Withdraw": (("customer", "amount"), ()),
    "OpenAccount": (("customer", "balance"), ("currency",)),
    "RegisterCustomer": (("customer",), ("name", "email")),
    "Restock": (("product", "quantity"), ()),
}


def parse_scenario(
    text: str, source: str = "<string>", *, projections: Collection[str] | None = None
) -> Scenario:
    """Read and check a scenario given as TOML text."""
    name = Path(source).name if source != "<string>" else source
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{name}: not valid TOML: {error}") from None
    top = _Reader(name, "", data)
    title = top.string("name")
    description = top.string("description", "")
    seed = top.integer("seed", low=0, high=2**63 - 1)
    duration = top.number("duration", high=MAX_DURATION, strict_low=True)
    saga = top.string("saga", "orchestrated")
    if saga not in SAGA_MODES:
        top.fail(f"unknown saga mode {saga!r} (known: {', '.join(SAGA_MODES)})", "saga")
    drain = top.number("drain_timeout", 600.0, high=MAX_DURATION, strict_low=True)
    products = tuple(_product(r) for r in top.tables("products", MAX_PRODUCTS))
    customers = tuple(_customer(r) for r in top.tables("customers", MAX_CUSTOMERS))
    _unique(top, "products", [p.id for p in products])
    _unique(top, "customers", [c.id for c in customers])
    product_ids = {p.id for p in products}
    customer_ids = {c.id for c in customers}
    loads = tuple(
        _load(r, duration, product_ids, customer_ids) for r in top.tables("load", 100)
    )
    if loads and not products:
        top.fail("a load needs at least one product", "load")
    if loads and not customers:
        top.fail("a load needs at least one customer", "load")
    expected = sum(load.rate * (load.until - load.start) for load in loads)
    if expected > MAX_ORDERS:
        top.fail(
            f"would place about {expected:,.0f} orders; "
            f"at most {MAX_ORDERS:,} are allowed",
            "load",
        )
    known_customers = set(customer_ids)
    # checked in the order they will run, so a RegisterCustomer counts only
    # for the commands after it in time (the key paths keep the file's order)
    commands = tuple(
        _command(r, duration + drain, product_ids, known_customers)
        for r in sorted(top.tables("commands", MAX_COMMANDS), key=_when)
    )
    faults = _numbered(
        [_fault(r, duration, projections) for r in top.tables("faults", MAX_FAULTS)]
    )
    scenario = Scenario(
        name=title,
        description=description,
        seed=seed,
        duration=duration,
        saga=saga,
        products=products,
        customers=customers,
        load=loads,
        commands=commands,
        faults=faults,
        network=_network(top.sub("network")),
        resilience=_resilience(top.sub("resilience")),
        process_manager=_process_manager(top.sub("process_manager")),
        projections=_projections(top.sub("projections"), projections),
        drain_timeout=drain,
        source=source,
        text=text,
    )
    top.done()
    return scenario


def load_scenario(
    path: str | Path, *, projections: Collection[str] | None = None
) -> Scenario:
    """Read and check a scenario file (at most 1 MiB of UTF-8 TOML)."""
    file = Path(path)
    try:
        size = file.stat().st_size
        if not file.is_file():
            raise ScenarioError(f"{file}: not a file")
        if size > MAX_FILE_BYTES:
            raise ScenarioError(
                f"{file.name}: {size:,} bytes; a scenario may hold at most 1 MiB"
            )
        raw = file.read_bytes()
    except OSError as error:
        raise ScenarioError(f"{file}: cannot read it: {error.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScenarioError(
            f"{file.name}: not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None
    return parse_scenario(text, str(file), projections=projections)


def builtin_scenarios_dir() -> Path:
    """The folder of the built-in scenarios.

    In a checkout (or an editable install) that is ``resources/scenarios``;
    an installed wheel puts them under ``<prefix>/share/ddd-sim/scenarios``.
    """
    checkout = Path(__file__).resolve().parents[2] / "resources" / "scenarios"
    if checkout.is_dir():
        return checkout
    return Path(sys.prefix) / "share" / "ddd-sim" / "scenarios"


def builtin_scenario(name: str) -> Path:
    """A built-in scenario's file, by name; unknown names list the known ones."""
    folder = builtin_scenarios_dir()
    path = folder / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.toml"))) or "none"
        raise ScenarioError(
            f"no scenario file or built-in scenario {name!r} (built-in: {known})"
        )
    return path


def _unique(reader: _Reader, key: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i, value in enumerate(ids):
        if value in seen:
            reader.fail(f"duplicate id {value!r}", f"{key}[{i}].id")
        seen.add(value)


def _when(r: _Reader) -> float:
    """A command's ``at`` for ordering (anything unusable sorts first, to fail)."""
    at = r.table.get("at")
    if isinstance(at, bool) or not isinstance(at, int | float):
        return -math.inf
    try:
        return float(at) if math.isfinite(at) else -math.inf
    except OverflowError:
        return -math.inf


def _product(r: _Reader) -> ProductSpec:
    product_id = _checked_id(r, "id", ProductId)
    currency = _currency(r)
    spec = ProductSpec(
        id=product_id,
        stock=r.integer("stock", low=0, high=MAX_STOCK),
        price=r.money("price", currency),
        name=r.string("name", product_id),
    )
    if spec.price.amount <= 0:
        r.fail(f"must be positive, got {spec.price.amount}", "price")
    r.done()
    return spec


def _customer(r: _Reader) -> CustomerSpec:
    customer_id = _checked_id(r, "id", CustomerId)
    currency = _currency(r)
    spec = CustomerSpec(
        id=customer_id,
        balance=r.money("balance", currency, Money.of("0", currency)),
        name=r.string("name", customer_id),
        email=r.string("email", f"{customer_id.lower()}@example.com"),
    )
    r.done()
    return spec


def _references(r: _Reader, key: str, known: set[str], what: str) -> tuple[str, ...]:
    values = r.strings(key)
    for i, value in enumerate(values):
        if value not in known:
            r.fail(f"unknown {what} {value!r}", f"{key}[{i}]")
    return values


def _load(
    r: _Reader, duration: float, products: set[str], customers: set[str]
) -> LoadSpec:
    start = r.number("from", 0.0, high=duration)
    until = r.number("until", duration, high=duration)
    if until < start:
        r.fail(f"{until:g} is before from ({start:g})", "until")
    spec = LoadSpec(
        rate=r.number("rate", high=MAX_RATE, strict_low=True),
        start=start,
        until=until,
        customers=_references(r, "customers", customers, "customer"),
        products=_references(r, "products", products, "product"),
        max_quantity=r.integer("max_quantity", 3, low=1, high=MAX_QUANTITY),
        max_lines=r.integer("max_lines", 1, low=1, high=100),
    )
    r.done()
    return spec


def _command(
    r: _Reader, end: float, products: set[str], customers: set[str]
) -> CommandSpec:
    kind = r.string("type")
    if kind not in _COMMAND_KEYS:
        r.fail(
            f"unknown command type {kind!r} (known: {', '.join(_COMMAND_KEYS)})", "type"
        )
    required, optional = _COMMAND_KEYS[kind]
    at = r.number("at", high=end)
    for key in required:
        r.raw(key)
    takes = ("at", "type", *required, *optional)
    for key in sorted(set(r.table) - set(takes)):
        r.fail(f"not a key of {kind} (it takes: {', '.join(takes)})", key)
    customer = r.string("customer", None)
    if customer is not None:
        try:
            CustomerId(customer)
        except ValidationError as error:
            r.fail(str(error), "customer")
        if kind == "RegisterCustomer":
            customers.add(customer)
        elif customer not in customers:
            r.fail(f"unknown customer {customer!r}", "customer")
    currency = _currency(r)
    items: list[tuple[str, int]] = []
    for item in r.tables("items", 100) if kind == "PlaceOrder" else []:
        product = item.string("product")
        if product not in products:
            item.fail(f"unknown product {product!r}", "product")
        items.append((product, item.integer("quantity", low=1, high=MAX_QUANTITY)))
        item.done()
    if kind == "PlaceOrder" and not items:
        r.fail("an order needs at least one item", "items")
    product = r.string("product", None)
    if product is not None and product not in products:
        r.fail(f"unknown product {product!r}", "product")
    order = r.string("order", None)
    if order is not None:
        try:
            OrderId(order)
        except ValidationError as error:
            r.fail(str(error), "order")
    spec = CommandSpec(
        at=at,
        type=kind,
        customer=customer,
        items=tuple(items),
        order=order,
        amount=r.money("amount", currency, None),
        product=product,
        quantity=r.integer("quantity", None, low=1, high=MAX_STOCK),
        balance=r.money("balance", currency, None),
        name=r.string("name", None),
        email=r.string("email", None),
        reason=r.string("reason", None),
    )
    if spec.amount is not None and spec.amount.amount <= 0:
        r.fail("must be positive", "amount")
    r.done()
    return spec


def _fault(
    r: _Reader, duration: float, projections: Collection[str] | None
) -> FaultSpec:
    kind = r.string("kind")
    if kind not in FAULT_KINDS:
        r.fail(f"unknown fault kind {kind!r} (known: {', '.join(FAULT_KINDS)})", "kind")
    target = r.string("target")
    if target not in CONTEXTS:
        r.fail(f"unknown context {target!r} (known: {', '.join(CONTEXTS)})", "target")
    allowed = _FAULT_PARAMS[kind]
    for key in sorted(set(r.table) - {"target", "kind", "from", "until", *allowed}):
        r.fail(
            f"not a parameter of {kind} (it takes: {', '.join(allowed) or 'none'})", key
        )
    start = r.number("from", 0.0, high=duration)
    until = r.number("until", None, high=duration)
    if until is not None and until <= start:
        r.fail(
            f"{until:g} is before from ({start:g})"
            if until < start
            else "must be after from",
            "until",
        )
    if kind == "crash" and until is not None:
        r.fail("a crash has no until: it restarts after restart_after seconds", "until")
    if kind == "decline" and target != "payment":
        r.fail("only payment can decline charges", "target")
    probability = None
    if "probability" in allowed:
        default = 1.0 if kind == "no_reply" else ...
        probability = r.number("probability", default, high=1.0)
    mean = jitter = None
    if kind == "latency":
        mean = r.number("mean_ms", high=3_600_000.0)
        jitter = r.number("jitter_ms", 0.0, high=3_600_000.0)
    partner = None
    if kind == "partition":
        partner = r.string("with")
        if partner not in CONTEXTS:
            r.fail(
                f"unknown context {partner!r} (known: {', '.join(CONTEXTS)})", "with"
            )
        if partner == target:
            r.fail("a context cannot be partitioned from itself", "with")
    projection = None
    if kind == "stall_projection":
        projection = _projection_name(r, r.string("projection"), projections)
    restart = (
        r.number("restart_after", None, high=86_400.0, strict_low=True)
        if kind == "crash"
        else None
    )
    spec = FaultSpec(
        target=target,
        kind=kind,
        start=start,
        until=until,
        probability=probability,
        mean_ms=mean,
        jitter_ms=jitter,
        with_context=partner,
        projection=projection,
        restart_after=restart,
    )
    r.done()
    return spec


def _numbered(faults: list[FaultSpec]) -> tuple[FaultSpec, ...]:
    """Faults with unique ids: a second window like another gets ``#2``.

    The engine opens, clears and resumes windows by id; two alike would
    share one, and the first to end would close both.
    """
    seen: dict[str, int] = {}
    numbered = []
    for fault in faults:
        ordinal = seen.get(fault.fault_id, 0)
        seen[fault.fault_id] = ordinal + 1
        numbered.append(replace(fault, ordinal=ordinal) if ordinal else fault)
    return tuple(numbered)


def _projection_name(
    r: _Reader,
    name: str,
    projections: Collection[str] | None,
    key: str = "projection",
) -> str:
    if projections is None or name in projections:
        return name
    short = [p for p in projections if p.split(".", 1)[-1] == name]
    if len(short) == 1:
        return short[0]
    known = ", ".join(sorted(projections))
    problem = "ambiguous" if short else "unknown"
    r.fail(f"{problem} projection {name!r} (known: {known})", key)
    raise AssertionError("unreachable")


def _network(r: _Reader) -> NetworkSpec:
    spec = NetworkSpec(
        latency_ms=r.number("latency_ms", 5.0, high=60_000.0),
        jitter_ms=r.number("jitter_ms", 2.0, high=60_000.0),
    )
    r.done()
    return spec


def _resilience(r: _Reader) -> ResilienceSpec:
    spec = ResilienceSpec(
        max_attempts=r.integer("max_attempts", 4, low=1, high=100),
        base_delay=r.number("base_delay", 0.2, high=3_600.0, strict_low=True),
        multiplier=r.number("multiplier", 2.0, low=1.0, high=100.0),
        max_delay=r.number("max_delay", 5.0, high=3_600.0, strict_low=True),
        jitter=r.number("jitter", 0.5, high=1.0),
        call_timeout=r.number("call_timeout", 1.0, high=3_600.0, strict_low=True),
        failure_threshold=r.integer("failure_threshold", 5, low=1, high=10_000),
        cool_down=r.number("cool_down", 10.0, high=86_400.0, strict_low=True),
        half_open_max_calls=r.integer("half_open_max_calls", 1, low=1, high=1_000),
    )
    r.done()
    return spec


def _process_manager(r: _Reader) -> ProcessManagerSpec:
    spec = ProcessManagerSpec(
        payment_timeout=r.number(
            "payment_timeout", 30.0, high=86_400.0, strict_low=True
        ),
        inventory_timeout=r.number(
            "inventory_timeout", 30.0, high=86_400.0, strict_low=True
        ),
        max_payment_attempts=r.integer("max_payment_attempts", 3, low=1, high=100),
        retry_delay=r.number("retry_delay", 5.0, high=86_400.0, strict_low=True),
        abandon_after=r.number(
            "abandon_after", 300.0, high=MAX_DURATION, strict_low=True
        ),
        monitor_interval=r.number(
            "monitor_interval", 60.0, high=86_400.0, strict_low=True
        ),
    )
    r.done()
    return spec


def _projections(r: _Reader, projections: Collection[str] | None) -> ProjectionSpec:
    interval = r.number("interval", 0.5, high=3_600.0, strict_low=True)
    delays = r.sub("delay")
    delay: dict[str, float] = {}
    for key in list(delays.table):
        name = _projection_name(delays, key, projections, key)
        delay[name] = delays.number(key, high=86_400.0)
    delays.done()
    spec = ProjectionSpec(interval=interval, delay=delay)
    r.done()
    return spec
