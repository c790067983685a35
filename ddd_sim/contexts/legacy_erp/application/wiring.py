"""What bootstrap reads for the legacy ERP: no events, handlers, views or translators.

The ERP keeps its own records; the shop reaches it only through inventory's
anti-corruption layer: bootstrap builds a ``LegacyProductMaster`` (from
``legacy_erp.domain.product_master``) and passes it to inventory's wiring as
the ``legacy_catalog`` port.
"""

from __future__ import annotations

from collections.abc import Callable

from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.shared.cqrs import CommandTable, ContextDeps, QueryTable
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import EventMeta, Projection
from ddd_sim.shared.upcasting import Upcasters

EVENTS: tuple[type[DomainEvent], ...] = ()
STREAM_CATEGORIES: tuple[str, ...] = ()
PROJECTIONS: tuple[type[Projection], ...] = ()
TRANSLATORS: dict[str, Callable[[DomainEvent, EventMeta], IntegrationEvent | None]] = {}


def register_upcasters(upcasters: Upcasters) -> None:
    """The ERP stores no events in the shop's log: nothing to upcast."""


def command_handlers(deps: ContextDeps) -> CommandTable:
    """The ERP takes no commands from the shop: its data is only read."""
    return {}


def query_handlers(deps: ContextDeps) -> QueryTable:
    """The shop asks the ERP nothing directly; inventory's ACL reads it."""
    return {}
