"""Immutable rows of the world as of one position: what every view renders.

Money is a decimal string (``"50.00"``), exactly as the log stores it, so a
row never rounds and renders as it is.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

ORDER_DONE = frozenset({"confirmed", "shipped", "completed"})
"""Order statuses that count as completed: the order was paid and confirmed."""


@dataclass(frozen=True, slots=True)
class OrderRow:
    """An order: placed, confirmed, shipped, completed or cancelled."""

    id: str
    customer: str
    status: str
    total: str
    currency: str
    placed_at: float
    lines: tuple[tuple[str, int], ...]
    """(product, quantity) per line, as placed."""


@dataclass(frozen=True, slots=True)
class StockRow:
    """A product's units; ``available`` is what the product itself reported."""

    product: str
    available: int = 0
    reserved: int = 0
    shipped: int = 0
    received: int = 0


@dataclass(frozen=True, slots=True)
class WalletRow:
    """A wallet account and its balance."""

    account: str
    customer: str
    balance: str
    currency: str


@dataclass(frozen=True, slots=True)
class ChargeRow:
    """One order's wallet payments: how often charged and refunded, and how much."""

    order: str
    charges: int = 0
    refunds: int = 0
    charged: str = "0"
    refunded: str = "0"
    currency: str = ""

    @property
    def net(self) -> Decimal:
        """What the order's wallet still pays after refunds."""
        return Decimal(self.charged) - Decimal(self.refunded)


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
    """A process manager's persisted timer: pending, fired or cancelled."""

    name: str
    due: float
    state: str


@dataclass(frozen=True, slots=True)
class SagaRow:
    """A process instance (saga, choreography or process manager) and its steps.

    ``status`` is running, compensating, completed, compensated or abandoned;
    an abandoned process compensates too, and has ended once ``ended_at`` is set.
    """

    id: str
    kind: str
    order: str
    status: str
    steps: tuple[StepRow, ...] = ()
    compensations: tuple[CompensationRow, ...] = ()
    timers: tuple[TimerRow, ...] = ()
    started_at: float = 0.0
    ended_at: float | None = None
    failed_step: str | None = None
    reason: str = ""
    touched: tuple[str, ...] = ()
    """Steps that took (or may have taken) effect, in the order they did."""
    plan: tuple[str, ...] = ()
    """The forward steps the process set out to run, in order."""


@dataclass(frozen=True, slots=True)
class ProjectionRow:
    """A read model's recorded checkpoint and how far it trails the position."""

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

    orders_placed: int
    orders_completed: int
    orders_cancelled: int
    orders_in_flight: int
    sagas_started: int
    sagas_completed: int
    sagas_compensated: int
    sagas_in_flight: int
    faults_injected: int
    events: int


@dataclass(frozen=True, slots=True)
class World:
    """Everything as of one position; its sequences and mappings are read-only."""

    position: int
    sim_time: float
    orders: Sequence[OrderRow]
    stock: Mapping[str, StockRow]
    wallets: Mapping[str, WalletRow]
    sagas: Sequence[SagaRow]
    projections: tuple[ProjectionRow, ...]
    breakers: Mapping[str, str]
    faults: tuple[FaultRow, ...]
    contexts_down: frozenset[str]
    counts: WorldCounts
    charges: Mapping[str, ChargeRow]
    """The payment ledger by order id, for the money invariants."""

    def to_json(self) -> dict[str, Any]:
        """The ``inspect --json`` shape: plain values only."""
        return {
            "position": self.position,
            "sim_time": self.sim_time,
            "orders": [_order_json(o) for o in self.orders],
            "stock": {
                p: {
                    "available": s.available,
                    "reserved": s.reserved,
                    "shipped": s.shipped,
                    "received": s.received,
                }
                for p, s in sorted(self.stock.items())
            },
            "wallets": _wallets_json(self.wallets),
            "sagas": [_saga_json(s) for s in self.sagas],
            "projections": [
                {"name": p.name, "checkpoint": p.checkpoint, "lag_events": p.lag_events}
                for p in self.projections
            ],
            "breakers": dict(sorted(self.breakers.items())),
            "faults": [
                {
                    "id": f.fault_id,
                    "target": f.target,
                    "kind": f.kind,
                    "since": f.since,
                    "until": f.until,
                }
                for f in self.faults
            ],
            "contexts_down": sorted(self.contexts_down),
            "counts": {
                name: getattr(self.counts, name) for name in WorldCounts.__slots__
            },
        }


def _order_json(o: OrderRow) -> dict[str, Any]:
    return {
        "id": o.id,
        "status": o.status,
        "customer": o.customer,
        "total": o.total,
        "currency": o.currency,
    }


def _wallets_json(wallets: Mapping[str, WalletRow]) -> dict[str, Any]:
    """Wallets by customer; a customer's second account goes by its account id."""
    out: dict[str, Any] = {}
    for wallet in sorted(wallets.values(), key=lambda w: (w.customer, w.account)):
        key = wallet.customer if wallet.customer not in out else wallet.account
        out[key] = {
            "balance": wallet.balance,
            "currency": wallet.currency,
            "account": wallet.account,
        }
    return out


def _saga_json(s: SagaRow) -> dict[str, Any]:
    return {
        "id": s.id,
        "kind": s.kind,
        "order": s.order,
        "status": s.status,
        "steps": [
            {"name": t.name, "status": t.status, "at": t.at, "attempts": t.attempts}
            for t in s.steps
        ],
        "compensations": [
            {"name": c.name, "step": c.step, "at": c.at, "noop": c.noop}
            for c in s.compensations
        ],
        "timers": [{"name": t.name, "due": t.due, "state": t.state} for t in s.timers],
        "started_at": s.started_at,
        "ended_at": s.ended_at,
        "failed_step": s.failed_step,
        "reason": s.reason,
    }
