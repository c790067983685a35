"""Sales arithmetic: simulated days, exact money sums per currency, rates."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal

from ddd_sim.shared.money import Money

SECONDS_PER_DAY = 86400
RATE_QUANTUM = Decimal("0.0001")


def day_of(sim_time: float) -> int:
    """The simulated day a moment falls on; day 1 starts at time 0."""
    return int(sim_time // SECONDS_PER_DAY) + 1


def add_money(sums: Mapping[str, str], money: Money) -> dict[str, str]:
    """Per-currency sums (exact decimal text) with ``money`` added; no floats."""
    before = Money.of(sums.get(money.currency, "0"), money.currency)
    return {**sums, money.currency: str((before + money).amount)}


def money_list(sums: Mapping[str, str]) -> tuple[Money, ...]:
    """Per-currency sums as Money, ordered by currency code."""
    return tuple(Money.of(amount, code) for code, amount in sorted(sums.items()))


def net_money(gross: Mapping[str, str], less: Mapping[str, str]) -> tuple[Money, ...]:
    """``gross`` less ``less`` in every currency either names (captured - refunded)."""
    codes = sorted(set(gross) | set(less))
    return tuple(
        Money.of(gross.get(code, "0"), code) - Money.of(less.get(code, "0"), code)
        for code in codes
    )


def average(total: Money, count: int) -> Money:
    """``total / count``, rounded half-even to the currency's minor unit."""
    if count <= 0:
        raise ValueError(f"cannot average over {count} orders")
    return Money(total.amount / count, total.currency)


def rate(part: int, whole: int) -> Decimal:
    """``part / whole`` to four places (0 when there is no whole)."""
    if whole == 0:
        return Decimal(0).quantize(RATE_QUANTUM)
    return (Decimal(part) / Decimal(whole)).quantize(RATE_QUANTUM, ROUND_HALF_EVEN)
