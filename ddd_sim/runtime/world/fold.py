"""How each stored event changes the world: one small function per event type.

The fold reads stored JSON payloads (already upcast), never domain objects:
folding a million events must stay cheap.  Unknown types change nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ddd_sim.runtime.world.model import (
    ChargeRow,
    CompensationRow,
    FaultRow,
    OrderRow,
    SagaRow,
    StepRow,
    StockRow,
    TimerRow,
    WalletRow,
)
from ddd_sim.runtime.world.tables import Frozen, Table

Payload = Mapping[str, Any]
ORDER_DONE = frozenset({"confirmed", "shipped", "completed"})


def _order_status(row: OrderRow) -> str:
    return row.status


def _saga_status(row: SagaRow) -> str:
    return row.status


class WorldState:
    """The world's tables at one position; :meth:`apply` folds one event."""

    NAMES = (
        "orders",
        "stock",
        "wallets",
        "charges",
        "sagas",
        "projections",
        "breakers",
        "faults",
        "down",
    )

    def __init__(
        self, keys: dict[str, dict[str, int]], frozen: dict[str, Frozen] | None = None
    ) -> None:
        f = frozen or {}
        self.orders: Table[OrderRow] = Table(
            keys["orders"], _order_status, f.get("orders")
        )
        self.stock: Table[StockRow] = Table(keys["stock"], None, f.get("stock"))
        self.wallets: Table[WalletRow] = Table(keys["wallets"], None, f.get("wallets"))
        self.charges: Table[ChargeRow] = Table(keys["charges"], None, f.get("charges"))
        self.sagas: Table[SagaRow] = Table(keys["sagas"], _saga_status, f.get("sagas"))
        self.projections: Table[int] = Table(
            keys["projections"], None, f.get("projections")
        )
        self.breakers: Table[str] = Table(keys["breakers"], None, f.get("breakers"))
        self.faults: Table[FaultRow] = Table(keys["faults"], None, f.get("faults"))
        self.down: Table[bool] = Table(keys["down"], None, f.get("down"))

    @staticmethod
    def new_keys() -> dict[str, dict[str, int]]:
        return {name: {} for name in WorldState.NAMES}

    def table(self, name: str) -> Table[Any]:
        table: Table[Any] = getattr(self, name)
        return table

    def freeze(self) -> dict[str, Frozen]:
        return {name: self.table(name).freeze() for name in self.NAMES}


Change = tuple[str, int, Any]
"""(table, ordinal, new row): what one event did to one row."""
Folder = Callable[[WorldState, str, Payload, float], list[Change]]


def _money(value: Payload) -> tuple[Decimal, str]:
    return Decimal(value["amount"]), str(value["currency"])


# -- sales ------------------------------------------------------------------------
def _order_placed(w: WorldState, stream: str, p: Payload, t: float) -> list[Change]:
    total, currency = _money(p["total"])
    lines = tuple(
        (str(line["product_id"]), int(line["quantity"])) for line in p["lines"]
    )
    row = OrderRow(
        str(p["order_id"]), str(p["customer_id"]), "placed", total, currency, t, lines
    )
    return [("orders", w.orders.ordinal(row.id), row)]


def _order_status_to(status: str) -> Folder:
    def fold(w: WorldState, stream: str, p: Payload, t: float) -> list[Change]:
        key = str(p["order_id"])
        row = w.orders.get(key)
        if row is None:
            return []
        return [
            ("orders", w.orders.ordinal(key), dataclasses.replace(row, status=status))
        ]

    return fold


# -- inventory --------------------------------------------------------------------
def _stock(w: WorldState, p: Payload, **change: int) -> list[Change]:
    key = str(p["product_id"])
    row = w.stock.get(key) or StockRow(key)
    values = {name: getattr(row, name) + delta for name, delta in change.items()}
    if "available" in p:
        values["available"] = int(p["available"])
    return [("stock", w.stock.ordinal(key), dataclasses.replace(row, **values))]


def _product_listed(w: WorldState, stream: str, p: Payload, t: float) -> list[Change]:
    key = str(p["product_id"])
    if w.stock.get(key) is not None:
        return []
    return [("stock", w.stock.ordinal(key), StockRow(key))]


def _received(w: WorldState, stream: str, p: Payload, t: float) -> list[Change]:
    q = int(p["quantity"])
    return _stock(w, p, received=q)


def _reserved(w: WorldState, stream: str, p: Payload, t: float) -> list[Change]:
    return _stock(w, p, reserved=int(p["quantity"]))


def _released(w: WorldState, stream: str, p: Payload, t: float) -> list[Change]:
    return _stock(w, p, reserved=-int(p["quantity"]))


def _shipped(w: WorldState, stream: str, p: Payload, t: float) -> list[Change]:
    q = int(p["quantity"])
    return _stock(w, p, reserved=-q, shipped=q)


# -- payment ----------------------------------------------------------------------
def _opened(w: WorldState, stream: str, p: Payload, t: float) -> list[Change]:
    balance, currency = _money(p["initial_balance"])
    row = WalletRow(str(p["account_id"]), str(p["owner_id"]), balance, currency)
    return [("wallets", w.wallets.ordinal(row.account), row)]


def _moved(sign: int, kind: str = "") -> Folder:
    def fold(w: WorldState, stream: str, p: Payload, t: float) -> list[Change]:
        key = str(p["account_id"])
        row = w.wallets.get(key)
        if row is None:
            return []
        amount, _ = _money(p["amount"])
        values: dict[str, Any] = {"balance": row.balance + sign * amount}
        changes: list[Change] = []
        if kind:
            values[kind] = getattr(row, kind) + amount
            order = str(p["order_id"])
            charge = w.charges.get(order) or ChargeRow(order)
            if kind == "charged":
                charge = dataclasses.replace(
                    charge, charges=charge.charges + 1, charged=charge.charged + amount
                )
            else:
                charge = dataclasses.replace(
                    charge,
                    refunds=charge.refunds + 1,
                    refunded=charge.refunded + amount,
                )
            changes.append(("charges", w.charges.ordinal(order), charge))
        changes.append(
            ("wallets", w.wallets.ordinal(key), dataclasses.replace(row, **values))
        )
        return changes

    return fold


# -- processes --------------------------------------------------------------------
def _process(fold: Callable[[SagaRow, Payload, float], SagaRow]) -> Folder:
    def apply(w: WorldState, stream: str, p: Payload, t: float) -> list[Change]:
        row = w.sagas.get(stream)
        if row is None:
            return []
        return [("sagas", w.sagas.ordinal(stream), fold(row, p, t))]

    return apply


def _started(w: WorldState, stream: str, p: Payload, t: float) -> list[Change]:
    row = SagaRow(stream, str(p["kind"]), str(p["order_id"]), "running", t)
    return [("sagas", w.sagas.ordinal(stream), row)]


def _with_step(row: SagaRow, step: StepRow) -> tuple[StepRow, ...]:
    """The steps with this one added, or updated where it stands."""
    for i, old in enumerate(row.steps):
        if old.name == step.name:
            return (*row.steps[:i], step, *row.steps[i + 1 :])
    return (*row.steps, step)


def _step_started(row: SagaRow, p: Payload, t: float) -> SagaRow:
    step = StepRow(str(p["step"]), "started", t, int(p["attempt"]))
    return dataclasses.replace(row, steps=_with_step(row, step))


def _step_succeeded(row: SagaRow, p: Payload, t: float) -> SagaRow:
    name = str(p["step"])
    step = StepRow(name, "succeeded", t, int(p["attempts"]), bool(p.get("duplicate")))
    succeeded = row.succeeded if name in row.succeeded else (*row.succeeded, name)
    return dataclasses.replace(row, steps=_with_step(row, step), succeeded=succeeded)


def _step_failed(row: SagaRow, p: Payload, t: float) -> SagaRow:
    name = str(p["step"])
    unknown = bool(p.get("effect_unknown"))
    step = StepRow(name, "failed", t, int(p["attempts"]), False, unknown)
    return dataclasses.replace(
        row,
        steps=_with_step(row, step),
        status="compensating",
        failed_step=name,
        reason=str(p["reason"]),
    )


def _compensating(row: SagaRow, p: Payload, t: float) -> SagaRow:
    return dataclasses.replace(row, status="compensating")


def _compensated(row: SagaRow, p: Payload, t: float) -> SagaRow:
    done = CompensationRow(
        str(p["compensation"]), str(p["step"]), t, bool(p.get("noop"))
    )
    return dataclasses.replace(row, compensations=(*row.compensations, done))


def _timer(state: str) -> Callable[[SagaRow, Payload, float], SagaRow]:
    def fold(row: SagaRow, p: Payload, t: float) -> SagaRow:
        name = str(p["timer"])
        old = next((x for x in row.timers if x.name == name), None)
        due = float(p["due"]) if "due" in p else (old.due if old else t)
        timers = tuple(x for x in row.timers if x.name != name)
        return dataclasses.replace(row, timers=(*timers, TimerRow(name, due, state)))

    return fold


def _abandoned(row: SagaRow, p: Payload, t: float) -> SagaRow:
    return dataclasses.replace(row, status="compensating", reason=str(p["reason"]))


def _completed(row: SagaRow, p: Payload, t: float) -> SagaRow:
    return dataclasses.replace(row, status="completed", ended_at=t)


def _process_compensated(row: SagaRow, p: Payload, t: float) -> SagaRow:
    return dataclasses.replace(
        row,
        status="compensated",
        ended_at=t,
        failed_step=str(p["failed_step"]),
        reason=str(p["reason"]),
    )


# -- the simulation's own records -------------------------------------------------
def _fault_on(w: WorldState, stream: str, p: Payload, t: float) -> list[Change]:
    key = str(p["fault_id"])
    row = FaultRow(key, str(p["target"]), str(p["kind"]), t, p.get("until"))
    return [("faults", w.faults.ordinal(key), row)]


def _fault_off(w: WorldState, stream: str, p: Payload, t: float) -> list[Change]:
    key = str(p["fault_id"])
    if w.faults.get(key) is None:
        return []
    return [("faults", w.faults.ordinal(key), None)]


def _breaker(w: WorldState, stream: str, p: Payload, t: float) -> list[Change]:
    key = str(p["target"])
    return [("breakers", w.breakers.ordinal(key), str(p["to_state"]))]


def _context(down: bool) -> Folder:
    def fold(w: WorldState, stream: str, p: Payload, t: float) -> list[Change]:
        key = str(p["context"])
        return [("down", w.down.ordinal(key), down)]

    return fold


def _projections(w: WorldState, stream: str, p: Payload, t: float) -> list[Change]:
    return [
        ("projections", w.projections.ordinal(name), int(position))
        for name, position in p["checkpoints"].items()
    ]


FOLDERS: dict[str, Folder] = {
    "OrderPlaced": _order_placed,
    "OrderConfirmed": _order_status_to("confirmed"),
    "OrderShipped": _order_status_to("shipped"),
    "OrderCompleted": _order_status_to("completed"),
    "OrderCancelled": _order_status_to("cancelled"),
    "ProductListed": _product_listed,
    "StockReceived": _received,
    "StockReserved": _reserved,
    "StockReleased": _released,
    "ReservedStockShipped": _shipped,
    "AccountOpened": _opened,
    "MoneyDeposited": _moved(+1),
    "MoneyWithdrawn": _moved(-1),
    "WalletCharged": _moved(-1, "charged"),
    "WalletRefunded": _moved(+1, "refunded"),
    "ProcessStarted": _started,
    "StepStarted": _process(_step_started),
    "StepSucceeded": _process(_step_succeeded),
    "StepFailed": _process(_step_failed),
    "CompensationStarted": _process(_compensating),
    "StepCompensated": _process(_compensated),
    "TimerScheduled": _process(_timer("pending")),
    "TimerFired": _process(_timer("fired")),
    "TimerCancelled": _process(_timer("cancelled")),
    "ProcessAbandoned": _process(_abandoned),
    "ProcessCompleted": _process(_completed),
    "ProcessCompensated": _process(_process_compensated),
    "FaultInjected": _fault_on,
    "FaultCleared": _fault_off,
    "BreakerStateChanged": _breaker,
    "ContextCrashed": _context(True),
    "ContextRestarted": _context(False),
    "ProjectionsAdvanced": _projections,
}
"""Every stored event type that changes the world, with its fold."""
