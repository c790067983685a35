"""Scenario files: TOML read strictly into :mod:`ddd_sim.sim.scenario_model`.

Every key is known, every value has the right type and a sane size, every
reference (a product, a customer, a wallet, a context, a projection) exists;
a problem is reported as ``FILE: key.path: what is wrong`` before anything
runs.  ``docs/scenarios.md`` documents every key.
"""

from __future__ import annotations

import site
import sys
import sysconfig
import tomllib
from collections.abc import Collection
from pathlib import Path
from typing import cast

from ddd_sim.sim.scenario_commands import KnownSoFar, read_command, when_of
from ddd_sim.sim.scenario_model import (
    SAGA_MODES,
    CommandSpec,
    CustomerSpec,
    FaultSpec,
    LoadSpec,
    ProductSpec,
    SagaMode,
    Scenario,
)
from ddd_sim.sim.scenario_reader import (
    MAX_COMMANDS,
    MAX_CUSTOMERS,
    MAX_DURATION,
    MAX_FAULTS,
    MAX_FILE_BYTES,
    MAX_LOADS,
    MAX_ORDERS,
    MAX_PRODUCTS,
    ScenarioError,
    TableReader,
    check_unique,
)
from ddd_sim.sim.scenario_sections import (
    numbered,
    read_customer,
    read_fault,
    read_load,
    read_network,
    read_process_manager,
    read_product,
    read_projections,
    read_resilience,
)

__all__ = [
    "CommandSpec",
    "CustomerSpec",
    "FaultSpec",
    "LoadSpec",
    "ProductSpec",
    "Scenario",
    "ScenarioError",
    "builtin_scenario",
    "builtin_scenarios_dir",
    "load_scenario",
    "parse_scenario",
]


def parse_scenario(
    text: str, source: str = "<string>", *, projections: Collection[str] | None = None
) -> Scenario:
    """Read and check a scenario given as TOML text.

    ``projections`` (names such as ``sales.order_list``), when given, are the
    only projections the file may name; a unique short name (``order_list``)
    becomes its full name.
    """
    name = Path(source).name if source != "<string>" else source
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(f"{name}: not valid TOML: {error}") from None
    top = TableReader(name, "", data)
    title = top.string("name")
    description = top.string("description", "")
    seed = top.integer("seed", low=0, high=2**63 - 1)
    duration = top.number(
        "duration", high=MAX_DURATION, strict_low=True, limit="7 days"
    )
    saga = top.string("saga", "orchestrated")
    if saga not in SAGA_MODES:
        top.fail(f"unknown saga mode {saga!r} (known: {', '.join(SAGA_MODES)})", "saga")
    drain = top.number(
        "drain_timeout", 600.0, high=MAX_DURATION, strict_low=True, limit="7 days"
    )
    products = tuple(read_product(r) for r in top.tables("products", MAX_PRODUCTS))
    customers = tuple(read_customer(r) for r in top.tables("customers", MAX_CUSTOMERS))
    check_unique(top, "products", [p.id for p in products])
    check_unique(top, "customers", [c.id for c in customers])
    product_ids = {p.id for p in products}
    customer_ids = {c.id for c in customers}
    loads = tuple(
        read_load(r, duration, product_ids, customer_ids)
        for r in top.tables("load", MAX_LOADS)
    )
    if loads and not products:
        top.fail("a load needs at least one product", "load")
    if loads and not customers:
        top.fail("a load needs at least one customer", "load")
    expected = sum(load.rate * (load.until - load.start) for load in loads)
    if expected > MAX_ORDERS:
        top.fail(
            f"would place about {expected:,.0f} orders; "
            f"at most {MAX_ORDERS:,} are allowed",
            "load",
        )
    known = KnownSoFar(
        products=product_ids,
        customers=set(customer_ids),
        wallets={c.id: c.balance.currency for c in customers},
    )
    # checked in the order they will run, so a RegisterCustomer or an
    # OpenAccount counts only for the commands after it in time (the key
    # paths keep the file's order)
    commands = tuple(
        read_command(r, duration + drain, known)
        for r in sorted(top.tables("commands", MAX_COMMANDS), key=when_of)
    )
    faults = numbered(
        [read_fault(r, duration, projections) for r in top.tables("faults", MAX_FAULTS)]
    )
    scenario = Scenario(
        name=title,
        description=description,
        seed=seed,
        duration=duration,
        saga=cast(SagaMode, saga),
        products=products,
        customers=customers,
        load=loads,
        commands=commands,
        faults=faults,
        network=read_network(top.sub("network")),
        resilience=read_resilience(top.sub("resilience")),
        process_manager=read_process_manager(top.sub("process_manager")),
        projections=read_projections(top.sub("projections"), projections),
        drain_timeout=drain,
        source=source,
        text=text,
    )
    top.done()
    return scenario


def load_scenario(
    path: str | Path, *, projections: Collection[str] | None = None
) -> Scenario:
    """Read and check a scenario file (at most 1 MiB of UTF-8 TOML)."""
    text = read_scenario_text(path)
    return parse_scenario(text, str(path), projections=projections)


def read_scenario_text(path: str | Path) -> str:
    """A scenario file's text (at most 1 MiB of UTF-8), not yet checked."""
    file = Path(path)
    try:
        size = file.stat().st_size  # before reading: a huge file is never loaded
        if not file.is_file():
            raise ScenarioError(f"{file}: not a file")
        if size > MAX_FILE_BYTES:
            raise ScenarioError(
                f"{file.name}: {size:,} bytes; a scenario may hold at most 1 MiB"
            )
        raw = file.read_bytes()
    except OSError as error:
        raise ScenarioError(f"{file}: cannot read it: {error.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScenarioError(
            f"{file.name}: not UTF-8 text ({error.reason} at byte {error.start})"
        ) from None


def builtin_scenarios_dir() -> Path:
    """The folder of the built-in scenarios.

    In a checkout (or an editable install) that is ``resources/scenarios``;
    ``pip install`` puts them under ``<data>/share/ddd-sim/scenarios``, where
    ``<data>`` is the environment's prefix (the user base for ``--user``).
    """
    checkout = Path(__file__).resolve().parents[2] / "resources" / "scenarios"
    installed = [
        Path(data) / "share" / "ddd-sim" / "scenarios"
        for data in (
            sys.prefix,
            sysconfig.get_path("data"),
            sysconfig.get_path("data", sysconfig.get_preferred_scheme("user")),
            site.getuserbase(),
        )
    ]
    for folder in (checkout, *installed):
        if folder.is_dir():
            return folder
    return installed[0]


def builtin_scenario(name: str) -> Path:
    """A built-in scenario's file, by name; unknown names list the known ones."""
    folder = builtin_scenarios_dir()
    path = folder / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.toml"))) or "none"
        raise ScenarioError(
            f"no scenario file or built-in scenario {name!r} (built-in: {known})"
        )
    return path
