"""A simulated legacy ERP product master, running in-process."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ddd_sim.contexts.legacy_erp.domain.records import (
    PRODUCT_CODE,
    SEED_CATALOGUE,
    LegacyRecord,
)
from ddd_sim.shared.errors import NotFound


class UnknownProductCode(NotFound):
    """The product master holds no record under a code."""


class LegacyProductMaster:
    """Hands out copies of its records exactly as stored, bad ones included.

    Like the system it stands for, it checks nothing: a duplicated code
    answers ``fetch`` with its first record.  Callers get copies, so no
    caller can change the master's data.
    """

    def __init__(self, records: Iterable[Mapping[str, str]] | None = None) -> None:
        source = SEED_CATALOGUE if records is None else records
        self._records: tuple[LegacyRecord, ...] = tuple(dict(r) for r in source)

    def fetch_all(self) -> list[dict[str, str]]:
        """Every record, in the master's order."""
        return [dict(r) for r in self._records]

    def fetch(self, code: str) -> dict[str, str]:
        """The first record whose code (padding aside) is ``code``."""
        wanted = code.strip()
        for r in self._records:
            if r.get(PRODUCT_CODE, "").strip() == wanted:
                return dict(r)
        raise UnknownProductCode(
            f"the legacy product master has no record with {PRODUCT_CODE} {code!r}"
        )
