"""Running scenarios in tests: from TOML text to a finished simulation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ddd_sim.bootstrap import open_simulation, projection_names
from ddd_sim.runtime.simulation.engine import Simulation
from ddd_sim.sim.scenario import builtin_scenario, load_scenario, parse_scenario

SMALL = """
name = "small"
seed = {seed}
duration = {duration}
saga = "{saga}"

[[products]]
id = "PROD-001"
stock = {stock}
price = "20.00"
currency = "USD"

[[products]]
id = "PROD-002"
stock = {stock}
price = "35.00"
currency = "USD"

[[customers]]
id = "CUST-001"
balance = "{balance}"
currency = "USD"

[[customers]]
id = "CUST-002"
balance = "{balance}"
currency = "USD"

[[load]]
rate = {rate}
from = 0.0
until = {duration}
max_quantity = 2
max_lines = 2
"""


def small_scenario(
    *,
    seed: int = 7,
    duration: float = 10.0,
    saga: str = "orchestrated",
    stock: int = 100,
    balance: str = "1000.00",
    rate: float = 2.0,
    extra: str = "",
) -> str:
    """A small scenario's TOML text; ``extra`` appends faults or commands."""
    text = SMALL.format(
        seed=seed,
        duration=duration,
        saga=saga,
        stock=stock,
        balance=balance,
        rate=rate,
    )
    return text + extra


def run_text(location: str | Path, text: str, **options: Any) -> Simulation:
    """Run a scenario given as text to the end of its drain; the simulation."""
    scenario = parse_scenario(text, "test.toml", projections=projection_names())
    sim = open_simulation(str(location), scenario, **options)
    sim.run()
    return sim


def run_builtin(location: str | Path, name: str, **options: Any) -> Simulation:
    """Run a built-in scenario to the end of its drain."""
    scenario = load_scenario(builtin_scenario(name), projections=projection_names())
    sim = open_simulation(str(location), scenario, **options)
    sim.run()
    return sim
