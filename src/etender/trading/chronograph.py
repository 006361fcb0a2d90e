"""The chronograph: applies due time events of every tender; idempotent.

It holds no rules of its own: it builds a pure snapshot of a tender
(:mod:`etender.trading.tenders.lifecycle`), asks which events are due at
``clock.now()`` and carries them out through the services.  Running it
twice, or from two workers at once, changes nothing the second time: each
tender is handled under its row lock and events are recomputed from the
stored state.
"""

from __future__ import annotations

from django.db import transaction

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.trading.bids import services as bid_services
from etender.trading.bids.models import Bid, BidStatus
from etender.trading.procedures import base as procedures
from etender.trading.tenders import lifecycle
from etender.trading.tenders.models import Lot, LotStatus, Tender, TenderStatus


def snapshot(tender: Tender) -> lifecycle.TenderSnap:
    lots = []
    for lot in tender.lots.all().order_by("id"):
        bids = Bid.objects.filter(lot=lot)
        lots.append(
            lifecycle.LotSnap(
                id=lot.pk,
                status=lot.status,
                committed_bids=bids.filter(status=BidStatus.SUBMITTED).count() if lot.status == LotStatus.TENDERING else bids.exclude(submitted_at=None).count(),
                undecided_bids=bids.filter(status=BidStatus.SUBMITTED).count() if lot.status == LotStatus.OPENING else 0,
                opening_ends_at=lot.opening_ends_at,
            )
        )
    return lifecycle.TenderSnap(
        status=tender.status,
        bid_deadline=tender.bid_deadline,
        paused=bid_services.pending_objections(tender),
        lots=tuple(lots),
        min_bids=procedures.get(tender.procedure).min_bids_to_open,
        suspended=tender.suspended_at is not None,  # a supervisory instruction holds every time event (电子办法 52)
    )


@transaction.atomic
def tender_apply_time_events(*, tender: Tender, actor: Actor | None = None) -> int:
    """Apply every due event of one tender; returns how many were applied."""
    actor = actor or Actor.system()
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    applied = 0
    now = clock.now()
    for _ in range(100):  # events of one tender are few; the bound guards against a bug looping
        snap = snapshot(tender)
        due = lifecycle.due_events(snap, now)
        if not due:
            break
        event = min(due, key=lambda e: e.at)
        if event.kind == lifecycle.CLOSE_SUBMISSION:
            bid_services.submission_close(actor=actor, tender=tender, min_bids=snap.min_bids)
        elif event.kind == lifecycle.FINISH_OPENING:
            bid_services.opening_finish(actor=actor, lot=Lot.objects.get(pk=event.lot_id))
        applied += 1
        statuses = tuple(tender.lots.values_list("status", flat=True))
        tender.status = lifecycle.overall(tuple(lifecycle.LotSnap(id=0, status=s) for s in statuses), fallback=TenderStatus.OPENING)
        tender.save(update_fields=["status"])
    tender.next_check = lifecycle.next_check(snapshot(tender))
    tender.save(update_fields=["next_check"])
    return applied


def tick(*, limit: int = 500) -> int:
    """One pass over every tender whose next check is due."""
    now = clock.now()
    applied = 0
    ids = list(Tender.objects.filter(next_check__lte=now).order_by("next_check").values_list("pk", flat=True)[:limit])
    for pk in ids:
        applied += tender_apply_time_events(tender=Tender(pk=pk))
    return applied
