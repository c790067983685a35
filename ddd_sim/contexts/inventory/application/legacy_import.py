"""Plans an import from the legacy ERP: what to list, what to skip, what to refuse."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from ddd_sim.contexts.inventory.application.legacy_acl import (
    CODE,
    ImportedProduct,
    LegacyRecordRejected,
    translate_record,
)
from ddd_sim.shared.ids import ProductId
from ddd_sim.shared.messages import message


@message
class RejectedRecord:
    """A legacy record refused at the boundary, with the field at fault."""

    code: str
    field: str
    value: str
    reason: str


@message
class SkippedProduct:
    """A valid legacy product left out of the import, and why."""

    product_id: ProductId
    legacy_code: str
    reason: str


@message
class ImportReport:
    """An import's outcome: products to list, products skipped, records refused."""

    accepted: tuple[ImportedProduct, ...]
    skipped: tuple[SkippedProduct, ...]
    rejected: tuple[RejectedRecord, ...]


def plan_import(
    records: Sequence[Mapping[str, str]], is_listed: Callable[[ProductId], bool]
) -> ImportReport:
    """Sort records into accepted, skipped and rejected, in the ERP's order.

    A code that appears more than once is refused on every record carrying
    it: the ERP is ambiguous about that product and guessing would let bad
    data in.
    """
    codes = Counter(str(record.get(CODE, "")).strip() for record in records)
    accepted: list[ImportedProduct] = []
    skipped: list[SkippedProduct] = []
    rejected: list[RejectedRecord] = []
    for record in records:
        try:
            product = translate_record(record)
            if codes[product.legacy_code] > 1:
                raise LegacyRecordRejected(
                    product.legacy_code,
                    CODE,
                    product.legacy_code,
                    f"appears {codes[product.legacy_code]} times in the catalogue",
                )
        except LegacyRecordRejected as exc:
            rejected.append(
                RejectedRecord(
                    code=exc.code, field=exc.field, value=exc.value, reason=str(exc)
                )
            )
            continue
        if not product.active:
            skipped.append(_skip(product, "discontinued in the legacy ERP"))
        elif is_listed(product.product_id):
            skipped.append(_skip(product, "already listed"))
        else:
            accepted.append(product)
    return ImportReport(
        accepted=tuple(accepted), skipped=tuple(skipped), rejected=tuple(rejected)
    )


def _skip(product: ImportedProduct, reason: str) -> SkippedProduct:
    return SkippedProduct(
        product_id=product.product_id, legacy_code=product.legacy_code, reason=reason
    )
