"""The legacy product master's record layout: flat, fixed-width, text only.

Kept as the ERP has it, warts included: codes like ``P001``, names upper case
and space-padded, prices in zero-padded cents, dates as ``YYYYMMDD``, status
``A`` (active) or ``D`` (discontinued).  Nothing here is validated: that is
the job of whoever reads these records.
"""

from __future__ import annotations

from typing import TypeAlias

LegacyRecord: TypeAlias = dict[str, str]

PRODUCT_CODE = "PRODUCT_CODE"
PRODUCT_NAME = "PRODUCT_NAME"
UNIT_PRICE_CENTS = "UNIT_PRICE_CENTS"
CURRENCY_CD = "CURRENCY_CD"
QTY_ON_HAND = "QTY_ON_HAND"
LAST_UPDATED = "LAST_UPDATED"
STATUS = "STATUS"

FIELDS = (
    PRODUCT_CODE,
    PRODUCT_NAME,
    UNIT_PRICE_CENTS,
    CURRENCY_CD,
    QTY_ON_HAND,
    LAST_UPDATED,
    STATUS,
)
"""Every column of the product master, in the ERP's order."""


def record(
    code: str,
    name: str,
    cents: str,
    currency: str,
    quantity: str,
    updated: str,
    status: str,
) -> LegacyRecord:
    """One row of the product master, padded the way the ERP pads names."""
    return {
        PRODUCT_CODE: code,
        PRODUCT_NAME: name.ljust(16),
        UNIT_PRICE_CENTS: cents,
        CURRENCY_CD: currency,
        QTY_ON_HAND: quantity,
        LAST_UPDATED: updated,
        STATUS: status,
    }


SEED_CATALOGUE: tuple[LegacyRecord, ...] = (
    record("P001", "WIDGET DELUXE", "004999", "USD", "0100", "20240115", "A"),
    record("P002", "GADGET PRO", "012500", "EUR", "0025", "20240229", "A"),
    record("P003", "SPROCKET", "000750", "USD", "0000", "20231101", "A"),
    record("P004", "OLD THINGAMAJIG", "001000", "USD", "0010", "20190601", "D"),
    # the deliberately bad rows a real master accumulates over the years
    record("P005", "GIZMO", "12.99", "USD", "0005", "20240101", "A"),
    record("P006", "DOOHICKEY", "002000", "USD", "0007", "20230230", "A"),
    record("P007", "WHATSIT", "003000", "XYZ", "0003", "20240301", "A"),
    record("P008", "FLANGE", "000450", "USD", "-005", "20240302", "A"),
    record("X9", "MYSTERY ITEM", "000100", "USD", "0001", "20240303", "A"),
    record("P009", "BRACKET", "000199", "USD", "0040", "20240304", "A"),
    record("P009", "BRACKET HEAVY", "000299", "USD", "0020", "20240305", "A"),
)
"""The default catalogue: three good active products, one discontinued, bad rows."""
