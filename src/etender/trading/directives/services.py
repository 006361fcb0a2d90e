"""Supervisory instructions on the trading platform: receive, execute, acknowledge, answer, report.

The only way a supervising department affects this platform: an instruction
signed by its supervision platform, relayed and countersigned by the hub, read by
:func:`poll_hub` from the hub's inbox.  :func:`instruction_receive` refuses any
envelope without a valid hub signature for this platform (E056).  On receipt the
acknowledgement is queued at once; suspend, resume and terminate are executed by
the platform itself, corrections and information requests by its operators
(:func:`instruction_answer`); the execution report is queued when done.  Reports
are signed and delivered by the worker (:func:`reports_send`), retried until the
hub has them.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import close_old_connections, transaction
from django.utils.translation import gettext as _

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.calendar import TZ
from etender.kernel.errors import RuleViolation
from etender.kernel.events import publish_on_commit
from etender.kernel.platform_requests import call, verify_document
from etender.kernel.signing import platform_signer
from etender.trading import chronograph
from etender.trading.bids.models import Bid
from etender.trading.tenders import lifecycle
from etender.trading.tenders.models import DocumentDownload, Lot, LotStatus, Tender, TenderStatus
from etender.trading.tenders.services import lock_tender, notify

from .models import Attachment, InboxState, Instruction, Kind, Report

logger = logging.getLogger(__name__)

AUTOMATIC = (Kind.SUSPEND, Kind.RESUME, Kind.TERMINATE)
MAX_ATTACHMENT_BYTES = 1_000_000  # per answer, all files together: the report travels as one JSON body
MAX_BACKOFF = 30


def platform_code() -> str:
    return settings.ETENDER_PLATFORM_CODE


def hub_url() -> str:
    return (getattr(settings, "ETENDER_HUB_URL", "") or "").rstrip("/")


def _state() -> InboxState:
    state, _ = InboxState.objects.get_or_create(pk=1)
    return state


def configured_hub_key() -> str:
    return getattr(settings, "ETENDER_HUB_DIRECTIVES_KEY", "") or os.environ.get("ETENDER_HUB_DIRECTIVES_KEY", "")


def hub_key() -> str:
    """The hub's relay key: configured, else pinned at first contact (GET /api/directives/v1/key)."""
    key = configured_hub_key()
    if key:
        return key
    state = _state()
    if state.hub_key:
        return state.hub_key
    status, body = call(hub_url(), "GET", "/api/directives/v1/key", code=platform_code())
    if status != 200 or not body.get("public_key"):
        raise OSError(f"GET /api/directives/v1/key: HTTP {status}")
    InboxState.objects.filter(pk=1, hub_key="").update(hub_key=body["public_key"])
    return _state().hub_key


def _parse_time(value: Any) -> datetime | None:
    try:
        dt = datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None
    return dt if dt.tzinfo else None


# --------------------------------------------------------------------------- receipt


@transaction.atomic
def instruction_receive(*, actor: Actor, seq: int, envelope: dict[str, Any], hub_signature: str, key: str) -> tuple[Instruction, bool]:
    """Store a relayed instruction once, acknowledge it and execute what the platform executes itself.

    Returns (instruction, created).  E056 for anything the hub did not sign for this platform.
    """
    if not isinstance(envelope, dict) or not verify_document(public_key=key, document=envelope, signature=hub_signature):
        raise RuleViolation("E056")
    if envelope.get("target") != platform_code() or envelope.get("type") != "etender-supervisory-instruction":
        raise RuleViolation("E056", detail_zh="该指令不是发给本平台的", detail_en="the instruction is addressed to another platform")
    doc = envelope.get("instruction") or {}
    iid = str(doc.get("id", ""))
    existing = Instruction.objects.filter(instruction_id=iid).first()
    if existing is not None:
        return existing, False  # a duplicate delivery changes nothing
    if doc.get("kind") not in Kind.values:
        raise RuleViolation("E056", detail_zh="未知的指令类型", detail_en="unknown instruction kind")
    now = clock.now()
    tender = Tender.objects.filter(code=str(doc.get("tender_code", ""))).first()
    department = doc.get("department") or {}
    instruction = Instruction.objects.create(
        instruction_id=iid,
        inbox_seq=seq,
        kind=doc["kind"],
        tender=tender,
        tender_code=str(doc.get("tender_code", ""))[:20],
        lot_code=str(doc.get("lot_code") or "")[:40],
        department_name=str(department.get("name", ""))[:200],
        issued_by=str(doc.get("issued_by", ""))[:200],
        reason=str(doc.get("reason", "")),
        correction=str(doc.get("correction") or ""),
        questions=[str(q) for q in (doc.get("questions") or [])],
        issued_at=_parse_time(doc.get("issued_at")) or now,
        ack_due_at=_parse_time(doc.get("ack_due_at")),
        execute_due_at=_parse_time(doc.get("execute_due_at")),
        envelope=envelope,
        hub_signature=hub_signature,
        received_at=now,
    )
    audit_record(actor=actor, action="directive.received", obj=instruction, data={"instruction": iid, "kind": instruction.kind, "tender": instruction.tender_code, "hub_signature": hub_signature})
    _queue_report(instruction, Report.Kind.ACKNOWLEDGED, text="", outcome="received")
    if tender is not None:
        managers = [e for e in (tender.tenderer, tender.agency) if e is not None]
        notify(entities=managers, tender=tender, kind="directive", title=f"{tender.name}：收到行政监督部门指令（{Kind(instruction.kind).label}）", body=instruction.reason[:2000])
    if instruction.kind in AUTOMATIC:
        _execute(actor, instruction)
    publish_on_commit("directive.received", {"instruction": iid, "kind": instruction.kind, "tender": instruction.tender_code})
    return instruction, True


def _execute(actor: Actor, instruction: Instruction) -> None:
    tender = instruction.tender
    if tender is None:
        _done(actor, instruction, outcome="tender_not_found", text=f"本平台没有招标项目 {instruction.tender_code}")
        return
    tender = lock_tender(tender)
    now = clock.now()
    if instruction.kind == Kind.SUSPEND:
        if tender.status in (TenderStatus.CANCELLED,):
            _done(actor, instruction, outcome="not_applicable", text="招标项目已终止")
            return
        if tender.suspended_at is None:
            tender.suspended_at = now
        tender.suspension_ref = instruction.instruction_id
        tender.save(update_fields=["suspended_at", "suspension_ref"])
        chronograph.tender_apply_time_events(tender=tender, actor=actor)  # stores next_check = none while suspended
        audit_record(actor=actor, action="tender.suspended", obj=tender, data={"instruction": instruction.instruction_id})
        publish_on_commit("tender.suspended", {"tender": tender.code, "instruction": instruction.instruction_id})
        _notify_parties(tender, "suspended", f"{tender.name}：已被行政监督部门暂停，暂停期间不能办理任何事项")
        _done(actor, instruction, outcome="suspended", text=f"已于{now.astimezone(TZ):%Y-%m-%d %H:%M:%S}暂停招标项目 {tender.code}")
    elif instruction.kind == Kind.RESUME:
        if tender.suspended_at is None:
            _done(actor, instruction, outcome="not_suspended", text="招标项目未处于暂停状态")
            return
        suspended_at = tender.suspended_at
        old_deadline = tender.bid_deadline
        tender.bid_deadline = lifecycle.give_back(tender.bid_deadline, suspended_at=suspended_at, resumed_at=now)
        if tender.bid_open_time and old_deadline and tender.bid_open_time == old_deadline:
            tender.bid_open_time = tender.bid_deadline
        else:
            tender.bid_open_time = lifecycle.give_back(tender.bid_open_time, suspended_at=suspended_at, resumed_at=now)
        tender.suspended_at = None
        tender.suspension_ref = ""
        tender.save(update_fields=["bid_deadline", "bid_open_time", "suspended_at", "suspension_ref"])
        for lot in Lot.objects.filter(tender=tender, status=LotStatus.OPENING):
            lot.opening_ends_at = lifecycle.give_back(lot.opening_ends_at, suspended_at=suspended_at, resumed_at=now)
            lot.save(update_fields=["opening_ends_at"])
        chronograph.tender_apply_time_events(tender=tender, actor=actor)
        audit_record(actor=actor, action="tender.resumed", obj=tender, data={"instruction": instruction.instruction_id, "suspended_at": suspended_at.isoformat(), "deadline": tender.bid_deadline.isoformat() if tender.bid_deadline else None})
        publish_on_commit("tender.resumed", {"tender": tender.code, "instruction": instruction.instruction_id})
        moved = f"，投标截止时间顺延至{tender.bid_deadline.astimezone(TZ):%Y-%m-%d %H:%M}" if tender.bid_deadline != old_deadline and tender.bid_deadline else ""
        _notify_parties(tender, "resumed", f"{tender.name}：已恢复{moved}")
        _done(actor, instruction, outcome="resumed", text=f"已于{now.astimezone(TZ):%Y-%m-%d %H:%M:%S}恢复招标项目 {tender.code}{moved}")
    elif instruction.kind == Kind.TERMINATE:
        if tender.status == TenderStatus.CANCELLED:
            _done(actor, instruction, outcome="terminated", text="招标项目已终止")
            return
        snap = lifecycle.terminate(chronograph.snapshot(tender))
        for lot_snap in snap.lots:
            Lot.objects.filter(pk=lot_snap.id).exclude(status=lot_snap.status).update(status=lot_snap.status)
        tender.status = snap.status
        tender.suspended_at = None
        tender.suspension_ref = ""
        tender.next_check = None
        tender.save(update_fields=["status", "suspended_at", "suspension_ref", "next_check"])
        audit_record(actor=actor, action="tender.terminated", obj=tender, data={"instruction": instruction.instruction_id}, checkpoint=True)
        publish_on_commit("tender.terminated", {"tender": tender.code, "instruction": instruction.instruction_id})
        _notify_parties(tender, "terminated", f"{tender.name}：已被行政监督部门责令终止")
        _done(actor, instruction, outcome="terminated", text=f"已于{now.astimezone(TZ):%Y-%m-%d %H:%M:%S}终止招标项目 {tender.code}")


def _notify_parties(tender: Tender, kind: str, title: str) -> None:
    from etender.trading.accounts.models import Entity

    ids = {tender.tenderer_id, tender.agency_id} - {None}
    ids |= set(DocumentDownload.objects.filter(tender=tender).values_list("entity_id", flat=True))
    ids |= set(Bid.objects.filter(lot__tender=tender).values_list("bidder_id", flat=True))
    notify(entities=Entity.objects.filter(pk__in=ids), tender=tender, kind=kind, title=title[:300])


def _done(actor: Actor, instruction: Instruction, *, outcome: str, text: str, attachments: list[Attachment] | None = None) -> None:
    instruction.status = Instruction.Status.EXECUTED
    instruction.executed_at = clock.now()
    instruction.outcome = outcome
    instruction.answer = text
    instruction.save(update_fields=["status", "executed_at", "outcome", "answer", "answered_by"])
    audit_record(actor=actor, action="directive.executed", obj=instruction, data={"instruction": instruction.instruction_id, "outcome": outcome})
    _queue_report(instruction, Report.Kind.EXECUTED, text=text, outcome=outcome, attachments=attachments or [])


def _b64_file(a: Attachment) -> str:
    with a.file.open("rb") as f:
        return base64.b64encode(f.read()).decode()


def _queue_report(instruction: Instruction, kind: str, *, text: str, outcome: str, attachments: list[Attachment] | None = None) -> Report:
    body = {
        "type": "etender-instruction-report",
        "version": 1,
        "instruction": instruction.instruction_id,
        "platform": platform_code(),
        "kind": kind,
        "at": clock.now().isoformat(),
        "outcome": outcome,
        "text": text,
        "attachments": [{"name": a.name, "sha256": a.sha256, "size": a.size, "content": _b64_file(a)} for a in (attachments or [])],
    }
    report, _ = Report.objects.get_or_create(instruction=instruction, kind=kind, defaults={"body": body, "signature": platform_signer().sign(body), "created_at": clock.now()})
    return report


# --------------------------------------------------------------------------- the operators' answer


def can_answer(user) -> bool:
    return bool(getattr(user, "is_staff", False))


@transaction.atomic
def instruction_answer(*, actor: Actor, user, instruction: Instruction, text: str, files: list[tuple[str, File]] | None = None) -> Instruction:
    """The platform's operator answers a correction order or an information request (text and files)."""
    if not can_answer(user):
        raise RuleViolation("E006", detail_zh="仅平台运营人员可以答复监督指令", detail_en="only the platform's operators answer supervisory instructions")
    instruction = Instruction.objects.select_for_update().get(pk=instruction.pk)
    if instruction.status == Instruction.Status.EXECUTED:
        raise RuleViolation("E057")
    text = (text or "").strip()
    if not text:
        raise RuleViolation("E001", detail_zh="请填写办理情况或答复", detail_en="write the execution report or the answer", field="text")
    if len(text) > 20_000:
        raise RuleViolation("E001", detail_zh="不得超过20000字", detail_en="at most 20,000 characters", field="text")
    files = files or []
    total = sum((f.size or 0) for _, f in files)
    if total > MAX_ATTACHMENT_BYTES:
        raise RuleViolation("E004", detail_zh="附件合计不得超过1 MB", detail_en="attachments at most 1 MB together", field="files")
    attachments = []
    for name, f in files:
        data = f.read()
        name = (name or "attachment").replace("/", "_").replace("\\", "_").strip(" .")[-200:] or "attachment"
        a = Attachment(instruction=instruction, name=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data))
        a.file.save(name, ContentFile(data), save=False)
        a.save()
        attachments.append(a)
    instruction.answered_by_id = user.pk
    _done(actor, instruction, outcome="answered", text=text, attachments=attachments)
    return instruction


# --------------------------------------------------------------------------- the worker: inbox and reports


def reports_send(*, limit: int = 50) -> int:
    """Deliver queued reports to the hub in order; failures back off and are retried. Returns how many went."""
    hub = hub_url()
    if not hub:
        return 0
    sent = 0
    now = clock.now()
    for report in Report.objects.filter(sent_at__isnull=True).order_by("id")[:limit]:
        if report.next_attempt_at and report.next_attempt_at > now:
            continue
        try:
            status, body = call(hub, "POST", "/api/directives/v1/reports", code=platform_code(), body={"report": report.body, "signature": report.signature})
        except OSError as exc:
            _backoff(report, repr(exc))
            break  # the hub is unreachable: the rest waits too
        if status in (200, 201):
            Report.objects.filter(pk=report.pk).update(sent_at=clock.now(), last_error="")
            sent += 1
        else:
            _backoff(report, f"HTTP {status} {body.get('code', '')} {body.get('message', '')}")
    return sent


def _backoff(report: Report, error: str) -> None:
    attempts = report.attempts + 1
    Report.objects.filter(pk=report.pk).update(attempts=attempts, last_error=error[:2000], next_attempt_at=clock.now() + timedelta(seconds=min(2 ** (attempts - 1), MAX_BACKOFF)))


def poll_hub(*, wait: float = 0.0) -> int:
    """Read the hub's inbox after the stored cursor, take each instruction, then send queued reports.

    Idempotent: an instruction seen twice (a retry, a cursor lost in a crash) is stored once.
    Returns how many instructions were new.
    """
    hub = hub_url()
    if not hub:
        return 0
    state = _state()
    new = 0
    try:
        key = hub_key()
        status, body = call(hub, "GET", f"/api/directives/v1/inbox?after={state.cursor}&wait={wait:g}", code=platform_code(), timeout=wait + 30)
        if status != 200:
            raise OSError(f"inbox: HTTP {status} {body.get('code', '')} {body.get('message', '')}")
        actor = Actor.system()
        for item in body.get("items", []):
            try:
                _, created = instruction_receive(actor=actor, seq=int(item["seq"]), envelope=item.get("envelope"), hub_signature=str(item.get("hub_signature", "")), key=key)
                new += int(created)
            except RuleViolation as exc:  # not signed by the hub for us: refused, logged, never executed
                logger.warning("instruction %s refused: %s", item.get("instruction_id"), exc.code)
                with transaction.atomic():
                    audit_record(actor=actor, action="directive.refused", obj=None, data={"instruction": str(item.get("instruction_id", ""))[:64], "code": exc.code})
            InboxState.objects.filter(pk=1, cursor__lt=int(item["seq"])).update(cursor=int(item["seq"]))
        InboxState.objects.filter(pk=1).update(last_poll_at=clock.now(), last_error="")
    except OSError as exc:
        InboxState.objects.filter(pk=1).update(last_error=repr(exc)[:2000])
    reports_send()
    return new


_listener: threading.Thread | None = None
_listener_lock = threading.Lock()
LISTEN_WAIT = 20.0


def _listen() -> None:
    failures = 0
    while True:
        try:
            close_old_connections()
            poll_hub(wait=LISTEN_WAIT)
            failures = 0 if not InboxState.objects.filter(pk=1).exclude(last_error="").exists() else failures + 1
        except Exception:  # the listener must outlive any error; the next poll retries from the stored cursor
            logger.exception("instruction inbox poll failed")
            failures += 1
        if failures:
            time.sleep(min(2 ** (failures - 1), MAX_BACKOFF))


def poll_hub_fast() -> int:
    """For the worker's fast loop: keeps one long-polling listener thread alive (an instruction arrives
    within a few milliseconds of reaching the hub) and sends queued reports; cheap when idle."""
    global _listener
    if not hub_url():
        return 0
    with _listener_lock:
        if _listener is None or not _listener.is_alive():
            _listener = threading.Thread(target=_listen, name="directives-inbox", daemon=True)
            _listener.start()
    if Report.objects.filter(sent_at__isnull=True).exists():
        return reports_send()
    return 0


def kind_label(kind: str) -> str:
    return str(Kind(kind).label) if kind in Kind.values else _("instruction")
