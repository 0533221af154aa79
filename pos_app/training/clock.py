"""The training gateway's controllable clock.

Gateway time = real UTC time + an offset. Tests move it with ``advance(seconds)`` or ``set(datetime)`` instead
of sleeping: that is how tokens expire, the void window closes and payments settle. Time keeps flowing after a
change (an offset, not a frozen instant), so timestamps stay strictly ordered like a real server's.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class GatewayClock:
    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Current gateway time, timezone-aware UTC."""
        with self._lock:
            return datetime.now(UTC) + self._offset

    def advance(self, seconds: float) -> datetime:
        """Move gateway time forward (negative moves it back); returns the new now()."""
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()

    def set(self, when: datetime) -> datetime:
        """Make now() equal ``when`` (must be timezone-aware) from this moment on."""
        if when.tzinfo is None:
            raise ValueError("clock.set needs a timezone-aware datetime")
        with self._lock:
            self._offset = when - datetime.now(UTC)
        return self.now()

    def reset(self) -> None:
        """Back to real time."""
        with self._lock:
            self._offset = timedelta(0)

    @property
    def offset(self) -> timedelta:
        with self._lock:
            return self._offset
