"""What changed between two versions of a read model, document by document."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ddd_sim.shared.events import JsonObject


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One value that differs: the document key, a dotted path, old and new."""

    key: str
    path: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class ReadModelDiff:
    """Documents only in the new model, only in the old one, and changed values."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[FieldChange, ...]

    @property
    def is_empty(self) -> bool:
        """True when both models hold the same documents."""
        return not (self.added or self.removed or self.changed)

    def summary(self) -> str:
        """One line for a user: how many documents were added, removed, changed."""
        keys = len({change.key for change in self.changed})
        return (
            f"{len(self.added)} added, {len(self.removed)} removed, "
            f"{keys} changed ({len(self.changed)} values)"
        )


_MISSING = object()


def _walk(key: str, path: str, old: Any, new: Any, out: list[FieldChange]) -> None:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for name in sorted(set(old) | set(new)):
            sub = f"{path}.{name}" if path else str(name)
            _walk(key, sub, old.get(name, _MISSING), new.get(name, _MISSING), out)
    elif old != new or type(old) is not type(new):
        out.append(
            FieldChange(
                key,
                path or "(document)",
                None if old is _MISSING else old,
                None if new is _MISSING else new,
            )
        )


def diff_read_models(
    old: Mapping[str, JsonObject], new: Mapping[str, JsonObject]
) -> ReadModelDiff:
    """Compare two read models; nested objects are compared field by field."""
    added = tuple(sorted(set(new) - set(old)))
    removed = tuple(sorted(set(old) - set(new)))
    changed: list[FieldChange] = []
    for key in sorted(set(old) & set(new)):
        _walk(key, "", old[key], new[key], changed)
    return ReadModelDiff(added, removed, tuple(changed))
