"""The shop's context catalog, as data: who owns what, who talks to whom, how.

Published languages come from :mod:`ddd_sim.integration.events`, so the
catalog cannot drift from what contexts actually publish.  Read models keep
their own store only where it differs from their context's production store:
order and account search live in a search index (the polyglot-persistence
split of example 85), while every other view stays in its context's store.
"""

from __future__ import annotations

from ddd_sim.integration.events import INTEGRATION_EVENTS
from ddd_sim.runtime.catalog.catalog import ContextCatalog, build_catalog
from ddd_sim.runtime.catalog.model import (
    BoundedContext,
    ProcessEntry,
    ProcessKind,
    ProjectionEntry,
    StoreType,
    api,
)

CS = "customer-supplier"
PL = "published-language"


def _language(context: str) -> tuple[str, ...]:
    """The integration event types a context publishes."""
    return tuple(
        e.event_type for e in INTEGRATION_EVENTS if e.source_context == context
    )


def shop_contexts() -> tuple[BoundedContext, ...]:
    """Every bounded context of the shop, plus the external card provider."""
    return (
        BoundedContext(
            name="customer",
            team="Customer Experience",
            purpose="Registers customers and keeps their contact details",
            published_apis=(
                api("POST", "/customers", "RegisterCustomer"),
                api("GET", "/customers", "ListCustomers"),
                api("GET", "/customers/{customer_id}", "GetCustomer"),
                api("POST", "/customers/{customer_id}/email", "ChangeCustomerEmail"),
            ),
            consumers=("notification", "sales"),
            published_languages=_language("customer"),
            store=StoreType.DOCUMENT,
            relationships={"sales": (CS,), "notification": (PL,)},
        ),
        BoundedContext(
            name="sales",
            team="Revenue",
            purpose="Takes orders and follows each one from placement to completion",
            published_apis=(
                api("POST", "/orders", "PlaceOrder"),
                api("GET", "/orders", "ListOrders"),
                api("GET", "/orders/search", "SearchOrders"),
                api("GET", "/orders/{order_id}", "GetOrder"),
                api("POST", "/orders/{order_id}/cancel", "CancelOrder"),
                api("POST", "/orders/{order_id}/confirm", "ConfirmOrder"),
                api("POST", "/orders/{order_id}/shipped", "MarkOrderShipped"),
                api("POST", "/orders/{order_id}/complete", "CompleteOrder"),
            ),
            dependencies=("customer", "inventory", "shipping"),
            consumers=("analytics", "billing", "notification", "shipping"),
            published_languages=_language("sales"),
            store=StoreType.RELATIONAL,
            relationships={
                "customer": (CS,),
                "inventory": (CS,),
                "shipping": ("partnership",),
                # Money and CustomerId are shared; billing reads orders from events.
                "billing": ("shared-kernel", PL, "open-host-service"),
                "notification": (PL,),
                "analytics": (PL,),
            },
        ),
        BoundedContext(
            name="inventory",
            team="Warehouse",
            purpose="Tracks stock per product and reserves it for orders",
            published_apis=(
                api("POST", "/inventory", "ListProduct"),
                api("GET", "/inventory", "ListStock"),
                api("GET", "/inventory/{product_id}", "GetStock"),
                api("GET", "/inventory/{product_id}/availability", "CheckAvailability"),
                api("POST", "/inventory/{product_id}/receipts", "ReceiveStock"),
                api("POST", "/inventory/legacy-imports", "ImportLegacyProducts"),
                api("GET", "/inventory/legacy-imports/preview", "PreviewLegacyImport"),
                api("POST", "/inventory/{product_id}/reservations", "ReserveStock"),
                api(
                    "POST",
                    "/inventory/{product_id}/reservations/{order_id}/release",
                    "ReleaseStock",
                ),
                api(
                    "POST",
                    "/inventory/{product_id}/reservations/{order_id}/ship",
                    "ShipReservedStock",
                ),
            ),
            dependencies=("legacy_erp",),
            consumers=("analytics", "sales"),
            published_languages=_language("inventory"),
            store=StoreType.RELATIONAL,
            relationships={
                "sales": (CS,),
                "analytics": (PL,),
                "legacy_erp": ("anticorruption-layer",),
            },
        ),
        BoundedContext(
            name="payment",
            team="Payments",
            purpose="Keeps customer wallets and takes card payments for orders",
            published_apis=(
                api("POST", "/accounts", "OpenAccount"),
                api("GET", "/accounts/search", "SearchAccounts"),
                api("GET", "/accounts/{account_id}", "GetAccountSummary"),
                api("GET", "/accounts/{account_id}/balances/{currency}", "GetBalance"),
                api("POST", "/accounts/{account_id}/deposits", "Deposit"),
                api("POST", "/accounts/{account_id}/withdrawals", "Withdraw"),
                api("POST", "/accounts/{account_id}/charges", "ChargeWallet"),
                api("POST", "/accounts/{account_id}/refunds", "RefundWallet"),
                api(
                    "GET",
                    "/accounts/{account_id}/balances/{currency}/history",
                    "GetBalanceHistory",
                ),
                api("GET", "/customers/{owner_id}/accounts", "GetAccountsByOwner"),
                api("POST", "/payments/card", "PayByCard"),
                api("POST", "/payments/{payment_id}/refund", "RefundCardPayment"),
            ),
            dependencies=("card_payment_provider",),
            consumers=("analytics", "billing", "notification"),
            published_languages=_language("payment"),
            store=StoreType.EVENT_STORE,
            relationships={
                "card_payment_provider": ("conformist",),
                "billing": (PL,),
                "notification": (PL,),
                "analytics": (PL,),
            },
        ),
        BoundedContext(
            name="shipping",
            team="Logistics",
            purpose="Books shipments for orders and tracks them to delivery",
            published_apis=(
                api("POST", "/shipments", "CreateShipment"),
                api("GET", "/shipments", "ListShipments"),
                api("GET", "/shipments/{shipment_id}", "GetShipment"),
                api("POST", "/shipments/{shipment_id}/cancel", "CancelShipment"),
                api("POST", "/shipments/{shipment_id}/deliver", "DeliverShipment"),
            ),
            dependencies=("sales",),
            consumers=("notification", "sales"),
            published_languages=_language("shipping"),
            store=StoreType.RELATIONAL,
            relationships={"sales": ("partnership",), "notification": (PL,)},
        ),
        BoundedContext(
            name="billing",
            team="Finance",
            purpose="Issues, settles and voids invoices for paid orders",
            published_apis=(
                api("POST", "/invoices", "IssueInvoice"),
                api("GET", "/invoices/{invoice_id}", "GetInvoice"),
                api("POST", "/invoices/{invoice_id}/settle", "SettleInvoice"),
                api("POST", "/invoices/{invoice_id}/void", "VoidInvoice"),
                api(
                    "GET",
                    "/invoicing/customers/{customer_id}/orders",
                    "GetOrdersForInvoicing",
                ),
            ),
            dependencies=("payment", "sales"),
            published_languages=_language("billing"),
            store=StoreType.RELATIONAL,
            relationships={"sales": ("shared-kernel",)},
        ),
        BoundedContext(
            name="notification",
            team="Customer Experience",
            purpose="Tells customers what happened to their orders and payments",
            published_apis=(
                api("GET", "/notifications", "ListNotifications"),
                api("GET", "/notifications/count", "CountNotifications"),
            ),
            dependencies=("customer", "payment", "sales", "shipping"),
            store=StoreType.DOCUMENT,
        ),
        BoundedContext(
            name="analytics",
            team="Insights",
            purpose="Counts orders per day, revenue and units reserved",
            published_apis=(
                api("GET", "/analytics/sales", "GetSalesMetrics"),
                api("GET", "/analytics/orders-per-day", "GetOrdersPerDay"),
            ),
            dependencies=("inventory", "payment", "sales"),
            store=StoreType.COLUMNAR,
            # The published language already carries every fact analytics
            # counts; the ERP's data would need its own translation for no
            # new insight, and the ERP runs its own reports.  So the two go
            # separate ways on purpose, and the map says so.
            relationships={"legacy_erp": ("separate-ways",)},
        ),
        BoundedContext(
            name="legacy_erp",
            team="ERP Maintenance",
            purpose="The old ERP's product master, read only through an ACL",
            consumers=("inventory",),
            store=StoreType.RELATIONAL,
        ),
        BoundedContext(
            name="card_payment_provider",
            team="Card provider (external)",
            purpose="Charges and refunds cards; its API is not ours to change",
            consumers=("payment",),
            external=True,
        ),
    )


_ORDER_CONTEXTS = ("inventory", "payment", "sales", "shipping")


def shop_processes() -> tuple[ProcessEntry, ...]:
    """The three ways the shop can run an order across contexts."""
    return (
        ProcessEntry("order_saga", ProcessKind.ORCHESTRATED_SAGA, _ORDER_CONTEXTS),
        ProcessEntry("order_choreography", ProcessKind.CHOREOGRAPHY, _ORDER_CONTEXTS),
        ProcessEntry("order_fulfilment", ProcessKind.PROCESS_MANAGER, _ORDER_CONTEXTS),
    )


def shop_projections() -> tuple[ProjectionEntry, ...]:
    """Every read model, with the contexts whose events it folds."""
    return (
        ProjectionEntry("customer.directory", "customer"),
        ProjectionEntry("sales.order_list", "sales"),
        ProjectionEntry("sales.order_detail", "sales"),
        ProjectionEntry("sales.order_search", "sales", store=StoreType.SEARCH),
        ProjectionEntry("inventory.stock", "inventory"),
        ProjectionEntry("payment.account_summary", "payment"),
        ProjectionEntry("payment.account_search", "payment", store=StoreType.SEARCH),
        ProjectionEntry("shipping.shipments", "shipping"),
        ProjectionEntry("billing.orders", "billing", depends_on=("payment", "sales")),
        ProjectionEntry("billing.invoices", "billing"),
        ProjectionEntry(
            "notification.outbox",
            "notification",
            depends_on=("customer", "payment", "sales", "shipping"),
        ),
        ProjectionEntry(
            "analytics.sales",
            "analytics",
            depends_on=("inventory", "payment", "sales"),
        ),
    )


def shop_catalog() -> ContextCatalog:
    """The whole shop, validated."""
    return build_catalog("Shop", shop_contexts(), shop_processes(), shop_projections())


def example80_catalog() -> ContextCatalog:
    """Example 80's three contexts, keeping only the edges among them.

    The example also names Support, Marketing, Fulfillment, Accounting and
    Inventory, which it never registers; a catalog that validates references
    must drop them, so only Customer, Sales and Billing and their mutual
    edges remain.  Sales and Billing are partners there, with Billing
    consuming Sales, so that partnership runs over a one-way dependency.
    """
    return build_catalog(
        "Example80",
        (
            BoundedContext(
                name="Customer",
                team="Customer Experience",
                purpose="Manage customer profiles and preferences",
                published_apis=(
                    api("GET", "/customers/{id}", "GetCustomer"),
                    api("POST", "/customers", "RegisterCustomer"),
                ),
                consumers=("Billing", "Sales"),
                published_languages=("CustomerEventV1",),
                store=StoreType.DOCUMENT,
                relationships={"Sales": (CS,), "Billing": (CS,)},
            ),
            BoundedContext(
                name="Sales",
                team="Revenue",
                purpose="Manage orders and quotes",
                published_apis=(
                    api("GET", "/orders/{id}", "GetOrder"),
                    api("POST", "/orders", "PlaceOrder"),
                ),
                dependencies=("Customer",),
                consumers=("Billing",),
                published_languages=("OrderEventV1",),
                store=StoreType.RELATIONAL,
                relationships={"Customer": (CS,), "Billing": ("partnership",)},
            ),
            BoundedContext(
                name="Billing",
                team="Finance",
                purpose="Process payments and generate invoices",
                published_apis=(
                    api("GET", "/invoices/{id}", "GetInvoice"),
                    api("POST", "/payments", "TakePayment"),
                ),
                dependencies=("Customer", "Sales"),
                published_languages=("PaymentEventV1",),
                store=StoreType.RELATIONAL,
                relationships={"Sales": ("partnership",), "Customer": (CS,)},
            ),
        ),
    )
