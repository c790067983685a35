"""The scenario model: what a scenario file says, as frozen values.

:mod:`ddd_sim.sim.scenario` reads TOML into these; the engine reads these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, get_args

from ddd_sim.shared.money import Money

SagaMode = Literal["orchestrated", "choreographed", "process_manager"]
SAGA_MODES: tuple[SagaMode, ...] = get_args(SagaMode)
CONTEXTS = (
    "customer",
    "sales",
    "inventory",
    "payment",
    "shipping",
    "billing",
    "notification",
    "analytics",
    "legacy_erp",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProductSpec:
    """A product listed at the start, with its stock and price."""

    id: str
    stock: int
    price: Money
    name: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerSpec:
    """A customer registered at the start, with a funded wallet."""

    id: str
    balance: Money
    name: str
    email: str


@dataclass(frozen=True, slots=True, kw_only=True)
class LoadSpec:
    """Seeded Poisson arrivals of orders between ``start`` and ``until``."""

    rate: float
    start: float
    until: float
    customers: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    max_quantity: int = 3
    max_lines: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class CommandSpec:
    """One explicit command at a simulated time."""

    at: float
    type: str
    customer: str | None = None
    items: tuple[tuple[str, int], ...] = ()
    order: str | None = None
    amount: Money | None = None
    product: str | None = None
    quantity: int | None = None
    balance: Money | None = None
    name: str | None = None
    email: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class FaultSpec:
    """A fault on a context (or a pair, for a partition) for a window."""

    target: str
    kind: str
    start: float
    until: float | None = None
    probability: float | None = None
    mean_ms: float | None = None
    jitter_ms: float | None = None
    with_context: str | None = None
    projection: str | None = None
    restart_after: float | None = None
    ordinal: int = 0
    """Earlier entries with the same kind, target(s) and ``from`` (kept apart)."""

    @property
    def fault_id(self) -> str:
        """A stable name for this window, as recorded in the log (unique per file)."""
        pair = f"~{self.with_context}" if self.with_context else ""
        again = f"#{self.ordinal + 1}" if self.ordinal else ""
        return f"{self.kind}:{self.target}{pair}@{self.start:g}{again}"


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkSpec:
    """The base one-way latency of every message between contexts."""

    latency_ms: float = 5.0
    jitter_ms: float = 2.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ResilienceSpec:
    """Retries, timeouts and breakers of the service mesh."""

    max_attempts: int = 4
    base_delay: float = 0.2
    multiplier: float = 2.0
    max_delay: float = 5.0
    jitter: float = 0.5
    call_timeout: float = 1.0
    failure_threshold: int = 5
    cool_down: float = 10.0
    half_open_max_calls: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class ProcessManagerSpec:
    """Timeouts, payment retries and the abandonment monitor of the PM."""

    payment_timeout: float = 30.0
    inventory_timeout: float = 30.0
    max_payment_attempts: int = 3
    retry_delay: float = 5.0
    abandon_after: float = 300.0
    monitor_interval: float = 60.0


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectionSpec:
    """How often projections catch up, and extra delays per projection."""

    interval: float = 0.5
    delay: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """A whole scenario file, checked."""

    name: str
    description: str = ""
    seed: int
    duration: float
    saga: SagaMode
    products: tuple[ProductSpec, ...]
    customers: tuple[CustomerSpec, ...]
    load: tuple[LoadSpec, ...] = ()
    commands: tuple[CommandSpec, ...] = ()
    faults: tuple[FaultSpec, ...] = ()
    network: NetworkSpec = NetworkSpec()
    resilience: ResilienceSpec = ResilienceSpec()
    process_manager: ProcessManagerSpec = ProcessManagerSpec()
    projections: ProjectionSpec = ProjectionSpec()
    drain_timeout: float = 600.0
    source: str = "<string>"
    text: str = ""
