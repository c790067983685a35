"""Immutable rows of the world as of one position: what every view renders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class OrderRow:
    """An order: its customer, status and total."""

    id: str
    customer: str
    status: str
    total: Decimal
    currency: str
    placed_at: float
    lines: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class StockRow:
    """A product's units: available, reserved, shipped, received in all."""

    product: str
    available: int = 0
    reserved: int = 0
    shipped: int = 0
    received: int = 0


@dataclass(frozen=True, slots=True)
class WalletRow:
    """A customer's wallet and what has moved through it."""

    account: str
    customer: str
    balance: Decimal
    currency: str
    charged: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class ChargeRow:
    """One order's payments: how often charged and refunded, and how much."""

    order: str
    charges: int = 0
    refunds: int = 0
    charged: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class StepRow:
    """A forward step of a process: started, succeeded or failed."""

    name: str
    status: str
    at: float
    attempts: int = 1
    duplicate: bool = False
    effect_unknown: bool = False


@dataclass(frozen=True, slots=True)
class CompensationRow:
    """A compensation that ran (``noop`` when there was nothing to undo)."""

    name: str
    step: str
    at: float
    noop: bool = False


@dataclass(frozen=True, slots=True)
class TimerRow:
    """A process manager's persisted timer."""

    name: str
    due: float
    state: str


@dataclass(frozen=True, slots=True)
class SagaRow:
    """A process instance (saga, choreography or process manager) and its steps."""

    id: str
    kind: str
    order: str
    status: str
    started_at: float
    steps: tuple[StepRow, ...] = ()
    compensations: tuple[CompensationRow, ...] = ()
    timers: tuple[TimerRow, ...] = ()
    ended_at: float | None = None
    failed_step: str | None = None
    reason: str = ""
    succeeded: tuple[str, ...] = ()
    """Steps in the order they succeeded (what compensation must reverse)."""


@dataclass(frozen=True, slots=True)
class ProjectionRow:
    """A read model's checkpoint and how far it trails the position."""

    name: str
    checkpoint: int
    lag_events: int


@dataclass(frozen=True, slots=True)
class FaultRow:
    """A fault whose window is open."""

    fault_id: str
    target: str
    kind: str
    since: float
    until: float | None


@dataclass(frozen=True, slots=True)
class WorldCounts:
    """The figures a run summary and the status bar show."""

    events: int
    orders_placed: int
    orders_completed: int
    orders_cancelled: int
    orders_in_flight: int
    sagas_started: int
    sagas_completed: int
    sagas_compensated: int
    sagas_in_flight: int
    faults_injected: int


@dataclass(frozen=True, slots=True)
class World:
    """Everything as of one position; sequences are read-only views."""

    position: int
    sim_time: float
    orders: Sequence[OrderRow]
    stock: Mapping[str, StockRow]
    wallets: Mapping[str, WalletRow]
    charges: Mapping[str, ChargeRow]
    sagas: Sequence[SagaRow]
    projections: tuple[ProjectionRow, ...]
    breakers: Mapping[str, str]
    faults: tuple[FaultRow, ...]
    contexts_down: frozenset[str]
    counts: WorldCounts

    def to_json(self) -> dict[str, Any]:
        """The ``inspect --json`` shape: plain values only."""
        return {
            "position": self.position,
            "sim_time": self.sim_time,
            "orders": [
                {
                    "id": o.id,
                    "status": o.status,
                    "customer": o.customer,
                    "total": str(o.total),
                    "currency": o.currency,
                }
                for o in self.orders
            ],
            "stock": {
                p: {
                    "available": s.available,
                    "reserved": s.reserved,
                    "shipped": s.shipped,
                    "received": s.received,
                }
                for p, s in sorted(self.stock.items())
            },
            "wallets": {
                w.customer: {"balance": str(w.balance), "currency": w.currency}
                for w in sorted(self.wallets.values(), key=lambda w: w.customer)
            },
            "sagas": [
                {
                    "id": s.id,
                    "kind": s.kind,
                    "order": s.order,
                    "status": s.status,
                    "steps": [
                        {
                            "name": t.name,
                            "status": t.status,
                            "at": t.at,
                            "attempts": t.attempts,
                        }
                        for t in s.steps
                    ],
                    "compensations": [
                        {"name": c.name, "at": c.at, "noop": c.noop}
                        for c in s.compensations
                    ],
                    "timers": [
                        {"name": t.name, "due": t.due, "state": t.state}
                        for t in s.timers
                    ],
                }
                for s in self.sagas
            ],
            "projections": [
                {"name": p.name, "checkpoint": p.checkpoint, "lag_events": p.lag_events}
                for p in self.projections
            ],
            "breakers": dict(sorted(self.breakers.items())),
            "faults": [
                {"id": f.fault_id, "target": f.target, "kind": f.kind, "since": f.since}
                for f in self.faults
            ],
            "contexts_down": sorted(self.contexts_down),
            "counts": {
                name: getattr(self.counts, name) for name in WorldCounts.__slots__
            },
        }
