"""Writes of complaints: lodging, acceptance, investigation, decision, publication (条例 60–62; 电子办法 51).

Every write is audited (电子办法 49) and recorded as a step of the complaint.  The time limits come from
:mod:`.deadlines` (working days with holidays from ``etender.kernel.calendar``); ``periodic`` flags the
steps that are overdue and delivers the decided complaints to the hub (data set 404).
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.calendar import TZ
from etender.kernel.errors import RuleViolation, raise_all
from etender.kernel.events import publish_on_commit
from etender.supervision.duties.models import Department

from . import deadlines, selectors
from .outbox import deliver, deliver_if_pending, hub_disclose
from .models import OBJECTION_FIRST, Complaint, Evidence, InformationRequest, Matter, Outcome, RespondentType, Status, Step, Suspension

log = logging.getLogger(__name__)
User = get_user_model()

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_EVIDENCE_FILES = 10
INFO_REQUEST_WORKING_DAYS = 5
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _user(actor: Actor):
    if actor.user_id is None:
        raise RuleViolation("E008")
    user = User.objects.filter(pk=actor.user_id, is_active=True).first()
    if user is None:
        raise RuleViolation("E008")
    return user


def _handler(actor: Actor, complaint: Complaint):
    """The acting regulator, if they work for the department handling the complaint (E088 otherwise)."""
    user = _user(actor)
    if not selectors.can_handle(user, complaint):
        raise RuleViolation("E088", detail_zh=f"由{complaint.department.name}处理", detail_en=f"handled by {complaint.department.name}")
    return user


def _name(user) -> str:
    return (user.get_full_name() or user.get_username())[:150]


def _step(complaint: Complaint, kind: str, actor_name: str, note: str = "") -> None:
    Step.objects.create(complaint=complaint, at=clock.now(), kind=kind, actor_name=actor_name, note=note)


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().select_related("department").get(pk=complaint.pk)


def _state(complaint: Complaint, *allowed: str) -> None:
    if complaint.status not in allowed:
        raise RuleViolation("E007", detail_zh=f"投诉当前状态：{complaint.get_status_display()}", detail_en=f"the complaint is {complaint.status}")


def _next_number(year: int) -> str:
    prefix = f"TS{year}"
    last = Complaint.objects.select_for_update().filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:06d}"


# --------------------------------------------------------------------------- lodging


@dataclass
class EvidenceFile:
    name: str
    content: bytes


def _evidence_files(files: list[UploadedFile | EvidenceFile]) -> list[EvidenceFile]:
    out = []
    for f in files:
        if isinstance(f, EvidenceFile):
            out.append(f)
            continue
        if f.size is not None and f.size > MAX_EVIDENCE_BYTES:
            raise RuleViolation("E004", detail_zh=f"{f.name}：每个文件不超过20MB", detail_en=f"{f.name}: at most 20 MB per file", field="evidence")
        out.append(EvidenceFile(name=f.name or "evidence", content=f.read()))
    return out


@transaction.atomic
def complaint_lodge(
    *,
    actor: Actor,
    tender_code: str,
    matter: str,
    request_text: str,
    grounds: str,
    facts: str,
    known_on: date,
    complainant_name: str,
    complainant_phone: str,
    complainant_email: str,
    evidence: list[UploadedFile | EvidenceFile],
    lot_code: str = "",
    complainant_code: str = "",
    respondent_name: str = "",
    respondent_code: str = "",
    respondent_type: str = RespondentType.LEGAL_PERSON,
    objection_on: date | None = None,
    objection_answer_on: date | None = None,
    objection_answer: str = "",
) -> Complaint:
    """Lodge a complaint about a tender with its evidence (条例 60; 电子办法 51)."""
    user = _user(actor)
    now = clock.now()
    today = deadlines.local_date(now)
    tender_code = (tender_code or "").strip().upper()
    problems: list[RuleViolation] = []
    view = selectors.tender_lookup(tender_code) if tender_code else None
    if view is None:
        problems.append(RuleViolation("E086", detail_zh=f"招标项目编号 {tender_code or '（空）'}", detail_en=f"tender project code {tender_code or '(empty)'}", field="tender_code"))
    if matter not in Matter.values:
        problems.append(RuleViolation("E001", detail_zh="请选择投诉事项", detail_en="choose the matter complained of", field="matter"))
    if respondent_type not in RespondentType.values:
        problems.append(RuleViolation("E001", detail_zh="被投诉人类别无效", detail_en="invalid respondent type", field="respondent_type"))
    for fname, value, zh, en in (("request_text", request_text, "投诉请求", "the request"), ("grounds", grounds, "依据和理由", "the grounds"), ("facts", facts, "事实", "the facts")):
        if not (value or "").strip():
            problems.append(RuleViolation("E087", detail_zh=f"须填写{zh}", detail_en=f"{en} is required", field=fname))
    files = _evidence_files(evidence or [])
    if not files:
        problems.append(RuleViolation("E087", detail_zh="须上传证明材料", detail_en="upload the evidence", field="evidence"))
    elif len(files) > MAX_EVIDENCE_FILES:
        problems.append(RuleViolation("E001", detail_zh=f"最多{MAX_EVIDENCE_FILES}个文件", detail_en=f"at most {MAX_EVIDENCE_FILES} files", field="evidence"))
    for f in files:
        if len(f.content) > MAX_EVIDENCE_BYTES:
            problems.append(RuleViolation("E004", detail_zh=f"{f.name}：每个文件不超过20MB", detail_en=f"{f.name}: at most 20 MB per file", field="evidence"))
        elif not f.content:
            problems.append(RuleViolation("E001", detail_zh=f"{f.name}：文件为空", detail_en=f"{f.name}: the file is empty", field="evidence"))
    if not (complainant_name or "").strip():
        problems.append(RuleViolation("E001", detail_zh="须填写投诉人名称", detail_en="the complainant's name is required", field="complainant_name"))
    if not (complainant_phone or "").strip() or len(complainant_phone) > 50:
        problems.append(RuleViolation("E001", detail_zh="须填写联系电话（不超过50字）", detail_en="a phone number (at most 50 characters) is required", field="complainant_phone"))
    if not EMAIL_RE.match((complainant_email or "").strip()) or len(complainant_email) > 100:
        problems.append(RuleViolation("E001", detail_zh="须填写有效的电子邮箱", detail_en="a valid e-mail address is required", field="complainant_email"))
    if known_on is None or known_on > today:
        problems.append(RuleViolation("E009", detail_zh="知道或应当知道之日不能晚于今天", detail_en="the day of knowing cannot be after today", field="known_on"))
    for fname, d in (("objection_on", objection_on), ("objection_answer_on", objection_answer_on)):
        if d is not None and d > today:
            problems.append(RuleViolation("E009", detail_zh="日期不能晚于今天", detail_en="the date cannot be after today", field=fname))
    if objection_on and objection_answer_on and objection_answer_on < objection_on:
        problems.append(RuleViolation("E009", detail_zh="异议答复日期不能早于提出异议日期", detail_en="the answer cannot precede the objection", field="objection_answer_on"))
    lot = None
    if view is not None:
        lots = [selectors.lot_fields(x) for x in selectors.lots_of(view)]
        lot_code = (lot_code or "").strip().upper()
        if lot_code:
            lot = next((x for x in lots if x["code"] == lot_code), None)
            if lot is None:
                problems.append(RuleViolation("E005", detail_zh=f"该招标项目没有标段 {lot_code}", detail_en=f"the tender has no bid section {lot_code}", field="lot_code"))
        elif len(lots) == 1:
            lot = lots[0]
        elif len(lots) > 1:
            problems.append(RuleViolation("E001", detail_zh="请选择投诉涉及的标段", detail_en="choose the bid section complained about", field="lot_code"))
    raise_all(problems)

    # Objection first (条例 60 para 2) and the 10 days (条例 60 para 1).
    pending = 0
    if matter in OBJECTION_FIRST:
        answer_days = OBJECTION_FIRST[matter]
        if objection_on is None or (objection_answer_on is not None and not (objection_answer or "").strip()):
            raise RuleViolation("E085", detail_zh="请填写提出异议的日期以及招标人的答复", detail_en="give the day of the objection and the tenderer's answer", field="objection_on")
        if objection_answer_on is None and today <= objection_on + timedelta(days=answer_days) and answer_days:
            lapse = objection_on + timedelta(days=answer_days)
            raise RuleViolation("E089", detail_zh=f"招标人应于{lapse:%Y-%m-%d}前答复", detail_en=f"the tenderer may answer until {lapse:%Y-%m-%d}", field="objection_answer_on")
        pending = deadlines.objection_pending_days(objection_on=objection_on, answer_on=objection_answer_on, answer_days=answer_days, today=today)
    last_day = deadlines.lodging_last_day(known_on=known_on, pending_days=pending)
    if today > last_day:
        raise RuleViolation(
            "E149",
            detail_zh=f"自知道之日（{known_on:%Y-%m-%d}）起10日{f'（不含异议答复期间{pending}日）' if pending else ''}，最后一日为{last_day:%Y-%m-%d}",
            detail_en=f"10 days from {known_on:%Y-%m-%d}{f' (not counting the {pending} days the objection was pending)' if pending else ''}: the last day was {last_day:%Y-%m-%d}",
            field="known_on",
            params={"last_day": last_day.isoformat()},
        )
    dept = selectors.department_for(view)
    if dept is None:
        raise RuleViolation("E005", detail_zh="没有监督部门的职责范围涵盖该招标项目", detail_en="no supervising department's jurisdiction covers this tender", field="tender_code")

    complaint = Complaint.objects.create(
        number=_next_number(today.year),
        department=dept,
        tender_code=tender_code,
        tender_name=selectors._attr(view, "name")[:600],
        lot_code=lot["code"] if lot else "",
        lot_name=lot["name"][:500] if lot else "",
        deal_code=lot["deal_code"][:40] if lot else "",
        region_code=selectors._attr(view, "region_code")[:6],
        platform_code=selectors._attr(view, "platform_code")[:18],
        complainant=user,
        complainant_name=complainant_name.strip()[:100],
        complainant_code=(complainant_code or actor.entity_code or "").strip()[:18],
        complainant_phone=complainant_phone.strip(),
        complainant_email=complainant_email.strip(),
        respondent_name=(respondent_name or selectors._attr(view, "tenderer_name")).strip()[:200],
        respondent_type=respondent_type,
        respondent_code=(respondent_code or selectors._attr(view, "tenderer_code")).strip()[:18],
        matter=matter,
        request_text=request_text.strip(),
        grounds=grounds.strip(),
        facts=facts.strip(),
        known_on=known_on,
        objection_on=objection_on,
        objection_answer_on=objection_answer_on,
        objection_answer=(objection_answer or "").strip(),
        lodged_at=now,
        lodging_last_day=last_day,
        received_on=today,
        accept_due=deadlines.acceptance_due(received_on=today),
    )
    from django.core.files.base import ContentFile

    hashes = []
    for f in files:
        sha = hashlib.sha256(f.content).hexdigest()
        ev = Evidence(complaint=complaint, name=f.name[:200], size=len(f.content), sha256=sha, uploaded_at=now, uploaded_by=user)
        ev.file.save(f"{complaint.number}-{sha[:16]}", ContentFile(f.content), save=False)
        ev.save()
        hashes.append(sha)
    _step(complaint, "lodged", _name(user), f"{dept.name}")
    audit_record(
        actor=actor,
        action="complaints.lodged",
        obj=complaint,
        data={"number": complaint.number, "tender": tender_code, "lot": complaint.lot_code, "matter": matter, "department": dept.code, "evidence_sha256": hashes, "accept_due": complaint.accept_due.isoformat()},
    )
    publish_on_commit("complaints.lodged", {"number": complaint.number, "tender_code": tender_code, "department": dept.code})
    return complaint


# --------------------------------------------------------------------------- acceptance (3 working days)


@transaction.atomic
def complaint_accept(*, actor: Actor, complaint: Complaint) -> Complaint:
    complaint = _locked(complaint)
    user = _handler(actor, complaint)
    _state(complaint, Status.LODGED)
    now = clock.now()
    complaint.status = Status.ACCEPTED
    complaint.accepted_at = now
    complaint.decision_due = deadlines.decision_due(accepted_on=deadlines.local_date(now), suspensions=[])
    complaint.save()
    late = now >= deadlines.overdue_from(complaint.accept_due)
    _step(complaint, "accepted", _name(user), "逾期受理 / accepted late" if late else "")
    audit_record(actor=actor, action="complaints.accepted", obj=complaint, data={"number": complaint.number, "late": late, "decision_due": complaint.decision_due.isoformat()})
    publish_on_commit("complaints.accepted", {"number": complaint.number})
    return complaint


@transaction.atomic
def complaint_reject(*, actor: Actor, complaint: Complaint, reasons: str) -> Complaint:
    """Decide not to accept the complaint (不予受理), with the reasons given to the complainant."""
    complaint = _locked(complaint)
    user = _handler(actor, complaint)
    _state(complaint, Status.LODGED)
    if not (reasons or "").strip():
        raise RuleViolation("E001", detail_zh="须写明不予受理的理由", detail_en="the reasons are required", field="reasons")
    complaint.status = Status.REJECTED
    complaint.rejected_at = clock.now()
    complaint.rejection_reasons = reasons.strip()
    complaint.save()
    _step(complaint, "rejected", _name(user), complaint.rejection_reasons)
    audit_record(actor=actor, action="complaints.rejected", obj=complaint, data={"number": complaint.number, "reasons": complaint.rejection_reasons})
    publish_on_commit("complaints.rejected", {"number": complaint.number})
    return complaint


@transaction.atomic
def complaint_refer(*, actor: Actor, complaint: Complaint, department: Department, reasons: str) -> Complaint:
    """Refer the complaint to the competent department; it receives it today (a new 3-working-day period)."""
    complaint = _locked(complaint)
    user = _handler(actor, complaint)
    _state(complaint, Status.LODGED)
    if department.pk == complaint.department_id:
        raise RuleViolation("E001", detail_zh="请选择其他监督部门", detail_en="choose another department", field="department")
    if not (reasons or "").strip():
        raise RuleViolation("E001", detail_zh="须写明移送理由", detail_en="the reasons are required", field="reasons")
    previous = complaint.department
    today = deadlines.local_date(clock.now())
    complaint.department = department
    complaint.received_on = today
    complaint.accept_due = deadlines.acceptance_due(received_on=today)
    complaint.acceptance_overdue_at = None
    complaint.save()
    _step(complaint, "referred", _name(user), f"{previous.name} → {department.name}: {reasons.strip()}")
    audit_record(actor=actor, action="complaints.referred", obj=complaint, data={"number": complaint.number, "from": previous.code, "to": department.code, "reasons": reasons.strip()})
    return complaint


# --------------------------------------------------------------------------- investigation


def _directives():
    """DIRECTIVES' supervision service module, or None while it is not installed."""
    try:
        module = importlib.import_module("etender.supervision.directives.services")
    except ImportError:
        return None
    return module if hasattr(module, "directive_issue") else None


def _ref(directive: Any) -> str:
    for name in ("instruction_id", "reference", "number", "pk"):
        value = getattr(directive, name, None)
        if value:
            return str(value)[:100]
    return str(directive)[:100]


@transaction.atomic
def information_request_send(*, actor: Actor, complaint: Complaint, addressee: str, question: str, addressee_name: str = "", due_days: int = INFO_REQUEST_WORKING_DAYS) -> InformationRequest:
    """Ask a party for information (条例 62); a request to the trading platform is a supervisory instruction."""
    complaint = _locked(complaint)
    user = _handler(actor, complaint)
    _state(complaint, Status.ACCEPTED)
    if addressee not in InformationRequest.Addressee.values:
        raise RuleViolation("E001", detail_zh="请选择被询问方", detail_en="choose the addressee", field="addressee")
    if not (question or "").strip():
        raise RuleViolation("E001", detail_zh="须写明需要提供的材料或情况", detail_en="say what information is requested", field="question")
    if not 1 <= int(due_days) <= 30:
        raise RuleViolation("E001", detail_zh="答复期限为1至30个工作日", detail_en="1–30 working days to answer", field="due_days")
    now = clock.now()
    from etender.kernel.calendar import default_calendar

    due_on = default_calendar().add_working_days(deadlines.local_date(now), int(due_days))
    names = {
        InformationRequest.Addressee.COMPLAINANT: complaint.complainant_name,
        InformationRequest.Addressee.RESPONDENT: complaint.respondent_name,
        InformationRequest.Addressee.TRADING_PLATFORM: complaint.platform_code,
    }
    req = InformationRequest.objects.create(
        complaint=complaint, addressee=addressee, addressee_name=(addressee_name or names.get(addressee, "")).strip()[:200], question=question.strip(), due_on=due_on, sent_at=now, sent_by_name=_name(user)
    )
    if addressee == InformationRequest.Addressee.TRADING_PLATFORM:
        directives = _directives()
        if directives is None:
            raise RuleViolation("E007", detail_zh="监督指令功能尚未启用，无法向交易平台调取资料", detail_en="supervisory instructions are not available: the trading platform cannot be asked yet")
        directive = directives.directive_issue(
            actor=actor, kind="inform", tender_code=complaint.tender_code, lot_code=complaint.lot_code or None, reason=f"投诉 {complaint.number} 调查取证", due_hours=int(due_days) * 24, complaint_id=complaint.number, questions=[question.strip()]
        )
        req.directive_ref = _ref(directive)
        req.save(update_fields=["directive_ref"])
    _step(complaint, "information_requested", _name(user), f"{req.get_addressee_display()}: {req.question}")
    audit_record(actor=actor, action="complaints.information_requested", obj=complaint, data={"number": complaint.number, "request": req.pk, "addressee": addressee, "due_on": due_on.isoformat(), "directive": req.directive_ref})
    return req


@transaction.atomic
def information_request_answer(*, actor: Actor, request: InformationRequest, answer: str) -> InformationRequest:
    """Record the answer: the complainant answers requests addressed to them; the regulators record any answer received."""
    req = InformationRequest.objects.select_for_update().select_related("complaint", "complaint__department").get(pk=request.pk)
    user = _user(actor)
    complaint = req.complaint
    own = req.addressee == InformationRequest.Addressee.COMPLAINANT and complaint.complainant_id == user.pk
    if not own and not selectors.can_handle(user, complaint):
        raise RuleViolation("E088", detail_zh=f"由{complaint.department.name}处理", detail_en=f"handled by {complaint.department.name}")
    if req.answered_at is not None:
        raise RuleViolation("E007", detail_zh="已答复", detail_en="already answered")
    if not (answer or "").strip():
        raise RuleViolation("E001", detail_zh="须填写答复内容", detail_en="the answer is required", field="answer")
    req.answer, req.answered_at = answer.strip(), clock.now()
    req.save(update_fields=["answer", "answered_at"])
    _step(complaint, "information_answered", _name(user), req.answer[:500])
    audit_record(actor=actor, action="complaints.information_answered", obj=complaint, data={"number": complaint.number, "request": req.pk, "answer_sha256": hashlib.sha256(req.answer.encode()).hexdigest()})
    return req


def _recompute_decision_due(complaint: Complaint) -> None:
    complaint.decision_due = deadlines.decision_due(
        accepted_on=deadlines.local_date(complaint.accepted_at), suspensions=list(complaint.suspensions.values_list("started_on", "ended_on"))
    )
    if complaint.decision_due is None or clock.now() < deadlines.overdue_from(complaint.decision_due):
        complaint.decision_overdue_at = None


@transaction.atomic
def suspension_start(*, actor: Actor, complaint: Complaint, reason: str, note: str = "", started_on: date | None = None) -> Suspension:
    """Stop the 30-working-day clock for inspection, testing, appraisal or expert review (条例 61)."""
    complaint = _locked(complaint)
    user = _handler(actor, complaint)
    _state(complaint, Status.ACCEPTED)
    if reason not in Suspension.Reason.values:
        raise RuleViolation("E001", detail_zh="请选择暂停计时的原因", detail_en="choose the reason", field="reason")
    if complaint.suspensions.filter(ended_on__isnull=True).exists():
        raise RuleViolation("E007", detail_zh="处理期限已在暂停计时中", detail_en="the clock is already suspended")
    today = deadlines.local_date(clock.now())
    started_on = started_on or today
    last_end = complaint.suspensions.order_by("-ended_on").values_list("ended_on", flat=True).first()
    if started_on > today or started_on < deadlines.local_date(complaint.accepted_at) or (last_end and started_on < last_end):
        raise RuleViolation("E009", detail_zh="暂停计时的开始日期无效", detail_en="invalid start of the suspension", field="started_on")
    s = Suspension.objects.create(complaint=complaint, reason=reason, note=(note or "").strip(), started_on=started_on)
    _recompute_decision_due(complaint)
    complaint.save()
    _step(complaint, "clock_suspended", _name(user), f"{s.get_reason_display()} {s.note}".strip())
    audit_record(actor=actor, action="complaints.clock_suspended", obj=complaint, data={"number": complaint.number, "reason": reason, "from": started_on.isoformat()})
    return s


@transaction.atomic
def suspension_end(*, actor: Actor, complaint: Complaint, ended_on: date | None = None) -> Suspension:
    complaint = _locked(complaint)
    user = _handler(actor, complaint)
    _state(complaint, Status.ACCEPTED)
    s = complaint.suspensions.filter(ended_on__isnull=True).first()
    if s is None:
        raise RuleViolation("E007", detail_zh="处理期限未暂停计时", detail_en="the clock is not suspended")
    today = deadlines.local_date(clock.now())
    ended_on = ended_on or today
    if ended_on > today or ended_on < s.started_on:
        raise RuleViolation("E009", detail_zh="恢复计时的日期无效", detail_en="invalid end of the suspension", field="ended_on")
    s.ended_on = ended_on
    s.save(update_fields=["ended_on"])
    _recompute_decision_due(complaint)
    complaint.save()
    _step(complaint, "clock_resumed", _name(user), f"{complaint.decision_due:%Y-%m-%d}")
    audit_record(actor=actor, action="complaints.clock_resumed", obj=complaint, data={"number": complaint.number, "until": ended_on.isoformat(), "decision_due": complaint.decision_due.isoformat()})
    return s


@transaction.atomic
def complaint_tender_instruction(*, actor: Actor, complaint: Complaint, kind: str, reason: str, due_hours: int = 24) -> str:
    """Suspend (条例 62: 必要时责令暂停招标投标活动) or resume the tender through a supervisory instruction."""
    complaint = _locked(complaint)
    user = _handler(actor, complaint)
    if kind not in ("suspend", "resume"):
        raise RuleViolation("E001", field="kind")
    _state(complaint, Status.LODGED, Status.ACCEPTED, Status.DECIDED)
    directives = _directives()
    if directives is None:
        raise RuleViolation("E007", detail_zh="监督指令功能尚未启用", detail_en="supervisory instructions are not available yet")
    if not (reason or "").strip():
        raise RuleViolation("E001", detail_zh="须写明理由", detail_en="the reason is required", field="reason")
    directive = directives.directive_issue(actor=actor, kind=kind, tender_code=complaint.tender_code, lot_code=complaint.lot_code or None, reason=reason.strip(), due_hours=int(due_hours), complaint_id=complaint.number)
    ref = _ref(directive)
    complaint.suspension_ref = ref if kind == "suspend" else ""
    complaint.save(update_fields=["suspension_ref"])
    _step(complaint, f"tender_{kind}", _name(user), f"{ref} {reason.strip()}")
    audit_record(actor=actor, action=f"complaints.tender_{kind}", obj=complaint, data={"number": complaint.number, "directive": ref})
    return ref


# --------------------------------------------------------------------------- decision and publication (404)


def _national(moment: datetime) -> str:
    return moment.astimezone(TZ).strftime("%Y%m%d%H%M%S")


def decision_record(complaint: Complaint) -> dict[str, Any]:
    """The 404 投诉信息 record of a decided complaint, signed by the supervision platform."""
    from etender.kernel.signing import platform_signer

    handled = complaint.decided_at
    record = {
        "TENDER_PROJECT_NAME": complaint.tender_name[:200],
        "TENDER_PROJECT_CODE": complaint.tender_code,
        "BID_SECTION_CODE": complaint.lot_code,
        "BID_SECTION_NAME": complaint.lot_name[:500],
        "UNIFIED_DEAL_CODE": complaint.deal_code,
        "COMPLAINT_NAME": complaint.complainant_name[:100],
        "COMPLAINT_PHONE": complaint.complainant_phone[:50],
        "COMPLAINT_MAIL": complaint.complainant_email[:100],
        "COMPLAINTED_BODY_NAME": complaint.respondent_name[:200],
        "COMPLAINTED_BODY_TYPE": complaint.respondent_type,
        "COMPLAINTED_BODY_CODE": complaint.respondent_code[:18],
        "DISSENT_REASON": complaint.grounds,
        "COMPLAINT_CONTENT": f"{complaint.request_text}\n{complaint.facts}",
        "COMPLAINT_DATE": _national(complaint.lodged_at),
        "ACCEPT_DATE": _national(complaint.accepted_at),
        "HANDLE_RESULT": complaint.handle_result,
        "HANDLE_BASIS": complaint.handle_basis,
        "HANDLE_DATE": _national(handled),
        "CONFINED_ACTION": complaint.confined_action or "0",
        "START_DATE": _national(complaint.restriction_start or handled),
        "END_DATE": _national(complaint.restriction_end or handled),
        "DEALING_UNIT": complaint.department.name[:200],
        "ENTER_CREDIT_PLAT": "1" if complaint.enter_credit else "0",
    }
    record["SIGNATURE"] = platform_signer().sign(record)
    return record


@transaction.atomic
def complaint_decide(
    *,
    actor: Actor,
    complaint: Complaint,
    outcome: str,
    handle_result: str,
    handle_basis: str,
    confined_action: str = "0",
    restriction_start: datetime | None = None,
    restriction_end: datetime | None = None,
    enter_credit: bool = False,
) -> Complaint:
    """The written decision (条例 61), published on the hub portal as data set 404 (电子办法 51)."""
    complaint = _locked(complaint)
    user = _handler(actor, complaint)
    _state(complaint, Status.ACCEPTED)
    problems = []
    if outcome not in Outcome.values:
        problems.append(RuleViolation("E001", detail_zh="请选择处理结果", detail_en="choose the outcome", field="outcome"))
    if not (handle_result or "").strip():
        problems.append(RuleViolation("E001", detail_zh="须填写处理决定", detail_en="the decision is required", field="handle_result"))
    if not (handle_basis or "").strip():
        problems.append(RuleViolation("E001", detail_zh="须填写处理依据", detail_en="the legal basis is required", field="handle_basis"))
    confined_action = (confined_action or "0").strip()
    if not re.fullmatch(r"[0-9A-Za-z]{1,2}", confined_action):
        problems.append(RuleViolation("E001", detail_zh="限制的行为代码为1至2位字母或数字", detail_en="the restricted-conduct code has 1–2 letters or digits", field="confined_action"))
    if restriction_start and restriction_end and restriction_end < restriction_start:
        problems.append(RuleViolation("E009", detail_zh="限制行为结束时间早于开始时间", detail_en="the restriction ends before it starts", field="restriction_end"))
    if complaint.suspensions.filter(ended_on__isnull=True).exists():
        problems.append(RuleViolation("E007", detail_zh="请先恢复处理期限计时（结束检验、检测、鉴定或专家评审）", detail_en="resume the clock first (end the inspection, testing, appraisal or expert review)"))
    raise_all(problems)
    now = clock.now()
    complaint.status = Status.DECIDED
    complaint.decided_at = now
    complaint.outcome = outcome
    complaint.handle_result = handle_result.strip()
    complaint.handle_basis = handle_basis.strip()
    complaint.confined_action = confined_action
    complaint.restriction_start, complaint.restriction_end = restriction_start, restriction_end
    complaint.enter_credit = bool(enter_credit)
    complaint.decided_by_name = _name(user)
    complaint.published_at = now
    complaint.save()
    record = decision_record(complaint)
    hub_disclose(dataset="404", record=record)
    late = complaint.decision_due is not None and now >= deadlines.overdue_from(complaint.decision_due)
    _step(complaint, "decided", _name(user), complaint.get_outcome_display())
    audit_record(
        actor=actor,
        action="complaints.decided",
        obj=complaint,
        data={"number": complaint.number, "outcome": outcome, "late": late, "record_sha256": hashlib.sha256(repr(sorted(record.items())).encode()).hexdigest()},
        checkpoint=True,
    )
    publish_on_commit("complaints.decided", {"number": complaint.number, "tender_code": complaint.tender_code})
    return complaint



# --------------------------------------------------------------------------- periodic work


def _alert(complaint: Complaint, step: str, zh: str, en: str) -> None:
    """An alert on the monitoring dashboard (monitor's alert_raise, idempotent by its key)."""
    from etender.supervision.monitor.services import alert_raise

    alert_raise(tender_code=complaint.tender_code, rule_code="条例61", severity="warning", message_zh=zh, message_en=en, source="complaints", dedupe_key=f"complaint:{complaint.number}:{step}")


def overdue_flag(*, now: datetime | None = None) -> int:
    """Flag the complaints whose acceptance or decision is overdue (idempotent); returns how many were flagged."""
    now = now or clock.now()
    flagged = 0
    for c in Complaint.objects.filter(status=Status.LODGED, acceptance_overdue_at__isnull=True).select_related("department"):
        if now >= deadlines.overdue_from(c.accept_due):
            with transaction.atomic():
                if Complaint.objects.filter(pk=c.pk, acceptance_overdue_at__isnull=True, status=Status.LODGED).update(acceptance_overdue_at=now):
                    _step(c, "acceptance_overdue", "system", f"{c.accept_due:%Y-%m-%d}")
                    audit_record(actor=Actor.system("complaints"), action="complaints.acceptance_overdue", obj=c, data={"number": c.number, "due": c.accept_due.isoformat()})
                    _alert(c, "acceptance", f"投诉 {c.number} 逾期未决定是否受理（应于 {c.accept_due:%Y-%m-%d} 前）", f"Complaint {c.number}: acceptance overdue (due {c.accept_due:%Y-%m-%d})")
                    flagged += 1
    for c in Complaint.objects.filter(status=Status.ACCEPTED, decision_overdue_at__isnull=True, decision_due__isnull=False).select_related("department"):
        if now >= deadlines.overdue_from(c.decision_due):
            with transaction.atomic():
                if Complaint.objects.filter(pk=c.pk, decision_overdue_at__isnull=True, status=Status.ACCEPTED, decision_due=c.decision_due).update(decision_overdue_at=now):
                    _step(c, "decision_overdue", "system", f"{c.decision_due:%Y-%m-%d}")
                    audit_record(actor=Actor.system("complaints"), action="complaints.decision_overdue", obj=c, data={"number": c.number, "due": c.decision_due.isoformat()})
                    _alert(c, "decision", f"投诉 {c.number} 逾期未作出处理决定（应于 {c.decision_due:%Y-%m-%d} 前）", f"Complaint {c.number}: decision overdue (due {c.decision_due:%Y-%m-%d})")
                    flagged += 1
    return flagged


def periodic() -> None:
    """The worker's pass (``etender worker supervision``, every second): overdue steps, then the 404 delivery."""
    overdue_flag()
    deliver()


__all__ = ["deliver", "deliver_if_pending", "hub_disclose", "periodic", "overdue_flag"]
