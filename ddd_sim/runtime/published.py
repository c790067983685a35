"""Carries published-language events to their consumers as CloudEvents JSON.

Every integration event a consumer reads has crossed the wire: encoded as a
structured CloudEvent, decoded again against the consumer's contract (the
types and versions it reads, each payload checked against its JSON Schema).
A consumer built for version 1 of an event refuses version 2 with a clear
error instead of misreading it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.integration.events import INTEGRATION_EVENTS
from ddd_sim.integration.wire import decode, encode
from ddd_sim.shared.read_models import EventMeta, Projection

_CURRENT = {cls.event_type: cls.version for cls in INTEGRATION_EVENTS}
_ACCEPTED: dict[type[Projection], Mapping[str, Collection[int]]] = {}


def accepted_versions(
    projection_class: type[Projection],
) -> Mapping[str, Collection[int]]:
    """The contract a consumer was built against: its types at their versions.

    A projection may declare ``accepts = {type: (versions…)}``; otherwise it
    reads the versions current when it was written.
    """
    known = _ACCEPTED.get(projection_class)
    if known is not None:
        return known
    declared: Mapping[str, Collection[int]] | None = getattr(
        projection_class, "accepts", None
    )
    accepted = declared or {
        event_type: (_CURRENT[event_type],)
        for event_type in projection_class.event_types
        if event_type in _CURRENT
    }
    _ACCEPTED[projection_class] = accepted
    return accepted


def cloudevents_wire(
    event: IntegrationEvent, meta: EventMeta, projection: Projection
) -> IntegrationEvent:
    """Encode ``event`` as its consumer would receive it, and decode it back."""
    data = encode(
        event,
        event_id=meta.event_id,
        sim_time=meta.sim_time,
        correlation_id=meta.correlation_id,
        subject=meta.stream_id,
    )
    return decode(data, accepted=accepted_versions(type(projection))).event
