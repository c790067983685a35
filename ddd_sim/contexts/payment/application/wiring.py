"""What bootstrap reads from the payment context: events, handlers, read models."""

from __future__ import annotations

from ddd_sim.contexts.payment.application.account_handlers import (
    account_command_handlers,
)
from ddd_sim.contexts.payment.application.account_search import (
    AccountSearchProjection,
)
from ddd_sim.contexts.payment.application.account_summary import (
    AccountSummaryProjection,
    AccountSummaryV1,
)
from ddd_sim.contexts.payment.application.card_handlers import card_command_handlers
from ddd_sim.contexts.payment.application.card_provider import (
    CardProviderPort,
    SimulatedCardProvider,
)
from ddd_sim.contexts.payment.application.query_handlers import (
    payment_query_handlers,
)
from ddd_sim.contexts.payment.application.translators import TRANSLATORS
from ddd_sim.contexts.payment.domain.account import Account
from ddd_sim.contexts.payment.domain.card_events import CARD_PAYMENT_EVENTS
from ddd_sim.contexts.payment.domain.card_payment import CardPayment
from ddd_sim.contexts.payment.domain.events import (
    ACCOUNT_EVENTS,
    register_upcasters,
)
from ddd_sim.shared.cqrs import CommandTable, ContextDeps, QueryTable
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import Projection

EVENTS: tuple[type[DomainEvent], ...] = ACCOUNT_EVENTS + CARD_PAYMENT_EVENTS
STREAM_CATEGORIES: tuple[str, ...] = (
    Account.aggregate_type,
    CardPayment.aggregate_type,
)
PROJECTIONS: tuple[type[Projection], ...] = (
    AccountSummaryProjection,
    AccountSearchProjection,
)
RETIRED_PROJECTIONS: tuple[type[Projection], ...] = (AccountSummaryV1,)
"""Earlier handler versions, kept so a rebuild can show what a fix changed."""


def command_handlers(
    deps: ContextDeps, *, card_provider: CardProviderPort | None = None
) -> CommandTable:
    """Wallet and card commands; cards go to a simulated provider unless given one."""
    provider = card_provider if card_provider is not None else SimulatedCardProvider()
    return account_command_handlers(deps) | card_command_handlers(deps, provider)


def query_handlers(deps: ContextDeps) -> QueryTable:
    """Balances, balance history, summaries and search."""
    return payment_query_handlers(deps)


__all__ = [
    "EVENTS",
    "PROJECTIONS",
    "RETIRED_PROJECTIONS",
    "STREAM_CATEGORIES",
    "TRANSLATORS",
    "command_handlers",
    "query_handlers",
    "register_upcasters",
]
