"""``notification.outbox``: one document per message the shop would send.

A message's id comes from the id of the event that caused it, so an event
delivered twice writes its message once.  Contacts (name, email per
customer) and each order's customer are kept beside the messages, because
shipment events name only the order.
"""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.notification.domain.messages import MESSAGE_EVENTS, compose
from ddd_sim.integration.events import CustomerRegistered
from ddd_sim.shared.read_models import EventMeta, Projection, ReadModelWriter

CHANNEL = "email"
MESSAGE_PREFIX = "message:"


def message_id(event_id: object) -> str:
    """The message an event causes, named after the event (redelivery-proof)."""
    return f"MSG-{event_id}"


def contact_key(customer_id: str) -> str:
    """The document with a customer's name and email."""
    return f"contact:{customer_id}"


def order_key(order_id: str) -> str:
    """The document naming an order's customer."""
    return f"order:{order_id}"


class Outbox(Projection):
    """Messages to customers, written once per published fact that calls for one."""

    name = "notification.outbox"
    version = 1
    source = "integration"
    event_types = tuple(cls.event_type for cls in MESSAGE_EVENTS)
    description = (
        "The emails the shop would send (welcome, order, payment and shipment "
        "news), one per published event, with customers' contacts"
    )

    def handle(self, event: Any, meta: EventMeta, rm: ReadModelWriter) -> None:
        key = MESSAGE_PREFIX + message_id(meta.event_id)
        if rm.get(key) is not None:
            return  # redelivered: its message is already in the outbox
        text = compose(event)
        if text is None:
            return
        customer_id = self._customer_of(event, rm)
        contact = None if customer_id is None else rm.get(contact_key(customer_id))
        rm.put(
            key,
            {
                "message_id": message_id(meta.event_id),
                "channel": CHANNEL,
                "customer_id": customer_id,
                "email": None if contact is None else contact["email"],
                "template": text.template,
                "subject": text.subject,
                "body": text.body,
                "sim_time": meta.sim_time,
                "position": meta.position,
                "event_type": event.event_type,
            },
        )

    def _customer_of(self, event: Any, rm: ReadModelWriter) -> str | None:
        """The customer an event concerns, remembering contacts and order owners."""
        if isinstance(event, CustomerRegistered):
            rm.put(
                contact_key(event.customer_id),
                {
                    "customer_id": event.customer_id,
                    "name": event.name,
                    "email": event.email,
                },
            )
            return event.customer_id
        customer_id: str | None = getattr(event, "customer_id", None)
        if customer_id is not None:
            rm.put(order_key(event.order_id), {"customer_id": customer_id})
            return customer_id
        owner = rm.get(order_key(event.order_id))
        return None if owner is None else str(owner["customer_id"])
