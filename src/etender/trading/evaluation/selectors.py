"""Reads of the evaluation, with its confidentiality rules (E133, independent scoring).

For helper AWARD (interfaces.md, issue 5):

- ``report_for_lot(lot) -> EvaluationReport | None``: the submitted report of a lot (every member signed), else None.
  ``report.submitted_at``; ``report.candidates`` (Candidate rows in rank order, at most 3: ``.rank``, ``.bid``
  (bids.Bid), ``.entity`` (accounts.Entity), ``.price`` (Decimal), ``.score`` (Decimal or None for the lowest-price
  method), ``.summary``); ``report.failed`` (True when the committee rejected every bid / no candidate);
  ``report.committee`` with ``.seats`` (use ``committee_members`` below to read names: E133);
  ``report.pdf_bytes()`` or ``report_pdf(report)`` for the signed PDF.
- ``committee_for_lot(lot) -> Committee | None``.
- ``expert_refs(committee) -> list[str]``: hub refs of the experts who sat to the end (for performance ratings).
- ``lot_stage(lot) -> str``: "", "committee", "drawn", "evaluating", "reported".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.errors import RuleViolation
from etender.trading.bids.models import Bid, BidStatus
from etender.trading.tenders.models import Lot

from .models import BidClarification, BidReview, Committee, CommitteeStatus, EvaluationReport, ExpertLink, ScoreSheet, Seat


def report_for_lot(lot: Lot) -> EvaluationReport | None:
    """The lot's submitted evaluation report (signed by every member), or None before submission."""
    return EvaluationReport.objects.select_related("committee__lot__tender").filter(committee__lot=lot, submitted_at__isnull=False).first()


def report_pdf(report: EvaluationReport) -> bytes:
    from .pdf import report_pdf as build

    return build(report)


def committee_for_lot(lot: Lot) -> Committee | None:
    return Committee.objects.select_related("lot__tender").filter(lot=lot).first()


def expert_refs(committee: Committee) -> list[str]:
    return list(committee.seats.filter(kind=Seat.Kind.EXPERT).exclude(status__in=[Seat.Status.REPLACED, Seat.Status.DECLINED]).order_by("position").values_list("expert_ref", flat=True))


def lot_stage(lot: Lot) -> str:
    c = committee_for_lot(lot)
    if c is None:
        return ""
    return {CommitteeStatus.DRAFT: "committee", CommitteeStatus.COMMITTED: "committee", CommitteeStatus.DRAWN: "drawn", CommitteeStatus.EVALUATING: "evaluating", CommitteeStatus.REPORTED: "reported"}[c.status]


# --------------------------------------------------------------------------- who may see what


def seat_of(committee: Committee, user) -> Seat | None:
    """The user's active seat on the committee (an expert by the hub ref linked to the account, or a representative)."""
    if user is None or not user.is_authenticated:
        return None
    seats = committee.seats.exclude(status__in=[Seat.Status.REPLACED, Seat.Status.DECLINED])
    seat = seats.filter(user=user).first()
    if seat is None:
        link = ExpertLink.objects.filter(user=user).first()
        if link is not None:
            seat = seats.filter(expert_ref=link.expert_ref).first()
    return seat


def seats_of_user(user) -> QuerySet[Seat]:
    """Every seat (any committee) of a signed-in user: the lots an expert sits on."""
    from django.db.models import Q

    link = ExpertLink.objects.filter(user=user).first() if user.is_authenticated else None
    q = Q(user=user) if user.is_authenticated else Q(pk__in=[])
    if link is not None:
        q |= Q(expert_ref=link.expert_ref, kind=Seat.Kind.EXPERT)
    return Seat.objects.filter(q).exclude(status__in=[Seat.Status.REPLACED]).select_related("committee__lot__tender").order_by("-committee__evaluation_start")


def is_manager(committee: Committee, entity) -> bool:
    from etender.trading.tenders.services import can_manage

    return can_manage(committee.lot.tender, entity)


def names_visible(committee: Committee, *, user, entity) -> str:
    """How the viewer may see member names (E133): "names", "pseudonyms" (operator staff), or raises E133."""
    if committee.revealed_at is not None:
        return "names"
    if seat_of(committee, user) is not None or is_manager(committee, entity):
        return "names"
    if getattr(user, "is_staff", False):
        return "pseudonyms"
    raise RuleViolation("E133", detail_zh="评标委员会成员名单在中标结果确定前保密", detail_en="committee members stay confidential until the result is decided")


def committee_members(committee: Committee, *, actor: Actor, user, entity, include_replaced: bool = True) -> list[dict[str, Any]]:
    """The members as the viewer may see them; every access is logged (招标投标法 37, E133)."""
    mode = names_visible(committee, user=user, entity=entity)
    audit_record(actor=actor, action="committee.members_viewed", obj=committee, data={"mode": mode})
    rows = []
    qs = committee.seats.order_by("position", "id")
    if not include_replaced:
        qs = qs.exclude(status=Seat.Status.REPLACED)
    for s in qs:
        row = {"id": s.pk, "pseudonym": s.pseudonym, "kind": s.kind, "specialty": s.specialty, "status": s.status, "is_chair": s.is_chair, "checked_in_at": s.checked_in_at, "position": s.position}
        if mode == "names":
            row.update({"name": s.name, "employer": s.employer, "mobile": s.mobile if committee.revealed_at is None else "", "expert_ref": s.expert_ref})
        else:
            row.update({"name": s.pseudonym, "employer": "", "mobile": "", "expert_ref": ""})
        rows.append(row)
    return rows


def require_member(committee: Committee, user) -> Seat:
    seat = seat_of(committee, user)
    if seat is None:
        raise RuleViolation("E006", detail_zh="仅评标委员会成员可进入评标室", detail_en="only committee members enter the evaluation room")
    return seat


# --------------------------------------------------------------------------- bids under evaluation


def opened_bids(lot: Lot) -> list[Bid]:
    return list(Bid.objects.filter(lot=lot, status=BidStatus.OPENED).select_related("bidder").order_by("submitted_at", "id"))


def reviews(committee: Committee) -> dict[int, BidReview]:
    return {r.bid_id: r for r in committee.reviews.all()}


def valid_bids(committee: Committee) -> list[Bid]:
    """Opened bids the committee has not rejected (否决)."""
    rejected = set(committee.reviews.filter(rejected=True).values_list("bid_id", flat=True))
    return [b for b in opened_bids(committee.lot) if b.pk not in rejected]


def benchmark(committee: Committee) -> Decimal | None:
    from . import methods

    m = methods.get(committee.method)
    return m.benchmark([b.price for b in valid_bids(committee)], committee.method_config)


def open_clarifications(committee: Committee) -> QuerySet[BidClarification]:
    return committee.clarifications.filter(answered_at__isnull=True)


def sheet_of(seat: Seat) -> ScoreSheet | None:
    return ScoreSheet.objects.filter(seat=seat).first()


def sheets_visible(committee: Committee, seat: Seat) -> list[ScoreSheet]:
    """Independent scoring: a member sees only their own sheet until they have signed it."""
    own = sheet_of(seat)
    if own is None or own.signed_at is None:
        return [own] if own else []
    return list(committee.sheets.filter(void=False, signed_at__isnull=False).select_related("seat").order_by("seat__position"))


def bid_package_path(bid: Bid) -> str:
    """The opened bid's files as stored at the opening (trading bids: opened-bids/<lot>/<bidder>.zip)."""
    return f"opened-bids/{bid.lot.code}/{bid.bidder.credit_code}.zip"


def expert_link_of(user) -> ExpertLink | None:
    return ExpertLink.objects.filter(user=user).first() if user is not None and user.is_authenticated else None


def clarifications_for_bidder(entity) -> QuerySet[BidClarification]:
    return BidClarification.objects.filter(bid__bidder=entity).select_related("bid__lot__tender").order_by("-asked_at")
