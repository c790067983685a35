"""What bootstrap reads from notification: no aggregate, one outbox, two queries."""

from __future__ import annotations

from collections.abc import Callable

from ddd_sim.contexts.notification.application.outbox import MESSAGE_PREFIX, Outbox
from ddd_sim.contexts.notification.application.queries import (
    CountNotifications,
    ListNotifications,
    Notification,
    NotificationCounts,
)
from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.shared.cqrs import CommandTable, ContextDeps, QueryTable
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import EventMeta, Projection
from ddd_sim.shared.upcasting import Upcasters

EVENTS: tuple[type[DomainEvent], ...] = ()
STREAM_CATEGORIES: tuple[str, ...] = ()
PROJECTIONS: tuple[type[Projection], ...] = (Outbox,)
TRANSLATORS: dict[str, Callable[[DomainEvent, EventMeta], IntegrationEvent | None]] = {}


def register_upcasters(upcasters: Upcasters) -> None:
    """Notification stores no events of its own: nothing to upcast."""


def command_handlers(deps: ContextDeps) -> CommandTable:
    """Notification takes no commands: it only listens."""
    return {}


def query_handlers(deps: ContextDeps) -> QueryTable:
    """ListNotifications (by simulated time), CountNotifications (by template)."""

    def messages() -> list[Notification]:
        docs = [
            doc
            for key, doc in deps.read_model(Outbox.name).all().items()
            if key.startswith(MESSAGE_PREFIX)
        ]
        docs.sort(key=lambda d: (d["sim_time"], d["position"], d["message_id"]))
        return [
            Notification(
                message_id=d["message_id"],
                channel=d["channel"],
                customer_id=d["customer_id"],
                email=d["email"],
                template=d["template"],
                subject=d["subject"],
                body=d["body"],
                sim_time=d["sim_time"],
                event_type=d["event_type"],
            )
            for d in docs
        ]

    def list_notifications(query: ListNotifications) -> tuple[Notification, ...]:
        return tuple(
            m
            for m in messages()
            if query.customer_id is None or m.customer_id == query.customer_id
        )

    def count_notifications(query: CountNotifications) -> NotificationCounts:
        counts: dict[str, int] = {}
        for m in messages():
            counts[m.template] = counts.get(m.template, 0) + 1
        return NotificationCounts(
            total=sum(counts.values()), by_template=tuple(sorted(counts.items()))
        )

    return {
        ListNotifications: list_notifications,
        CountNotifications: count_notifications,
    }
