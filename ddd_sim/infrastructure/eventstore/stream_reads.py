"""The two stream reads every store shares; each store only says how to get the rows."""

from __future__ import annotations

import abc

from ddd_sim.infrastructure.eventstore.codec import Row, RowDecoder
from ddd_sim.shared.events import EventData, RecordedEvent


class StreamReads(abc.ABC):
    """``read_stream`` (full records) and ``read_stream_data`` (the replay path)."""

    _decoder: RowDecoder

    @abc.abstractmethod
    def _stream_rows(
        self,
        stream_id: str,
        from_version: int,
        to_version: int | None,
        until_position: int | None,
        until_sim_time: float | None,
    ) -> list[Row]:
        """A stream's stored rows in version order, within the given limits."""

    def read_stream(
        self,
        stream_id: str,
        *,
        from_version: int = 1,
        to_version: int | None = None,
        until_position: int | None = None,
        until_sim_time: float | None = None,
        raw: bool = False,
    ) -> list[RecordedEvent]:
        """A stream's events in version order, upcast unless ``raw``."""
        rows = self._stream_rows(
            stream_id, from_version, to_version, until_position, until_sim_time
        )
        return self._decoder.decode(rows, raw)

    def read_stream_data(
        self,
        stream_id: str,
        *,
        from_version: int = 1,
        to_version: int | None = None,
        until_position: int | None = None,
        until_sim_time: float | None = None,
    ) -> list[EventData]:
        """A stream's verified, upcast payloads: the replay path."""
        rows = self._stream_rows(
            stream_id, from_version, to_version, until_position, until_sim_time
        )
        return self._decoder.decode_data(rows, False)
