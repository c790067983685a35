"""The sections of a scenario file, each read and checked into its spec."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import replace

from ddd_sim.shared.errors import ValidationError
from ddd_sim.shared.ids import CustomerId, OrderId, ProductId
from ddd_sim.shared.money import Money
from ddd_sim.sim.faults import FAULT_KINDS
from ddd_sim.sim.scenario_model import (
    CONTEXTS,
    CommandSpec,
    CustomerSpec,
    FaultSpec,
    LoadSpec,
    NetworkSpec,
    ProcessManagerSpec,
    ProductSpec,
    ProjectionSpec,
    ResilienceSpec,
)
from ddd_sim.sim.scenario_reader import (
    MAX_DURATION,
    MAX_QUANTITY,
    MAX_RATE,
    MAX_STOCK,
    TableReader,
    _checked_id,
    _currency,
)

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


def check_unique(reader: TableReader, key: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i, value in enumerate(ids):
        if value in seen:
            reader.fail(f"duplicate id {value!r}", f"{key}[{i}].id")
        seen.add(value)


def when_of(r: TableReader) -> float:
    """A command's ``at`` for ordering (anything unusable sorts first, to fail)."""
    at = r.table.get("at")
    if isinstance(at, bool) or not isinstance(at, int | float):
        return -math.inf
    try:
        return float(at) if math.isfinite(at) else -math.inf
    except OverflowError:
        return -math.inf


def read_product(r: TableReader) -> ProductSpec:
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


def read_customer(r: TableReader) -> CustomerSpec:
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


def _references(
    r: TableReader, key: str, known: set[str], what: str
) -> tuple[str, ...]:
    values = r.strings(key)
    for i, value in enumerate(values):
        if value not in known:
            r.fail(f"unknown {what} {value!r}", f"{key}[{i}]")
    return values


def read_load(
    r: TableReader, duration: float, products: set[str], customers: set[str]
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


def read_command(
    r: TableReader, end: float, products: set[str], customers: set[str]
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


def read_fault(
    r: TableReader, duration: float, projections: Collection[str] | None
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


def numbered(faults: list[FaultSpec]) -> tuple[FaultSpec, ...]:
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
    r: TableReader,
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


def read_network(r: TableReader) -> NetworkSpec:
    spec = NetworkSpec(
        latency_ms=r.number("latency_ms", 5.0, high=60_000.0),
        jitter_ms=r.number("jitter_ms", 2.0, high=60_000.0),
    )
    r.done()
    return spec


def read_resilience(r: TableReader) -> ResilienceSpec:
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


def read_process_manager(r: TableReader) -> ProcessManagerSpec:
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


def read_projections(
    r: TableReader, projections: Collection[str] | None
) -> ProjectionSpec:
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
