"""How each change (see :mod:`.ops`) moves the world's tables: one function per code.

The same functions fold the live state as the log arrives and replay the
changes after a snapshot when the world is asked for as of a position, so
the two can never disagree.  Rows are built with positional constructors:
``dataclasses.replace`` costs twice as much, and a replay makes thousands.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ddd_sim.runtime.world import ops
from ddd_sim.runtime.world.model import (
    ChargeRow,
    FaultRow,
    OrderRow,
    StockRow,
    WalletRow,
)
from ddd_sim.runtime.world.ops import MISSING
from ddd_sim.runtime.world.sagas import SAGA_FOLDS
from ddd_sim.runtime.world.state import Apply, WorldState


# -- sales and inventory -----------------------------------------------------
def _order_placed(
    w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]
) -> None:
    w.orders.set(key, v[a])


def _order_status(
    w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]
) -> None:
    o: OrderRow = w.orders.row(key)
    w.orders.set(
        key, OrderRow(o.id, o.customer, v[a], o.total, o.currency, o.placed_at, o.lines)
    )


def _stock_new(w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]) -> None:
    w.stock.set(key, StockRow(v[a]))


def _stock(available: int, reported: int) -> int:
    """The product's own figure when the event carries it, else our arithmetic."""
    return available if reported == MISSING else reported


def _received(w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]) -> None:
    s = w.stock.row(key)
    available = _stock(s.available + a, b)
    w.stock.set(
        key, StockRow(s.product, available, s.reserved, s.shipped, s.received + a)
    )


def _reserved(w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]) -> None:
    s = w.stock.row(key)
    available = _stock(s.available - a, b)
    w.stock.set(
        key, StockRow(s.product, available, s.reserved + a, s.shipped, s.received)
    )


def _released(w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]) -> None:
    s = w.stock.row(key)
    available = _stock(s.available + a, b)
    w.stock.set(
        key, StockRow(s.product, available, s.reserved - a, s.shipped, s.received)
    )


def _shipped(w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]) -> None:
    s = w.stock.row(key)
    w.stock.set(
        key, StockRow(s.product, s.available, s.reserved - a, s.shipped + a, s.received)
    )


# -- payment -----------------------------------------------------------------
def _opened(w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]) -> None:
    w.wallets.set(key, v[a])


def _moved(sign: int) -> Apply:
    def fold(w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]) -> None:
        x = w.wallets.row(key)
        balance = Decimal(x.balance) + sign * v[a]
        w.wallets.set(key, WalletRow(x.account, x.customer, str(balance), x.currency))

    return fold


def _charge_new(
    w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]
) -> None:
    w.charges.set(key, ChargeRow(v[a], currency=v[b]))


def _charged(w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]) -> None:
    c = w.charges.row(key)
    charged = str(Decimal(c.charged) + v[a])
    w.charges.set(
        key,
        ChargeRow(c.order, c.charges + 1, c.refunds, charged, c.refunded, c.currency),
    )


def _refunded(w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]) -> None:
    c = w.charges.row(key)
    refunded = str(Decimal(c.refunded) + v[a])
    w.charges.set(
        key,
        ChargeRow(c.order, c.charges, c.refunds + 1, c.charged, refunded, c.currency),
    )


# -- what the simulation records ---------------------------------------------
def _fault_on(w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]) -> None:
    fault_id, target, kind, until = v[a]
    w.faults[fault_id] = FaultRow(fault_id, target, kind, t, until)
    w.faults_injected += 1


def _fault_off(w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]) -> None:
    w.faults.pop(v[a], None)


def _breaker(w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]) -> None:
    w.breakers[v[a]] = v[b]


def _context(w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]) -> None:
    if b:
        w.down.add(v[a])
    else:
        w.down.discard(v[a])


def _projection(
    w: WorldState, key: int, a: int, b: int, t: float, v: list[Any]
) -> None:
    w.projections[v[a]] = b


_BY_CODE: dict[int, Apply] = {
    ops.ORDER_PLACED: _order_placed,
    ops.ORDER_STATUS: _order_status,
    ops.STOCK_NEW: _stock_new,
    ops.STOCK_RECEIVED: _received,
    ops.STOCK_RESERVED: _reserved,
    ops.STOCK_RELEASED: _released,
    ops.STOCK_SHIPPED: _shipped,
    ops.WALLET_OPENED: _opened,
    ops.WALLET_IN: _moved(+1),
    ops.WALLET_OUT: _moved(-1),
    ops.CHARGE_NEW: _charge_new,
    ops.CHARGE_ADDED: _charged,
    ops.CHARGE_REFUNDED: _refunded,
    **SAGA_FOLDS,
    ops.FAULT_INJECTED: _fault_on,
    ops.FAULT_CLEARED: _fault_off,
    ops.BREAKER_CHANGED: _breaker,
    ops.CONTEXT_DOWN: _context,
    ops.PROJECTION_ADVANCED: _projection,
}
APPLY: Sequence[Apply] = tuple(_BY_CODE[code] for code in range(len(_BY_CODE)))
"""The fold of each op code, indexed by code."""


def replay(
    state: WorldState,
    log: ops.OpLog,
    ends: Sequence[int],
    times: Sequence[float],
    after: int,
    upto: int,
) -> None:
    """Fold the changes of positions ``after + 1 .. upto`` into ``state``."""
    code, key, a, b, values = log.code, log.key, log.a, log.b, log.values
    apply = APPLY
    start = ends[after]
    for position in range(after + 1, upto + 1):
        end = ends[position]
        if end > start:
            t = times[position]
            for i in range(start, end):
                apply[code[i]](state, key[i], a[i], b[i], t, values)
            start = end
