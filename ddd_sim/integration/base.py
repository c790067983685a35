"""The base of published-language events: what contexts say to each other.

Integration events are a contract between teams, separate from any context's
domain events: a context translates its own events into these, and consumers
know only these.  ``event_type`` is the CloudEvents ``type`` (``shop.<context>.
<thing>.<happened>``), ``version`` the contract version, ``source_context``
the publisher.  Change a published field only by adding a new version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True, kw_only=True)
class IntegrationEvent:
    """A fact one context publishes for others, in the published language."""

    event_type: ClassVar[str] = ""
    version: ClassVar[int] = 1
    source_context: ClassVar[str] = ""
