"""The command, load and fault forms read as a scenario file is: no Qt here.

A form is a mapping from field key to the text typed.  The keys are the
scenario file's keys (``customer``, ``items[0].quantity``, ``amount``,
``mean_ms``…), because a form is read by the very functions that read a
scenario file (:func:`~ddd_sim.sim.scenario_commands.read_command`,
:func:`~ddd_sim.sim.scenario_sections.read_fault`, ``read_load``) and turned
into a command by the engine's own
:func:`~ddd_sim.runtime.simulation.workload.explicit_command`: the workbench
and a scenario file build the same command from the same values.  Each
parser answers with what the form stands for, or with ``{field: problem}``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from ddd_sim.runtime.session.load import FormKnowledge
from ddd_sim.runtime.simulation.workload import explicit_command
from ddd_sim.shared.errors import ValidationError
from ddd_sim.shared.messages import Command
from ddd_sim.sim.faults import FAULT_KINDS
from ddd_sim.sim.scenario_commands import KnownSoFar, read_command
from ddd_sim.sim.scenario_model import FaultSpec, LoadSpec
from ddd_sim.sim.scenario_reader import ScenarioError, TableReader
from ddd_sim.sim.scenario_sections import FAULT_PARAMS, read_fault, read_load

FieldErrors = dict[str, str]
"""Field key -> what is wrong with it (``""``: the form as a whole)."""

COMMAND_FIELDS: dict[str, tuple[str, ...]] = {
    "PlaceOrder": ("customer", "order"),
    "CancelOrder": ("order", "reason"),
    "RegisterCustomer": ("customer", "name", "email"),
    "OpenAccount": ("customer", "balance", "currency"),
    "Deposit": ("customer", "amount"),
    "Withdraw": ("customer", "amount"),
    "Restock": ("product", "quantity"),
}
"""The fields of each command's form (a PlaceOrder adds its item lines)."""

OPTIONAL = frozenset({"order", "reason", "name", "email", "currency"})
FAULT_FIELDS: dict[str, tuple[str, ...]] = {
    kind: (*params, "duration") for kind, params in FAULT_PARAMS.items()
}
FAULT_FIELDS["crash"] = ("restart_after",)  # a crash's window is its restart
"""The fields of each fault kind's form, besides its context."""

_SOURCE = "form"
_WHOLE = re.compile(r"[+-]?\d+")
_WORKBENCH_ORDER = re.compile(r"ORD-W(\d+)")


def item_key(line: int, name: str) -> str:
    """The key of an order line's field: ``items[0].product``."""
    return f"items[{line}].{name}"


def _reader_errors(error: ScenarioError, rename: Mapping[str, str]) -> FieldErrors:
    """``form: items[0].quantity: must be…`` -> ``{"items[0].quantity": "must…"}``."""
    text = str(error).removeprefix(f"{_SOURCE}: ")
    where, _, problem = text.partition(": ")
    if not problem:
        return {"": text}
    key = "" if where == "(top level)" else where
    return {rename.get(key, key): problem}


def _read(
    read: Callable[[TableReader], Any], table: dict[str, Any], rename: Mapping[str, str]
) -> Any:
    try:
        return read(TableReader(_SOURCE, "", table))
    except ScenarioError as error:
        return _reader_errors(error, rename)


def _whole(text: str, key: str, errors: FieldErrors) -> int | None:
    if not _WHOLE.fullmatch(text):
        errors[key] = f"must be a whole number, got {text!r}"
        return None
    return int(text)


def _number(text: str, key: str, errors: FieldErrors) -> float | None:
    try:
        value = float(text)
    except ValueError:
        errors[key] = f"must be a number, got {text!r}"
        return None
    if not math.isfinite(value):
        errors[key] = f"must be a finite number, got {text!r}"
        return None
    return value


def next_order_id(taken: Collection[str]) -> str:
    """The next workbench order id (``ORD-W00001``…) that nobody holds."""
    numbers = [int(m.group(1)) for t in taken if (m := _WORKBENCH_ORDER.fullmatch(t))]
    return f"ORD-W{max(numbers, default=0) + 1:05d}"


# -- commands -------------------------------------------------------------------------
def parse_command(
    kind: str,
    fields: Mapping[str, str],
    known: FormKnowledge,
    *,
    sent_orders: Collection[str] = (),
) -> Command | FieldErrors:
    """The command a form stands for, or where it is wrong and why.

    ``fields`` holds the form's text by key; a PlaceOrder's lines are
    ``items[i].product`` / ``items[i].quantity`` for i = 0, 1….
    ``sent_orders`` are order ids sent but perhaps not yet in ``known``.
    """
    if kind not in COMMAND_FIELDS:
        return {"": f"unknown command {kind!r}"}
    text = {key: value.strip() for key, value in fields.items()}
    errors: FieldErrors = {}
    table: dict[str, Any] = {"at": 0.0, "type": kind}
    for key in COMMAND_FIELDS[kind]:
        value = text.get(key, "")
        if not value:
            if key not in OPTIONAL:
                errors[key] = "required"
            continue
        table[key] = value
    orders = set(known.orders) | set(sent_orders)
    if kind == "PlaceOrder":
        table["items"] = _items(text, known, errors)
        if "order" in table and table["order"] in orders:
            errors["order"] = f"order {table['order']!r} already exists"
        table.setdefault("order", next_order_id(orders))
    if kind == "CancelOrder" and "order" in table and table["order"] not in orders:
        errors["order"] = f"unknown order {table['order']!r}"
    if kind == "Restock" and "quantity" in table:
        table["quantity"] = _whole(table["quantity"], "quantity", errors)
    if errors:
        return errors
    so_far = KnownSoFar(
        products={p.id for p in known.scenario.products},
        customers=set(known.customers),
        wallets=dict(known.wallets),
        orders=orders,
    )
    spec = _read(lambda r: read_command(r, math.inf, so_far), table, {})
    if isinstance(spec, dict):
        return spec
    try:
        return explicit_command(known.scenario, spec, 0)
    except ValidationError as refusal:
        return {"": str(refusal)}


def _items(
    text: Mapping[str, str], known: FormKnowledge, errors: FieldErrors
) -> list[dict[str, Any]]:
    """The order lines, each checked for a product and a whole quantity."""
    lines = sorted(
        {int(m.group(1)) for k in text if (m := re.fullmatch(r"items\[(\d+)\]\..*", k))}
    )
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for line in lines or [0]:
        product_key, quantity_key = (
            item_key(line, "product"),
            item_key(line, "quantity"),
        )
        product, quantity = text.get(product_key, ""), text.get(quantity_key, "")
        if not product:
            errors[product_key] = "required"
        elif product in seen:
            errors[product_key] = f"{product} is on an earlier line; add to it there"
        seen.add(product)
        count = _whole(quantity, quantity_key, errors) if quantity else None
        if not quantity:
            errors[quantity_key] = "required"
        items.append({"product": product, "quantity": count})
    return items


# -- load -----------------------------------------------------------------------------
def parse_load(
    fields: Mapping[str, str],
    customers: Collection[str],
    products: Collection[str],
    known: FormKnowledge,
) -> LoadSpec | FieldErrors:
    """A load generator's spec (``start`` 0: it starts when it is started).

    ``customers`` and ``products`` are the ones chosen (none: all the
    scenario's); each must be known.
    """
    errors: FieldErrors = {}
    rate = _number(fields.get("rate", "").strip() or "0", "rate", errors)
    quantity = _whole(
        fields.get("max_quantity", "").strip() or "0", "max_quantity", errors
    )
    if errors:
        return errors
    table = {
        "rate": rate,
        "customers": list(customers),
        "products": list(products),
        "max_quantity": quantity,
    }
    known_products = {p.id for p in known.scenario.products}
    spec = _read(
        lambda r: read_load(r, math.inf, known_products, set(known.customers)),
        table,
        {},
    )
    if isinstance(spec, dict):
        return {re.sub(r"\[\d+\]$", "", key): problem for key, problem in spec.items()}
    assert isinstance(spec, LoadSpec)
    return spec


# -- faults ---------------------------------------------------------------------------
def parse_fault(
    fields: Mapping[str, str], projections: Collection[str]
) -> FaultSpec | FieldErrors:
    """A fault as a form says (its window from 0; see ``fault_now`` to open it).

    ``duration`` empty means until cleared; the other fields are the
    scenario file's parameters of the kind (``with`` for a partition).
    """
    text = {key: value.strip() for key, value in fields.items()}
    kind, target = text.get("kind", ""), text.get("target", "")
    if kind not in FAULT_KINDS:
        return {"kind": f"unknown fault kind {kind!r}"}
    errors: FieldErrors = {}
    table: dict[str, Any] = {"target": target, "kind": kind, "from": 0.0}
    for key in FAULT_FIELDS[kind]:
        value = text.get(key, "")
        if not value:
            if key in ("with", "projection", "mean_ms") or (
                key == "probability" and kind != "no_reply"
            ):
                errors[key] = "required"
            continue
        if key in ("with", "projection"):
            table[key] = value
            continue
        number = _number(value, key, errors)
        if number is None:
            continue
        if key == "duration":
            if number <= 0:
                errors[key] = f"must be more than 0 seconds, got {value}"
            table["until"] = number
        else:
            table[key] = number
    if errors:
        return errors
    spec = _read(
        lambda r: read_fault(r, math.inf, projections), table, {"until": "duration"}
    )
    if isinstance(spec, dict):
        return spec
    assert isinstance(spec, FaultSpec)
    return spec
