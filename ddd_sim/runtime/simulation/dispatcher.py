"""The outbox dispatcher: integration events leave the store at least once.

The log is the outbox.  The dispatcher reads what was committed, translates
each stored event into the published language once, and sends it over the
network to every subscribed consumer.  A consumer's checkpoint moves past an
event only once the consumer acknowledged it; an unacknowledged delivery is
sent again after a timeout, and after a restart everything past the
checkpoint is sent again.  Consumers are idempotent: each keeps an inbox
record (which positions it handled) written in the same transaction as the
handler's effects, so a redelivery or a duplicate changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ddd_sim.integration.delivery import Delivery, delivery_of
from ddd_sim.integration.translation import Translator, published_types
from ddd_sim.runtime.projection_feed import meta_of
from ddd_sim.shared.courtesy import give_way
from ddd_sim.shared.events import RecordedEvent
from ddd_sim.shared.ports import EventStore
from ddd_sim.shared.serialization import EventRegistry
from ddd_sim.sim.network import Network, Reply
from ddd_sim.sim.scheduler import Scheduler

Handler = Callable[[Delivery], None]


@dataclass
class _Consumer:
    name: str
    host_context: str
    types: frozenset[str]
    handler: Handler
    checkpoint: int = 0
    pending: dict[int, tuple[Delivery, str, float]] = field(default_factory=dict)
    """Sent, not acknowledged: position -> (delivery, publisher, resend at)."""
    handled: set[int] = field(default_factory=set)
    """Positions past the checkpoint this consumer has already handled."""
    inbox_loaded: bool = False


def outbox_checkpoint(consumer: str) -> str:
    """The checkpoint of what a consumer has acknowledged."""
    return f"outbox.{consumer}"


def inbox_collection(consumer: str) -> str:
    """Where a consumer records what it has handled."""
    return f"inbox.{consumer}"


class Dispatcher:
    """Publishes the log's integration events to subscribers, at least once."""

    def __init__(
        self,
        store: EventStore,
        registry: EventRegistry,
        translators: Mapping[str, Translator],
        network: Network,
        scheduler: Scheduler,
        *,
        publisher_of: Callable[[str], str],
        ack_timeout: float,
        on_error: Callable[[str, Exception], None],
    ) -> None:
        self._store = store
        self._registry = registry
        self._translators = dict(translators)
        self._network = network
        self._scheduler = scheduler
        self._publisher_of = publisher_of
        self._ack_timeout = ack_timeout
        self._on_error = on_error
        self._consumers: dict[str, _Consumer] = {}
        self._read_upto = 0
        self._stored_types: frozenset[str] = frozenset()
        self.delivered = 0
        self.redelivered = 0
        self.duplicates_absorbed = 0

    def subscribe(
        self, consumer: str, host_context: str, types: frozenset[str], handler: Handler
    ) -> None:
        """Deliver integration events of ``types`` to a consumer in a context."""
        if consumer in self._consumers:
            raise ValueError(f"consumer {consumer!r} is subscribed twice")
        self._consumers[consumer] = _Consumer(consumer, host_context, types, handler)
        wanted: set[str] = set()
        every = frozenset().union(*(c.types for c in self._consumers.values()))
        for stored, translate in self._translators.items():
            published = published_types(translate)
            if published is None or published & every:
                wanted.add(stored)
        self._stored_types = frozenset(wanted)

    def start(self) -> None:
        """Pick up from the stored checkpoints (a start or a restart)."""
        for consumer in self._consumers.values():
            consumer.checkpoint = self._store.checkpoint(
                outbox_checkpoint(consumer.name)
            )
            consumer.pending.clear()
            consumer.inbox_loaded = False
        self._read_upto = min(
            (c.checkpoint for c in self._consumers.values()), default=0
        )

    def forget(self, context: str) -> None:
        """A context crashed: its consumers' in-memory inbox cache is gone."""
        for consumer in self._consumers.values():
            if consumer.host_context == context:
                consumer.inbox_loaded = False

    @property
    def idle(self) -> bool:
        """Nothing sent and unacknowledged, nothing committed left to read."""
        return not any(c.pending for c in self._consumers.values()) and (
            self._read_upto >= self._store.head_position()
        )

    def pump(self) -> None:
        """Send what was committed since the last pump; resend what timed out."""
        if not self._consumers:
            return
        now = self._scheduler.now
        for recorded in self._store.read_all(
            from_position=self._read_upto + 1, types=self._stored_types
        ):
            self._publish(recorded, now)
            give_way()
        head = self._store.head_position()
        self._read_upto = max(self._read_upto, head)
        for consumer in self._consumers.values():
            for position, (delivery, publisher, due) in list(consumer.pending.items()):
                if due <= now:
                    self.redelivered += 1
                    self._send(consumer, position, delivery, publisher, now)
        self._save_checkpoints()

    def _publish(self, recorded: RecordedEvent, now: float) -> None:
        position = recorded.global_position
        self._read_upto = position
        translate = self._translators.get(recorded.type)
        if translate is None:
            return
        published = translate(
            self._registry.to_domain_event(recorded), meta_of(recorded)
        )
        if published is None:
            return
        delivery = delivery_of(published, recorded)
        publisher = self._publisher_of(recorded.stream_id)
        for consumer in self._consumers.values():
            if (
                position > consumer.checkpoint
                and published.event_type in consumer.types
            ):
                self._send(consumer, position, delivery, publisher, now)

    def _send(
        self,
        consumer: _Consumer,
        position: int,
        delivery: Delivery,
        publisher: str,
        now: float,
    ) -> None:
        consumer.pending[position] = (delivery, publisher, now + self._ack_timeout)
        self.delivered += 1
        self._network.exchange(
            publisher,
            consumer.host_context,
            f"deliver {delivery.type}",
            f"{consumer.name}:{position}",
            lambda: self._consume(consumer, position, delivery),
            lambda reply: self._acknowledged(consumer, position, reply),
        )

    def _acknowledged(self, consumer: _Consumer, position: int, reply: Reply) -> None:
        if reply.kind == "ok":
            consumer.pending.pop(position, None)

    def _consume(self, consumer: _Consumer, position: int, delivery: Delivery) -> Reply:
        self._load_inbox(consumer)
        if position <= consumer.checkpoint or position in consumer.handled:
            self.duplicates_absorbed += 1
            return Reply(kind="ok", duplicate=True)
        try:
            with self._store.transaction() as tx:
                consumer.handler(delivery)
                handled = consumer.handled | {position}
                tx.put_document(
                    inbox_collection(consumer.name),
                    "handled",
                    {"positions": sorted(handled)},
                )
            consumer.handled = handled
        except Exception as error:  # a failing consumer must not stop the world
            consumer.inbox_loaded = False
            self._on_error(f"{consumer.name} handling {delivery.type}", error)
            return Reply(kind="failed", detail=str(error))
        return Reply(kind="ok")

    def _load_inbox(self, consumer: _Consumer) -> None:
        if consumer.inbox_loaded:
            return
        doc = self._store.get_document(inbox_collection(consumer.name), "handled")
        positions = doc["positions"] if doc else ()
        consumer.handled = {int(p) for p in positions if int(p) > consumer.checkpoint}
        consumer.inbox_loaded = True

    def _save_checkpoints(self) -> None:
        changed: list[tuple[str, int]] = []
        for consumer in self._consumers.values():
            mark = min(consumer.pending, default=self._read_upto + 1) - 1
            if mark > consumer.checkpoint:
                consumer.checkpoint = mark
                consumer.handled = {p for p in consumer.handled if p > mark}
                changed.append((outbox_checkpoint(consumer.name), mark))
        if changed:
            with self._store.transaction() as tx:
                for name, mark in changed:
                    tx.save_checkpoint(name, mark)
