"""The candidate publicity as a pure state machine (no ORM, no clock): 条例 54.

A publicity runs from its start to its end.  An objection raised during the
publicity pauses it (and the award) until the tenderer answers; when the last
pending objection is answered the time it was paused is given back (the end
moves by the pause), so bidders get the whole period they were promised.  The
only time event is the end of the publicity; it is never due while paused.

Every function returns a new snapshot; the services store it and the chronograph
applies due events, which makes ticks idempotent by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

RUNNING, ENDED = "running", "ended"
END = "end_publicity"


class Refused(Exception):
    """An event that the machine does not accept in this state (the caller maps it to a coded error)."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)


@dataclass(frozen=True)
class PublicitySnap:
    status: str
    start_at: datetime
    end_at: datetime
    paused_since: datetime | None = None
    pending: int = 0
    paused_seconds: int = 0

    @property
    def paused(self) -> bool:
        return self.pending > 0


@dataclass(frozen=True)
class Event:
    kind: str
    at: datetime


def in_publicity(snap: PublicitySnap, now: datetime) -> bool:
    """Objections are possible while the publicity runs (paused counts: it has not ended)."""
    return snap.status == RUNNING and snap.start_at <= now and (snap.paused or now < snap.end_at)


def raise_objection(snap: PublicitySnap, now: datetime) -> PublicitySnap:
    if not in_publicity(snap, now):
        raise Refused("E077")
    return replace(snap, pending=snap.pending + 1, paused_since=snap.paused_since or now)


def answer_objection(snap: PublicitySnap, now: datetime) -> PublicitySnap:
    if snap.pending <= 0:
        raise Refused("E007")
    if snap.pending > 1:
        return replace(snap, pending=snap.pending - 1)
    assert snap.paused_since is not None
    paused = max(now - snap.paused_since, timedelta(0))
    return replace(snap, pending=0, paused_since=None, end_at=snap.end_at + paused, paused_seconds=snap.paused_seconds + int(paused.total_seconds()))


def due_events(snap: PublicitySnap, now: datetime) -> list[Event]:
    if snap.status == RUNNING and not snap.paused and now >= snap.end_at:
        return [Event(END, snap.end_at)]
    return []


def apply(snap: PublicitySnap, event: Event) -> PublicitySnap:
    if event.kind == END:
        return replace(snap, status=ENDED)
    raise ValueError(event.kind)


def next_check(snap: PublicitySnap) -> datetime | None:
    """When the chronograph must look again (None while paused: the answer wakes it)."""
    if snap.status == RUNNING and not snap.paused:
        return snap.end_at
    return None


def may_award(snap: PublicitySnap) -> str | None:
    """None when a winner may be decided, else the code that says why not."""
    if snap.paused:
        return "E075"
    if snap.status != ENDED:
        return "E076"
    return None
