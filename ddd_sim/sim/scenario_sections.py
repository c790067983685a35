"""The sections of a scenario file, each read and checked into its spec."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from ddd_sim.shared.ids import CustomerId, ProductId
from ddd_sim.shared.money import Money
from ddd_sim.sim.faults import FAULT_KINDS
from ddd_sim.sim.scenario_model import (
    CONTEXTS,
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
    checked_id,
    currency_of,
    projection_name,
    references,
    show,
)

DEFAULT_RESTART_AFTER = 2.0
FAULT_PARAMS: dict[str, tuple[str, ...]] = {
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


def read_product(r: TableReader) -> ProductSpec:
    product_id = checked_id(r, "id", ProductId)
    currency = currency_of(r)
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
    customer_id = checked_id(r, "id", CustomerId)
    currency = currency_of(r)
    spec = CustomerSpec(
        id=customer_id,
        balance=r.money("balance", currency, Money.of("0", currency)),
        name=r.string("name", customer_id),
        email=r.string("email", f"{customer_id.lower()}@example.com"),
    )
    r.done()
    return spec


def read_load(
    r: TableReader, duration: float, products: set[str], customers: set[str]
) -> LoadSpec:
    start = r.number("from", 0.0, high=duration, limit="the duration")
    until = r.number("until", duration, high=duration, limit="the duration")
    if until < start:
        r.fail(f"{show(until)} is before from ({show(start)})", "until")
    spec = LoadSpec(
        rate=r.number("rate", high=MAX_RATE, strict_low=True, limit="orders/s"),
        start=start,
        until=until,
        customers=references(r, "customers", customers, "customer"),
        products=references(r, "products", products, "product"),
        max_quantity=r.integer("max_quantity", 3, low=1, high=MAX_QUANTITY),
        max_lines=r.integer("max_lines", 1, low=1, high=100),
    )
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
    allowed = FAULT_PARAMS[kind]
    for key in sorted(set(r.table) - {"target", "kind", "from", "until", *allowed}):
        r.fail(
            f"not a parameter of {kind} (it takes: {', '.join(allowed) or 'none'})", key
        )
    start = r.number("from", 0.0, high=duration, limit="the duration")
    until = r.number("until", None, high=duration, limit="the duration")
    if until is not None and until <= start:
        r.fail(
            f"{show(until)} is before from ({show(start)})"
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
        mean = r.number("mean_ms", high=3_600_000.0, limit="one hour")
        jitter = r.number("jitter_ms", 0.0, high=3_600_000.0, limit="one hour")
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
        name = r.string("projection")
        projection = projection_name(r, name, projections, "projection")
    restart = None
    if kind == "crash":
        restart = r.number(
            "restart_after",
            DEFAULT_RESTART_AFTER,
            high=86_400.0,
            strict_low=True,
            limit="one day",
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
    def seconds(key: str, default: float, high: float = 86_400.0) -> float:
        return float(r.number(key, default, high=high, strict_low=True))

    spec = ProcessManagerSpec(
        payment_timeout=seconds("payment_timeout", 30.0),
        inventory_timeout=seconds("inventory_timeout", 30.0),
        max_payment_attempts=r.integer("max_payment_attempts", 3, low=1, high=100),
        retry_delay=seconds("retry_delay", 5.0),
        abandon_after=seconds("abandon_after", 300.0, MAX_DURATION),
        monitor_interval=seconds("monitor_interval", 60.0),
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
        name = projection_name(delays, key, projections, key)
        delay[name] = delays.number(key, high=86_400.0)
    delays.done()
    spec = ProjectionSpec(interval=interval, delay=delay)
    r.done()
    return spec
