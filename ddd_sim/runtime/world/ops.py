"""The log's changes to the world as four integer columns and a table of values.

Keeping a million recorded events (or a million changed rows) in memory would
cost a gigabyte; one change here costs 21 bytes.  Strings, amounts and small
tuples that recur (step names, reasons, prices) are interned once in
:attr:`OpLog.values` and referred to by index; a value that never recurs (an
order as placed) is kept without interning.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Hashable
from typing import TypeVar

H = TypeVar("H", bound=Hashable)

MISSING = -(2**62)
"""An ``a``/``b`` operand the event did not carry."""

# what a change does; the table it touches follows from the code
ORDER_PLACED = 0  # key=order, a=placed OrderRow
ORDER_STATUS = 1  # key=order, a=status
STOCK_NEW = 2  # key=product, a=product id
STOCK_RECEIVED = 3  # key=product, a=quantity, b=available after (or MISSING)
STOCK_RESERVED = 4
STOCK_RELEASED = 5
STOCK_SHIPPED = 6  # key=product, a=quantity
WALLET_OPENED = 7  # key=account, a=WalletRow
WALLET_IN = 8  # key=account, a=Decimal amount
WALLET_OUT = 9
CHARGE_NEW = 10  # key=order in the ledger, a=order id, b=currency
CHARGE_ADDED = 11  # key=order in the ledger, a=Decimal amount
CHARGE_REFUNDED = 12
SAGA_STARTED = 13  # key=saga, a=SagaRow
STEP_STARTED = 14  # key=saga, a=step, b=attempt
STEP_SUCCEEDED = 15  # key=saga, a=step, b=attempts*2 + duplicate
STEP_FAILED = 16  # key=saga, a=(step, reason), b=attempts*2 + effect_unknown
COMPENSATION_STARTED = 17  # key=saga, a=step
STEP_COMPENSATED = 18  # key=saga, a=(compensation, step), b=noop
TIMER_SCHEDULED = 19  # key=saga, a=timer, b=due (a kept float)
TIMER_FIRED = 20
TIMER_CANCELLED = 21  # key=saga, a=timer
PROCESS_ABANDONED = 22  # key=saga, a=reason
PROCESS_COMPLETED = 23  # key=saga
PROCESS_COMPENSATED = 24  # key=saga, a=(failed step, reason)
FAULT_INJECTED = 25  # a=(fault id, target, kind, until)
FAULT_CLEARED = 26  # a=fault id
BREAKER_CHANGED = 27  # a=target, b=state
CONTEXT_DOWN = 28  # a=context, b=1 crashed / 0 restarted
PROJECTION_ADVANCED = 29  # a=projection name, b=checkpoint


class OpLog:
    """Every change, in log order: ``code``, ``key`` (an ordinal), ``a``, ``b``."""

    __slots__ = ("_interned", "a", "b", "code", "key", "values")

    def __init__(self) -> None:
        self.code = array("B")
        self.key = array("i")
        self.a = array("q")
        self.b = array("q")
        self.values: list[object] = []
        self._interned: dict[Hashable, int] = {}

    def __len__(self) -> int:
        return len(self.code)

    def emit(self, code: int, key: int = 0, a: int = 0, b: int = 0) -> None:
        """Record one change."""
        self.code.append(code)
        self.key.append(key)
        self.a.append(a)
        self.b.append(b)

    def truncate(self, length: int) -> None:
        """Forget every change from ``length`` on (an event that failed halfway)."""
        for column in (self.code, self.key, self.a, self.b):
            del column[length:]

    def intern(self, value: Hashable, as_key: Hashable | None = None) -> int:
        """The index of a recurring value (``as_key`` when equal values differ)."""
        lookup = value if as_key is None else as_key
        index = self._interned.get(lookup)
        if index is None:
            index = self._interned[lookup] = len(self.values)
            self.values.append(value)
        return index

    def shared(self, value: H) -> H:
        """The one interned instance equal to ``value``, for rows to share."""
        found: H = self.values[self.intern(value)]  # type: ignore[assignment]
        return found

    def keep(self, value: object) -> int:
        """The index of a value that will not recur."""
        self.values.append(value)
        return len(self.values) - 1

    def nbytes(self) -> int:
        """Roughly what the columns and the value table hold, in bytes."""
        columns = sum(
            c.buffer_info()[1] * c.itemsize
            for c in (self.code, self.key, self.a, self.b)
        )
        values = sys.getsizeof(self.values) + sys.getsizeof(self._interned)
        values += sum(sys.getsizeof(v) for v in self.values)
        return columns + values
