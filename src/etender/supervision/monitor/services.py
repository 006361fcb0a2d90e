"""Writes of monitoring: applying the hub's change feed, alerts, jurisdictions, the access log.

Exactly once: a page of the feed is applied in one transaction that locks the cursor row, checks that the cursor
is still where the page was read from, stores each entry as a :class:`FeedEvent` (unique by the hub's ``seq``),
updates the read model, raises the alerts of the event rules (unique by dedupe key) and moves the cursor.  A crash
before the commit leaves nothing; after it, everything.  A second worker that read the same page finds the cursor
moved and applies nothing.
"""

from __future__ import annotations

import logging
import time as _time
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.calendar import default_calendar
from etender.kernel.errors import RuleViolation
from etender.kernel.events import publish_on_commit

from . import hub_client, rules
from .models import AccessLog, Alert, DepartmentHead, FeedCursor, FeedEvent, Jurisdiction, LotView, PlatformWitness, Project, TenderView

log = logging.getLogger(__name__)
User = get_user_model()

PAGE = 200
IDLE_POLL = 0.2  # seconds between feed polls of the fast loop when the last one found nothing
WITNESS_REFRESH = 5.0  # seconds between reads of the witness's logs and alerts
TIME_RULES_EVERY = 5.0  # seconds between passes of the time rules (their periods count hours and days; a pass over every open tender is not free)
SYSTEM = Actor.system("monitor")
_last_poll = 0.0
_last_witness = 0.0
_last_time_rules = 0.0


def _cursor(lock: bool = False) -> FeedCursor:
    FeedCursor.objects.get_or_create(pk=1)
    qs = FeedCursor.objects.select_for_update() if lock else FeedCursor.objects
    return qs.get(pk=1)


# -- alerts ------------------------------------------------------------------------------------------------


@transaction.atomic
def alert_raise(*, tender_code: str, rule_code: str, severity: str, message_zh: str, message_en: str, source: str, dedupe_key: str, event_seq: int | None = None, platform_code: str = "") -> tuple[Alert, bool]:
    """Raise an alert once per ``dedupe_key`` (a re-delivery or a restart finds the existing one): (alert, created)."""
    existing = Alert.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing, False
    if severity not in Alert.Severity.values:
        raise RuleViolation("E001", detail_zh=f"未知的严重程度：{severity}", detail_en=f"unknown severity: {severity}", field="severity")
    tender = TenderView.objects.filter(code=tender_code).first() if tender_code else None
    now = clock.now()
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                dedupe_key=dedupe_key[:200], tender_code=tender_code or "", tender=tender, platform_code=platform_code or (tender.platform_code if tender else ""),
                rule_code=rule_code, severity=severity, message_zh=message_zh, message_en=message_en, source=source, event_seq=event_seq, raised_at=now, updated_at=now,
            )
    except IntegrityError:  # a concurrent raise of the same key won
        return Alert.objects.get(dedupe_key=dedupe_key[:200]), False
    audit_record(actor=SYSTEM, action="monitor.alert_raised", obj=alert, data={"rule": rule_code, "tender": tender_code, "dedupe_key": dedupe_key, "source": source})
    publish_on_commit("monitor.alert_raised", {"id": alert.pk, "rule": rule_code, "tender": tender_code})
    return alert, True


def _close_settled(facts: rules.EventFacts, item: dict, cal) -> int:
    """Resolve the open missing-record alerts of the tender that this record settles (rules.CLOSERS).

    Severity and message stay as raised; the note says when the record came and how late, and the audit entry
    keeps it (``monitor.alert_auto_resolved``).  Only rule alerts are touched; a resolved alert is never raised
    again (its dedupe key stays taken).
    """
    if facts.dataset not in rules.CLOSERS:
        return 0
    open_alerts = list(Alert.objects.select_for_update().filter(tender_code=facts.tender.code, source="rule", status__in=[Alert.Status.OPEN, Alert.Status.IN_PROGRESS]))
    if not open_alerts:
        return 0
    closures = rules.evaluate_arrival(facts, item["exchanged_at"], [rules.OpenAlert(a.rule_code, a.dedupe_key, a.raised_at) for a in open_alerts], cal)
    by_key = {a.dedupe_key: a for a in open_alerts}
    now = clock.now()
    for c in closures:
        alert = by_key.pop(c.dedupe_key, None)
        if alert is None:
            continue
        note = f"{c.note_zh}\n{c.note_en}"
        alert.resolution = f"{alert.resolution}\n\n{note}" if alert.resolution else note
        alert.status, alert.updated_at = Alert.Status.RESOLVED, now
        alert.save(update_fields=["resolution", "status", "updated_at"])
        audit_record(actor=SYSTEM, action="monitor.alert_auto_resolved", obj=alert,
                     data={"rule": alert.rule_code, "dedupe_key": alert.dedupe_key, "dataset": facts.dataset, "seq": item["seq"], "arrived_at": item["exchanged_at"].isoformat(), "late_minutes": c.late_minutes})
    return len(closures)


ALLOWED = {
    Alert.Status.OPEN: {Alert.Status.IN_PROGRESS, Alert.Status.RESOLVED, Alert.Status.DISMISSED},
    Alert.Status.IN_PROGRESS: {Alert.Status.OPEN, Alert.Status.RESOLVED, Alert.Status.DISMISSED},
    Alert.Status.RESOLVED: {Alert.Status.OPEN},
    Alert.Status.DISMISSED: {Alert.Status.OPEN},
}


@transaction.atomic
def alert_update(*, actor: Actor, alert: Alert, status: str | None = None, assignee_username: str | None = None, resolution: str | None = None) -> Alert:
    """Change an alert's status, assignee or notes.  Resolving or dismissing needs notes (E084)."""
    from . import selectors

    user = User.objects.filter(pk=actor.user_id).first() if actor.user_id else None
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if selectors.alert_for_user(user, alert.pk) is None:
        raise RuleViolation("E080")
    changes: dict = {}
    if resolution is not None:
        resolution = resolution.strip()
        if len(resolution) > 5000:
            raise RuleViolation("E001", detail_zh="处理说明不得超过5000字", detail_en="notes may have at most 5000 characters", field="resolution")
        if resolution != alert.resolution:
            changes["resolution"] = resolution
            alert.resolution = resolution
    if assignee_username is not None:
        if assignee_username == "":
            assignee = None
        else:
            assignee = User.objects.filter(username=assignee_username, is_active=True).first()
            if assignee is None or not selectors.may_monitor(assignee):
                raise RuleViolation("E084", detail_zh=f"无法指派给 {assignee_username}：不是监督部门工作人员", detail_en=f"cannot assign to {assignee_username}: not staff of a supervising department", field="assignee")
        if (assignee.pk if assignee else None) != alert.assignee_id:
            changes["assignee"] = assignee.get_username() if assignee else ""
            alert.assignee = assignee
    if status is not None and status != alert.status:
        if status not in Alert.Status.values or status not in ALLOWED[alert.status]:
            raise RuleViolation("E084", detail_zh=f"不能从“{alert.get_status_display()}”改为“{status}”", detail_en=f"cannot change from {alert.status} to {status}", field="status")
        if status in (Alert.Status.RESOLVED, Alert.Status.DISMISSED) and not alert.resolution:
            raise RuleViolation("E084", field="resolution")
        changes["status"] = status
        alert.status = status
    if not changes:
        return alert
    alert.updated_at = clock.now()
    alert.save()
    audit_record(actor=actor, action="monitor.alert_updated", obj=alert, data=changes)
    return alert


# -- the feed ----------------------------------------------------------------------------------------------


def _tender_code_of(dataset: str, record: dict) -> str:
    if dataset == "500":
        return ""
    code = record.get("TENDER_PROJECT_CODE") or ""
    lots = sorted(rules.lot_codes(record))
    if not code and lots:  # a lot's record (506, 511 name their lots in BID_SECTION_CODES)
        lot = LotView.objects.filter(code__in=lots).select_related("tender").first()
        code = lot.tender.code if lot else ""
    return code


def _facts(tender: TenderView) -> rules.TenderFacts:
    datasets = set(FeedEvent.objects.filter(tender_code=tender.code).values_list("dataset", flat=True))
    return rules.TenderFacts(
        code=tender.code,
        is_to_law=tender.is_to_law,
        bid_open_time=tender.bid_open_time,
        has_opening_record="506" in datasets,
        has_publicity="511" in datasets,
        results={lot.code: lot.result_at for lot in tender.lot_set.all() if lot.result_at},
        contracts={lot.code: lot.contract_at for lot in tender.lot_set.all() if lot.contract_at},
        written_report_at=tender.written_report_at,
    )


STAGE_ORDER = [s for s, _ in TenderView.Stage.choices]


def _advance(tender: TenderView, stage: str) -> None:
    if STAGE_ORDER.index(stage) > STAGE_ORDER.index(tender.stage):
        tender.stage = stage


def _apply_record(item: dict) -> TenderView | None:
    """Update the read model with one feed entry; returns its tender (None for a project or an unknown tender)."""
    ds, rec = item["dataset"], item.get("record") or {}
    t = rules.parse_time
    if ds == "500":
        code = rec.get("PROJECT_CODE") or ""
        if code:
            Project.objects.update_or_create(code=code, defaults={"name": rec.get("PROJECT_NAME") or "", "region_code": rec.get("REGION_CODE") or "", "industry": rec.get("INDUSTRIES_TYPE") or ""})
            TenderView.objects.filter(project_code=code, industry="").update(industry=rec.get("INDUSTRIES_TYPE") or "")
        return None
    code = _tender_code_of(ds, rec)
    if not code:
        return None
    tender = TenderView.objects.filter(code=code).first()
    if tender is None:
        tender = TenderView(code=code, platform_code=item.get("origin") or "", platform_name=item.get("origin_name") or "", region_code=item.get("region") or "")
    if ds == "501":
        project = Project.objects.filter(code=rec.get("PROJECT_CODE") or "").first()
        tender.project_code = rec.get("PROJECT_CODE") or ""
        tender.name = rec.get("TENDER_PROJECT_NAME") or tender.name
        tender.region_code = rec.get("REGION_CODE") or tender.region_code
        tender.industry = project.industry if project else tender.industry
        tender.tender_type = rec.get("TENDER_PROJECT_TYPE") or ""
        tender.is_to_law = (rec.get("IS_TO_LAW") or "1") == "1"
        tender.tenderer_name = rec.get("TENDERER_NAME") or ""
        tender.tenderer_code = rec.get("TENDERER_CODE") or ""
        tender.agency_name = rec.get("TENDER_AGENCY_NAME") or ""
        tender.supervise_dept_name = rec.get("SUPERVISE_DEPT_NAME") or ""
    elif ds == "503":
        tender.notice_name = rec.get("NOTICE_NAME") or tender.notice_name
        tender.doc_get_start = t(rec.get("DOC_GET_START_TIME")) or tender.doc_get_start
        tender.bid_deadline = t(rec.get("BID_DOC_REFER_END_TIME")) or tender.bid_deadline
        tender.bid_open_time = t(rec.get("BID_OPEN_TIME")) or tender.bid_open_time
        _advance(tender, TenderView.Stage.TENDERING)
    elif ds == "504":
        tender.bid_deadline = t(rec.get("BID_DOC_REFER_END_TIME")) or tender.bid_deadline
        tender.bid_open_time = t(rec.get("POST_OPEN_TIME")) or t(rec.get("BID_OPEN_TIME")) or tender.bid_open_time
    elif ds == "506":
        tender.opened_at = t(rec.get("BID_OPENING_TIME")) or tender.opened_at
        _advance(tender, TenderView.Stage.OPENED)
    elif ds in ("509", "510"):
        _advance(tender, TenderView.Stage.EVALUATED)
    elif ds == "511":
        tender.publicity_start = t(rec.get("PUBLICITY_START_TIME")) or tender.publicity_start
        tender.publicity_end = t(rec.get("PUBLICITY_END_TIME")) or tender.publicity_end
        _advance(tender, TenderView.Stage.PUBLICITY)
    elif ds == "513":
        tender.result_at = tender.result_at or t(rec.get("NOTICE_SEND_TIME"))
        _advance(tender, TenderView.Stage.AWARDED)
    elif ds == "512":
        tender.contract_at = tender.contract_at or t(rec.get("CONTRACT_SIGN_TIME"))
        _advance(tender, TenderView.Stage.CONTRACTED)
    tender.first_exchanged_at = tender.first_exchanged_at or item["exchanged_at"]
    tender.last_exchanged_at = item["exchanged_at"]
    tender.save()
    if ds == "502" and rec.get("BID_SECTION_CODE"):
        LotView.objects.update_or_create(code=rec["BID_SECTION_CODE"], defaults={"tender": tender, "name": rec.get("BID_SECTION_NAME") or "", "classify_code": rec.get("TENDER_PROJECT_CLASSIFY_CODE") or ""})
    if ds == "513" and rec.get("BID_SECTION_CODE"):
        LotView.objects.filter(code=rec["BID_SECTION_CODE"], result_at__isnull=True).update(result_at=t(rec.get("NOTICE_SEND_TIME")))
    if ds == "512" and rec.get("BID_SECTION_CODE"):
        LotView.objects.filter(code=rec["BID_SECTION_CODE"], contract_at__isnull=True).update(contract_at=t(rec.get("CONTRACT_SIGN_TIME")))
    return tender


def _as_time(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))


@transaction.atomic
def feed_apply(*, after: int, items: list[dict], next_position: int) -> int:
    """Apply one page of the feed read from position ``after``; returns how many entries were applied.

    Nothing happens if the cursor is no longer at ``after`` (another worker applied the page first).
    """
    cursor = _cursor(lock=True)
    if cursor.position != after:
        return 0
    cal, now, applied = default_calendar(), clock.now(), 0
    for raw in items:
        item = {**raw, "exchanged_at": _as_time(raw["exchanged_at"])}
        if FeedEvent.objects.filter(seq=item["seq"]).exists():
            continue
        tender = _apply_record(item)
        rec = item.get("record") or {}
        FeedEvent.objects.create(
            seq=item["seq"], tender=tender, tender_code=tender.code if tender else "", dataset=item["dataset"], key=item.get("key") or "", op=item.get("op") or "upsert",
            version=item.get("version") or 1, platform_code=item.get("platform") or "", origin_code=item.get("origin") or "", origin_name=item.get("origin_name") or "",
            region_code=item.get("region") or "", exchanged_at=item["exchanged_at"], applied_at=now, record=rec,
        )
        applied += 1
        if tender is not None:
            facts = rules.EventFacts(dataset=item["dataset"], key=item.get("key") or "", record=rec, tender=_facts(tender))
            for f in rules.evaluate_event(facts, cal):
                alert_raise(tender_code=tender.code, rule_code=f.rule_code, severity=f.severity, message_zh=f.message_zh, message_en=f.message_en, source="rule", dedupe_key=f.dedupe_key, event_seq=item["seq"])
            _close_settled(facts, item, cal)
    cursor.position = max(cursor.position, next_position)
    cursor.applied += applied
    cursor.last_polled_at = now
    if applied:
        cursor.last_applied_at = now
    cursor.last_error = ""
    cursor.save()
    return applied


def _note_error(message: str) -> None:
    FeedCursor.objects.get_or_create(pk=1)
    FeedCursor.objects.filter(pk=1).update(last_error=message[:2000], last_polled_at=clock.now())


def consume(*, max_pages: int = 50, wait: float = 0.0) -> int:
    """Read the feed from the cursor and apply it page by page until caught up; returns entries applied."""
    if not hub_client.hub_url():
        return 0
    total = 0
    for _ in range(max_pages):
        after = _cursor().position
        try:
            page = hub_client.feed(after, limit=PAGE, wait=wait)
        except hub_client.HubError as exc:
            _note_error(str(exc))
            log.warning("monitor: feed read failed: %s", exc)
            break
        items = page.get("items") or []
        if not items:
            break
        total += feed_apply(after=after, items=items, next_position=int(page.get("next") or after))
        if len(items) < PAGE:
            break
        wait = 0.0
    return total


def consume_if_pending() -> int:
    """The fast loop's step: poll the feed at most every ``IDLE_POLL`` s while idle, at once again after news."""
    global _last_poll
    if _time.monotonic() - _last_poll < IDLE_POLL:
        return 0
    n = consume(max_pages=5)
    _last_poll = 0.0 if n else _time.monotonic()
    return n


# -- the witness -------------------------------------------------------------------------------------------


def witness_refresh() -> int:
    """Store the latest cosigned checkpoint per platform and raise an alert for each new witness alert (E083)."""
    if not hub_client.hub_url():
        return 0
    try:
        logs = hub_client.witness_logs()
        cursor = _cursor()
        alerts = hub_client.witness_alerts(cursor.witness_alert_after)
    except hub_client.HubError as exc:
        _note_error(str(exc))
        return 0
    now = clock.now()
    for entry in logs:
        PlatformWitness.objects.update_or_create(
            platform_code=entry["platform_code"],
            defaults={"origin": entry["origin"], "size": entry["size"], "cosigned_at": _as_time(entry["cosigned_at"]) if entry.get("cosigned_at") else None, "refreshed_at": now},
        )
    raised = 0
    for a in alerts:
        with transaction.atomic():
            c = _cursor(lock=True)
            if a["id"] <= c.witness_alert_after:
                continue
            kind_zh = {"fork": "分叉", "inconsistent": "历史被改写"}.get(a["kind"], a["kind"])
            _, created = alert_raise(
                tender_code="", rule_code="E083", severity="critical", source="witness", platform_code=a["platform_code"], dedupe_key=f"E083:witness:{a['id']}",
                message_zh=f"公共服务平台见证告警 #{a['id']}：{a['platform_name']} 的操作日志{kind_zh}（已见证 {a['witnessed_size']} 条，提交 {a['submitted_size']} 条）",
                message_en=f"hub witness alert #{a['id']}: the operation log of {a['platform_name']} {'forked' if a['kind'] == 'fork' else 'was rewritten'} (witnessed size {a['witnessed_size']}, submitted {a['submitted_size']})",
            )
            raised += created
            c.witness_alert_after = a["id"]
            c.save(update_fields=["witness_alert_after"])
    FeedCursor.objects.filter(pk=1).update(witness_refreshed_at=now)
    return raised


# -- time rules ------------------------------------------------------------------------------------------


def evaluate_time_rules(now: datetime | None = None) -> int:
    """Raise the alerts of the time rules for tenders not yet finished; idempotent by dedupe key."""
    now = now or clock.now()
    cal, raised = default_calendar(), 0
    for tender in TenderView.objects.exclude(stage=TenderView.Stage.CONTRACTED).prefetch_related("lot_set"):
        for f in rules.evaluate_time(_facts(tender), now, cal):
            _, created = alert_raise(tender_code=tender.code, rule_code=f.rule_code, severity=f.severity, message_zh=f.message_zh, message_en=f.message_en, source="rule", dedupe_key=f.dedupe_key)
            raised += created
    return raised


def periodic() -> None:
    """`etender worker supervision`, every second: catch up with the feed, the witness every few seconds, time rules.

    Each step runs even if an earlier one failed (a failing feed item must not stop the time rules); failures are
    logged and the first is raised at the end, so the worker reports it and the next pass retries.  The time rules
    run every ``TIME_RULES_EVERY`` seconds only: the worker's fast loop does not read the feed during this pass, and
    the alert-within-one-second target (bench/alert_bench.py) depends on the pass being short.
    """
    global _last_witness, _last_time_rules
    steps = [consume]
    now = _time.monotonic()
    if now - _last_witness >= WITNESS_REFRESH:
        _last_witness = now
        steps.append(witness_refresh)
    if now - _last_time_rules >= TIME_RULES_EVERY:
        _last_time_rules = now
        steps.append(evaluate_time_rules)
    first: Exception | None = None
    for step in steps:
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - the other steps still run; the first failure is raised below
            log.exception("monitor.periodic: %s failed", step.__name__)
            first = first or exc
    if first is not None:
        raise first


# -- jurisdiction and access log ---------------------------------------------------------------------------


@transaction.atomic
def jurisdiction_set(*, actor: Actor, department, region_codes: list[str], industries_types: list[str], tender_types: list[str]) -> Jurisdiction:
    from etender.kernel.codes import CodeError, validate_region_code

    for r in region_codes:
        try:
            validate_region_code(r)
        except CodeError as exc:
            raise RuleViolation("E003", detail_zh=exc.message_zh, detail_en=exc.message_en, field="region_codes") from None
    j, _ = Jurisdiction.objects.select_for_update().get_or_create(department=department)
    j.region_codes, j.industries_types, j.tender_types, j.updated_at = sorted(set(region_codes)), sorted(set(industries_types)), sorted(set(tender_types)), clock.now()
    j.save()
    audit_record(actor=actor, action="monitor.jurisdiction_set", obj=department, data={"region_codes": j.region_codes, "industries_types": j.industries_types, "tender_types": j.tender_types})
    return j


@transaction.atomic
def head_add(*, actor: Actor, department, user) -> DepartmentHead:
    head, created = DepartmentHead.objects.get_or_create(department=department, user=user)
    if created:
        audit_record(actor=actor, action="monitor.head_added", obj=department, data={"user": user.get_username()})
    return head


def access_record(*, request, kind: str, record: str, tender_code: str = "", allowed: bool = True) -> AccessLog:
    """Log one view of restricted data (who, when, which record) — also refused attempts."""
    user = request.user if getattr(request, "user", None) is not None and request.user.is_authenticated else None
    ip = (request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0].strip() or request.META.get("REMOTE_ADDR")) or None
    return AccessLog.objects.create(user=user, username=user.get_username() if user else "", at=clock.now(), kind=kind, record=record[:200], tender_code=tender_code[:60], path=request.get_full_path()[:400], ip=ip, allowed=allowed)
