"""Complaints API (条例 60–62; 电子招标投标办法 51): lodging with evidence, the lists with due dates, and every step
of the handling — all through :mod:`.services`, so the API and the pages give the same answers and codes.

Who sees what: a complainant sees the complaints they lodged; the staff of a supervising department see their
department's complaints.  Any other complaint answers **404 E005** (the answer does not say whether it exists);
acting on a complaint one may see but not handle (e.g. the complainant accepting their own) answers **403 E088**.
"""

from __future__ import annotations

from datetime import date, datetime

from django.http import FileResponse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation
from etender.kernel.web.api import AUTH, ErrorOut
from etender.supervision.duties.models import Department

from . import deadlines, selectors, services
from .models import Complaint, InformationRequest, Matter, Outcome, RespondentType, Status, Suspension

router = Router(tags=["complaints"], auth=AUTH)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut}
PREFIX = "/complaints/v1/complaints"


def _actor(request) -> Actor:
    actor = Actor.from_request(request)
    identity = getattr(request.user, "hub_identity", None)
    if identity is not None and not actor.entity_code:
        actor = Actor(user_id=actor.user_id, username=actor.username, ip=actor.ip, entity_code=identity.entity_code)
    return actor


def _get(request, number: str) -> Complaint:
    c = selectors.complaint_get(user=request.user, number=number)
    if c is None:
        raise RuleViolation("E005", detail_zh=f"投诉 {number}", detail_en=f"complaint {number}")
    return c


# --------------------------------------------------------------------------- schemas


class ComplaintOut(Schema):
    number: str
    status: str = Field(description="lodged, accepted, rejected, decided")
    status_label: str
    department_code: str
    department_name: str
    tender_code: str
    tender_name: str
    lot_code: str
    matter: str = Field(description="one of " + ", ".join(Matter.values))
    matter_label: str
    complainant_name: str
    respondent_name: str
    lodged_at: datetime
    next_step: str | None = Field(description="acceptance or decision; null once closed")
    due_on: date | None = Field(description="the last day of the next step (null while the decision clock is suspended)")
    overdue: bool = Field(description="the next step's last day has passed")
    clock_suspended: bool


class StepOut(Schema):
    at: datetime
    kind: str
    label: str = Field(description="the kind in the caller's language")
    actor_name: str
    note: str


class EvidenceOut(Schema):
    id: int
    name: str
    size: int
    sha256: str
    uploaded_at: datetime
    url: str


class RequestOut(Schema):
    id: int
    addressee: str = Field(description="one of " + ", ".join(InformationRequest.Addressee.values))
    addressee_name: str
    question: str
    due_on: date
    sent_at: datetime
    answer: str
    answered_at: datetime | None
    directive_ref: str


class SuspensionOut(Schema):
    reason: str = Field(description="one of " + ", ".join(Suspension.Reason.values))
    note: str
    started_on: date
    ended_on: date | None


class ComplaintDetailOut(ComplaintOut):
    lot_name: str
    complainant_code: str
    complainant_phone: str
    complainant_email: str
    respondent_type: str
    respondent_code: str
    request_text: str
    grounds: str
    facts: str
    known_on: date
    objection_on: date | None
    objection_answer_on: date | None
    objection_answer: str
    lodging_last_day: date
    received_on: date
    accept_due: date
    accepted_at: datetime | None
    rejected_at: datetime | None
    rejection_reasons: str
    decision_due: date | None
    decided_at: datetime | None
    acceptance_overdue_at: datetime | None
    decision_overdue_at: datetime | None
    outcome: str
    handle_result: str
    handle_basis: str
    confined_action: str
    enter_credit: bool
    suspension_ref: str
    may_handle: bool = Field(description="the caller works for the handling department")
    evidence: list[EvidenceOut]
    steps: list[StepOut]
    requests: list[RequestOut]
    suspensions: list[SuspensionOut]


class ReasonsIn(Schema):
    reasons: str = Field(max_length=5000)


class ReferIn(Schema):
    department: str = Field(max_length=40, description="code of the competent department, e.g. zj-jtt")
    reasons: str = Field(max_length=5000)


class RequestIn(Schema):
    addressee: str = Field(description="one of " + ", ".join(InformationRequest.Addressee.values) + " (trading_platform: a supervisory instruction through the hub)")
    question: str = Field(max_length=5000)
    addressee_name: str = Field("", max_length=200)
    due_days: int = Field(services.INFO_REQUEST_WORKING_DAYS, description="working days to answer, 1–30")


class AnswerIn(Schema):
    answer: str = Field(max_length=20000)


class ClockStopIn(Schema):
    reason: str = Field(description="one of " + ", ".join(Suspension.Reason.values))
    note: str = Field("", max_length=500)
    started_on: date | None = Field(None, description="default today; not before the acceptance, not in the future")


class ClockRestartIn(Schema):
    ended_on: date | None = Field(None, description="default today")


class DecideIn(Schema):
    outcome: str = Field(description="one of " + ", ".join(Outcome.values))
    handle_result: str = Field(max_length=20000)
    handle_basis: str = Field(max_length=5000)
    confined_action: str = Field("0", max_length=2, description="restricted conduct code, 0 for none")
    restriction_start: datetime | None = None
    restriction_end: datetime | None = None
    enter_credit: bool = False


def _next(c: Complaint, today: date) -> tuple[str | None, date | None, bool]:
    if c.status == Status.LODGED:
        return "acceptance", c.accept_due, today > c.accept_due
    if c.status == Status.ACCEPTED:
        return "decision", c.decision_due, c.decision_due is not None and today > c.decision_due
    return None, None, False


def complaint_out(c: Complaint, today: date) -> dict:
    step, due, overdue = _next(c, today)
    return {
        "number": c.number,
        "status": c.status,
        "status_label": str(c.get_status_display()),
        "department_code": c.department.code,
        "department_name": c.department.name,
        "tender_code": c.tender_code,
        "tender_name": c.tender_name,
        "lot_code": c.lot_code,
        "matter": c.matter,
        "matter_label": str(c.get_matter_display()),
        "complainant_name": c.complainant_name,
        "respondent_name": c.respondent_name,
        "lodged_at": c.lodged_at,
        "next_step": step,
        "due_on": due,
        "overdue": overdue,
        "clock_suspended": c.clock_suspended,
    }


DETAIL_FIELDS = [f for f in ComplaintDetailOut.model_fields if f not in ComplaintOut.model_fields and f not in ("may_handle", "evidence", "steps", "requests", "suspensions")]


def detail_out(request, c: Complaint) -> dict:
    today = deadlines.local_date(clock.now())
    return {
        **complaint_out(c, today),
        **{f: getattr(c, f) for f in DETAIL_FIELDS},
        "may_handle": selectors.can_handle(request.user, c),
        "evidence": [
            {"id": e.pk, "name": e.name, "size": e.size, "sha256": e.sha256, "uploaded_at": e.uploaded_at, "url": f"/api{PREFIX}/{c.number}/evidence/{e.pk}"} for e in c.evidence.all()
        ],
        "steps": [{"at": s.at, "kind": s.kind, "label": s.label, "actor_name": s.actor_name, "note": s.note} for s in c.steps.all()],
        "requests": [{f: getattr(r, f) if f != "id" else r.pk for f in RequestOut.model_fields} for r in c.requests.all()],
        "suspensions": [{f: getattr(s, f) for f in SuspensionOut.model_fields} for s in c.suspensions.all()],
    }


# --------------------------------------------------------------------------- endpoints


@router.post(
    PREFIX,
    response={201: ComplaintDetailOut, **ERRORS},
    summary="Lodge a complaint with its evidence (multipart/form-data; E086, E087, E085, E089, E149)",
    description=(
        "Fields as on the page /complaints/new/; `evidence` is repeated for each file (1–10 files, ≤ 20 MB each). "
        "Dates are YYYY-MM-DD. The matters prequalification_documents, tender_documents, opening and evaluation_result need "
        "the objection first (objection_on, and objection_answer_on with objection_answer once answered)."
    ),
)
def complaint_lodge(
    request,
    tender_code: Form[str],
    matter: Form[str],
    known_on: Form[date],
    complainant_name: Form[str],
    complainant_phone: Form[str],
    complainant_email: Form[str],
    request_text: Form[str] = "",
    grounds: Form[str] = "",
    facts: Form[str] = "",
    lot_code: Form[str] = "",
    complainant_code: Form[str] = "",
    respondent_name: Form[str] = "",
    respondent_code: Form[str] = "",
    respondent_type: Form[str] = RespondentType.LEGAL_PERSON.value,
    objection_on: Form[date | None] = None,
    objection_answer_on: Form[date | None] = None,
    objection_answer: Form[str] = "",
    evidence: File[list[UploadedFile]] = None,
):
    for name, value, limit in (("tender_code", tender_code, 20), ("lot_code", lot_code, 23), ("complainant_name", complainant_name, 100), ("complainant_code", complainant_code, 18), ("respondent_name", respondent_name, 200), ("respondent_code", respondent_code, 18)):
        if len(value or "") > limit:
            raise RuleViolation("E001", detail_zh=f"{name} 不超过{limit}字", detail_en=f"{name}: at most {limit} characters", field=name)
    c = services.complaint_lodge(
        actor=_actor(request),
        tender_code=tender_code,
        matter=matter,
        request_text=request_text,
        grounds=grounds,
        facts=facts,
        known_on=known_on,
        complainant_name=complainant_name,
        complainant_phone=complainant_phone,
        complainant_email=complainant_email,
        evidence=list(evidence or []),
        lot_code=lot_code,
        complainant_code=complainant_code,
        respondent_name=respondent_name,
        respondent_code=respondent_code,
        respondent_type=respondent_type,
        objection_on=objection_on,
        objection_answer_on=objection_answer_on,
        objection_answer=objection_answer,
    )
    return 201, detail_out(request, c)


@router.get(PREFIX, response={200: list[ComplaintOut], **ERRORS}, summary="Complaints: a department's (staff) and one's own (complainant), with due dates and overdue flags")
def complaint_list(request, status: Status | None = None, overdue: bool | None = None, mine: bool = False, limit: int = 200):
    qs = selectors.complaints_for(request.user, status=status.value if status else None)
    if mine:
        qs = qs.filter(complainant=request.user)
    today = deadlines.local_date(clock.now())
    rows = [complaint_out(c, today) for c in qs]
    if overdue is not None:
        rows = [r for r in rows if r["overdue"] == overdue]
    return rows[: max(1, min(limit, 1000))]


@router.get(PREFIX + "/{number}", response={200: ComplaintDetailOut, **ERRORS}, summary="A complaint with its time limits, evidence, requests and history (404 E005 outside one's department)")
def complaint_detail(request, number: str):
    return detail_out(request, _get(request, number))


@router.get(PREFIX + "/{number}/evidence/{evidence_id}", response={200: None, **ERRORS}, summary="Download an evidence file")
def evidence_download(request, number: str, evidence_id: int):
    c = _get(request, number)
    ev = c.evidence.filter(pk=evidence_id).first()
    if ev is None:
        raise RuleViolation("E005", detail_zh=f"证明材料 {evidence_id}", detail_en=f"evidence {evidence_id}")
    return FileResponse(ev.file.open("rb"), as_attachment=True, filename=ev.name)


@router.post(PREFIX + "/{number}/accept", response={200: ComplaintDetailOut, **ERRORS}, summary="Accept the complaint (due on the 3rd working day after receipt; E088, E007)")
def complaint_accept(request, number: str):
    c = services.complaint_accept(actor=_actor(request), complaint=_get(request, number))
    return detail_out(request, c)


@router.post(PREFIX + "/{number}/refuse", response={200: ComplaintDetailOut, **ERRORS}, summary="Do not accept the complaint (不予受理), with reasons")
def complaint_refuse(request, number: str, payload: ReasonsIn):
    c = services.complaint_reject(actor=_actor(request), complaint=_get(request, number), reasons=payload.reasons)
    return detail_out(request, c)


@router.post(PREFIX + "/{number}/refer", response={200: ComplaintDetailOut, **ERRORS}, summary="Refer the complaint to the competent department (a new 3-working-day period there)")
def complaint_refer(request, number: str, payload: ReferIn):
    c = _get(request, number)
    dept = Department.objects.filter(code=payload.department).first()
    if dept is None:
        raise RuleViolation("E005", detail_zh=f"监督部门 {payload.department}", detail_en=f"department {payload.department}", field="department")
    c = services.complaint_refer(actor=_actor(request), complaint=c, department=dept, reasons=payload.reasons)
    return detail_out(request, c)


@router.post(PREFIX + "/{number}/requests", response={201: RequestOut, **ERRORS}, summary="Request information from a party (条例 62); to the trading platform as a supervisory instruction")
def request_send(request, number: str, payload: RequestIn):
    req = services.information_request_send(
        actor=_actor(request), complaint=_get(request, number), addressee=payload.addressee, question=payload.question, addressee_name=payload.addressee_name, due_days=payload.due_days
    )
    return 201, {f: getattr(req, f) if f != "id" else req.pk for f in RequestOut.model_fields}


@router.post(PREFIX + "/{number}/requests/{request_id}/answer", response={200: RequestOut, **ERRORS}, summary="Answer an information request (the complainant their own; the department records any answer)")
def request_answer(request, number: str, request_id: int, payload: AnswerIn):
    c = _get(request, number)
    req = c.requests.filter(pk=request_id).first()
    if req is None:
        raise RuleViolation("E005", detail_zh=f"调查请求 {request_id}", detail_en=f"information request {request_id}")
    req = services.information_request_answer(actor=_actor(request), request=req, answer=payload.answer)
    return {f: getattr(req, f) if f != "id" else req.pk for f in RequestOut.model_fields}


@router.post(PREFIX + "/{number}/clock/stop", response={200: ComplaintDetailOut, **ERRORS}, summary="Stop the 30-working-day clock for inspection, testing, appraisal or expert review (条例 61)")
def clock_stop(request, number: str, payload: ClockStopIn):
    c = _get(request, number)
    services.suspension_start(actor=_actor(request), complaint=c, reason=payload.reason, note=payload.note, started_on=payload.started_on)
    c.refresh_from_db()
    return detail_out(request, c)


@router.post(PREFIX + "/{number}/clock/restart", response={200: ComplaintDetailOut, **ERRORS}, summary="Restart the clock: the decision due date moves by the working days stopped")
def clock_restart(request, number: str, payload: ClockRestartIn):
    c = _get(request, number)
    services.suspension_end(actor=_actor(request), complaint=c, ended_on=payload.ended_on)
    c.refresh_from_db()
    return detail_out(request, c)


@router.post(PREFIX + "/{number}/decide", response={200: ComplaintDetailOut, **ERRORS}, summary="The written decision, published on the hub portal as data set 404 (电子办法 51)")
def complaint_decide(request, number: str, payload: DecideIn):
    c = services.complaint_decide(
        actor=_actor(request),
        complaint=_get(request, number),
        outcome=payload.outcome,
        handle_result=payload.handle_result,
        handle_basis=payload.handle_basis,
        confined_action=payload.confined_action,
        restriction_start=payload.restriction_start,
        restriction_end=payload.restriction_end,
        enter_credit=payload.enter_credit,
    )
    return detail_out(request, c)
