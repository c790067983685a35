"""Small catalogs for rule tests: two or three contexts, one rule at a time."""

from __future__ import annotations

from collections.abc import Mapping

from ddd_sim.runtime.catalog import (
    BoundedContext,
    ContextCatalog,
    StoreType,
    build_catalog,
)


def ctx(
    name: str,
    *,
    deps: tuple[str, ...] = (),
    consumers: tuple[str, ...] = (),
    rel: Mapping[str, tuple[str, ...]] | None = None,
    **extra: object,
) -> BoundedContext:
    """A valid internal context unless the test says otherwise."""
    fields: dict[str, object] = {
        "team": f"{name} team",
        "purpose": f"does {name} things",
        "store": StoreType.RELATIONAL,
    }
    fields.update(extra)
    return BoundedContext(
        name=name,
        dependencies=deps,
        consumers=consumers,
        relationships=dict(rel or {}),
        **fields,
    )


def pair(
    up: tuple[str, ...] = (),
    down: tuple[str, ...] = (),
    *,
    flow: str = "one-way",
) -> ContextCatalog:
    """Contexts ``up`` and ``down``; ``flow`` is one-way (up -> down), mutual or none.

    ``up``/``down`` are the patterns each side declares toward the other.
    """
    if flow == "one-way":
        up_flow = {"consumers": ("down",)}
        down_flow = {"deps": ("up",)}
    elif flow == "mutual":
        up_flow = {"consumers": ("down",), "deps": ("down",)}
        down_flow = {"consumers": ("up",), "deps": ("up",)}
    else:
        up_flow, down_flow = {}, {}
    contexts = [
        ctx("up", rel={"down": up} if up else None, **up_flow),
        ctx("down", rel={"up": down} if down else None, **down_flow),
    ]
    return build_catalog("Pair", contexts)
