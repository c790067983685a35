"""Context-map patterns, the side of a relationship each belongs to, and which
patterns cannot share one relationship."""

from __future__ import annotations

import re
from enum import Enum

from ddd_sim.runtime.catalog.errors import CatalogError, IllegalCombination


class Side(Enum):
    """Where a pattern lives: on the upstream, the downstream, both, or the pair."""

    UPSTREAM = "upstream"
    DOWNSTREAM = "downstream"
    BOTH = "both"  # customer-supplier: the upstream supplies, the downstream asks
    SYMMETRIC = "symmetric"


class Pattern(Enum):
    """A context-map pattern; the value is its canonical catalog name.

    Members are in drawing order: roles list as Context Mapper writes them,
    ``OHS`` before ``PL`` and ``ACL`` before ``CF``.
    """

    CUSTOMER_SUPPLIER = "customer-supplier"
    PARTNERSHIP = "partnership"
    SHARED_KERNEL = "shared-kernel"
    OPEN_HOST_SERVICE = "open-host-service"
    PUBLISHED_LANGUAGE = "published-language"
    ANTICORRUPTION_LAYER = "anticorruption-layer"
    CONFORMIST = "conformist"
    SEPARATE_WAYS = "separate-ways"

    @property
    def side(self) -> Side:
        """The side of a relationship that holds this pattern."""
        return _SIDES[self]

    @property
    def label(self) -> str:
        """A human label, e.g. ``open host service``, ``customer/supplier``."""
        if self is Pattern.CUSTOMER_SUPPLIER:
            return "customer/supplier"
        return str(self.value).replace("-", " ")

    @property
    def abbreviation(self) -> str:
        """The short name Context Mapper uses (``OHS``, ``ACL``, ``C/S``...)."""
        return _ABBREVIATIONS[self]


_SIDES = {
    Pattern.CUSTOMER_SUPPLIER: Side.BOTH,
    Pattern.CONFORMIST: Side.DOWNSTREAM,
    Pattern.ANTICORRUPTION_LAYER: Side.DOWNSTREAM,
    Pattern.OPEN_HOST_SERVICE: Side.UPSTREAM,
    Pattern.PUBLISHED_LANGUAGE: Side.UPSTREAM,
    Pattern.PARTNERSHIP: Side.SYMMETRIC,
    Pattern.SHARED_KERNEL: Side.SYMMETRIC,
    Pattern.SEPARATE_WAYS: Side.SYMMETRIC,
}

_ABBREVIATIONS = {
    Pattern.CUSTOMER_SUPPLIER: "C/S",
    Pattern.CONFORMIST: "CF",
    Pattern.ANTICORRUPTION_LAYER: "ACL",
    Pattern.OPEN_HOST_SERVICE: "OHS",
    Pattern.PUBLISHED_LANGUAGE: "PL",
    Pattern.PARTNERSHIP: "P",
    Pattern.SHARED_KERNEL: "SK",
    Pattern.SEPARATE_WAYS: "SW",
}

# "Anti-Corruption Layer", "customer_supplier", "ACL" all name one pattern.
_ALIASES: dict[str, Pattern] = {p.value: p for p in Pattern}
_ALIASES.update({p.abbreviation.lower(): p for p in Pattern})
_ALIASES.update(
    {
        "anti-corruption-layer": Pattern.ANTICORRUPTION_LAYER,
        "supplier-customer": Pattern.CUSTOMER_SUPPLIER,
        "cs": Pattern.CUSTOMER_SUPPLIER,
    }
)


def parse_pattern(raw: str, *, where: str) -> Pattern:
    """Read a pattern name written any usual way; reject names that are no pattern."""
    key = re.sub(r"[\s_\u2013\u2014-]+", "-", raw.strip().lower())
    try:
        return _ALIASES[key]
    except KeyError:
        known = ", ".join(p.value for p in Pattern)
        raise CatalogError(
            f"{where}: unknown context-map pattern {raw!r}; known patterns: {known}"
        ) from None


def check_combination(
    patterns: frozenset[Pattern], *, directed: bool, pair: str
) -> None:
    """Reject patterns that cannot describe one relationship together.

    - separate ways means nothing flows, so it excludes every other pattern;
    - a downstream either conforms to the upstream model or translates it
      through an anti-corruption layer, never both;
    - partners plan together as equals, while customer-supplier gives the
      upstream the last word: a pair is one or the other;
    - conformist + customer-supplier: a customer has its needs weighed in the
      supplier's planning, a conformist has no say at all.  A downstream that
      gets a say is a customer and should not also be recorded as conforming
      (Context Mapper rejects CF in a customer-supplier relationship, too);
    - a shared kernel is one model both sides compile against, so a one-way
      pair that also translates that model through an ACL contradicts itself.
    """

    def has(*wanted: Pattern) -> bool:
        return all(w in patterns for w in wanted)

    if Pattern.SEPARATE_WAYS in patterns and len(patterns) > 1:
        others = sorted(p.value for p in patterns if p is not Pattern.SEPARATE_WAYS)
        raise IllegalCombination(
            f"{pair}: separate-ways excludes every other pattern, "
            f"but the relationship also has {', '.join(others)}"
        )
    rules = (
        (
            (Pattern.CONFORMIST, Pattern.ANTICORRUPTION_LAYER),
            "a downstream either conforms or translates through an ACL",
        ),
        (
            (Pattern.PARTNERSHIP, Pattern.CUSTOMER_SUPPLIER),
            "partners evolve together as equals; customer-supplier gives the "
            "upstream the last word",
        ),
        (
            (Pattern.CONFORMIST, Pattern.CUSTOMER_SUPPLIER),
            "a customer has a say in the supplier's plans; a conformist has none",
        ),
    )
    for combo, why in rules:
        if has(*combo):
            names = " + ".join(p.value for p in combo)
            raise IllegalCombination(f"{pair}: {names} is not allowed: {why}")
    if directed and has(Pattern.SHARED_KERNEL, Pattern.ANTICORRUPTION_LAYER):
        raise IllegalCombination(
            f"{pair}: shared-kernel + anticorruption-layer is not allowed: a "
            "shared kernel is one model both sides use, there is nothing to translate"
        )
