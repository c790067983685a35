"""A product's stock, event-sourced: received, available, reserved and shipped."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.inventory.domain.events import (
    ProductListed,
    ReservedStockShipped,
    StockReceived,
    StockReleased,
    StockReserved,
)
from ddd_sim.shared.aggregate import Aggregate, applies
from ddd_sim.shared.errors import DomainError, ValidationError
from ddd_sim.shared.ids import OrderId, ProductId
from ddd_sim.shared.money import Money


class InsufficientStock(DomainError):
    """A reservation asks for more units than are available."""

    def __init__(
        self, product_id: str, order_id: str, requested: int, available: int
    ) -> None:
        self.product_id = product_id
        self.order_id = order_id
        self.requested = requested
        self.available = available
        super().__init__(
            f"product {product_id} has {available} available, "
            f"cannot reserve {requested} for order {order_id}"
        )


def require_quantity(
    quantity: object, product_id: str, *, allow_zero: bool = False
) -> int:
    """A unit count is a whole number, positive (or zero where ``allow_zero``)."""
    least = 0 if allow_zero else 1
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise ValidationError(
            f"quantity must be a whole number, got {quantity!r} for {product_id}"
        )
    if quantity < least:
        kind = "zero or more" if allow_zero else "positive"
        raise ValidationError(
            f"quantity must be {kind}, got {quantity} for {product_id}"
        )
    return quantity


def stock_is_conserved(
    received: int, available: int, reserved: int, shipped: int
) -> bool:
    """No count is negative and ``received == available + reserved + shipped``.

    The shop's rule is "available + reserved always equals stock received";
    shipped units are added because they have left the warehouse: they were
    received once and are neither available nor reserved any more.
    """
    counts = (received, available, reserved, shipped)
    return min(counts) >= 0 and received == available + reserved + shipped


class Product(Aggregate):
    """Stock never goes negative; each order holds at most one reservation.

    Reserve, release and ship are safe to retry: a repeat of what already
    happened changes nothing, and releasing what an order never held is
    harmless (a saga may compensate a step that did not take effect).
    """

    def __init__(self, aggregate_id: str) -> None:
        super().__init__(aggregate_id)
        self.listed = False
        self.name = ""
        self.price: Money | None = None
        self.received = 0
        self.available = 0
        self.shipped = 0
        self.reservations: dict[str, int] = {}
        self.shipments: dict[str, int] = {}

    @property
    def product_id(self) -> ProductId:
        """This product's id in the shared kernel's type."""
        return ProductId(self.id)

    @property
    def reserved(self) -> int:
        """Units held for orders that have neither shipped nor released them."""
        return sum(self.reservations.values())

    def conservation_holds(self) -> bool:
        """The stock identity holds (see :func:`stock_is_conserved`)."""
        return stock_is_conserved(
            self.received, self.available, self.reserved, self.shipped
        )

    # -- decisions ----------------------------------------------------------
    def list_for_sale(self, name: str, price: Money, initial_stock: int = 0) -> None:
        """List once with a name and a positive price; a same-data repeat is a retry."""
        clean = " ".join(name.split()) if isinstance(name, str) else ""
        if not clean:
            raise ValidationError(f"product name must not be blank for {self.id}")
        if not price.is_positive:
            raise ValidationError(f"price must be positive, got {price} for {self.id}")
        require_quantity(initial_stock, self.id, allow_zero=True)
        if self.listed:
            if (self.name, self.price) == (clean, price):
                return
            raise DomainError(
                f"product {self.id} is already listed as {self.name!r} at "
                f"{self.price}, cannot list it as {clean!r} at {price}"
            )
        self._record(ProductListed(product_id=self.product_id, name=clean, price=price))
        if initial_stock:
            self.receive(initial_stock)

    def receive(self, quantity: int) -> None:
        """Add a positive number of arrived units to available stock."""
        self._require_listed()
        require_quantity(quantity, self.id)
        self._record(
            StockReceived(
                product_id=self.product_id,
                quantity=quantity,
                available=self.available + quantity,
            )
        )

    def reserve(self, order_id: OrderId, quantity: int) -> None:
        """Set units aside for an order, never more than are available."""
        self._require_listed()
        require_quantity(quantity, self.id)
        order = str(order_id)
        if order in self.shipments:
            raise DomainError(
                f"order {order} already shipped {self.shipments[order]} of "
                f"product {self.id}, cannot reserve again"
            )
        held = self.reservations.get(order)
        if held == quantity:
            return
        if held is not None:
            raise DomainError(
                f"order {order} already holds {held} of product {self.id}, "
                f"cannot reserve {quantity} instead"
            )
        if quantity > self.available:
            raise InsufficientStock(self.id, order, quantity, self.available)
        self._record(
            StockReserved(
                product_id=self.product_id,
                order_id=order_id,
                quantity=quantity,
                available=self.available - quantity,
            )
        )

    def release(self, order_id: OrderId) -> None:
        """Give an order's whole reservation back; nothing held means nothing to do."""
        self._require_listed()
        order = str(order_id)
        if order in self.shipments:
            raise DomainError(
                f"order {order} already shipped {self.shipments[order]} of "
                f"product {self.id}, its stock can no longer be released"
            )
        held = self.reservations.get(order)
        if held is None:
            return
        self._record(
            StockReleased(
                product_id=self.product_id,
                order_id=order_id,
                quantity=held,
                available=self.available + held,
            )
        )

    def ship(self, order_id: OrderId) -> None:
        """Send an order's reserved units out; shipping it again changes nothing."""
        self._require_listed()
        order = str(order_id)
        if order in self.shipments:
            return
        held = self.reservations.get(order)
        if held is None:
            raise DomainError(
                f"order {order} holds no reservation of product {self.id} to ship"
            )
        self._record(
            ReservedStockShipped(
                product_id=self.product_id, order_id=order_id, quantity=held
            )
        )

    def _require_listed(self) -> None:
        if not self.listed:
            raise DomainError(f"product {self.id} is not listed")

    # -- state --------------------------------------------------------------
    @applies(ProductListed)
    def _listed(self, event: ProductListed) -> None:
        self.listed = True
        self.name = event.name
        self.price = event.price

    @applies(StockReceived)
    def _received(self, event: StockReceived) -> None:
        self.received += event.quantity
        self.available += event.quantity

    @applies(StockReserved)
    def _reserved(self, event: StockReserved) -> None:
        self.available -= event.quantity
        self.reservations[str(event.order_id)] = event.quantity

    @applies(StockReleased)
    def _released(self, event: StockReleased) -> None:
        self.available += event.quantity
        del self.reservations[str(event.order_id)]

    @applies(ReservedStockShipped)
    def _shipped(self, event: ReservedStockShipped) -> None:
        order = str(event.order_id)
        del self.reservations[order]
        self.shipped += event.quantity
        self.shipments[order] = event.quantity

    # -- snapshots ----------------------------------------------------------
    def snapshot_entries(self) -> int:
        return len(self.reservations) + len(self.shipments)

    def snapshot_state(self) -> dict[str, Any]:
        price = self.price
        return {
            "listed": self.listed,
            "name": self.name,
            "price": None if price is None else price.to_json(),
            "received": self.received,
            "available": self.available,
            "shipped": self.shipped,
            "reservations": dict(sorted(self.reservations.items())),
            "shipments": dict(sorted(self.shipments.items())),
        }

    def restore_state(self, state: Any) -> None:
        price = state["price"]
        self.listed = state["listed"]
        self.name = state["name"]
        self.price = None if price is None else Money.from_json(price)
        self.received = state["received"]
        self.available = state["available"]
        self.shipped = state["shipped"]
        self.reservations = dict(state["reservations"])
        self.shipments = dict(state["shipments"])
