"""API of the award stage: publicity, objections, award, notices, contract, refunds, written report, archive."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from pydantic import Field

from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation
from etender.kernel.web.api import AUTH, AUTH_OPTIONAL, ErrorOut
from etender.trading.accounts.api import require_entity
from etender.trading.accounts.selectors import entity_of
from etender.trading.tenders.models import Lot, Tender

from . import selectors, services
from .models import ArchiveItem, Award, Contract, Objection, Refund

router = Router(tags=["award"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _pdf(data: bytes, name: str) -> HttpResponse:
    r = HttpResponse(bytes(data), content_type="application/pdf")
    r["Content-Disposition"] = f'attachment; filename="{name}"'
    return r


class CandidateOut(Schema):
    rank: int
    name: str
    credit_code: str
    price: Decimal
    score: str
    evaluation_status: str
    quality: str
    duration_days: int | None
    project_manager: str
    pm_certificates: str
    qualification: str


class ObjectionOut(Schema):
    id: int
    raised_by: str
    content: str
    raised_at: datetime
    answer_due: datetime
    status: str
    answer: str
    answered_at: datetime | None
    late: bool


class PublicityOut(Schema):
    id: int
    lot_code: str
    title: str
    start_at: datetime
    end_at: datetime
    minimum_end_at: datetime
    status: str
    paused: bool
    late: bool
    objection_method: str
    content_sha256: str
    candidates: list[CandidateOut]


def _cand(c) -> dict[str, Any]:
    return {"rank": c.rank, "name": c.entity.name, "credit_code": c.entity.credit_code, "price": c.price, "score": c.score, "evaluation_status": c.evaluation_status, "quality": c.quality, "duration_days": c.duration_days, "project_manager": c.project_manager, "pm_certificates": c.pm_certificates, "qualification": c.qualification}


def _obj(o) -> dict[str, Any]:
    return {"id": o.pk, "raised_by": o.raised_by.name, "content": o.content, "raised_at": o.raised_at, "answer_due": o.answer_due, "status": o.status, "answer": o.answer, "answered_at": o.answered_at, "late": o.late}


def publicity_out(p) -> dict[str, Any]:
    from .services import _snap

    return {"id": p.pk, "lot_code": p.lot.code, "title": p.title, "start_at": p.start_at, "end_at": p.end_at, "minimum_end_at": p.minimum_end_at, "status": p.status, "paused": _snap(p).paused, "late": p.late, "objection_method": p.objection_method, "content_sha256": p.content_sha256, "candidates": [_cand(c) for c in p.candidates.select_related("entity").order_by("rank")]}


class NoticeOut(Schema):
    id: int
    number: str
    kind: str
    to: str
    sha256: str
    sent_at: datetime
    read_at: datetime | None
    pdf_url: str


class ContractOut(Schema):
    id: int
    code: str
    name: str
    price: Decimal
    duration_days: int
    quality: str
    scope: str
    performance_security: Decimal
    content_sha256: str
    status: str
    tenderer_signed_at: datetime | None
    bidder_signed_at: datetime | None
    signed_at: datetime | None


class RefundOut(Schema):
    id: int
    bidder: str
    amount: Decimal
    due: datetime
    refunded_at: datetime | None
    refunded_amount: Decimal | None
    interest: Decimal | None
    bank_reference: str
    late: bool
    overdue: bool


class AwardOut(Schema):
    id: int
    winner: str
    rank: int
    price: Decimal
    pass_reason: str
    decided_at: datetime
    notices_sent_at: datetime | None
    contract_due: datetime | None
    report_due: datetime
    warnings: list[dict[str, Any]] = Field(default_factory=list, description="coded warnings and overdue flags (W143, E141, E145, E146, E148)")


def _notice(n) -> dict[str, Any]:
    return {"id": n.pk, "number": n.number, "kind": n.kind, "to": n.entity.name, "sha256": n.sha256, "sent_at": n.sent_at, "read_at": n.read_at, "pdf_url": f"/api/notices/{n.pk}/pdf"}


def _contract(c) -> dict[str, Any]:
    return {k: getattr(c, k) for k in ("code", "name", "price", "duration_days", "quality", "scope", "performance_security", "content_sha256", "status", "tenderer_signed_at", "bidder_signed_at", "signed_at")} | {"id": c.pk}


def _refund(r) -> dict[str, Any]:
    from etender.kernel import clock

    return {"id": r.pk, "bidder": r.entity.name, "amount": r.amount, "due": r.due, "refunded_at": r.refunded_at, "refunded_amount": r.refunded_amount, "interest": r.interest, "bank_reference": r.bank_reference, "late": r.late, "overdue": r.refunded_at is None and clock.now() >= r.due}


def _award(a, manager: bool) -> dict[str, Any]:
    w = a.winner
    return {"id": a.pk, "winner": w.entity.name, "rank": w.rank, "price": w.price, "pass_reason": a.pass_reason, "decided_at": a.decided_at, "notices_sent_at": a.notices_sent_at, "contract_due": a.contract_due, "report_due": a.report_due, "warnings": [v.as_dict() for v in selectors.violations(a)] if manager else []}


class StageOut(Schema):
    lot_code: str
    step: str = Field(description="report | publicity | awarded | notified | contract")
    publicity: PublicityOut | None
    objections: list[ObjectionOut]
    award: AwardOut | None
    notices: list[NoticeOut]
    contract: ContractOut | None
    refunds: list[RefundOut]


@router.get("/lots/{lot_id}/award", response={200: StageOut, **ERRORS}, auth=AUTH_OPTIONAL, summary="The award stage of a lot as the caller may see it")
def stage_get(request, lot_id: int):
    lot = get_object_or_404(Lot.objects.select_related("tender"), pk=lot_id)
    s = selectors.stage(lot, entity=entity_of(request.user))
    return {
        "lot_code": lot.code, "step": s.step, "publicity": publicity_out(s.publicity) if s.publicity else None, "objections": [_obj(o) for o in s.objections],
        "award": _award(s.award, s.manager) if s.award else None, "notices": [_notice(n) for n in s.notices], "contract": _contract(s.contract) if s.contract else None, "refunds": [_refund(r) for r in s.refunds],
    }


class CandidateIn(Schema):
    rank: int = Field(ge=1, le=3)
    project_manager: str = Field(max_length=100)
    pm_certificates: str = Field(max_length=500, description="names and numbers of the certificates")
    pm_id_number: str = Field(max_length=50, description="sent to the supervisor only (secret), never published")
    qualification: str = Field(max_length=5000)
    evaluation_status: str = Field("", max_length=5000)
    quality: str = Field("", max_length=200)
    duration_days: int | None = Field(None, ge=1, le=9999)


class PublicityIn(Schema):
    candidates: list[CandidateIn] = Field(max_length=3)
    end_at: datetime | None = Field(None, description="default: the earliest lawful end (3 full days)")
    objection_method: str = Field("", max_length=2000)
    other_content: str = Field("", max_length=5000)
    late_reason: str = Field("", max_length=2000, description="required after the 3-day limit (E141)")


@router.post("/lots/{lot_id}/publicity", response={201: PublicityOut, **ERRORS}, auth=AUTH, summary="Publish the candidate publicity from the submitted report (E141, 510/511)")
def publicity_publish(request, lot_id: int, payload: PublicityIn):
    lot = get_object_or_404(Lot, pk=lot_id)
    p = services.publicity_publish(actor=Actor.from_request(request), acting_entity=require_entity(request), lot=lot, candidates=[c.dict() for c in payload.candidates], end_at=payload.end_at, objection_method=payload.objection_method, other_content=payload.other_content, late_reason=payload.late_reason)
    return 201, publicity_out(p)


@router.get("/publicities/{publicity_id}", response={200: PublicityOut, **ERRORS}, auth=None, summary="A candidate publicity (public)")
def publicity_get(request, publicity_id: int):
    return publicity_out(selectors.publicity_get(publicity_id))


class ObjectionIn(Schema):
    content: str = Field(max_length=20_000)


@router.post("/publicities/{publicity_id}/objections", response={201: ObjectionOut, **ERRORS}, auth=AUTH, summary="Object to the evaluation result during the publicity (E077); pauses the award")
def objection_raise(request, publicity_id: int, payload: ObjectionIn):
    o = services.objection_raise(actor=Actor.from_request(request), entity=require_entity(request), publicity=selectors.publicity_get(publicity_id), content=payload.content)
    return 201, _obj(o)


class AnswerIn(Schema):
    answer: str = Field(max_length=20_000)


@router.post("/award-objections/{objection_id}/answer", response={200: ObjectionOut, **ERRORS}, auth=AUTH, summary="Answer an objection (within 3 days); the publicity resumes")
def objection_answer(request, objection_id: int, payload: AnswerIn):
    o = get_object_or_404(Objection, pk=objection_id)
    return _obj(services.objection_answer(actor=Actor.from_request(request), acting_entity=require_entity(request), objection=o, answer=payload.answer))


class AwardIn(Schema):
    rank: int = Field(1, ge=1, le=3)
    reason: str = Field("", description="条例 55 reason when not rank 1: gave_up, cannot_perform, no_security, illegal")
    note: str = Field("", max_length=5000)


@router.post("/lots/{lot_id}/award", response={201: AwardOut, **ERRORS}, auth=AUTH, summary="Decide the winner (E075, E076, E142; W143 in warnings)")
def award_decide(request, lot_id: int, payload: AwardIn):
    lot = get_object_or_404(Lot, pk=lot_id)
    a = services.award_decide(actor=Actor.from_request(request), acting_entity=require_entity(request), lot=lot, rank=payload.rank, reason=payload.reason, note=payload.note)
    return 201, _award(a, True)


class NotifyIn(Schema):
    recipients: list[int] | None = Field(None, description="bid ids; default every bidder (E144 if anyone is left out)")


@router.post("/awards/{award_id}/notices", response={201: list[NoticeOut], **ERRORS}, auth=AUTH, summary="Send the award and result notices and announce the result (E144, 513)")
def award_notify(request, award_id: int, payload: NotifyIn):
    a = get_object_or_404(Award, pk=award_id)
    return 201, [_notice(n) for n in services.award_notify(actor=Actor.from_request(request), acting_entity=require_entity(request), award=a, recipients=payload.recipients)]


@router.get("/notices/{notice_id}/pdf", auth=AUTH, response={200: None, **ERRORS}, summary="A notice as PDF (addressee and tenderer only)")
def notice_pdf(request, notice_id: int):
    entity = entity_of(request.user)
    n = selectors.notice_get(notice_id, entity=entity, is_staff=request.user.is_staff)
    services.notice_read(actor=Actor.from_request(request), entity=entity, notice=n)
    return _pdf(n.pdf, f"{n.number}.pdf")


class ContractIn(Schema):
    price: Decimal = Field(ge=0, lt=Decimal("1e16"))
    duration_days: int = Field(ge=1, le=9999)
    quality: str = Field(max_length=200)
    scope: str = Field(max_length=20_000)
    performance_security: Decimal = Field(Decimal(0), ge=0, lt=Decimal("1e16"))
    name: str = Field("", max_length=600)
    other_terms: str = Field("", max_length=20_000)


@router.post("/awards/{award_id}/contract", response={201: ContractOut, **ERRORS}, auth=AUTH, summary="Draft the contract (E145 terms, E147 performance security)")
def contract_create(request, award_id: int, payload: ContractIn):
    a = get_object_or_404(Award, pk=award_id)
    return 201, _contract(services.contract_create(actor=Actor.from_request(request), acting_entity=require_entity(request), award=a, data=payload.dict()))


class SignIn(Schema):
    late_reason: str = Field("", max_length=2000)


@router.post("/contracts/{contract_id}/sign", response={200: ContractOut, **ERRORS}, auth=AUTH, summary="Sign the contract electronically (either party; E145 after 30 days)")
def contract_sign(request, contract_id: int, payload: SignIn):
    c = get_object_or_404(Contract, pk=contract_id)
    return _contract(services.contract_sign(actor=Actor.from_request(request), acting_entity=require_entity(request), contract=c, late_reason=payload.late_reason))


@router.get("/contracts/{contract_id}/pdf", auth=AUTH_OPTIONAL, response={200: None, **ERRORS}, summary="The contract as PDF")
def contract_pdf(request, contract_id: int):
    c = get_object_or_404(Contract, pk=contract_id)
    return _pdf(services.contract_pdf(c), f"{c.code}.pdf")


class RefundIn(Schema):
    refunded_amount: Decimal = Field(ge=0, lt=Decimal("1e16"))
    interest: Decimal = Field(ge=0, lt=Decimal("1e16"), description="银行同期存款利息")
    bank_reference: str = Field("", max_length=100)
    refunded_at: datetime | None = None


@router.post("/refunds/{refund_id}", response={200: RefundOut, **ERRORS}, auth=AUTH, summary="Record a refund of bid security with interest (E146 when late)")
def refund_record(request, refund_id: int, payload: RefundIn):
    r = get_object_or_404(Refund, pk=refund_id)
    return _refund(services.refund_record(actor=Actor.from_request(request), acting_entity=require_entity(request), refund=r, **payload.dict()))


class ReportOut(Schema):
    id: int
    department: str
    sha256: str
    sent_at: datetime
    late: bool
    content: dict[str, Any]


@router.post("/awards/{award_id}/report", response={201: ReportOut, **ERRORS}, auth=AUTH, summary="Send the written report to the supervisor (E148)")
def report_submit(request, award_id: int, payload: SignIn):
    a = get_object_or_404(Award, pk=award_id)
    r = services.report_submit(actor=Actor.from_request(request), acting_entity=require_entity(request), award=a, late_reason=payload.late_reason)
    return 201, {"id": r.pk, "department": r.department, "sha256": r.sha256, "sent_at": r.sent_at, "late": r.late, "content": r.content}


@router.get("/awards/{award_id}/report.pdf", auth=AUTH, response={200: None, **ERRORS}, summary="The written report as PDF (tenderer and platform staff)")
def report_pdf(request, award_id: int):
    a = get_object_or_404(Award, pk=award_id)
    if not selectors.may_see_archive(a.lot.tender, entity=entity_of(request.user), is_staff=request.user.is_staff) or not hasattr(a, "report"):
        raise RuleViolation("E005")
    return _pdf(a.report.pdf, f"report-{a.lot.code}.pdf")


class ArchiveOut(Schema):
    id: int
    kind: str
    ref: str
    title: str
    sha256: str
    size: int
    signer: str
    signature: str
    archived_at: datetime
    verified: bool


@router.get("/tenders/{tender_id}/archive", response={200: list[ArchiveOut], **ERRORS}, auth=AUTH, summary="The tender's archive of signed records (电子办法 40) with verification status")
def archive_list(request, tender_id: int):
    tender = get_object_or_404(Tender, pk=tender_id)
    if not selectors.may_see_archive(tender, entity=entity_of(request.user), is_staff=request.user.is_staff):
        raise RuleViolation("E006")
    return [{**{k: getattr(r["item"], k) for k in ("kind", "ref", "title", "sha256", "size", "signer", "signature", "archived_at")}, "id": r["item"].pk, "verified": r["verified"]} for r in selectors.archive(tender)]


@router.post("/tenders/{tender_id}/archive", response={201: list[ArchiveOut], **ERRORS}, auth=AUTH, summary="Archive every signed record of 电子办法 40 not archived yet (E150 names what fails)")
def archive_complete(request, tender_id: int):
    tender = get_object_or_404(Tender, pk=tender_id)
    entity = require_entity(request)
    if not selectors.may_see_archive(tender, entity=entity, is_staff=False):
        raise RuleViolation("E006")
    items = services.archive_complete(actor=Actor.from_request(request), tender=tender)
    return 201, [{**{k: getattr(i, k) for k in ("kind", "ref", "title", "sha256", "size", "signer", "signature", "archived_at")}, "id": i.pk, "verified": selectors.verify_item(i)} for i in items]


@router.get("/archive/{item_id}", auth=AUTH, response={200: None, **ERRORS}, summary="Download an archived record")
def archive_download(request, item_id: int):
    item = get_object_or_404(ArchiveItem, pk=item_id)
    if not selectors.may_see_archive(item.tender, entity=entity_of(request.user), is_staff=request.user.is_staff):
        raise RuleViolation("E006")
    r = HttpResponse(bytes(item.content), content_type=item.media_type)
    r["Content-Disposition"] = f'attachment; filename="{item.kind}-{item.pk}"'
    r["X-Etender-SHA256"] = item.sha256
    return r
