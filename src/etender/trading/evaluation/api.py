"""Evaluation API: committee and draw (tenderer), the evaluation room (members), clarifications (bidders)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from pydantic import Field

from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.web.api import AUTH, ErrorOut
from etender.trading.accounts.selectors import entity_of
from etender.trading.bids.models import Bid
from etender.trading.tenders.models import Lot

from . import methods, selectors, services
from .models import BidClarification, Committee, Seat

router = Router(tags=["evaluation"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 502: ErrorOut}


class SpecialtyIn(Schema):
    code: str = Field(max_length=20)
    count: int = Field(ge=1, le=50)


class CommitteeIn(Schema):
    specialties: list[SpecialtyIn]
    representatives: list[str] = Field(default_factory=list, description="user names of the tenderer's (or agency's) staff")
    evaluation_start: datetime
    evaluation_place: str = Field(max_length=200)
    duration_hours: int = Field(ge=1, le=240)
    method: str = Field("comprehensive", description="comprehensive | lowest_price (plugins: GET /evaluation/methods)")
    method_config: dict[str, Any] = Field(default_factory=dict)
    draw_mode: str = Field("random", description="random (hub draw) | special (条例 47, direct appointment with reasons)")
    special_reason: str = ""


class WarningOut(Schema):
    code: str
    message: str
    params: dict[str, Any] = {}


class CommitteeOut(Schema):
    id: int
    lot: str
    status: str
    specialties: list[dict[str, Any]]
    evaluation_start: datetime
    evaluation_place: str
    duration_hours: int
    method: str
    method_config: dict[str, Any]
    draw_mode: str
    draw_id: str
    draw_commitment: str
    draw_candidates_digest: str
    draw_proof_url: str
    draw_platform_nonce: str
    started_at: datetime | None
    ends_at: datetime | None
    extensions: int
    warnings: list[WarningOut]


def committee_out(c: Committee) -> dict[str, Any]:
    return {
        "id": c.pk, "lot": c.lot.code, "status": c.status, "specialties": c.specialties, "evaluation_start": c.evaluation_start,
        "evaluation_place": c.evaluation_place, "duration_hours": c.duration_hours, "method": c.method, "method_config": c.method_config,
        "draw_mode": c.draw_mode, "draw_id": c.draw_id, "draw_commitment": c.draw_commitment, "draw_candidates_digest": c.draw_candidates_digest,
        "draw_proof_url": c.draw_proof_url, "draw_platform_nonce": c.draw_platform_nonce, "started_at": c.started_at, "ends_at": c.ends_at,
        "extensions": c.extensions, "warnings": [{"code": w.code, "message": w.text(), "params": w.params} for w in services.warnings(c)],
    }


def _committee(committee_id: int) -> Committee:
    return get_object_or_404(Committee.objects.select_related("lot__tender"), pk=committee_id)


def _ctx(request):
    return Actor.from_request(request), request.user, entity_of(request.user)


class MethodOut(Schema):
    key: str
    name_zh: str
    name_en: str
    defaults: dict[str, Any]


@router.get("/evaluation/methods", response={200: list[MethodOut]}, summary="Evaluation methods (plugins) and their default settings")
def method_list(request):
    return [{"key": k, "name_zh": zh, "name_en": en, "defaults": methods.get(k).default_config()} for k, zh, en in methods.choices()]


@router.post("/lots/{lot_id}/committee", response={201: CommitteeOut, **ERRORS}, auth=AUTH, summary="Set the committee of an opened lot (E129)")
def committee_create(request, lot_id: int, payload: CommitteeIn):
    actor, _, entity = _ctx(request)
    lot = get_object_or_404(Lot, pk=lot_id)
    c = services.committee_create(actor=actor, entity=entity, lot=lot, specialties=[s.dict() for s in payload.specialties], representatives=payload.representatives, evaluation_start=payload.evaluation_start, evaluation_place=payload.evaluation_place, duration_hours=payload.duration_hours, method=payload.method, method_config=payload.method_config, draw_mode=payload.draw_mode, special_reason=payload.special_reason)
    return 201, committee_out(c)


@router.get("/committees/{committee_id}", response={200: CommitteeOut, **ERRORS}, auth=AUTH)
def committee_get(request, committee_id: int):
    c = _committee(committee_id)
    selectors.names_visible(c, user=request.user, entity=entity_of(request.user))  # E133 for outsiders
    return committee_out(c)


class MemberOut(Schema):
    id: int
    pseudonym: str
    name: str
    kind: str
    specialty: str
    employer: str
    mobile: str
    expert_ref: str
    status: str
    is_chair: bool
    checked_in_at: datetime | None


@router.get("/committees/{committee_id}/members", response={200: list[MemberOut], **ERRORS}, auth=AUTH, summary="Members: names for the committee and the tenderer, pseudonyms for the operator's staff, E133 otherwise; every access logged")
def committee_members(request, committee_id: int):
    actor, user, entity = _ctx(request)
    return selectors.committee_members(_committee(committee_id), actor=actor, user=user, entity=entity)


@router.post("/committees/{committee_id}/draw", response={200: CommitteeOut, **ERRORS}, auth=AUTH, summary="Request the hub's draw: returns the seed commitment")
def draw_request(request, committee_id: int):
    actor, _, entity = _ctx(request)
    return committee_out(services.draw_request(actor=actor, entity=entity, committee=_committee(committee_id)))


@router.post("/committees/{committee_id}/draw/execute", response={200: CommitteeOut, **ERRORS}, auth=AUTH, summary="Execute the committed draw with a random platform nonce")
def draw_execute(request, committee_id: int):
    actor, _, entity = _ctx(request)
    return committee_out(services.draw_execute(actor=actor, entity=entity, committee=_committee(committee_id)))


@router.post("/committees/{committee_id}/draw/refresh", response={200: CommitteeOut, **ERRORS}, auth=AUTH, summary="Poll the members' confirmations at the hub")
def draw_refresh(request, committee_id: int):
    actor, user, entity = _ctx(request)
    c = _committee(committee_id)
    selectors.names_visible(c, user=user, entity=entity)
    return committee_out(services.draw_refresh(actor=actor, committee=c))


class AppointIn(Schema):
    experts: list[dict[str, str]] = Field(description='[{"username": "...", "specialty": "..."}]')


@router.post("/committees/{committee_id}/appoint", response={200: CommitteeOut, **ERRORS}, auth=AUTH, summary="Direct appointment for a special project only (条例 47; E130 otherwise)")
def appoint(request, committee_id: int, payload: AppointIn):
    actor, _, entity = _ctx(request)
    return committee_out(services.seats_appoint(actor=actor, entity=entity, committee=_committee(committee_id), experts=payload.experts))


class ReplaceIn(Schema):
    reason: str = Field(max_length=2000)
    new_username: str = ""


@router.post("/committees/{committee_id}/seats/{seat_id}/replace", response={200: MemberOut, **ERRORS}, auth=AUTH, summary="Replace a member (hub replacement draw for experts); the replaced member's conclusions are void (E135)")
def seat_replace(request, committee_id: int, seat_id: int, payload: ReplaceIn):
    actor, user, entity = _ctx(request)
    c = _committee(committee_id)
    services.seat_replace(actor=actor, entity=entity, committee=c, seat=get_object_or_404(Seat, pk=seat_id, committee=c), reason=payload.reason, new_username=payload.new_username)
    return [m for m in selectors.committee_members(c, actor=actor, user=user, entity=entity)][-1]


class SeatIn(Schema):
    seat_id: int


@router.post("/committees/{committee_id}/chair", response={200: dict, **ERRORS}, auth=AUTH, summary="Elect or appoint the chair among the members")
def chair(request, committee_id: int, payload: SeatIn):
    actor, user, entity = _ctx(request)
    c = _committee(committee_id)
    seat = services.chair_set(actor=actor, user=user, entity=entity, committee=c, seat=get_object_or_404(Seat, pk=payload.seat_id, committee=c))
    return {"chair": seat.pseudonym}


class ConfirmIn(Schema):
    confirmed: bool
    reason: str = ""


@router.post("/committees/{committee_id}/confirm", response={200: dict, **ERRORS}, auth=AUTH, summary="An expert confirms or declines (passed on to the hub)")
def confirm(request, committee_id: int, payload: ConfirmIn):
    actor, user, _ = _ctx(request)
    seat = services.seat_confirm(actor=actor, user=user, committee=_committee(committee_id), confirmed=payload.confirmed, reason=payload.reason)
    return {"seat": seat.pseudonym, "status": seat.status}


@router.post("/committees/{committee_id}/check-in", response={200: dict, **ERRORS}, auth=AUTH, summary="A member checks in (EXPERT_CHECK_IN_TIME)")
def check_in(request, committee_id: int):
    actor, user, _ = _ctx(request)
    seat = services.seat_check_in(actor=actor, user=user, committee=_committee(committee_id))
    return {"seat": seat.pseudonym, "checked_in_at": seat.checked_in_at.isoformat()}


@router.post("/committees/{committee_id}/begin", response={200: CommitteeOut, **ERRORS}, auth=AUTH, summary="Start the evaluation (E070 until ready); flags abnormally low prices (W137)")
def begin(request, committee_id: int):
    actor, user, entity = _ctx(request)
    return committee_out(services.evaluation_begin(actor=actor, user=user, entity=entity, committee=_committee(committee_id)))


class BidRowOut(Schema):
    id: int
    bidder: str
    bidder_code: str
    price: Decimal
    form: dict[str, Any]
    rejected: bool
    rejection_item: int | None
    rejection_reason: str
    abnormally_low: bool


@router.get("/committees/{committee_id}/bids", response={200: list[BidRowOut], **ERRORS}, auth=AUTH, summary="The opened bids, for committee members (logged)")
def bids(request, committee_id: int):
    actor, user, _ = _ctx(request)
    c = _committee(committee_id)
    seat = selectors.require_member(c, user)
    audit_record(actor=actor, action="evaluation.bids_viewed", obj=c, data={"seat": seat.pseudonym})
    reviews = selectors.reviews(c)
    out = []
    for b in selectors.opened_bids(c.lot):
        r = reviews.get(b.pk)
        out.append({"id": b.pk, "bidder": b.bidder.name, "bidder_code": b.bidder.credit_code, "price": b.price, "form": b.form, "rejected": bool(r and r.rejected), "rejection_item": r.rejection_item if r else None, "rejection_reason": r.rejection_reason if r else "", "abnormally_low": bool(r and r.abnormally_low)})
    return out


class RejectIn(Schema):
    item: int | None = Field(None, description="条例 51 item 1–7")
    reason: str = Field("", max_length=4000)


@router.post("/committees/{committee_id}/bids/{bid_id}/reject", response={200: dict, **ERRORS}, auth=AUTH, summary="否决投标 (E136), recorded by the chair")
def reject(request, committee_id: int, bid_id: int, payload: RejectIn):
    actor, user, _ = _ctx(request)
    c = _committee(committee_id)
    r = services.bid_reject(actor=actor, user=user, committee=c, bid=get_object_or_404(Bid, pk=bid_id, lot=c.lot), item=payload.item, reason=payload.reason)
    return {"bid": r.bid_id, "rejected": r.rejected, "item": r.rejection_item}


class QuestionIn(Schema):
    question: str = Field(max_length=4000)
    hours: int = Field(2, ge=1, le=72)


class ClarificationOut(Schema):
    id: int
    bid: int
    lot: str
    kind: str
    question: str
    asked_at: datetime
    due_at: datetime
    answer: str
    answered_at: datetime | None


def clar_out(c: BidClarification) -> dict[str, Any]:
    return {"id": c.pk, "bid": c.bid_id, "lot": c.bid.lot.code, "kind": c.kind, "question": c.question, "asked_at": c.asked_at, "due_at": c.due_at, "answer": c.answer, "answered_at": c.answered_at}


@router.post("/committees/{committee_id}/bids/{bid_id}/clarifications", response={201: ClarificationOut, **ERRORS}, auth=AUTH, summary="Ask a bidder for a written clarification (条例 52)")
def clarification_ask(request, committee_id: int, bid_id: int, payload: QuestionIn):
    actor, user, _ = _ctx(request)
    c = _committee(committee_id)
    return 201, clar_out(services.clarification_ask(actor=actor, user=user, committee=c, bid=get_object_or_404(Bid, pk=bid_id, lot=c.lot), question=payload.question, hours=payload.hours))


class LowPriceIn(Schema):
    accepted: bool
    reason: str = Field(max_length=4000)


@router.post("/committees/{committee_id}/bids/{bid_id}/low-price", response={200: dict, **ERRORS}, auth=AUTH, summary="The committee's finding on a low-price explanation (W137)")
def low_price(request, committee_id: int, bid_id: int, payload: LowPriceIn):
    actor, user, _ = _ctx(request)
    c = _committee(committee_id)
    r = services.low_price_decide(actor=actor, user=user, committee=c, bid=get_object_or_404(Bid, pk=bid_id, lot=c.lot), accepted=payload.accepted, reason=payload.reason)
    return {"bid": r.bid_id, "accepted": r.low_explanation_accepted, "rejected": r.rejected}


@router.get("/clarifications/mine", response={200: list[ClarificationOut], **ERRORS}, auth=AUTH, summary="Clarification requests to the caller's entity")
def my_clarifications(request):
    entity = entity_of(request.user)
    return [clar_out(c) for c in selectors.clarifications_for_bidder(entity)] if entity else []


class AnswerIn(Schema):
    answer: str = Field(max_length=20000)
    new_price: Decimal | None = Field(None, description="must equal the bid price (E138)")
    new_duration_days: int | None = None
    new_quality: str | None = None


@router.post("/clarifications/{clarification_id}/answer", response={200: ClarificationOut, **ERRORS}, auth=AUTH, summary="The bidder's written answer; it may not change the bid's substance (E138)")
def clarification_answer(request, clarification_id: int, payload: AnswerIn):
    actor, _, entity = _ctx(request)
    c = get_object_or_404(BidClarification, pk=clarification_id)
    return clar_out(services.clarification_answer(actor=actor, entity=entity, clarification=c, answer=payload.answer, new_price=payload.new_price, new_duration_days=payload.new_duration_days, new_quality=payload.new_quality))


class TimeIn(Schema):
    insufficient: bool


@router.post("/committees/{committee_id}/time", response={200: list[WarningOut], **ERRORS}, auth=AUTH, summary="A member says the time is insufficient; > 1/3 extends it (W134)")
def time_opinion(request, committee_id: int, payload: TimeIn):
    actor, user, _ = _ctx(request)
    return [{"code": w.code, "message": w.text(), "params": w.params} for w in services.time_insufficient_set(actor=actor, user=user, committee=_committee(committee_id), insufficient=payload.insufficient)]


class DecisionIn(Schema):
    decision: str = Field(description="continue | reject_all")
    reason: str = Field(max_length=4000)


@router.post("/committees/{committee_id}/few-bids", response={200: CommitteeOut, **ERRORS}, auth=AUTH, summary="Decision on fewer than 3 valid bids (W139)")
def few_bids(request, committee_id: int, payload: DecisionIn):
    actor, user, _ = _ctx(request)
    return committee_out(services.few_bids_decide(actor=actor, user=user, committee=_committee(committee_id), decision=payload.decision, reason=payload.reason))


class SheetIn(Schema):
    scores: dict[str, dict[str, Any]] = Field(description='{"<bid id>": {"technical": "30.5", "commercial": "15"}} or {"<bid id>": {"responsive": true}}')


class SheetOut(Schema):
    member: str
    scores: dict[str, Any]
    signed_at: datetime | None
    signature: str
    document: dict[str, Any] | None


def sheet_out(s) -> dict[str, Any]:
    return {"member": s.seat.pseudonym, "scores": s.scores, "signed_at": s.signed_at, "signature": s.signature, "document": s.document}


@router.get("/committees/{committee_id}/sheets", response={200: list[SheetOut], **ERRORS}, auth=AUTH, summary="Score sheets: only your own until you have signed it")
def sheets(request, committee_id: int):
    c = _committee(committee_id)
    seat = selectors.require_member(c, request.user)
    return [sheet_out(s) for s in selectors.sheets_visible(c, seat)]


@router.put("/committees/{committee_id}/sheet", response={200: SheetOut, **ERRORS}, auth=AUTH, summary="Save your scores (E072 range, E073 after signing)")
def sheet_save(request, committee_id: int, payload: SheetIn):
    actor, user, _ = _ctx(request)
    return sheet_out(services.sheet_save(actor=actor, user=user, committee=_committee(committee_id), scores=payload.scores))


@router.post("/committees/{committee_id}/sheet/sign", response={200: SheetOut, **ERRORS}, auth=AUTH, summary="Sign your score sheet (Ed25519 over its canonical JSON, logged)")
def sheet_sign(request, committee_id: int):
    actor, user, _ = _ctx(request)
    return sheet_out(services.sheet_sign(actor=actor, user=user, committee=_committee(committee_id)))


class ReportOut(Schema):
    id: int
    content: dict[str, Any]
    content_sha256: str
    failed: bool
    submitted_at: datetime | None
    signatures: list[dict[str, Any]]


def report_out(r) -> dict[str, Any]:
    return {"id": r.pk, "content": r.content, "content_sha256": r.content_sha256, "failed": r.failed, "submitted_at": r.submitted_at, "signatures": [{"member": s.seat.pseudonym, "agrees": s.agrees, "dissent": s.dissent, "signed_at": s.signed_at.isoformat(), "signature": s.signature} for s in r.signatures.select_related("seat")]}


def _report_reader(request, c: Committee):
    mode = selectors.names_visible(c, user=request.user, entity=entity_of(request.user))
    r = getattr(c, "report", None)
    if r is None:
        from etender.kernel.errors import RuleViolation

        raise RuleViolation("E005")
    audit_record(actor=Actor.from_request(request), action="evaluation.report_viewed", obj=c, data={"mode": mode})
    return r


@router.post("/committees/{committee_id}/report", response={200: ReportOut, **ERRORS}, auth=AUTH, summary="The chair compiles the report from the signed sheets (≤ 3 candidates, E140)")
def report_prepare(request, committee_id: int):
    actor, user, _ = _ctx(request)
    return report_out(services.report_prepare(actor=actor, user=user, committee=_committee(committee_id)))


class SignIn(Schema):
    agrees: bool = True
    dissent: str = Field("", max_length=4000)


@router.post("/committees/{committee_id}/report/sign", response={200: dict, **ERRORS}, auth=AUTH, summary="Sign the report; a dissent in writing if you disagree (E140)")
def report_sign(request, committee_id: int, payload: SignIn):
    actor, user, _ = _ctx(request)
    s = services.report_sign(actor=actor, user=user, committee=_committee(committee_id), agrees=payload.agrees, dissent=payload.dissent)
    return {"member": s.seat.pseudonym, "signature": s.signature}


@router.post("/committees/{committee_id}/report/submit", response={200: ReportOut, **ERRORS}, auth=AUTH, summary="Submit the report signed by every member (E140); sends 508 and 509")
def report_submit(request, committee_id: int):
    actor, user, entity = _ctx(request)
    return report_out(services.report_submit(actor=actor, user=user, entity=entity, committee=_committee(committee_id)))


@router.get("/committees/{committee_id}/report", response={200: ReportOut, **ERRORS}, auth=AUTH)
def report_get(request, committee_id: int):
    return report_out(_report_reader(request, _committee(committee_id)))


@router.get("/committees/{committee_id}/report.pdf", auth=AUTH, response={200: None, **ERRORS}, summary="The report as PDF")
def report_pdf(request, committee_id: int):
    r = _report_reader(request, _committee(committee_id))
    resp = HttpResponse(selectors.report_pdf(r), content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="evaluation-report-{r.committee.lot.code}.pdf"'
    return resp
