"""Seeded random streams, one per subsystem, derived by name.

Each stream is seeded from SHA-256 of ``"<seed>:<name>"`` (never Python's
salted ``hash``), so a subsystem's draws depend only on the seed and its own
name: adding draws in one never shifts another's.
"""

from __future__ import annotations

import hashlib
import random


class RandomStreams:
    """Named ``random.Random`` streams derived from one seed."""

    def __init__(self, seed: int, *, prefix: str = "") -> None:
        self._seed = seed
        self._prefix = prefix
        self._streams: dict[str, random.Random] = {}

    @property
    def seed(self) -> int:
        return self._seed

    def stream(self, name: str) -> random.Random:
        """The stream called ``name`` (the same object on every call)."""
        full = self._prefix + name
        found = self._streams.get(full)
        if found is None:
            digest = hashlib.sha256(f"{self._seed}:{full}".encode()).digest()
            found = self._streams[full] = random.Random(
                int.from_bytes(digest[:16], "big")
            )
        return found

    def child(self, prefix: str) -> RandomStreams:
        """Streams whose names are all prefixed (a subsystem's own family)."""
        return RandomStreams(self._seed, prefix=f"{self._prefix}{prefix}.")
