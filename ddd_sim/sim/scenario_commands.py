"""The ``[[commands]]`` of a scenario, checked in the order they will run.

A command may name only what exists by its time: the products and customers
of the file, customers a ``RegisterCustomer`` registered earlier, and wallets
an ``OpenAccount`` opened earlier (whose currency its amounts are in).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ddd_sim.shared.ids import CustomerId, OrderId
from ddd_sim.sim.scenario_model import CommandSpec
from ddd_sim.sim.scenario_reader import (
    MAX_QUANTITY,
    MAX_STOCK,
    TableReader,
    checked_id,
    currency_of,
)

COMMAND_KEYS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # type: (required, optional)
    "PlaceOrder": (("customer", "items"), ("order",)),
    "CancelOrder": (("order",), ("reason",)),
    "Deposit": (("customer", "amount"), ()),
    "Withdraw": (("customer", "amount"), ()),
    "OpenAccount": (("customer", "balance"), ("currency",)),
    "RegisterCustomer": (("customer",), ("name", "email")),
    "Restock": (("product", "quantity"), ()),
}
# the engine names the orders it places itself like this; a file must not
_GENERATED_ORDER = re.compile(r"ORD-(C\d+|L\d+-\d+)")


@dataclass(slots=True, kw_only=True)
class KnownSoFar:
    """What a command may name, as of the command being checked."""

    products: set[str]
    customers: set[str]
    wallets: dict[str, str]  # customer -> the wallet's currency
    orders: set[str] = field(default_factory=set)


def when_of(r: TableReader) -> float:
    """A command's ``at`` for ordering (anything unusable sorts first, to fail)."""
    at = r.table.get("at")
    if isinstance(at, bool) or not isinstance(at, int | float):
        return -math.inf
    try:
        return float(at) if math.isfinite(at) else -math.inf
    except OverflowError:
        return -math.inf


def read_command(r: TableReader, end: float, known: KnownSoFar) -> CommandSpec:
    """One command; it takes the keys of its type and no others."""
    kind = r.string("type")
    if kind not in COMMAND_KEYS:
        r.fail(
            f"unknown command type {kind!r} (known: {', '.join(COMMAND_KEYS)})", "type"
        )
    required, optional = COMMAND_KEYS[kind]
    at = r.number("at", high=end, limit="duration + drain_timeout")
    for key in required:
        r.raw(key)
    takes = ("at", "type", *required, *optional)
    for key in sorted(set(r.table) - set(takes)):
        r.fail(f"not a key of {kind} (it takes: {', '.join(takes)})", key)
    customer = _customer(r, kind, known) if "customer" in required else None
    currency = "USD"
    if kind == "OpenAccount":
        currency = currency_of(r)
        known.wallets[str(customer)] = currency
    elif kind in ("Deposit", "Withdraw"):
        currency = known.wallets[str(customer)]
    product = r.string("product", None)
    if product is not None and product not in known.products:
        r.fail(f"unknown product {product!r}", "product")
    spec = CommandSpec(
        at=at,
        type=kind,
        customer=customer,
        items=_items(r, known) if kind == "PlaceOrder" else (),
        order=_order(r, kind, known) if "order" in takes else None,
        amount=r.money("amount", currency, None),
        product=product,
        quantity=r.integer("quantity", None, low=1, high=MAX_STOCK),
        balance=r.money("balance", currency, None),
        name=r.string("name", None),
        email=r.string("email", None),
        reason=r.string("reason", None),
    )
    if spec.amount is not None and spec.amount.amount <= 0:
        r.fail(f"must be positive, got {spec.amount.amount}", "amount")
    r.done()
    return spec


def _customer(r: TableReader, kind: str, known: KnownSoFar) -> str:
    """A registered customer (or one registered here), with a wallet if one is used."""
    customer = checked_id(r, "customer", CustomerId)
    if kind == "RegisterCustomer":
        if customer in known.customers:
            r.fail(f"customer {customer!r} is already registered", "customer")
        known.customers.add(customer)
        return customer
    if customer not in known.customers:
        r.fail(f"unknown customer {customer!r}", "customer")
    if kind == "OpenAccount" and customer in known.wallets:
        r.fail(f"customer {customer!r} already has a wallet", "customer")
    if kind in ("Deposit", "Withdraw") and customer not in known.wallets:
        r.fail(
            f"customer {customer!r} has no wallet yet "
            "(an OpenAccount earlier in time opens one)",
            "customer",
        )
    return customer


def _items(r: TableReader, known: KnownSoFar) -> tuple[tuple[str, int], ...]:
    items: list[tuple[str, int]] = []
    for item in r.tables("items", 100):
        product = item.string("product")
        if product not in known.products:
            item.fail(f"unknown product {product!r}", "product")
        items.append((product, item.integer("quantity", low=1, high=MAX_QUANTITY)))
        item.done()
    if not items:
        r.fail("an order needs at least one item", "items")
    return tuple(items)


def _order(r: TableReader, kind: str, known: KnownSoFar) -> str | None:
    """An order id; one that a PlaceOrder gives must be new and not look generated."""
    order = r.raw("order", None)
    if order is None:
        return None
    order = checked_id(r, "order", OrderId)
    if kind == "PlaceOrder":
        if _GENERATED_ORDER.fullmatch(order):
            r.fail(
                f"{order!r} has the form of an id the engine gives "
                "(ORD-C<n>, ORD-L<n>-<n>); choose another",
                "order",
            )
        if order in known.orders:
            r.fail(f"order {order!r} is placed twice", "order")
        known.orders.add(order)
    return order
