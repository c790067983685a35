"""Answers sales' queries from its three order read models (eventually consistent)."""

from __future__ import annotations

from typing import Any

from ddd_sim.contexts.sales.application.order_detail import ORDER_DETAIL
from ddd_sim.contexts.sales.application.order_list import ORDER_LIST
from ddd_sim.contexts.sales.application.order_search import ORDER_SEARCH
from ddd_sim.contexts.sales.application.queries import (
    GetOrder,
    ListOrders,
    OrderDetail,
    OrderLineView,
    OrderSearchHit,
    OrderSummary,
    SearchOrders,
    StatusChange,
)
from ddd_sim.shared.cqrs import ContextDeps
from ddd_sim.shared.errors import NotFound
from ddd_sim.shared.ids import CustomerId, OrderId, ProductId
from ddd_sim.shared.money import Money


class OrderQueries:
    """Each query reads the one read model shaped for it."""

    def __init__(self, deps: ContextDeps) -> None:
        self._deps = deps

    def list_orders(self, query: ListOrders) -> tuple[OrderSummary, ...]:
        """Orders by placement time (then id), filtered by customer and status."""
        rows = [
            row
            for row in self._deps.read_model(ORDER_LIST).all().values()
            if (query.customer_id is None or row["customer_id"] == query.customer_id)
            and (query.status is None or row["status"] == query.status)
        ]
        rows.sort(key=lambda row: (row["placed_at"], row["order_id"]))
        return tuple(_to_summary(row) for row in rows)

    def get_order(self, query: GetOrder) -> OrderDetail:
        """One order in full, or NotFound naming it."""
        doc = self._deps.read_model(ORDER_DETAIL).get(str(query.order_id))
        if doc is None:
            raise NotFound(f"order {query.order_id} does not exist")
        return _to_detail(doc)

    def search_orders(self, query: SearchOrders) -> tuple[OrderSearchHit, ...]:
        """Orders whose id, customer id or any tag contains the text, by id."""
        needle = query.text.strip().casefold()
        docs = self._deps.read_model(ORDER_SEARCH).all()
        return tuple(
            _to_hit(docs[key]) for key in sorted(docs) if _matches(docs[key], needle)
        )


def _matches(doc: Any, needle: str) -> bool:
    fields = [doc["order_id"], doc["customer_id"], *doc["tags"]]
    return any(needle in field.casefold() for field in fields)


def _to_summary(row: Any) -> OrderSummary:
    return OrderSummary(
        order_id=OrderId(row["order_id"]),
        customer_id=CustomerId(row["customer_id"]),
        status=row["status"],
        total=Money.from_json(row["total"]),
        placed_at=row["placed_at"],
        updated_at=row["updated_at"],
    )


def _to_detail(doc: Any) -> OrderDetail:
    return OrderDetail(
        order_id=OrderId(doc["order_id"]),
        customer_id=CustomerId(doc["customer_id"]),
        status=doc["status"],
        lines=tuple(
            OrderLineView(
                product_id=ProductId(line["product_id"]),
                quantity=line["quantity"],
                unit_price=Money.from_json(line["unit_price"]),
                line_total=Money.from_json(line["line_total"]),
            )
            for line in doc["lines"]
        ),
        total=Money.from_json(doc["total"]),
        history=tuple(
            StatusChange(status=step["status"], at=step["at"])
            for step in doc["history"]
        ),
        shipment_id=doc["shipment_id"],
        cancel_reason=doc["cancel_reason"],
    )


def _to_hit(doc: Any) -> OrderSearchHit:
    return OrderSearchHit(
        order_id=OrderId(doc["order_id"]),
        customer_id=CustomerId(doc["customer_id"]),
        status=doc["status"],
        total=Money.from_json(doc["total"]),
        tags=tuple(doc["tags"]),
    )
