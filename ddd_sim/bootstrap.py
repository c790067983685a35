"""The composition root: the one place that wires stores, registries and contexts."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from ddd_sim.contexts.analytics.application import wiring as analytics
from ddd_sim.contexts.analytics.application.queries import GetSalesMetrics
from ddd_sim.contexts.billing.application import wiring as billing
from ddd_sim.contexts.billing.application.queries import GetOrdersForInvoicing
from ddd_sim.contexts.customer.application import wiring as customer
from ddd_sim.contexts.customer.application.queries import GetCustomer
from ddd_sim.contexts.inventory.application import wiring as inventory
from ddd_sim.contexts.inventory.application.queries import GetStock, ListStock
from ddd_sim.contexts.legacy_erp.application import wiring as legacy_erp
from ddd_sim.contexts.legacy_erp.domain.product_master import LegacyProductMaster
from ddd_sim.contexts.notification.application import wiring as notification
from ddd_sim.contexts.payment.application import wiring as payment
from ddd_sim.contexts.payment.application.card_provider import (
    CardProviderPort,
    SimulatedCardProvider,
)
from ddd_sim.contexts.payment.application.queries import (
    GetAccountSummary,
    SearchAccounts,
)
from ddd_sim.contexts.payment.domain.account import Account
from ddd_sim.contexts.sales.application import wiring as sales
from ddd_sim.contexts.sales.application.queries import (
    GetOrder,
    ListOrders,
    SearchOrders,
)
from ddd_sim.contexts.shipping.application import wiring as shipping
from ddd_sim.contexts.shipping.application.queries import GetShipment
from ddd_sim.infrastructure.eventstore.factory import open_store
from ddd_sim.integration.translation import Translator
from ddd_sim.processes import choreography
from ddd_sim.processes.choreography import ChoreographedFlow
from ddd_sim.processes.events import PROCESS_EVENTS
from ddd_sim.processes.fulfilment import ProcessManagerFlow
from ddd_sim.processes.fulfilment_state import FulfilmentSettings
from ddd_sim.processes.host import OrderFlow
from ddd_sim.processes.order_saga import OrchestratedFlow
from ddd_sim.runtime.clock import Clock, ManualClock
from ddd_sim.runtime.published import CloudEventsWire
from ddd_sim.runtime.query_cache import CacheRule
from ddd_sim.runtime.session.session import Session
from ddd_sim.runtime.shop import ContextModule, ShopRuntime, build_shop
from ddd_sim.runtime.shop import build_registry as registry_of
from ddd_sim.runtime.simulation.clock import SchedulerClock
from ddd_sim.runtime.simulation.engine import PROGRESS, EngineSettings, Simulation
from ddd_sim.shared.errors import RunStateError
from ddd_sim.shared.events import JsonObject
from ddd_sim.shared.ids import IdFactory
from ddd_sim.shared.messages import Query
from ddd_sim.shared.ports import EventStore
from ddd_sim.shared.repository import AggregateRepository
from ddd_sim.shared.serialization import EventRegistry
from ddd_sim.sim.records import RUN_STREAM, SIM_CATEGORY, SIM_EVENTS
from ddd_sim.sim.scenario import Scenario, parse_scenario
from ddd_sim.sim.scheduler import Scheduler

SNAPSHOT_EVERY = {Account.aggregate_type: 20, "Product": 20}
"""Snapshot frequency per long-lived aggregate type, in events.

Measured with ``benchmarks/bench_shop.py`` (1,500 orders, SQLite, durable):
every 100 events 1,420 commands/s, every 50 1,718, every 20 2,351, every 10
2,309 — a hot product's load replays the tail since its last snapshot, and
below 20 the extra snapshots cost what the shorter replays save.
"""
EXAMPLE_62_SNAPSHOT_EVERY = 100
"""The catalogue's example 62 snapshots a wallet every 100 events; the demo does."""

CACHE_RULES: dict[type[Query], CacheRule] = {
    GetAccountSummary: CacheRule(
        "payment.account_summary", lambda q: str(q.account_id)
    ),
    GetCustomer: CacheRule("customer.directory", lambda q: str(q.customer_id)),
    GetOrder: CacheRule("sales.order_detail", lambda q: str(q.order_id)),
    GetShipment: CacheRule("shipping.shipments", lambda q: str(q.shipment_id)),
    GetStock: CacheRule("inventory.stock", lambda q: str(q.product_id)),
    ListOrders: CacheRule("sales.order_list"),
    ListStock: CacheRule("inventory.stock"),
    SearchOrders: CacheRule("sales.order_search"),
    SearchAccounts: CacheRule("payment.account_search"),
    GetOrdersForInvoicing: CacheRule("billing.orders"),
    GetSalesMetrics: CacheRule("analytics.sales"),
}
"""Queries answered from the cache: the read model (and document) each one reads."""


def default_store_location() -> Path:
    """Where the session file lives when the user names none."""
    return platformdirs.user_data_path("ddd-sim", appauthor=False) / "session.db"


def shop_contexts(
    *,
    card_provider: CardProviderPort | None = None,
    legacy_master: LegacyProductMaster | None = None,
) -> tuple[ContextModule, ...]:
    """Every bounded context with the outside systems it is plugged into."""
    legacy = legacy_master if legacy_master is not None else LegacyProductMaster()
    provider = card_provider if card_provider is not None else SimulatedCardProvider()
    return (
        ContextModule("customer", customer),
        ContextModule("sales", sales),
        ContextModule(
            "inventory",
            inventory,
            command_ports={"legacy_catalog": legacy},
            query_ports={"legacy_catalog": legacy},
        ),
        ContextModule("payment", payment, command_ports={"card_provider": provider}),
        ContextModule("shipping", shipping),
        ContextModule("billing", billing),
        ContextModule("notification", notification),
        ContextModule("analytics", analytics),
        ContextModule("legacy_erp", legacy_erp),
    )


def build_registry() -> EventRegistry:
    """Every event class the app knows, with its upcasters.

    Beside the contexts' events: the processes' own streams (sagas, process
    managers) and what the simulation records (faults, breakers, runs).
    """
    registry = registry_of(shop_contexts())
    registry.register(*PROCESS_EVENTS, *SIM_EVENTS)
    return registry


def wire_shop(
    store: EventStore,
    registry: EventRegistry,
    *,
    clock: Clock | None = None,
    seed: int | None = None,
    contexts: tuple[ContextModule, ...] | None = None,
) -> ShopRuntime:
    """The whole shop on a store: buses, projections over CloudEvents, cache."""
    clock = clock or ManualClock()
    return build_shop(
        store,
        registry,
        contexts if contexts is not None else shop_contexts(),
        clock=clock,
        wire=CloudEventsWire(),
        ids=IdFactory(seed, clock=clock.now),
        snapshot_every=SNAPSHOT_EVERY,
        cache_rules=CACHE_RULES,
    )


@dataclass
class App:
    """The wired application: a store, its registry and the shop on it."""

    store: EventStore
    registry: EventRegistry
    accounts: AggregateRepository[Account]
    shop: ShopRuntime
    location: str
    durability: str
    """What survives a crash: shown to the user beside the store's name."""

    def close(self) -> None:
        """Release the store."""
        self.store.close()


def freeze_startup_objects() -> None:
    """Move everything alive after start-up out of the garbage collector's scans.

    Modules, classes and the wiring live as long as the process; without this
    every full collection during a long replay walks all of them again
    (measured: loading a 10,000-event stream, 63 ms median becomes 49 ms).
    """
    gc.collect()
    gc.freeze()


def bootstrap(
    location: str | Path | None = None,
    *,
    fast: bool = False,
    clock: Clock | None = None,
    seed: int | None = None,
) -> App:
    """Open (creating if needed) the store at ``location`` and wire the app on it."""
    if location is None:
        path = default_store_location()
        path.parent.mkdir(parents=True, exist_ok=True)
        location = path
    registry = build_registry()
    store = open_store(location, upcasters=registry.upcasters, fast=fast)
    accounts = AggregateRepository(
        store, registry, Account, snapshot_every=EXAMPLE_62_SNAPSHOT_EVERY
    )
    shop = wire_shop(store, registry, clock=clock, seed=seed)
    text = str(location)
    if text.startswith(("postgresql", "postgres:")):
        durability = "server (PostgreSQL commits are durable)"
    elif text == "memory:":
        durability = "in memory (nothing survives the process)"
    elif fast:
        durability = "fast (synchronous=NORMAL: a power cut may lose the last commits)"
    else:
        durability = "full (synchronous=FULL: every commit is on disk)"
    freeze_startup_objects()
    return App(store, registry, accounts, shop, text, durability)


# -- simulation runs ------------------------------------------------------------
FLOW_HOSTS: dict[str, frozenset[str]] = {
    "orchestrated": frozenset({"sales"}),
    "process_manager": frozenset({"sales"}),
    "choreographed": frozenset({"inventory", "payment", "shipping", "sales"}),
}
"""The contexts whose crash takes a flow's in-memory instances with it."""

PROCESS_STREAM_OWNERS = {
    "Saga": "processes",
    "Fulfilment": "processes",
    "Choreography": "processes",
    SIM_CATEGORY: "simulation",
}


def projection_names() -> frozenset[str]:
    """Every running projection's name, for checking scenario files."""
    return frozenset(
        cls.name for context in shop_contexts() for cls in context.wiring.PROJECTIONS
    )


def make_flow(scenario: Scenario) -> tuple[OrderFlow, dict[str, Translator]]:
    """The scenario's saga mode, and the translators its published events need."""
    if scenario.saga == "orchestrated":
        return OrchestratedFlow(), {}
    if scenario.saga == "process_manager":
        pm = scenario.process_manager
        settings = FulfilmentSettings(
            payment_timeout=pm.payment_timeout,
            inventory_timeout=pm.inventory_timeout,
            max_payment_attempts=pm.max_payment_attempts,
            retry_delay=pm.retry_delay,
            abandon_after=pm.abandon_after,
            monitor_interval=pm.monitor_interval,
        )
        return ProcessManagerFlow(settings), {}
    return ChoreographedFlow(), dict(choreography.TRANSLATORS)


def _run_record(store: EventStore) -> JsonObject | None:
    started = store.read_stream(RUN_STREAM, to_version=1)
    return started[0].payload if started else None


def open_simulation(
    location: str | Path,
    scenario: Scenario | None = None,
    *,
    seed: int | None = None,
    fast: bool = False,
    settings: EngineSettings | None = None,
    crashpoint: Callable[[str], None] | None = None,
    defer_resume: bool = False,
) -> Simulation:
    """A new run of ``scenario`` on an empty store, or (without one) a resume.

    A new run needs a store that holds no run yet; a resume needs one that
    holds a run, and takes the scenario and seed it recorded.  Resuming a run
    that had already finished changes nothing (its summary can be printed).
    With ``defer_resume`` a resume writes nothing until the run is carried
    on (:meth:`Simulation.carry_on`, or its first tick).
    """
    registry = build_registry()
    store = open_store(location, upcasters=registry.upcasters, fast=fast)
    try:
        record = _run_record(store)
        progress = store.get_document(*PROGRESS)
        if scenario is not None:
            if record is not None or store.head_position():
                raise RunStateError(
                    f"{location} already holds events"
                    + (f" (a run of {record['scenario_name']!r})" if record else "")
                    + ": start a new run on a new store, or use resume"
                )
            run_seed = scenario.seed if seed is None else seed
            id_seed = run_seed
        else:
            if record is None or progress is None:
                raise RunStateError(f"{location} holds no simulation run to resume")
            scenario = parse_scenario(
                str(record["scenario_text"]),
                str(record["scenario_file"]),
                projections=projection_names(),
            )
            run_seed = int(record["seed"])
            # a resumed run must not reuse the ids the first attempt drew
            id_seed = run_seed * 1_000_003 + store.head_position()
        scheduler = Scheduler()
        shop = wire_shop(store, registry, clock=SchedulerClock(scheduler), seed=id_seed)
        shop.stream_owners.update(PROCESS_STREAM_OWNERS)
        flow, flow_translators = make_flow(scenario)
        translators: dict[str, Translator] = {}
        for context in shop_contexts():
            translators.update(context.wiring.TRANSLATORS)
        translators.update(flow_translators)
        simulation = Simulation(
            store=store,
            registry=registry,
            shop=shop,
            scheduler=scheduler,
            scenario=scenario,
            seed=run_seed,
            flow=flow,
            flow_hosts=FLOW_HOSTS[scenario.saga],
            translators=translators,
            ids=IdFactory(id_seed + 1, clock=lambda: scheduler.now),
            settings=settings or EngineSettings(),
            crashpoint=crashpoint or (lambda name: None),
        )
        if progress is None:
            simulation.start()
        else:
            simulation.resume(dict(progress), defer=defer_resume)
        return simulation
    except BaseException:
        store.close()
        raise


def open_session(
    location: str | Path,
    scenario: Scenario | None = None,
    *,
    seed: int | None = None,
    fast: bool = False,
    follow: bool = False,
    fold: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> Session:
    """A workbench session: a new run, a resumed one, or a store only watched.

    With ``follow`` the store is opened to watch a run another program
    writes (nothing is written); otherwise ``scenario`` starts a new run on
    an empty store, and without one the run the store holds carries on.
    The log is folded before this returns (``progress(done, head)``),
    unless ``fold`` is False: the workbench folds it in slices as it shows.
    Opening a run to carry on writes nothing until it does carry on (a step,
    play, command, fault or crash): a session opened only to be looked at,
    or saved as a new file, stays byte for byte what it was.
    """
    if follow:
        registry = build_registry()
        store = open_store(location, upcasters=registry.upcasters, fast=fast)
        try:
            shop = wire_shop(store, registry, clock=ManualClock())
            shop.stream_owners.update(PROCESS_STREAM_OWNERS)
            session = Session(
                store, location=str(location), shop=shop, saver=_saver(store)
            )
            session.catch_up(progress, limit=None if fold else 0)
        except BaseException:
            store.close()
            raise
        return session
    simulation = open_simulation(
        location, scenario, seed=seed, fast=fast, defer_resume=True
    )
    try:
        session = Session(
            simulation.store,
            location=str(location),
            simulation=simulation,
            saver=_saver(simulation.store),
        )
        session.catch_up(progress, limit=None if fold else 0)
    except BaseException:
        simulation.store.close()
        raise
    return session


def _saver(store: EventStore) -> Callable[[Path], None] | None:
    """How to save a store as a new file: SQLite's online backup, if it has one."""
    backend = getattr(store, "backend", None)
    backup: Callable[[Path], None] | None = getattr(backend, "backup_to", None)
    return backup
