"""Ids the payment context owns (the shared kernel has no payment id)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ddd_sim.shared.ids import TypedId


@dataclass(frozen=True, slots=True, order=True)
class PaymentId(TypedId):
    """One payment for an order, by wallet or by card (PAY-…)."""

    prefix: ClassVar[str] = "PAY"
