"""Notification's queries and the immutable rows they answer with."""

from __future__ import annotations

from dataclasses import dataclass

from ddd_sim.shared.messages import Query, message


@message
class ListNotifications(Query):
    """Messages the shop would have sent, oldest first; one customer's if named."""

    customer_id: str | None = None


@message
class CountNotifications(Query):
    """How many messages each template wrote."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Notification:
    """One message in the outbox, and the published fact that caused it."""

    message_id: str
    channel: str
    customer_id: str | None
    email: str | None
    template: str
    subject: str
    body: str
    sim_time: float
    event_type: str


@dataclass(frozen=True, slots=True, kw_only=True)
class NotificationCounts:
    """Messages per template, by template name, and in all."""

    total: int
    by_template: tuple[tuple[str, int], ...]

    def of(self, template: str) -> int:
        """How many messages ``template`` wrote (0 if none)."""
        return dict(self.by_template).get(template, 0)
