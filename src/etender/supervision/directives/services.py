"""Issue and track supervisory instructions (电子招标投标办法 52).

``directive_issue`` checks that the user's department covers the tender, signs the
instruction with this platform's key and stores it; the worker sends it to the hub
(:func:`send_pending`, retried with back-off until the hub answers) and reads the
hub's status events (:func:`status_poll`).  Overdue acknowledgements and
executions are flagged by :func:`overdue_flag` (and raised as monitoring alerts).
This is supervision's only path to trading data: it writes nothing anywhere else.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.calendar import TZ, default_calendar
from etender.kernel.errors import RuleViolation
from etender.kernel.events import publish_on_commit
from etender.kernel.platform_requests import call
from etender.kernel.signing import platform_signer
from etender.supervision.duties.models import Department

from .models import PROGRESS, Directive, Kind, ReportFile, Status, StatusCursor

#: Hours to acknowledge (receipt is acknowledged automatically, so this is short).
ACK_HOURS_DEFAULT = 2
#: Execution time when the issuer gives none: immediate kinds in hours, answers in working days.
EXECUTE_HOURS_DEFAULT = {Kind.SUSPEND: 2, Kind.RESUME: 2, Kind.TERMINATE: 24}
ANSWER_WORKING_DAYS = 5
MAX_DUE_HOURS = 720
MAX_BACKOFF = 30


def platform_code() -> str:
    return getattr(settings, "ETENDER_PLATFORM_CODE", "")


def hub_url() -> str:
    return (getattr(settings, "ETENDER_HUB_URL", "") or "").rstrip("/")


def ack_hours() -> int:
    return int(getattr(settings, "ETENDER_DIRECTIVE_ACK_HOURS", ACK_HOURS_DEFAULT))


# --------------------------------------------------------------------------- jurisdiction


def issuing_department(user, tender_code: str) -> tuple[Department, str]:
    """The user's department that covers the tender, and the tender's name (E051 outside every jurisdiction).

    Uses the monitoring read model (``monitor.selectors``); a tender the read model
    has not seen yet is matched on the region inside its code (the hub checks the
    region again against its own records before relaying).
    """
    from etender.supervision.monitor import selectors as monitor
    from etender.supervision.monitor.jurisdiction import region_prefix

    departments = monitor.departments_of(user)
    if not departments:
        raise RuleViolation("E006", detail_zh="仅行政监督部门工作人员可以发出监督指令", detail_en="only staff of a supervising department may issue instructions")
    view = monitor.tender_by_code(tender_code)
    for department in departments:
        if view is not None:
            if monitor.department_scope(department).covers(region_code=view.region_code, industry=view.industry, tender_type=view.tender_type):
                return department, view.name
        elif tender_code[1:7].startswith(region_prefix(department.region_code)):
            return department, ""
    raise RuleViolation("E051")


# --------------------------------------------------------------------------- issue


def _due(kind: str, issued_at: datetime, due_hours: int | None) -> datetime:
    if due_hours is not None:
        try:
            hours = int(due_hours)
        except (TypeError, ValueError):
            raise RuleViolation("E058", field="due_hours") from None
        if not 1 <= hours <= MAX_DUE_HOURS:
            raise RuleViolation("E058", field="due_hours")
        return issued_at + timedelta(hours=hours)
    if kind in EXECUTE_HOURS_DEFAULT:
        return issued_at + timedelta(hours=EXECUTE_HOURS_DEFAULT[kind])
    # Answers: five working days, to the end (24:00) of the last one.
    last = default_calendar().add_working_days(issued_at, ANSWER_WORKING_DAYS)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=TZ)


def suspension_in_effect(tender_code: str) -> bool:
    """Whether the last suspend/resume/terminate sent for the tender (not refused) was a suspension."""
    last = Directive.objects.filter(tender_code=tender_code, kind__in=[Kind.SUSPEND, Kind.RESUME, Kind.TERMINATE]).exclude(status=Status.REFUSED).order_by("-issued_at", "-id").first()
    return last is not None and last.kind == Kind.SUSPEND


@transaction.atomic
def directive_issue(
    *,
    actor: Actor,
    kind: str,
    tender_code: str,
    lot_code: str | None = None,
    reason: str,
    due_hours: int | None,
    complaint_id: str | int | None = None,
    correction: str = "",
    questions: list[str] | None = None,
) -> Directive:
    """Issue an instruction to the trading platform of ``tender_code``; sent through the hub by the worker."""
    user = get_user_model().objects.filter(pk=actor.user_id).first()
    if user is None:
        raise RuleViolation("E008")
    if kind not in Kind.values:
        raise RuleViolation("E001", detail_zh="未知的指令类型", detail_en="unknown instruction kind", field="kind")
    tender_code = (tender_code or "").strip().upper()
    if not tender_code:
        raise RuleViolation("E001", detail_zh="请填写招标项目编号", detail_en="enter the tender project code", field="tender_code")
    if len(tender_code) > 20:
        raise RuleViolation("E010", field="tender_code")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation("E001", detail_zh="请填写指令事由", detail_en="give the reason", field="reason")
    if len(reason) > 5000:
        raise RuleViolation("E001", detail_zh="不得超过5000字", detail_en="at most 5,000 characters", field="reason")
    correction = (correction or "").strip()
    questions = [q.strip() for q in (questions or []) if q and q.strip()]
    if kind == Kind.CORRECT and not correction:
        raise RuleViolation("E001", detail_zh="请写明责令改正的内容", detail_en="state the correction required", field="correction")
    if kind == Kind.INFORM and not questions:
        raise RuleViolation("E001", detail_zh="请列出需要说明的问题", detail_en="list the questions to answer", field="questions")
    if len(correction) > 20_000 or sum(len(q) for q in questions) > 20_000 or len(questions) > 50:
        raise RuleViolation("E001", detail_zh="内容过长", detail_en="too long", field="correction" if kind == Kind.CORRECT else "questions")
    department, tender_name = issuing_department(user, tender_code)
    if kind == Kind.SUSPEND and suspension_in_effect(tender_code):
        raise RuleViolation("E054", detail_zh="该项目已处于暂停状态", detail_en="the tender is suspended already")
    if kind == Kind.RESUME and not suspension_in_effect(tender_code):
        raise RuleViolation("E054", detail_zh="该项目未被暂停，无需恢复", detail_en="the tender is not suspended")
    now = clock.now()
    execute_due = _due(kind, now, due_hours)
    ack_due = min(now + timedelta(hours=ack_hours()), execute_due)
    iid = uuid.uuid4().hex
    document = {
        "type": "etender-supervisory-instruction",
        "version": 1,
        "id": iid,
        "supervision": platform_code(),
        "department": {"code": department.code, "name": department.name, "region_code": department.region_code},
        "kind": kind,
        "tender_code": tender_code,
        "lot_code": (lot_code or "").strip() or None,
        "reason": reason,
        "correction": correction,
        "questions": questions,
        "issued_at": now.isoformat(),
        "ack_due_at": ack_due.isoformat(),
        "execute_due_at": execute_due.isoformat(),
        "complaint_id": str(complaint_id) if complaint_id not in (None, "") else None,
        "issued_by": user.get_full_name() or user.username,
        "legal_basis": "电子招标投标办法第五十二条",
    }
    directive = Directive.objects.create(
        instruction_id=iid,
        kind=kind,
        tender_code=tender_code,
        tender_name=tender_name[:600],
        lot_code=document["lot_code"] or "",
        department=department,
        issued_by=user,
        issued_by_name=document["issued_by"][:150],
        reason=reason,
        correction=correction,
        questions=questions,
        complaint_id=document["complaint_id"] or "",
        issued_at=now,
        ack_due_at=ack_due,
        execute_due_at=execute_due,
        document=document,
        signature=platform_signer().sign(document),
    )
    audit_record(actor=actor, action="directive.issued", obj=directive, data={"instruction": iid, "kind": kind, "tender": tender_code, "department": department.code, "complaint": directive.complaint_id})
    publish_on_commit("directive.issued", {"instruction": iid, "kind": kind, "tender": tender_code})
    return directive


# --------------------------------------------------------------------------- the worker


def send_pending(*, limit: int = 20) -> int:
    """Send instructions the hub has not answered yet; a refusal is final (E05x), anything else is retried."""
    hub = hub_url()
    if not hub:
        return 0
    sent = 0
    now = clock.now()
    for d in Directive.objects.filter(status=Status.PENDING).order_by("issued_at", "id")[:limit]:
        if d.next_attempt_at and d.next_attempt_at > now:
            continue
        try:
            status, body = call(hub, "POST", "/api/directives/v1/instructions", code=platform_code(), body={"instruction": d.document, "signature": d.signature})
        except OSError as exc:
            _backoff(d, repr(exc))
            break
        if status in (200, 201):
            _relayed(d, body)
            sent += 1
        elif 400 <= status < 500 and body.get("code") and status not in (408, 429):
            _refused(d, body)
        else:
            _backoff(d, f"HTTP {status} {body.get('code', '')} {body.get('message', '')}")
    return sent


def send_if_pending() -> int:
    """For the worker's fast loop: one indexed query when idle."""
    if not Directive.objects.filter(status=Status.PENDING).exists():
        return 0
    return send_pending()


def _backoff(d: Directive, error: str) -> None:
    attempts = d.attempts + 1
    Directive.objects.filter(pk=d.pk).update(attempts=attempts, last_error=error[:2000], next_attempt_at=clock.now() + timedelta(seconds=min(2 ** (attempts - 1), MAX_BACKOFF)))


@transaction.atomic
def _relayed(d: Directive, body: dict[str, Any]) -> None:
    d = Directive.objects.select_for_update().get(pk=d.pk)
    d.target_platform = str(body.get("target", ""))[:18]
    d.target_platform_name = str(body.get("target_name", ""))[:200]
    d.tender_name = d.tender_name or str(body.get("tender_name", ""))[:600]
    d.relayed_at = d.relayed_at or clock.now()
    d.last_error = ""
    _advance(d, Status.RELAYED)
    d.save()
    audit_record(actor=Actor.system(), action="directive.relayed", obj=d, data={"instruction": d.instruction_id, "to": d.target_platform})


@transaction.atomic
def _refused(d: Directive, body: dict[str, Any]) -> None:
    d = Directive.objects.select_for_update().get(pk=d.pk)
    if d.status != Status.PENDING:
        return
    d.status = Status.REFUSED
    d.refused_code = str(body.get("code", ""))[:8]
    d.refused_message = str(body.get("message", "") or body.get("detail", ""))[:500]
    d.save(update_fields=["status", "refused_code", "refused_message"])
    audit_record(actor=Actor.system(), action="directive.refused", obj=d, data={"instruction": d.instruction_id, "code": d.refused_code})


def _advance(d: Directive, status: str) -> None:
    if d.status in PROGRESS and PROGRESS.index(status) > PROGRESS.index(d.status):
        d.status = status


def status_poll(*, wait: float = 0.0) -> int:
    """Apply the hub's status events after the stored cursor; idempotent. Returns how many were applied."""
    hub = hub_url()
    if not hub:
        return 0
    state, _ = StatusCursor.objects.get_or_create(pk=1)
    try:
        status, body = call(hub, "GET", f"/api/directives/v1/status?after={state.cursor}&wait={wait:g}", code=platform_code(), timeout=wait + 30)
    except OSError as exc:
        StatusCursor.objects.filter(pk=1).update(last_error=repr(exc)[:2000])
        return 0
    if status != 200:
        StatusCursor.objects.filter(pk=1).update(last_error=f"HTTP {status} {body.get('code', '')} {body.get('message', '')}"[:2000])
        return 0
    n = 0
    for item in body.get("items", []):
        status_apply(item)
        StatusCursor.objects.filter(pk=1, cursor__lt=int(item["seq"])).update(cursor=int(item["seq"]))
        n += 1
    StatusCursor.objects.filter(pk=1).update(last_poll_at=clock.now(), last_error="")
    return n


def _time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    try:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        return dt if dt.tzinfo else clock.now()
    except ValueError:
        return clock.now()


@transaction.atomic
def status_apply(item: dict[str, Any]) -> bool:
    """One status event of the hub (relayed, delivered, acknowledged, executed): applied once."""
    d = Directive.objects.select_for_update().filter(instruction_id=str(item.get("instruction_id", ""))).first()
    if d is None:
        return False
    kind = item.get("kind")
    at = _time(item.get("at"))
    if kind == "relayed":
        if d.relayed_at:
            return False
        d.relayed_at = at
        d.target_platform = d.target_platform or str(item.get("target", ""))[:18]
        d.target_platform_name = d.target_platform_name or str(item.get("target_name", ""))[:200]
        d.tender_name = d.tender_name or str(item.get("tender_name", ""))[:600]
        _advance(d, Status.RELAYED)
    elif kind == "delivered":
        if d.delivered_at:
            return False
        d.relayed_at = d.relayed_at or at
        d.delivered_at = at
        _advance(d, Status.DELIVERED)
    elif kind == "acknowledged":
        if d.acknowledged_at:
            return False
        d.acknowledged_at = at
        _advance(d, Status.ACKNOWLEDGED)
    elif kind == "executed":
        if d.executed_at:
            return False
        report = item.get("report") or {}
        d.executed_at = at
        d.outcome = str(report.get("outcome", ""))[:40]
        d.report_text = str(report.get("text", ""))
        d.report = report
        d.report_signature = str(item.get("report_signature", ""))[:200]
        for a in report.get("attachments") or []:
            try:
                data = base64.b64decode(a.get("content", ""), validate=True)
            except (ValueError, TypeError):
                continue
            if hashlib.sha256(data).hexdigest() != a.get("sha256"):
                continue  # a file that does not match its digest is not kept
            f = ReportFile(directive=d, name=str(a.get("name", "attachment"))[:200], sha256=a["sha256"], size=len(data))
            f.file.save(f.name.replace("/", "_") or "attachment", ContentFile(data), save=False)
            f.save()
        d.report["attachments"] = [{k: v for k, v in a.items() if k != "content"} for a in report.get("attachments") or []]
        _advance(d, Status.EXECUTED)
    else:
        return False
    d.save()
    audit_record(actor=Actor.system(), action=f"directive.{kind}", obj=d, data={"instruction": d.instruction_id, "at": at.isoformat()})
    publish_on_commit("directive.status", {"instruction": d.instruction_id, "kind": kind})
    return True


def overdue_flag() -> int:
    """Flag instructions whose acknowledgement or execution is overdue (once each) and raise a monitoring alert."""
    now = clock.now()
    n = 0
    for d in Directive.objects.filter(acknowledged_at__isnull=True, ack_overdue_at__isnull=True, ack_due_at__lt=now).exclude(status=Status.REFUSED):
        n += _flag(d, "ack", now)
    for d in Directive.objects.filter(executed_at__isnull=True, execute_overdue_at__isnull=True, execute_due_at__lt=now).exclude(status=Status.REFUSED):
        n += _flag(d, "execute", now)
    return n


@transaction.atomic
def _flag(d: Directive, which: str, now: datetime) -> int:
    field = "ack_overdue_at" if which == "ack" else "execute_overdue_at"
    updated = Directive.objects.filter(pk=d.pk, **{f"{field}__isnull": True}).update(**{field: now})
    if not updated:
        return 0
    what_zh, what_en = ("确认", "acknowledgement") if which == "ack" else ("执行", "execution")
    audit_record(actor=Actor.system(), action=f"directive.{which}_overdue", obj=d, data={"instruction": d.instruction_id})
    try:
        from etender.supervision.monitor.services import alert_raise
    except ImportError:  # monitoring not installed: the flag on the instruction is the record
        return 1
    alert_raise(
        tender_code=d.tender_code,
        rule_code="E050",
        severity="warning",
        message_zh=f"监督指令（{Kind(d.kind).label}）{what_zh}逾期：{d.target_platform_name or d.target_platform or '交易平台'}未在{(d.ack_due_at if which == 'ack' else d.execute_due_at).astimezone(TZ):%Y-%m-%d %H:%M}前{what_zh}",
        message_en=f"Supervisory instruction ({d.kind}): {what_en} overdue since {(d.ack_due_at if which == 'ack' else d.execute_due_at).isoformat()}",
        source="directives",
        dedupe_key=f"directive:{d.instruction_id}:{which}",
    )
    return 1


def periodic() -> int:
    """The worker's pass (every second): send what waits, read the hub's status events, flag what is overdue."""
    return send_pending() + status_poll() + overdue_flag()
