"""The tender lifecycle as a pure state machine.

Nothing here touches the database or reads the clock: the chronograph
builds a :class:`TenderSnap` from stored data, asks :func:`due_events` what
is due at ``now`` and applies the events through the services.  The same
functions drive the hypothesis state-machine tests.

    draft ──publish──▶ tendering ──deadline──▶ opening ──window ends or all decided──▶ opened
                           │                      (per lot; < min bids ⇒ lot failed)
                           └─ objection pending: the deadline event waits (E106)

A supervisory instruction (电子办法 52) suspends a tender: no time event is due
while it is suspended; on resumption every period still running at the
suspension gets back the time it had left (:func:`give_back`).  Termination
cancels the tender and its undecided lots (:func:`terminate`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

DRAFT, TENDERING, OPENING, OPENED, FAILED, CANCELLED = "draft", "tendering", "opening", "opened", "failed", "cancelled"
CLOSE_SUBMISSION, FINISH_OPENING = "close_submission", "finish_opening"


@dataclass(frozen=True)
class LotSnap:
    id: int
    status: str
    committed_bids: int = 0
    undecided_bids: int = 0  # committed bids neither opened nor failed yet
    opening_ends_at: datetime | None = None


@dataclass(frozen=True)
class TenderSnap:
    status: str
    bid_deadline: datetime | None
    paused: bool
    lots: tuple[LotSnap, ...]
    min_bids: int = 3
    suspended: bool = False


@dataclass(frozen=True)
class TimeEvent:
    kind: str
    at: datetime
    lot_id: int | None = None


def due_events(snap: TenderSnap, now: datetime) -> list[TimeEvent]:
    """Events whose time has come; applying them all makes the call idempotent."""
    return [e for e in pending_events(snap) if e.at <= now]


def pending_events(snap: TenderSnap) -> list[TimeEvent]:
    events: list[TimeEvent] = []
    if snap.suspended:
        return events
    if snap.status == TENDERING and snap.bid_deadline and not snap.paused:
        events.append(TimeEvent(CLOSE_SUBMISSION, snap.bid_deadline))
    if snap.status == OPENING:
        for lot in snap.lots:
            if lot.status == OPENING and lot.opening_ends_at is not None:
                # Once every bid is decided the opening can finish at once.
                at = lot.opening_ends_at if lot.undecided_bids else (snap.bid_deadline or lot.opening_ends_at)
                events.append(TimeEvent(FINISH_OPENING, at, lot.id))
    return events


def next_check(snap: TenderSnap) -> datetime | None:
    times = [e.at for e in pending_events(snap)]
    return min(times) if times else None


def close_submission(snap: TenderSnap, *, opening_ends_at: datetime) -> TenderSnap:
    """At the deadline each lot with enough bids goes to opening; the others fail (E125)."""
    lots = tuple(
        replace(lot, status=OPENING, opening_ends_at=opening_ends_at, undecided_bids=lot.committed_bids)
        if lot.committed_bids >= snap.min_bids
        else replace(lot, status=FAILED)
        for lot in snap.lots
        if lot.status == TENDERING
    ) + tuple(lot for lot in snap.lots if lot.status != TENDERING)
    return replace(snap, status=overall(lots, fallback=OPENING), lots=tuple(sorted(lots, key=lambda x: x.id)))


def finish_opening(snap: TenderSnap, lot_id: int) -> TenderSnap:
    lots = tuple(replace(lot, status=OPENED, undecided_bids=0) if lot.id == lot_id and lot.status == OPENING else lot for lot in snap.lots)
    return replace(snap, status=overall(lots, fallback=OPENING), lots=lots)


def overall(lots: tuple[LotSnap, ...], *, fallback: str) -> str:
    """The tender's status from its lots' statuses."""
    statuses = {lot.status for lot in lots}
    if OPENING in statuses or TENDERING in statuses:
        return fallback
    if OPENED in statuses:
        return OPENED
    if statuses <= {CANCELLED}:
        return CANCELLED
    return FAILED


def give_back(at: datetime | None, *, suspended_at: datetime, resumed_at: datetime) -> datetime | None:
    """A period end that was still ahead at the suspension keeps the time it had left, counted from the resumption."""
    if at is None or at <= suspended_at:
        return at
    return resumed_at + (at - suspended_at)


def terminate(snap: TenderSnap) -> TenderSnap:
    """Termination by a supervisory instruction: every lot not yet decided is cancelled, and the tender with it."""
    lots = tuple(replace(lot, status=CANCELLED, undecided_bids=0) if lot.status in (DRAFT, TENDERING, OPENING, OPENED) else lot for lot in snap.lots)
    return replace(snap, status=CANCELLED, lots=lots, suspended=False)


def apply(snap: TenderSnap, event: TimeEvent, *, decrypt_window) -> TenderSnap:
    if event.kind == CLOSE_SUBMISSION:
        return close_submission(snap, opening_ends_at=event.at + decrypt_window)
    if event.kind == FINISH_OPENING and event.lot_id is not None:
        return finish_opening(snap, event.lot_id)
    raise ValueError(event.kind)
