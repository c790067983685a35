"""Random fault schedules over random small scenarios: every invariant holds.

Hypothesis draws the shop (products, stock, customers, balances), the load,
the saga mode, the seed and up to five faults of any kind on any context at
any time.  ``DDD_SIM_FAULT_EXAMPLES`` raises the number of examples (200 by
default).  A failure names the seed and prints the scenario file to replay.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from ddd_sim.bootstrap import open_simulation, projection_names
from ddd_sim.sim.scenario import parse_scenario
from ddd_sim.sim.scenario_model import CONTEXTS

EXAMPLES = int(os.environ.get("DDD_SIM_FAULT_EXAMPLES", "200"))
PROBABILISTIC = ("error_rate", "drop", "duplicate", "reorder", "no_reply")


@st.composite
def faults(draw: st.DrawFn, duration: float) -> str:
    kind = draw(
        st.sampled_from(
            (
                "down",
                "latency",
                "decline",
                "crash",
                "stall_projection",
                "partition",
                *PROBABILISTIC,
            )
        )
    )
    target = "payment" if kind == "decline" else draw(st.sampled_from(CONTEXTS))
    start = draw(st.floats(0.0, duration - 0.5)).__round__(2)
    lines = [f'target = "{target}"', f'kind = "{kind}"', f"from = {start}"]
    if kind != "crash" and draw(st.booleans()):
        lines.append(f"until = {round(draw(st.floats(start + 0.1, duration)), 2)}")
    if kind in PROBABILISTIC:
        lines.append(f"probability = {round(draw(st.floats(0.0, 1.0)), 2)}")
    elif kind == "latency":
        lines.append(f"mean_ms = {draw(st.integers(0, 3000))}")
        lines.append(f"jitter_ms = {draw(st.integers(0, 500))}")
    elif kind == "crash":
        lines.append(f"restart_after = {round(draw(st.floats(0.1, 5.0)), 2)}")
    elif kind == "stall_projection":
        projection = draw(st.sampled_from(sorted(projection_names())))
        lines.append(f'projection = "{projection}"')
    elif kind == "partition":
        other = draw(st.sampled_from([c for c in CONTEXTS if c != target]))
        lines.append(f'with = "{other}"')
    return "[[faults]]\n" + "\n".join(lines) + "\n"


@st.composite
def scenarios(draw: st.DrawFn) -> str:
    duration = draw(st.sampled_from((4.0, 6.0, 8.0)))
    saga = draw(st.sampled_from(("orchestrated", "choreographed", "process_manager")))
    seed = draw(st.integers(0, 2**32))
    parts = [
        f'name = "random"\nseed = {seed}\nduration = {duration}\nsaga = "{saga}"\n',
        "[resilience]\nmax_attempts = 3\ncall_timeout = 0.5\ncool_down = 2.0\n",
        "[process_manager]\npayment_timeout = 2.0\ninventory_timeout = 2.0\n"
        "retry_delay = 0.5\nabandon_after = 20.0\nmonitor_interval = 5.0\n",
    ]
    for i in range(draw(st.integers(1, 3))):
        stock = draw(st.integers(0, 30))
        price = draw(st.sampled_from(("5.00", "19.99", "42.50")))
        parts.append(
            f'[[products]]\nid = "PROD-{i}"\nstock = {stock}\nprice = "{price}"\n'
        )
    for i in range(draw(st.integers(1, 3))):
        balance = draw(st.sampled_from(("0.00", "60.00", "500.00", "10000.00")))
        parts.append(f'[[customers]]\nid = "CUST-{i}"\nbalance = "{balance}"\n')
    rate = draw(st.sampled_from((1.0, 2.0, 4.0)))
    parts.append(f"[[load]]\nrate = {rate}\nmax_quantity = 3\nmax_lines = 2\n")
    parts += [draw(faults(duration)) for _ in range(draw(st.integers(0, 5)))]
    return "\n".join(parts)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(text=scenarios())
def test_every_invariant_holds_under_random_faults(text: str) -> None:
    scenario = parse_scenario(text, "random.toml", projections=projection_names())
    note(f"replay: save this as random.toml and run `ddd-sim run random.toml`\n{text}")
    sim = open_simulation("memory:", scenario)
    try:
        sim.run()
        summary = sim.summary()
    finally:
        sim.store.close()
    failures = summary.get("invariant_failures")
    assert summary["ok"], f"seed {scenario.seed}: {failures}"
    assert summary["drained"], f"seed {scenario.seed}: the run did not drain"
    assert summary["errors"] == [], f"seed {scenario.seed}: {summary['errors']}"
