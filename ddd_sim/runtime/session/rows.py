"""Immutable rows the workbench renders: log entries, event details, frames.

Every panel is a function of the log up to a position.  A :class:`Frame` is
that function's input as the simulation worker hands it over: the world as
of the slider's position, the log entries new since the last frame, and the
run's figures.  Nothing here holds a live object: rows cross threads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ddd_sim.runtime.world.model import World

LANES: tuple[str, ...] = (
    "customer",
    "sales",
    "inventory",
    "payment",
    "shipping",
    "billing",
    "notification",
    "analytics",
    "legacy_erp",
    "processes",
    "simulation",
)
"""The timeline's swimlanes, top to bottom: each context, the processes, the run."""

KINDS: tuple[str, ...] = (
    "domain",
    "process",
    "compensation",
    "fault",
    "breaker",
    "network",
    "crash",
    "projection",
    "run",
)
"""What a log entry is, for colouring: see :func:`~.classify.classify`."""

STEP_TARGETS: dict[str, str] = {
    "reserve_inventory": "inventory",
    "release_inventory": "inventory",
    "charge_payment": "payment",
    "refund_payment": "payment",
    "create_shipment": "shipping",
    "cancel_shipment": "shipping",
    "confirm_order": "sales",
    "cancel_order": "sales",
}
"""The context each process step (or compensation) calls."""


@dataclass(frozen=True, slots=True)
class EventRow:
    """One log entry as the timeline and the store browser show it.

    ``target`` is the other context an entry is about: a fault's or a
    breaker's target, a crashed context, the context a process step calls.
    ``lag`` is set on projection records: the worst projection's distance
    from the head, in events, when they were recorded.
    """

    position: int
    sim_time: float
    stream: str
    version: int
    type: str
    lane: str
    kind: str
    summary: str
    event_id: str
    correlation_id: str | None = None
    causation_id: str | None = None
    target: str | None = None
    lag: int | None = None


@dataclass(frozen=True, slots=True)
class EventDetail:
    """A selected entry: metadata, the payload as stored and as read today."""

    row: EventRow
    stored_type: str
    schema_version: int
    stored_payload: str
    """The payload exactly as the log holds it (JSON text)."""
    upcast_payload: str
    """The payload after upcasting to the current schema (JSON text)."""
    metadata: dict[str, Any]
    snapshots: tuple[int, ...]
    """Versions of this entry's stream that have a snapshot."""


@dataclass(frozen=True, slots=True)
class RunFigures:
    """The run's figures for the status bar and the run controls."""

    scenario: str
    saga: str
    seed: int
    phase: str
    """``load``, ``drain`` or ``done`` (``follow`` when only watching a store)."""
    head: int
    sim_time: float
    events_per_s: float
    """Log entries per wall-clock second over the last few ticks."""
    location: str
    stored_head: int = 0
    """The log's head in the store; above ``head`` while a large log is folded."""
    read_only: bool = False
    playing: bool = False
    speed: float = 1.0
    waiting_to_resume: bool = False
    """An interrupted run opened as it was: nothing written until it carries on."""


@dataclass(frozen=True, slots=True)
class Frame:
    """What every panel renders after one step of the worker.

    ``world`` is as of ``position`` (the slider); ``new_events`` are the log
    entries committed since the previous frame (whatever the slider says),
    so the timeline can append them; ``live`` is true while the slider
    follows the head.
    """

    position: int
    world: World
    figures: RunFigures
    live: bool
    new_events: tuple[EventRow, ...] = ()
    changed: frozenset[str] = field(default_factory=frozenset)
    """What changed since the last frame: ``log``, ``position``, ``faults``…"""
