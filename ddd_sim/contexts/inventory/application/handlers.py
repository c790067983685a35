"""Inventory's command handlers: load a product, let it decide, save what it decided."""

from __future__ import annotations

from ddd_sim.contexts.inventory.application.commands import (
    ImportLegacyProducts,
    ListProduct,
    ReceiveStock,
    ReleaseStock,
    ReserveStock,
    ShipReservedStock,
)
from ddd_sim.contexts.inventory.application.legacy_acl import LegacyCatalogPort
from ddd_sim.contexts.inventory.application.legacy_import import plan_import
from ddd_sim.contexts.inventory.domain.product import Product
from ddd_sim.shared.cqrs import CommandContext, CommandResult, ContextDeps, save
from ddd_sim.shared.errors import NotFound
from ddd_sim.shared.ids import ProductId
from ddd_sim.shared.repository import AggregateNotFound, AggregateRepository


class ProductHandlers:
    """Every stock command runs against one product loaded from its stream."""

    def __init__(self, deps: ContextDeps) -> None:
        self.products: AggregateRepository[Product] = deps.repository(Product)

    def list_product(
        self, command: ListProduct, context: CommandContext
    ) -> CommandResult:
        """List a new product; repeating the same listing writes nothing."""
        try:
            product = self.products.load(str(command.product_id))
        except AggregateNotFound:
            product = Product(str(command.product_id))
        product.list_for_sale(command.name, command.price, command.initial_stock)
        return save(self.products, product, context)

    def receive_stock(
        self, command: ReceiveStock, context: CommandContext
    ) -> CommandResult:
        """Book arrived units."""
        product = self._load(command.product_id)
        product.receive(command.quantity)
        return save(self.products, product, context)

    def reserve_stock(
        self, command: ReserveStock, context: CommandContext
    ) -> CommandResult:
        """Hold units for an order; a repeat of the same reservation writes nothing."""
        product = self._load(command.product_id)
        product.reserve(command.order_id, command.quantity)
        return save(self.products, product, context)

    def release_stock(
        self, command: ReleaseStock, context: CommandContext
    ) -> CommandResult:
        """Give an order's units back; an order holding none writes nothing."""
        product = self._load(command.product_id)
        product.release(command.order_id)
        return save(self.products, product, context)

    def ship_reserved_stock(
        self, command: ShipReservedStock, context: CommandContext
    ) -> CommandResult:
        """Send an order's reserved units out; a repeat writes nothing."""
        product = self._load(command.product_id)
        product.ship(command.order_id)
        return save(self.products, product, context)

    def is_listed(self, product_id: ProductId) -> bool:
        """True when the product's stream exists (read from the store, not a view)."""
        stream_id = self.products.stream_id(str(product_id))
        return bool(self.products.store.read_stream(stream_id, to_version=1))

    def _load(self, product_id: ProductId) -> Product:
        try:
            return self.products.load(str(product_id))
        except AggregateNotFound as exc:
            raise NotFound(f"product {product_id} is not listed") from exc


class LegacyImportHandler:
    """Lists what the legacy ERP offers that passes the ACL and is not listed yet."""

    def __init__(self, products: ProductHandlers, catalog: LegacyCatalogPort) -> None:
        self._products = products
        self._catalog = catalog

    def __call__(
        self, command: ImportLegacyProducts, context: CommandContext
    ) -> CommandResult:
        """One listing per accepted product; the result is that of the last write.

        Each product is its own stream, so the listings are separate writes: if
        one fails, those before it stay, and running the import again skips
        them as already listed.
        """
        report = plan_import(self._catalog.fetch_all(), self._products.is_listed)
        repository = self._products.products
        result: CommandResult | None = None
        for item in report.accepted:
            product = Product(str(item.product_id))
            product.list_for_sale(item.name, item.price, item.stock)
            result = save(repository, product, context)
        if result is None:
            return CommandResult.unchanged(stream_id="", version=0, position=0)
        return result
