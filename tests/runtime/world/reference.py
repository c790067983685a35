"""A deliberately naive fold of the log into ``World.to_json()``'s shape.

Replays from position 1 every time, in plain dicts, written from the event
definitions rather than from the index's code: the index must agree with it
at every position.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from ddd_sim.shared.events import RecordedEvent

DONE = ("confirmed", "shipped", "completed")
STATUS = {
    "OrderConfirmed": "confirmed",
    "OrderShipped": "shipped",
    "OrderCompleted": "completed",
    "OrderCancelled": "cancelled",
}
STOCK = {
    "StockReceived": (1, 0, 0, 1),  # available, reserved, shipped, received per unit
    "StockReserved": (-1, 1, 0, 0),
    "StockReleased": (1, -1, 0, 0),
    "ReservedStockShipped": (0, -1, 1, 0),
}
MOVES = {
    "MoneyDeposited": 1,
    "MoneyWithdrawn": -1,
    "WalletCharged": -1,
    "WalletRefunded": 1,
}


def _money(value: Any) -> tuple[str, str]:
    if isinstance(value, dict):
        return value["amount"], value["currency"]
    return str(value), "USD"


def _put(items: list[dict[str, Any]], item: dict[str, Any]) -> None:
    for i, old in enumerate(items):
        if old["name"] == item["name"]:
            items[i] = item
            return
    items.append(item)


def _saga(s: dict[str, Any], t: str, p: dict[str, Any], now: float) -> None:
    if t == "StepStarted":
        _put(
            s["steps"],
            {
                "name": p["step"],
                "status": "started",
                "at": now,
                "attempts": p["attempt"],
            },
        )
    elif t == "StepSucceeded":
        _put(
            s["steps"],
            {
                "name": p["step"],
                "status": "succeeded",
                "at": now,
                "attempts": p["attempts"],
            },
        )
        if p["step"] not in s["touched"]:
            s["touched"].append(p["step"])
    elif t == "StepFailed":
        _put(
            s["steps"],
            {
                "name": p["step"],
                "status": "failed",
                "at": now,
                "attempts": p["attempts"],
            },
        )
        s["failed_step"], s["reason"] = p["step"], p["reason"]
        if p["effect_unknown"] and p["step"] not in s["touched"]:
            s["touched"].append(p["step"])
    elif t == "CompensationStarted":
        if s["status"] == "running":
            s["status"] = "compensating"
    elif t == "StepCompensated":
        s["compensations"].append(
            {"name": p["compensation"], "step": p["step"], "at": now, "noop": p["noop"]}
        )
    elif t in ("TimerScheduled", "TimerFired", "TimerCancelled"):
        state = {"TimerScheduled": "pending", "TimerFired": "fired"}.get(t, "cancelled")
        old = [x for x in s["timers"] if x["name"] == p["timer"]]
        due = p.get("due", old[0]["due"] if old else now)
        s["timers"] = [x for x in s["timers"] if x["name"] != p["timer"]]
        s["timers"].append({"name": p["timer"], "due": due, "state": state})
    elif t == "ProcessAbandoned":
        s["status"], s["reason"] = "abandoned", p["reason"]
    elif t == "ProcessCompleted":
        s["status"], s["ended_at"] = "completed", now
    elif t == "ProcessCompensated":
        if s["status"] != "abandoned":
            s["status"] = "compensated"
        s["ended_at"], s["failed_step"], s["reason"] = (
            now,
            p["failed_step"],
            p["reason"],
        )


def reference_world(events: Sequence[RecordedEvent], position: int) -> dict[str, Any]:
    """The world after ``position`` (the events' first ``position``), from scratch."""
    orders: dict[str, dict[str, Any]] = {}
    stock: dict[str, dict[str, int]] = {}
    wallets: dict[str, dict[str, Any]] = {}
    sagas: dict[str, dict[str, Any]] = {}
    checkpoints: dict[str, int] = {}
    breakers: dict[str, str] = {}
    faults: dict[str, dict[str, Any]] = {}
    down: set[str] = set()
    injected = 0
    now = 0.0
    for event in events[:position]:
        now = max(now, event.metadata.sim_time)
        t, p = event.type, dict(event.payload)
        if t == "OrderPlaced" and p["order_id"] not in orders:
            total, currency = _money(p["total"])
            orders[p["order_id"]] = {
                "id": p["order_id"],
                "status": "placed",
                "customer": p["customer_id"],
                "total": total,
                "currency": currency,
            }
        elif t in STATUS and p["order_id"] in orders:
            orders[p["order_id"]]["status"] = STATUS[t]
        elif t == "ProductListed" or t in STOCK:
            row = stock.setdefault(
                p["product_id"],
                dict.fromkeys(("available", "reserved", "shipped", "received"), 0),
            )
            for name, unit in zip(row, STOCK.get(t, (0, 0, 0, 0)), strict=True):
                row[name] += unit * p.get("quantity", 0)
            if "available" in p:
                row["available"] = p["available"]
        elif t == "AccountOpened" and p["account_id"] not in wallets:
            balance, currency = _money(p["initial_balance"])
            wallets[p["account_id"]] = {
                "customer": p["owner_id"],
                "currency": currency,
                "balance": Decimal(balance),
            }
        elif t in MOVES and p["account_id"] in wallets:
            amount, _ = _money(p["amount"])
            wallets[p["account_id"]]["balance"] += MOVES[t] * Decimal(amount)
        elif t == "ProcessStarted" and event.stream_id not in sagas:
            sagas[event.stream_id] = {
                "id": event.stream_id,
                "kind": p["kind"],
                "order": p["order_id"],
                "status": "running",
                "steps": [],
                "compensations": [],
                "timers": [],
                "started_at": now,
                "ended_at": None,
                "failed_step": None,
                "reason": "",
                "touched": [],
            }
        elif event.stream_id in sagas:
            _saga(sagas[event.stream_id], t, p, now)
        elif t == "FaultInjected":
            injected += 1
            faults[p["fault_id"]] = {
                "id": p["fault_id"],
                "target": p["target"],
                "kind": p["kind"],
                "since": now,
                "until": p.get("until"),
            }
        elif t == "FaultCleared":
            faults.pop(p["fault_id"], None)
        elif t == "BreakerStateChanged":
            breakers[p["target"]] = p["to_state"]
        elif t in ("ContextCrashed", "ContextRestarted"):
            (down.add if t == "ContextCrashed" else down.discard)(p["context"])
        elif t == "ProjectionsAdvanced":
            checkpoints.update(p["checkpoints"])
    by_customer: dict[str, Any] = {}
    for account, w in sorted(
        wallets.items(), key=lambda kv: (kv[1]["customer"], kv[0])
    ):
        key = w["customer"] if w["customer"] not in by_customer else account
        by_customer[key] = {
            "balance": str(w["balance"]),
            "currency": w["currency"],
            "account": account,
        }
    statuses = [o["status"] for o in orders.values()]
    ended = [s for s in sagas.values() if s["ended_at"] is not None]
    return {
        "position": position,
        "sim_time": now,
        "orders": list(orders.values()),
        "stock": dict(sorted(stock.items())),
        "wallets": by_customer,
        "sagas": [
            {k: v for k, v in s.items() if k != "touched"} for s in sagas.values()
        ],
        "projections": [
            {"name": n, "checkpoint": c, "lag_events": max(0, position - c)}
            for n, c in sorted(checkpoints.items())
        ],
        "breakers": dict(sorted(breakers.items())),
        "faults": list(faults.values()),
        "contexts_down": sorted(down),
        "counts": {
            "orders_placed": len(orders),
            "orders_completed": sum(s in DONE for s in statuses),
            "orders_cancelled": statuses.count("cancelled"),
            "orders_in_flight": statuses.count("placed"),
            "sagas_started": len(sagas),
            "sagas_completed": sum(s["status"] == "completed" for s in ended),
            "sagas_compensated": sum(s["status"] != "completed" for s in ended),
            "sagas_in_flight": len(sagas) - len(ended),
            "faults_injected": injected,
            "events": position,
        },
    }
