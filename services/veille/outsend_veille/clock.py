"""The veille's one clock: the system's, shifted by an offset an operator (or a test) can move.

``OUTSEND_CLOCK_OFFSET_FILE`` names a file holding a number of seconds; the clock reads it
again whenever it changes. It lets staging rehearse a month of weekly runs in minutes, and
tests check a schedule without sleeping a week. Without the variable, it is the system clock.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from outsend_contracts.clock import utc_now


class Clock:
    def __init__(self, offset_file: Path | None = None) -> None:
        self._file = offset_file
        self._stamp: float | None = None
        self._offset = timedelta()

    @classmethod
    def from_env(cls) -> Clock:
        path = os.environ.get("OUTSEND_CLOCK_OFFSET_FILE")
        return cls(Path(path) if path else None)

    def now(self) -> datetime:
        return utc_now() + self._current_offset()

    def _current_offset(self) -> timedelta:
        if self._file is None:
            return self._offset
        try:
            stamp = self._file.stat().st_mtime_ns
        except FileNotFoundError:
            return timedelta()
        if stamp != self._stamp:
            text = self._file.read_text(encoding="utf-8").strip()
            self._offset = timedelta(seconds=float(text or 0))
            self._stamp = stamp
        return self._offset
