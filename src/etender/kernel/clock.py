"""The one source of "now" for business rules.

Deadlines are decided by :func:`now`, never by ``datetime.now()`` or
``timezone.now()`` scattered through the code.  Tests and demos inject a
clock with :func:`use` (process-wide, so a live test server thread sees it
too); production uses the system clock, which operators keep NTP-synced to
the national time service.

``ETENDER_CLOCK_OFFSET`` (seconds, may be negative) shifts the system clock
for a whole process; the demo uses it to show tenders at other moments.
"""

from __future__ import annotations

import abc
import contextlib
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta


class Clock(abc.ABC):
    @abc.abstractmethod
    def now(self) -> datetime: ...


class SystemClock(Clock):
    def __init__(self, offset: timedelta = timedelta(0)):
        self.offset = offset

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


class FrozenClock(Clock):
    """A clock that only moves when told to; thread-safe."""

    def __init__(self, at: datetime):
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._at = at
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._at

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        with self._lock:
            self._at = at

    def advance(self, **delta: float) -> datetime:
        with self._lock:
            self._at = self._at + timedelta(**delta)
            return self._at


def _initial() -> Clock:
    offset = os.environ.get("ETENDER_CLOCK_OFFSET")
    return SystemClock(timedelta(seconds=float(offset))) if offset else SystemClock()


_current: Clock = _initial()


def now() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return _current.now()


def current() -> Clock:
    return _current


def install(clock: Clock) -> Clock:
    """Replace the process clock; returns the previous one."""
    global _current
    previous, _current = _current, clock
    return previous


@contextlib.contextmanager
def use(clock: Clock) -> Iterator[Clock]:
    previous = install(clock)
    try:
        yield clock
    finally:
        install(previous)
