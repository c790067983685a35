"""The world's tables at one position, their snapshots, and the World they show.

Orders, sagas and the payment ledger grow with the log and live in
copy-on-write :class:`~.tables.Table`\\ s; products and wallets too (a few
hundred, but a snapshot should copy only the blocks that changed).  The rest
(projection checkpoints, breakers, open faults, contexts down) is a handful
of entries, copied whole into each snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ddd_sim.runtime.world.model import (
    ORDER_DONE,
    ChargeRow,
    FaultRow,
    OrderRow,
    ProjectionRow,
    SagaRow,
    StockRow,
    WalletRow,
    World,
    WorldCounts,
)
from ddd_sim.runtime.world.tables import EMPTY, Frozen, KeyIndex, Table


def order_phase(row: OrderRow) -> str:
    """What the order counts: its status."""
    return row.status


def saga_phase(row: SagaRow) -> str:
    """What the saga counts: its status, telling an abandoned one that ended."""
    if row.status == "abandoned" and row.ended_at is not None:
        return "abandoned_ended"
    return row.status


@dataclass(slots=True)
class Keys:
    """Key to ordinal, per table; shared by every state of one index."""

    orders: KeyIndex
    stock: KeyIndex
    wallets: KeyIndex
    charges: KeyIndex
    sagas: KeyIndex

    @classmethod
    def empty(cls) -> Keys:
        return cls(KeyIndex(), KeyIndex(), KeyIndex(), KeyIndex(), KeyIndex())


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A whole state, frozen: it shares every block with its neighbours."""

    orders: Frozen = EMPTY
    stock: Frozen = EMPTY
    wallets: Frozen = EMPTY
    charges: Frozen = EMPTY
    sagas: Frozen = EMPTY
    projections: tuple[tuple[str, int], ...] = ()
    breakers: tuple[tuple[str, str], ...] = ()
    faults: tuple[FaultRow, ...] = ()
    down: frozenset[str] = frozenset()
    faults_injected: int = 0


EMPTY_SNAPSHOT = Snapshot()


class WorldState:
    """Mutable tables at one position; :mod:`.fold` changes them op by op."""

    __slots__ = (
        "breakers",
        "charges",
        "down",
        "faults",
        "faults_injected",
        "orders",
        "projections",
        "sagas",
        "stock",
        "wallets",
    )

    def __init__(self, keys: Keys, snapshot: Snapshot | None = None) -> None:
        s = snapshot or EMPTY_SNAPSHOT
        self.orders: Table[OrderRow] = Table(keys.orders, order_phase, s.orders)
        self.stock: Table[StockRow] = Table(keys.stock, None, s.stock)
        self.wallets: Table[WalletRow] = Table(keys.wallets, None, s.wallets)
        self.charges: Table[ChargeRow] = Table(keys.charges, None, s.charges)
        self.sagas: Table[SagaRow] = Table(keys.sagas, saga_phase, s.sagas)
        self.projections = dict(s.projections)
        self.breakers = dict(s.breakers)
        self.faults = {f.fault_id: f for f in s.faults}
        self.down = set(s.down)
        self.faults_injected = s.faults_injected

    def freeze(self) -> Snapshot:
        """This state as a snapshot; later changes copy what they touch."""
        return Snapshot(
            self.orders.freeze(),
            self.stock.freeze(),
            self.wallets.freeze(),
            self.charges.freeze(),
            self.sagas.freeze(),
            tuple(self.projections.items()),
            tuple(self.breakers.items()),
            tuple(self.faults.values()),
            frozenset(self.down),
            self.faults_injected,
        )

    def world(self, position: int, sim_time: float) -> World:
        """The world this state shows; the state must not change afterwards."""
        orders, sagas = self.orders.counts, self.sagas.counts
        counts = WorldCounts(
            orders_placed=self.orders.count,
            orders_completed=sum(orders.get(s, 0) for s in ORDER_DONE),
            orders_cancelled=orders.get("cancelled", 0),
            orders_in_flight=orders.get("placed", 0),
            sagas_started=self.sagas.count,
            sagas_completed=sagas.get("completed", 0),
            sagas_compensated=sagas.get("compensated", 0)
            + sagas.get("abandoned_ended", 0),
            sagas_in_flight=sum(
                sagas.get(s, 0) for s in ("running", "compensating", "abandoned")
            ),
            faults_injected=self.faults_injected,
            events=position,
        )
        return World(
            position=position,
            sim_time=sim_time,
            orders=self.orders.rows(),
            stock=self.stock.mapping(),
            wallets=self.wallets.mapping(),
            sagas=self.sagas.rows(),
            projections=tuple(
                ProjectionRow(name, checkpoint, max(0, position - checkpoint))
                for name, checkpoint in sorted(self.projections.items())
            ),
            breakers=MappingProxyType(dict(self.breakers)),
            faults=tuple(self.faults.values()),
            contexts_down=frozenset(self.down),
            counts=counts,
            charges=self.charges.mapping(),
        )


Apply = Callable[[WorldState, int, int, int, float, list[Any]], None]
"""The fold of one op: ``(state, key, a, b, sim_time, values)``."""
