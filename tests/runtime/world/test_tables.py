"""Copy-on-write tables: a snapshot never changes, whatever is written after it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddd_sim.runtime.world.tables import BLOCK, Frozen, KeyIndex, Table

Row = tuple[str, str]  # (key, phase)


def _phase(row: Row) -> str:
    return row[1]


def _table(keys: KeyIndex, frozen: Frozen | None = None) -> Table[Row]:
    return Table(keys, _phase, frozen) if frozen else Table(keys, _phase)


def _write(table: Table[Row], key: str, phase: str) -> None:
    ordinal = table.keys.get(key)
    if ordinal is None:
        ordinal = table.keys.add(key)
    table.set(ordinal, (key, phase))


@settings(max_examples=40, deadline=None)
@given(
    writes=st.lists(
        st.tuples(st.integers(0, 3 * BLOCK), st.sampled_from("abc")), max_size=400
    ),
    freeze_every=st.integers(1, 120),
)
def test_snapshots_keep_what_they_saw(
    writes: list[tuple[int, str]], freeze_every: int
) -> None:
    keys = KeyIndex()
    table = _table(keys)
    model: dict[str, str] = {}
    taken: list[tuple[Frozen, dict[str, str]]] = []
    for i, (n, phase) in enumerate(writes):
        _write(table, f"K{n}", phase)
        model[f"K{n}"] = phase
        if i % freeze_every == 0:
            taken.append((table.freeze(), dict(model)))
    taken.append((table.freeze(), dict(model)))
    for frozen, expected in taken:
        thawed = _table(keys, frozen)
        assert dict(thawed.mapping()) == {k: (k, p) for k, p in expected.items()}
        assert [row[0] for row in thawed.rows()] == list(expected)  # creation order
        assert len(thawed.rows()) == len(expected) == thawed.count
        counts = {p: n for p, n in thawed.counts.items() if n}
        assert counts == {
            p: list(expected.values()).count(p) for p in expected.values()
        }


@pytest.mark.parametrize("size", [0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK + 3])
def test_rows_at_block_edges(size: int) -> None:
    table = _table(KeyIndex())
    for n in range(size):
        _write(table, f"K{n}", "a")
    rows = table.rows()
    assert len(rows) == size == len(list(rows))
    if size:
        assert rows[-1] == (f"K{size - 1}", "a") == rows[size - 1]
        assert list(rows[BLOCK - 2 : BLOCK + 2]) == list(rows)[BLOCK - 2 : BLOCK + 2]
    with pytest.raises(IndexError):
        rows[size]


def test_a_thawed_table_copies_a_block_before_writing_it() -> None:
    keys = KeyIndex()
    table = _table(keys)
    _write(table, "K0", "a")
    frozen = table.freeze()
    thawed = _table(keys, frozen)
    _write(thawed, "K0", "b")
    _write(table, "K0", "c")
    assert frozen.blocks[0][0] == ("K0", "a")
    assert (thawed.get("K0"), table.get("K0")) == (("K0", "b"), ("K0", "c"))
