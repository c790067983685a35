"""Carries published-language events to their consumers as CloudEvents JSON.

Every integration event a consumer reads has crossed the wire: encoded as a
structured CloudEvent, decoded again against the consumer's contract (the
types and versions it reads, each payload checked against its JSON Schema).
A consumer built for version 1 of an event refuses version 2 with a clear
error instead of misreading it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Mapping

from ddd_sim.integration.base import IntegrationEvent
from ddd_sim.integration.delivery import Delivery
from ddd_sim.integration.events import INTEGRATION_EVENTS
from ddd_sim.integration.wire import admit, decode, encode
from ddd_sim.shared.errors import ContractViolation
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


class CloudEventsWire:
    """The wire of one shop: each stored event crosses it once.

    Encoding is a pure function of the event and where it was recorded (the
    cache key holds both, whole), and decoding a pure function of the bytes,
    so the consumers of one event (billing, notification, analytics) share
    the message as received; each still checks it against its own contract.
    """

    def __init__(self, *, remember: int = 4096) -> None:
        self._sent: OrderedDict[
            tuple[IntegrationEvent, EventMeta], Delivery | ContractViolation
        ] = OrderedDict()
        self._remember = remember

    def __call__(
        self, event: IntegrationEvent, meta: EventMeta, projection: Projection
    ) -> IntegrationEvent:
        """Encode ``event`` as its consumer would receive it, and decode it back."""
        received = self._received(event, meta)
        if isinstance(received, ContractViolation):
            raise received
        return admit(received, accepted_versions(type(projection))).event

    def _received(
        self, event: IntegrationEvent, meta: EventMeta
    ) -> Delivery | ContractViolation:
        key = (event, meta)
        received = self._sent.get(key)
        if received is None:
            data = encode(
                event,
                event_id=meta.event_id,
                sim_time=meta.sim_time,
                correlation_id=meta.correlation_id,
                subject=meta.stream_id,
            )
            try:
                received = decode(data)
            except ContractViolation as violation:
                received = violation
            self._sent[key] = received
            if len(self._sent) > self._remember:
                self._sent.popitem(last=False)
        return received
