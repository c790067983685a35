"""Real runs for the world tests: a small shop under every kind of trouble at once.

Payment down (timeouts, retries, its breaker opening and closing), a window
of declined charges, inventory crashed and restarted, shipping down (failed
shipments refunded, effect unknown, compensated as no-ops), a stalled read
model.  In memory: the world reads the log, and a run takes half a second.
"""

from __future__ import annotations

from ddd_sim.runtime.simulation.engine import Simulation
from tests.simulation.support import run_text, small_scenario

TROUBLE = """
[[faults]]
target = "payment"
kind = "down"
from = 3.0
until = 6.0

[[faults]]
target = "payment"
kind = "decline"
from = 12.0
until = 13.0

[[faults]]
target = "shipping"
kind = "down"
from = 15.0
until = 18.0

[[faults]]
target = "inventory"
kind = "crash"
from = 10.0
restart_after = 1.0

[[faults]]
target = "sales"
kind = "stall_projection"
projection = "sales.order_list"
from = 2.0
until = 6.0

[resilience]
cool_down = 1.5
"""
MANAGED = """
[process_manager]
payment_timeout = 3.0
inventory_timeout = 2.0
max_payment_attempts = 2
retry_delay = 1.0
"""


def troubled_text(saga: str) -> str:
    """The scenario of :func:`troubled_run`, as TOML text."""
    extra = TROUBLE + (MANAGED if saga == "process_manager" else "")
    return small_scenario(
        saga=saga,
        rate=4.0,
        duration=20.0,
        stock=1000,
        balance="100000.00",
        extra=extra,
    )


def troubled_run(saga: str, location: str = "memory:") -> Simulation:
    """A 20-second run of ``saga`` through :data:`TROUBLE`, drained."""
    return run_text(location, troubled_text(saga))
