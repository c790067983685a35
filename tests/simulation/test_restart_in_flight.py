"""A step in flight when its process host crashes may already have taken effect.

Found by the random-fault search: payment was slow, so a charge landed while
its reply was still travelling; then sales (the saga's host) crashed.  After
the restart the saga sent the charge again, the open breaker failed that
attempt fast, and the saga took "failed fast" to mean "never charged": the
order was cancelled with the money kept.  A step sent again after a restart
must be compensated (a refund, a no-op if nothing was charged).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.simulation.support import run_text

SCENARIO = """
name = "restart mid charge"
seed = 1
duration = 8.0
saga = "{saga}"

[resilience]
max_attempts = 3
call_timeout = 0.5
cool_down = 2.0

[process_manager]
payment_timeout = 2.0
inventory_timeout = 2.0
retry_delay = 0.5
abandon_after = 20.0
monitor_interval = 5.0

[[products]]
id = "PROD-0"
stock = 0
price = "5.00"

[[products]]
id = "PROD-1"
stock = 5
price = "5.00"

[[products]]
id = "PROD-2"
stock = 2
price = "42.50"

[[customers]]
id = "CUST-0"
balance = "60.00"

[[load]]
rate = 4.0
max_quantity = 3
max_lines = 2

[[faults]]
target = "sales"
kind = "crash"
from = 7.0
restart_after = 1.0

[[faults]]
target = "inventory"
kind = "crash"
from = 0.0
restart_after = 1.0

[[faults]]
target = "payment"
kind = "latency"
from = 0.0
mean_ms = 246
jitter_ms = 0
"""


@pytest.mark.parametrize("saga", ["orchestrated", "choreographed", "process_manager"])
def test_a_charge_in_flight_across_a_restart_is_refunded_if_cancelled(
    saga: str, tmp_path: Path
) -> None:
    sim = run_text(tmp_path / "run.db", SCENARIO.format(saga=saga))
    summary = sim.summary()
    assert summary["invariants"]["money_conserved"], summary["invariant_failures"]
    assert summary["ok"], summary["invariant_failures"]
