"""What bootstrap reads to plug inventory in: events, handlers, views, translators."""

from __future__ import annotations

from ddd_sim.contexts.inventory.application.commands import (
    ImportLegacyProducts,
    ListProduct,
    ReceiveStock,
    ReleaseStock,
    ReserveStock,
    ShipReservedStock,
)
from ddd_sim.contexts.inventory.application.handlers import (
    LegacyImportHandler,
    ProductHandlers,
)
from ddd_sim.contexts.inventory.application.legacy_acl import LegacyCatalogPort
from ddd_sim.contexts.inventory.application.legacy_import import (
    ImportReport,
    plan_import,
)
from ddd_sim.contexts.inventory.application.queries import (
    CheckAvailability,
    GetStock,
    ListStock,
    PreviewLegacyImport,
)
from ddd_sim.contexts.inventory.application.query_handlers import StockQueries
from ddd_sim.contexts.inventory.application.stock_projection import StockProjection
from ddd_sim.contexts.inventory.application.translators import (
    TRANSLATORS as TRANSLATORS,
)
from ddd_sim.contexts.inventory.domain.events import PRODUCT_EVENTS
from ddd_sim.contexts.inventory.domain.product import Product
from ddd_sim.shared.cqrs import CommandTable, ContextDeps, QueryTable
from ddd_sim.shared.messages import DomainEvent
from ddd_sim.shared.read_models import Projection
from ddd_sim.shared.upcasting import Upcasters

EVENTS: tuple[type[DomainEvent], ...] = PRODUCT_EVENTS
STREAM_CATEGORIES: tuple[str, ...] = (Product.aggregate_type,)
PROJECTIONS: tuple[type[Projection], ...] = (StockProjection,)


def register_upcasters(upcasters: Upcasters) -> None:
    """Every product event is still at its first schema: nothing to upcast."""


def command_handlers(
    deps: ContextDeps, *, legacy_catalog: LegacyCatalogPort | None = None
) -> CommandTable:
    """Stock commands; the legacy import only when a legacy catalogue is plugged in."""
    products = ProductHandlers(deps)
    table: CommandTable = {
        ListProduct: products.list_product,
        ReceiveStock: products.receive_stock,
        ReserveStock: products.reserve_stock,
        ReleaseStock: products.release_stock,
        ShipReservedStock: products.ship_reserved_stock,
    }
    if legacy_catalog is not None:
        table[ImportLegacyProducts] = LegacyImportHandler(products, legacy_catalog)
    return table


def query_handlers(
    deps: ContextDeps, *, legacy_catalog: LegacyCatalogPort | None = None
) -> QueryTable:
    """Stock queries; the import preview only when a legacy catalogue is plugged in."""
    stock = StockQueries(deps)
    table: QueryTable = {
        GetStock: stock.get_stock,
        ListStock: stock.list_stock,
        CheckAvailability: stock.check_availability,
    }
    if legacy_catalog is not None:
        catalog = legacy_catalog

        def preview(query: PreviewLegacyImport) -> ImportReport:
            """What an import would do now, judged against the stock read model."""
            return plan_import(catalog.fetch_all(), stock.is_listed)

        table[PreviewLegacyImport] = preview
    return table
