"""How each stored event becomes changes (see :mod:`.ops`): one method per type.

Reads the stored JSON payloads (already upcast), never domain objects:
decoding a million events into classes would cost more than the whole fold.
Unknown types change nothing.  A key is numbered here, on the event that
creates its row, and only there; events about a row that does not exist yet
(a status for an unknown order) change nothing either.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from ddd_sim.runtime.world import ops
from ddd_sim.runtime.world.model import OrderRow, SagaRow, WalletRow
from ddd_sim.runtime.world.ops import MISSING, OpLog
from ddd_sim.runtime.world.state import Keys

Payload = Mapping[str, Any]


def _amount(value: Any) -> tuple[str, str]:
    """A stored Money (or a bare v1 amount, which was always dollars)."""
    if isinstance(value, Mapping):
        return str(value["amount"]), str(value["currency"])
    return str(value), "USD"


def _kept_amount(value: Any) -> tuple[str, str]:
    """An amount a row keeps as text, refused here if it is not a number.

    Rows keep money as the log wrote it and parse it only when it moves, so
    a bad amount must fail now, while the event can still be refused whole.
    """
    amount, currency = _amount(value)
    if not Decimal(amount).is_finite():
        raise ValueError(f"amount {amount!r} is not a finite number")
    return amount, currency


class Encoder:
    """Turns recorded events into changes appended to an :class:`OpLog`."""

    def __init__(self, log: OpLog, keys: Keys) -> None:
        self.log = log
        self.keys = keys
        self._emit = log.emit
        self._intern = log.intern
        self.by_type: dict[str, Callable[[str, Payload, float], None]] = {
            "OrderPlaced": self._order_placed,
            "OrderConfirmed": self._order_status("confirmed"),
            "OrderShipped": self._order_status("shipped"),
            "OrderCompleted": self._order_status("completed"),
            "OrderCancelled": self._order_status("cancelled"),
            "ProductListed": self._product_listed,
            "StockReceived": self._stock(ops.STOCK_RECEIVED),
            "StockReserved": self._stock(ops.STOCK_RESERVED),
            "StockReleased": self._stock(ops.STOCK_RELEASED),
            "ReservedStockShipped": self._stock(ops.STOCK_SHIPPED),
            "AccountOpened": self._account_opened,
            "MoneyDeposited": self._moved(ops.WALLET_IN),
            "MoneyWithdrawn": self._moved(ops.WALLET_OUT),
            "WalletCharged": self._paid(ops.WALLET_OUT, ops.CHARGE_ADDED),
            "WalletRefunded": self._paid(ops.WALLET_IN, ops.CHARGE_REFUNDED),
            "ProcessStarted": self._process_started,
            "StepStarted": self._process(self._step_started),
            "StepSucceeded": self._process(self._step_succeeded),
            "StepFailed": self._process(self._step_failed),
            "CompensationStarted": self._process(self._compensation_started),
            "StepCompensated": self._process(self._step_compensated),
            "TimerScheduled": self._process(self._timer(ops.TIMER_SCHEDULED)),
            "TimerFired": self._process(self._timer(ops.TIMER_FIRED)),
            "TimerCancelled": self._process(self._timer(ops.TIMER_CANCELLED)),
            "ProcessAbandoned": self._process(self._abandoned),
            "ProcessCompleted": self._process(self._completed),
            "ProcessCompensated": self._process(self._process_compensated),
            "FaultInjected": self._fault_injected,
            "FaultCleared": self._fault_cleared,
            "BreakerStateChanged": self._breaker,
            "ContextCrashed": self._context(1),
            "ContextRestarted": self._context(0),
            "ProjectionsAdvanced": self._projections,
        }

    def _decimal(self, amount: str) -> int:
        return self._intern(Decimal(amount), (Decimal, amount))

    # -- sales and inventory --------------------------------------------------
    def _order_placed(self, stream: str, p: Payload, t: float) -> None:
        order = str(p["order_id"])
        if order in self.keys.orders:
            return
        total, currency = _kept_amount(p["total"])
        shared = self.log.shared
        lines = tuple(
            (shared(str(line["product_id"])), int(line["quantity"]))
            for line in p["lines"]
        )
        customer = shared(str(p["customer_id"]))
        row = OrderRow(order, customer, "placed", total, currency, t, lines)
        self._emit(ops.ORDER_PLACED, self.keys.orders.add(order), self.log.keep(row))

    def _order_status(self, status: str) -> Callable[[str, Payload, float], None]:
        def encode(stream: str, p: Payload, t: float) -> None:
            ordinal = self.keys.orders.get(str(p["order_id"]))
            if ordinal is not None:
                self._emit(ops.ORDER_STATUS, ordinal, self._intern(status))

        return encode

    def _product(self, product: str) -> int:
        ordinal = self.keys.stock.get(product)
        if ordinal is None:
            ordinal = self.keys.stock.add(product)
            self._emit(ops.STOCK_NEW, ordinal, self._intern(product))
        return ordinal

    def _product_listed(self, stream: str, p: Payload, t: float) -> None:
        self._product(str(p["product_id"]))

    def _stock(self, code: int) -> Callable[[str, Payload, float], None]:
        def encode(stream: str, p: Payload, t: float) -> None:
            product, quantity = str(p["product_id"]), int(p["quantity"])
            available = p.get("available")
            reported = MISSING if available is None else int(available)
            self._emit(code, self._product(product), quantity, reported)

        return encode

    # -- payment --------------------------------------------------------------
    def _account_opened(self, stream: str, p: Payload, t: float) -> None:
        account = str(p["account_id"])
        if account in self.keys.wallets:
            return
        balance, currency = _kept_amount(p["initial_balance"])
        row = WalletRow(account, str(p["owner_id"]), balance, currency)
        self._emit(
            ops.WALLET_OPENED, self.keys.wallets.add(account), self.log.keep(row)
        )

    def _moved(self, code: int) -> Callable[[str, Payload, float], None]:
        def encode(stream: str, p: Payload, t: float) -> None:
            ordinal = self.keys.wallets.get(str(p["account_id"]))
            if ordinal is not None:
                amount, _ = _amount(p["amount"])
                self._emit(code, ordinal, self._decimal(amount))

        return encode

    def _paid(self, wallet: int, ledger: int) -> Callable[[str, Payload, float], None]:
        move = self._moved(wallet)

        def encode(stream: str, p: Payload, t: float) -> None:
            order = str(p["order_id"])
            amount, currency = _amount(p["amount"])
            move(stream, p, t)
            ordinal = self.keys.charges.get(order)
            if ordinal is None:
                ordinal = self.keys.charges.add(order)
                self._emit(
                    ops.CHARGE_NEW, ordinal, self._intern(order), self._intern(currency)
                )
            self._emit(ledger, ordinal, self._decimal(amount))

        return encode

    # -- processes ------------------------------------------------------------
    def _process_started(self, stream: str, p: Payload, t: float) -> None:
        if stream in self.keys.sagas:
            return
        plan = tuple(str(s) for s in p.get("steps", ()))
        shared = self.log.shared
        row = SagaRow(
            stream,
            shared(str(p["kind"])),
            str(p["order_id"]),
            "running",
            started_at=t,
            plan=shared(plan),
        )
        self._emit(ops.SAGA_STARTED, self.keys.sagas.add(stream), self.log.keep(row))

    def _process(
        self, encode: Callable[[int, Payload], None]
    ) -> Callable[[str, Payload, float], None]:
        def process(stream: str, p: Payload, t: float) -> None:
            ordinal = self.keys.sagas.get(stream)
            if ordinal is not None:
                encode(ordinal, p)

        return process

    def _step_started(self, saga: int, p: Payload) -> None:
        step = self._intern(str(p["step"]))
        self._emit(ops.STEP_STARTED, saga, step, int(p["attempt"]))

    def _step_succeeded(self, saga: int, p: Payload) -> None:
        flags = int(p["attempts"]) * 2 + bool(p.get("duplicate"))
        self._emit(ops.STEP_SUCCEEDED, saga, self._intern(str(p["step"])), flags)

    def _step_failed(self, saga: int, p: Payload) -> None:
        failure = self._intern((str(p["step"]), str(p["reason"])))
        flags = int(p["attempts"]) * 2 + bool(p.get("effect_unknown"))
        self._emit(ops.STEP_FAILED, saga, failure, flags)

    def _compensation_started(self, saga: int, p: Payload) -> None:
        self._emit(ops.COMPENSATION_STARTED, saga, self._intern(str(p["step"])))

    def _step_compensated(self, saga: int, p: Payload) -> None:
        done = self._intern((str(p["compensation"]), str(p["step"])))
        self._emit(ops.STEP_COMPENSATED, saga, done, int(bool(p.get("noop"))))

    def _timer(self, code: int) -> Callable[[int, Payload], None]:
        def encode(saga: int, p: Payload) -> None:
            due = p.get("due")
            kept = MISSING if due is None else self.log.keep(float(due))
            self._emit(code, saga, self._intern(str(p["timer"])), kept)

        return encode

    def _abandoned(self, saga: int, p: Payload) -> None:
        self._emit(ops.PROCESS_ABANDONED, saga, self._intern(str(p["reason"])))

    def _completed(self, saga: int, p: Payload) -> None:
        self._emit(ops.PROCESS_COMPLETED, saga)

    def _process_compensated(self, saga: int, p: Payload) -> None:
        failure = self._intern((str(p["failed_step"]), str(p["reason"])))
        self._emit(ops.PROCESS_COMPENSATED, saga, failure)

    # -- what the simulation records ------------------------------------------
    def _fault_injected(self, stream: str, p: Payload, t: float) -> None:
        until = p.get("until")
        fault = (
            str(p["fault_id"]),
            str(p["target"]),
            str(p["kind"]),
            None if until is None else float(until),
        )
        self._emit(ops.FAULT_INJECTED, 0, self.log.keep(fault))

    def _fault_cleared(self, stream: str, p: Payload, t: float) -> None:
        self._emit(ops.FAULT_CLEARED, 0, self._intern(str(p["fault_id"])))

    def _breaker(self, stream: str, p: Payload, t: float) -> None:
        target, state = self._intern(str(p["target"])), self._intern(str(p["to_state"]))
        self._emit(ops.BREAKER_CHANGED, 0, target, state)

    def _context(self, down: int) -> Callable[[str, Payload, float], None]:
        def encode(stream: str, p: Payload, t: float) -> None:
            self._emit(ops.CONTEXT_DOWN, 0, self._intern(str(p["context"])), down)

        return encode

    def _projections(self, stream: str, p: Payload, t: float) -> None:
        for name, checkpoint in p["checkpoints"].items():
            self._emit(
                ops.PROJECTION_ADVANCED, 0, self._intern(str(name)), int(checkpoint)
            )
