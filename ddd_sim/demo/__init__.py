"""``ddd-sim demo``: the pattern catalogue's examples, run against the session store."""

from __future__ import annotations

from ddd_sim.bootstrap import App
from ddd_sim.demo.shop import run_shop_demo
from ddd_sim.demo.wallet import run_wallet_demo


def run_demo(app: App) -> list[str]:
    """Examples 61-65 (the wallet), then 66-70 and 77-80 (the shop)."""
    return run_wallet_demo(app) + run_shop_demo(app)


__all__ = ["run_demo"]
