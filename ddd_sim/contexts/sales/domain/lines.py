"""Order lines: what a caller asks for, and the checked lines an order keeps."""

from __future__ import annotations

from collections.abc import Iterable

from ddd_sim.shared.errors import ValidationError
from ddd_sim.shared.ids import ProductId
from ddd_sim.shared.messages import message
from ddd_sim.shared.money import Money


@message
class OrderLineInput:
    """One line as a caller asks for it; :func:`check_lines` judges it."""

    product_id: ProductId
    quantity: int
    unit_price: Money


@message
class OrderLine:
    """One checked line of an order (stored inside ``OrderPlaced``)."""

    product_id: ProductId
    quantity: int
    unit_price: Money

    @property
    def line_total(self) -> Money:
        """Quantity times unit price."""
        return Money(self.unit_price.amount * self.quantity, self.unit_price.currency)


def check_lines(
    order_id: str, lines: Iterable[OrderLineInput]
) -> tuple[OrderLine, ...]:
    """Lines an order may hold: at least one, positive, one currency, no repeats.

    A product listed twice is refused rather than merged: two lines for one
    product at different prices would leave no single right price.
    """
    checked: list[OrderLine] = []
    seen: set[ProductId] = set()
    for line in lines:
        product = line.product_id
        quantity = line.quantity
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise ValidationError(
                f"quantity must be a whole number, got {quantity!r} for {product} "
                f"in order {order_id}"
            )
        if quantity <= 0:
            raise ValidationError(
                f"quantity must be positive, got {quantity} for {product} "
                f"in order {order_id}"
            )
        if not line.unit_price.is_positive:
            raise ValidationError(
                f"unit price must be positive, got {line.unit_price} for {product} "
                f"in order {order_id}"
            )
        if checked and line.unit_price.currency != checked[0].unit_price.currency:
            raise ValidationError(
                f"order {order_id} must use one currency: {product} is priced in "
                f"{line.unit_price.currency}, earlier lines in "
                f"{checked[0].unit_price.currency}"
            )
        if product in seen:
            raise ValidationError(
                f"order {order_id} lists {product} twice; put its quantity on one line"
            )
        seen.add(product)
        checked.append(
            OrderLine(product_id=product, quantity=quantity, unit_price=line.unit_price)
        )
    if not checked:
        raise ValidationError(f"order {order_id} needs at least one line")
    return tuple(checked)


def total_of(lines: tuple[OrderLine, ...]) -> Money:
    """The sum of the line totals of non-empty, single-currency lines."""
    total = Money.zero(lines[0].unit_price.currency)
    for line in lines:
        total = total + line.line_total
    return total
