"""Writes of the award stage: publicity, objections, award, notices, contract, refunds, report, archive.

Every function is transactional, calls ``ensure_not_suspended`` first (电子办法 52, E050), records its
audit entry (电子办法 49) and publishes its event after commit.  Periods and term checks are the pure
functions of :mod:`.rules`; the publicity's pause and end are the pure machine of :mod:`.lifecycle`.
Documents the platform issues (publicity, notices, contract, written report) are rendered as PDF,
hashed, signed with the platform key and archived in the same transaction (电子办法 40, E150).
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.calendar import TZ, default_calendar
from etender.kernel.canonical import digest
from etender.kernel.errors import RuleViolation, raise_all
from etender.kernel.events import publish_on_commit
from etender.kernel.signing import platform_signer, verify
from etender.trading.accounts.models import Entity
from etender.trading.bids.models import Bid, BidStatus
from etender.trading.outbox.services import disclose
from etender.trading.tenders.guards import ensure_not_suspended
from etender.trading.tenders.models import Lot, LotStatus, Tender
from etender.trading.tenders.services import can_manage, notify, require_manager

from . import lifecycle, pdf, records, reports, rules
from .models import ArchiveItem, Award, Candidate, Contract, Notice, Objection, Publicity, Refund, SupervisorReport

log = logging.getLogger(__name__)

#: Bid statuses of bidders who took part to the end of the submission (everyone gets a notice and a refund).
BIDDER_STATUSES = (BidStatus.OPENED, BidStatus.REVOKED, BidStatus.DEEMED_WITHDRAWN, BidStatus.SUBMITTED)
DEFAULT_OBJECTION_METHOD = "投标人或者其他利害关系人对评标结果有异议的，应当在公示期间通过本交易平台“中标候选人公示”页面在线提出；招标人自收到异议之日起3日内答复，答复前暂停招标投标活动。"


# --------------------------------------------------------------------------- helpers


def _local(dt: datetime) -> str:
    return dt.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def _text(value: Any, field: str, max_len: int, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise RuleViolation("E001", detail_zh="必须填写", detail_en="required", field=field)
    if len(text) > max_len:
        raise RuleViolation("E001", detail_zh=f"不得超过{max_len}字", detail_en=f"at most {max_len} characters", field=field)
    return text


def _money(value: Any, field: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise RuleViolation("E001", detail_zh="应为金额", detail_en="must be an amount", field=field) from None
    if not d.is_finite() or d < 0 or d >= Decimal("1e16"):
        raise RuleViolation("E001", detail_zh="金额超出范围", detail_en="amount out of range", field=field)
    return d.quantize(Decimal("0.01"))


def _sign(document: dict[str, Any]) -> str:
    return platform_signer().sign(document)


def _lock_publicity(publicity: Publicity) -> Publicity:
    return Publicity.objects.select_for_update().get(pk=publicity.pk)


def _snap(p: Publicity) -> lifecycle.PublicitySnap:
    return lifecycle.PublicitySnap(status=p.status, start_at=p.start_at, end_at=p.end_at, paused_since=p.paused_since, pending=p.objections.filter(status=Objection.Status.PENDING).count(), paused_seconds=p.paused_seconds)


def _store_snap(p: Publicity, snap: lifecycle.PublicitySnap) -> None:
    p.status, p.end_at, p.paused_since, p.paused_seconds = snap.status, snap.end_at, snap.paused_since, snap.paused_seconds
    p.next_check = lifecycle.next_check(snap)
    p.save(update_fields=["status", "end_at", "paused_since", "paused_seconds", "next_check"])


def bidders_of(lot: Lot):
    """Every bid that took part (submitted by the deadline): each gets a notice and its security back."""
    return Bid.objects.filter(lot=lot, submitted_at__isnull=False, status__in=BIDDER_STATUSES).select_related("bidder").order_by("id")


def current_publicity(lot: Lot) -> Publicity | None:
    return Publicity.objects.filter(lot=lot).order_by("-number").first()


def _managers(tender: Tender) -> list[Entity]:
    return [e for e in (tender.tenderer, tender.agency) if e is not None]


# --------------------------------------------------------------------------- archive (电子办法 40, E150)


def signed_envelope(*, tender: Tender, kind: str, ref: str, title: str, content: bytes, signed_at: datetime) -> dict[str, Any]:
    """The canonical document a platform signature of an archived item covers."""
    return {"type": "etender.archive-item.v1", "tender": tender.code, "kind": kind, "ref": ref, "title": title, "sha256": hashlib.sha256(content).hexdigest(), "size": len(content), "signed_at": signed_at.isoformat()}


def platform_signed(*, tender: Tender, kind: str, ref: str, title: str, content: bytes) -> dict[str, Any]:
    """Sign an item with the platform key; returns the keyword arguments ``archive_add`` takes."""
    doc = signed_envelope(tender=tender, kind=kind, ref=ref, title=title, content=content, signed_at=clock.now())
    info = platform_signer().public_info()
    return {"signed_document": doc, "signature": _sign(doc), "public_key": info["public_key"], "signer": f"平台 {info['key_id']}"}


@transaction.atomic
def archive_add(*, actor: Actor, tender: Tender, kind: str, ref: str, title: str, content: bytes, media_type: str = "application/pdf", signed_document: dict[str, Any] | None, signature: str, public_key: str, signer: str) -> ArchiveItem:
    """Archive one data message; refused (E150) unless it carries a valid electronic signature over its hash."""
    ensure_not_suspended(tender)
    if kind not in ArchiveItem.Kind.values:
        raise RuleViolation("E001", detail_zh="归档类别无效", detail_en="unknown archive kind", field="kind")
    sha = hashlib.sha256(content).hexdigest()
    if not signed_document or not signature or not public_key:
        raise RuleViolation("E150", detail_zh=f"{title}：未签名", detail_en=f"{title}: not signed", params={"ref": ref})
    if signed_document.get("sha256") != sha or not verify(signed_document, signature, public_key):
        raise RuleViolation("E150", detail_zh=f"{title}：签名无效或与文件哈希不符", detail_en=f"{title}: the signature is not valid or does not cover this file", params={"ref": ref, "sha256": sha})
    existing = ArchiveItem.objects.filter(tender=tender, kind=kind, ref=ref).first()
    if existing is not None:
        return existing
    item = ArchiveItem.objects.create(
        tender=tender, kind=kind, ref=ref, title=title[:600], media_type=media_type, content=content, sha256=sha, size=len(content),
        signer=signer[:200], signature_key=public_key, signed_document=signed_document, signature=signature, archived_at=clock.now(),
    )
    audit_record(actor=actor, action="award.archived", obj=tender, data={"kind": kind, "ref": ref, "sha256": sha})
    return item


def _archive_platform_item(*, actor: Actor, tender: Tender, kind: str, ref: str, title: str, content: bytes, media_type: str = "application/pdf") -> ArchiveItem:
    return archive_add(actor=actor, tender=tender, kind=kind, ref=ref, title=title, content=content, media_type=media_type, **platform_signed(tender=tender, kind=kind, ref=ref, title=title, content=content))


@transaction.atomic
def archive_complete(*, actor: Actor, tender: Tender) -> list[ArchiveItem]:
    """Archive every data message of 电子办法 40 of the tender that is not archived yet.

    Items issued by the platform before this stage are checked first: a tender document or clarification
    file must still match the hash recorded at upload, a bid its signed receipt, the opening record its
    platform signature, the evaluation report its members' signatures; only then does the platform sign
    the archived copy.  Anything that fails is refused with E150, naming it.
    """
    from etender.trading.bids.models import OpeningRecord
    from etender.trading.bids.services import opening_record_document

    ensure_not_suspended(tender)
    added: list[ArchiveItem] = []
    problems: list[RuleViolation] = []
    key = platform_signer().public_info()["public_key"]

    def add(kind: str, ref: str, title: str, content: bytes, media_type: str = "application/octet-stream") -> None:
        if not ArchiveItem.objects.filter(tender=tender, kind=kind, ref=ref).exists():
            added.append(_archive_platform_item(actor=actor, tender=tender, kind=kind, ref=ref, title=title, content=content, media_type=media_type))

    ann = getattr(tender, "announcement", None)
    if ann is not None and ann.published_at:
        add(ArchiveItem.Kind.ANNOUNCEMENT, f"announcement-{tender.pk}", ann.title, f"{ann.title}\n\n{ann.content}".encode(), "text/plain; charset=utf-8")
    for doc in tender.documents.select_related("clarification").order_by("id"):
        try:
            with doc.file.open("rb") as fh:
                data = fh.read()
        except OSError:
            data = b""
        if hashlib.sha256(data).hexdigest() != doc.sha256:
            problems.append(RuleViolation("E150", detail_zh=f"{doc.name}：文件与上传时记录的哈希不符", detail_en=f"{doc.name}: the file no longer matches the hash recorded at upload", params={"ref": f"document-{doc.pk}"}))
            continue
        kind = ArchiveItem.Kind.CLARIFICATION if doc.clarification_id else ArchiveItem.Kind.DOCUMENT
        add(kind, f"document-{doc.pk}", doc.name, data)
    for clar in tender.clarifications.order_by("number"):
        add(ArchiveItem.Kind.CLARIFICATION, f"clarification-{clar.pk}", clar.title, f"{clar.title}\n\n{clar.content}".encode(), "text/plain; charset=utf-8")
    for lot in tender.lots.order_by("number"):
        for bid in Bid.objects.filter(lot=lot, submitted_at__isnull=False).select_related("bidder").order_by("id"):
            env = bid.current
            if env is None:
                continue
            receipt_ok = bool(env.receipt) and verify(env.receipt, env.receipt_signature, key) and env.receipt.get("envelope_sha256") == env.sha256
            try:
                with env.file.open("rb") as fh:
                    data = fh.read()
            except OSError:
                data = b""
            if not receipt_ok or hashlib.sha256(data).hexdigest() != env.sha256:
                problems.append(RuleViolation("E150", detail_zh=f"{bid.bidder.name}的投标文件：回执签名无效或文件已变化", detail_en=f"bid of {bid.bidder.name}: receipt signature invalid or file changed", params={"ref": f"bid-{bid.pk}"}))
                continue
            add(ArchiveItem.Kind.BID, f"bid-{bid.pk}", f"{lot.name} {bid.bidder.name} 投标文件（密文）", data)
        record = OpeningRecord.objects.filter(lot=lot).first()
        if record is not None:
            doc = opening_record_document(record)
            if not verify(doc, record.signature, key):
                problems.append(RuleViolation("E150", detail_zh=f"{lot.name}开标记录签名无效", detail_en=f"opening record of {lot.name}: signature invalid", params={"ref": f"opening-{lot.pk}"}))
            else:
                from etender.kernel.canonical import canonical

                add(ArchiveItem.Kind.OPENING, f"opening-{lot.pk}", f"{lot.name} 开标记录", canonical(doc), "application/json")
        report = reports.report_for_lot(lot)
        if report is not None and report.pdf is not None:
            add(ArchiveItem.Kind.REPORT, f"report-{report.ref}", f"{lot.name} 评标报告", report.pdf(), "application/pdf")
    raise_all(problems)
    if added:
        audit_record(actor=actor, action="award.archive_completed", obj=tender, data={"items": len(added)}, checkpoint=True)
    return added


# --------------------------------------------------------------------------- publicity (条例 54)


def _publicity_pdf(p: Publicity) -> bytes:
    lot = p.lot
    table = [["排名 Rank", "中标候选人 Candidate", "投标报价（元）Price", "质量 Quality", "工期 Duration", "评标情况 Evaluation", "项目负责人及证书 Project manager"]]
    for c in p.candidates.order_by("rank").select_related("entity"):
        table.append([str(c.rank), c.entity.name, records.amount(c.price), c.quality, f"{c.duration_days or ''}", f"{c.evaluation_status}（{c.score}）", f"{c.project_manager}，{c.pm_certificates}"])
    return pdf.render(pdf.Document(
        title="中标候选人公示",
        subtitle=f"{lot.tender.name}（{lot.name}）  {lot.code}",
        paragraphs=[f"公示期：{_local(p.start_at)} 至 {_local(p.end_at)}", "各中标候选人响应招标文件要求的资格能力条件：\n" + "\n".join(f"第{c.rank}名 {c.entity.name}：{c.qualification}" for c in p.candidates.order_by("rank"))],
        table=table,
        after=[f"提出异议的渠道和方式：{p.objection_method}"] + ([p.other_content] if p.other_content else []) + [f"招标人：{lot.tender.tenderer.name}    发布时间：{_local(p.published_at)}"],
        footer=f"{lot.code} 中标候选人公示 · SHA-256 {p.content_sha256[:16]}…",
    ))


@transaction.atomic
def publicity_publish(
    *,
    actor: Actor,
    acting_entity: Entity | None,
    lot: Lot,
    candidates: list[dict[str, Any]],
    end_at: datetime | None = None,
    objection_method: str = "",
    other_content: str = "",
    late_reason: str = "",
    report: reports.ReportView | None = None,
) -> Publicity:
    """Publish the candidate publicity of a lot from its submitted evaluation report (条例 54; 10号令 6).

    ``candidates`` gives, per rank, what the report does not hold: the project manager with the names and
    numbers of the certificates, the manager's ID number (sent to the supervisor only), the qualification
    conditions as answered; quality, duration and evaluation status default from the bid and the report.
    """
    tender = lot.tender
    ensure_not_suspended(tender)
    require_manager(tender, acting_entity)
    lot = Lot.objects.select_for_update().get(pk=lot.pk)
    report = report or reports.report_for_lot(lot)
    if report is None:
        raise RuleViolation("E078")
    if report.failed or not report.candidates:
        raise RuleViolation("E007", detail_zh="评标委员会未推荐中标候选人", detail_en="the committee recommended no candidate")
    if len(report.candidates) > 3:
        raise RuleViolation("E140", detail_zh="中标候选人不超过3个", detail_en="at most 3 candidates")
    previous = current_publicity(lot)
    if previous is not None and previous.report_ref == report.ref:
        raise RuleViolation("E007", detail_zh="该评标报告的中标候选人已公示", detail_en="the candidates of this report are already published")
    if hasattr(lot, "award"):
        raise RuleViolation("E007", detail_zh="已定标", detail_en="the winner is already decided")
    now = clock.now()
    cal = default_calendar()
    if end_at is not None and end_at.tzinfo is None:
        end_at = end_at.replace(tzinfo=TZ)
    end = end_at or rules.publicity_minimum_end(cal, now)
    late_reason = _text(late_reason, "late_reason", 2000, required=False)
    late, problems = rules.check_publicity(cal=cal, report_received_at=report.received_at, start=now, end=end, late_reason=late_reason)
    by_rank = {int(d.get("rank", 0)): d for d in candidates}
    rows = []
    for c in report.candidates:
        d = by_rank.get(c.rank, {})
        form = c.bid.form or {}
        try:
            rows.append({
                "rank": c.rank, "bid": c.bid, "entity": c.bid.bidder, "price": c.price, "score": str(c.score or "")[:200],
                "evaluation_status": _text(d.get("evaluation_status") or c.summary or "资格审查合格，实质性响应招标文件", f"candidates.{c.rank}.evaluation_status", 5000),
                "quality": _text(d.get("quality") or form.get("quality") or "合格", f"candidates.{c.rank}.quality", 200),
                "duration_days": int(d.get("duration_days") or form.get("duration_days") or lot.duration_days or 0) or None,
                "project_manager": _text(d.get("project_manager"), f"candidates.{c.rank}.project_manager", 100),
                "pm_certificates": _text(d.get("pm_certificates"), f"candidates.{c.rank}.pm_certificates", 500),
                "pm_id_number": _text(d.get("pm_id_number"), f"candidates.{c.rank}.pm_id_number", 50),
                "qualification": _text(d.get("qualification"), f"candidates.{c.rank}.qualification", 5000),
            })
        except RuleViolation as exc:
            problems.append(exc)
        except (TypeError, ValueError):
            problems.append(RuleViolation("E001", detail_zh="工期应为整数", detail_en="duration must be a whole number", field=f"candidates.{c.rank}.duration_days"))
    raise_all(problems)
    title = f"{tender.name}（{lot.name}）中标候选人公示"
    content = {"lot": lot.code, "report": report.ref, "start": now.isoformat(), "end": end.isoformat(), "candidates": [{k: str(v.pk if k in ("bid", "entity") else v) for k, v in r.items() if k != "pm_id_number"} for r in rows]}
    sha = digest(content)
    p = Publicity.objects.create(
        lot=lot, number=(previous.number + 1) if previous else 1, report_ref=report.ref, report_received_at=report.received_at, title=title,
        objection_method=_text(objection_method or DEFAULT_OBJECTION_METHOD, "objection_method", 2000), other_content=_text(other_content, "other_content", 5000, required=False),
        published_at=now, start_at=now, end_at=end, minimum_end_at=rules.publicity_minimum_end(cal, now), late=late, late_reason=late_reason,
        published_by_id=actor.user_id, content_sha256=sha, signature=_sign({"type": "etender.publicity.v1", "sha256": sha}), next_check=end,
    )
    for r in rows:
        Candidate.objects.create(publicity=p, **r)
    for c in p.candidates.order_by("rank").select_related("entity", "publicity__lot__tender"):
        disclose(dataset="510", record=records.candidate_record(c))
    disclose(dataset="511", record=records.publicity_record(p))
    _archive_platform_item(actor=actor, tender=tender, kind=ArchiveItem.Kind.PUBLICITY, ref=f"publicity-{p.pk}", title=title, content=_publicity_pdf(p))
    bidders = Entity.objects.filter(pk__in=bidders_of(lot).values("bidder_id"))
    notify(entities=bidders, tender=tender, kind="publicity", title=f"{title}：公示至{_local(end)}", body=f"/publicities/{p.pk}/\n{DEFAULT_OBJECTION_METHOD}")
    audit_record(actor=actor, action="award.publicity_published", obj=p, data={"lot": lot.code, "report": report.ref, "end": end.isoformat(), "late": late, "sha256": sha}, checkpoint=True)
    publish_on_commit("award.publicity_published", {"lot": lot.code, "publicity": p.pk})
    return p


@transaction.atomic
def objection_raise(*, actor: Actor, entity: Entity | None, publicity: Publicity, content: str) -> Objection:
    """异议 to the evaluation result (条例 54): only during the publicity; pauses the publicity and the award."""
    tender = publicity.lot.tender
    ensure_not_suspended(tender)
    if entity is None:
        raise RuleViolation("E026")
    if can_manage(tender, entity):
        raise RuleViolation("E006", detail_zh="招标人不能对自己的公示提出异议", detail_en="the tenderer cannot object to its own publicity")
    publicity = _lock_publicity(publicity)
    now = clock.now()
    try:
        snap = lifecycle.raise_objection(_snap(publicity), now)
    except lifecycle.Refused as exc:
        raise RuleViolation(exc.code, detail_zh=f"公示期至{_local(publicity.end_at)}", detail_en=f"the publicity ran until {_local(publicity.end_at)}") from None
    content = _text(content, "content", 20_000)
    due = rules.deadline(default_calendar(), now, rules.ANSWER_WITHIN_DAYS)
    obj = Objection.objects.create(publicity=publicity, raised_by=entity, content=content, raised_at=now, answer_due=due)
    _store_snap(publicity, snap)
    notify(entities=_managers(tender), tender=tender, kind="award_objection", title=f"{publicity.title}：收到异议，请于{_local(due)}前答复（答复前暂停定标）", body=content[:2000])
    audit_record(actor=actor, action="award.objection_raised", obj=publicity, data={"objection": obj.pk, "answer_due": due.isoformat()})
    publish_on_commit("award.objection_raised", {"publicity": publicity.pk})
    return obj


@transaction.atomic
def objection_answer(*, actor: Actor, acting_entity: Entity | None, objection: Objection, answer: str) -> Objection:
    """Answer an objection; the answer is shown to the objector.  When none is pending the publicity
    resumes and the time it was paused is given back."""
    publicity = objection.publicity
    tender = publicity.lot.tender
    ensure_not_suspended(tender)
    require_manager(tender, acting_entity)
    publicity = _lock_publicity(publicity)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != Objection.Status.PENDING:
        raise RuleViolation("E007", detail_zh="已答复", detail_en="already answered")
    answer = _text(answer, "answer", 20_000)
    now = clock.now()
    snap = lifecycle.answer_objection(_snap(publicity), now)
    objection.answer, objection.answered_at, objection.status = answer, now, Objection.Status.ANSWERED
    objection.save(update_fields=["answer", "answered_at", "status"])
    _store_snap(publicity, snap)
    late = "（已超过3日答复期限）" if objection.late else ""
    notify(entities=[objection.raised_by], tender=tender, kind="award_objection_answer", title=f"{publicity.title}：您的异议已答复{late}", body=answer[:2000])
    audit_record(actor=actor, action="award.objection_answered", obj=publicity, data={"objection": objection.pk, "late": objection.late, "end": publicity.end_at.isoformat()})
    publish_on_commit("award.objection_answered", {"publicity": publicity.pk})
    return objection


@transaction.atomic
def publicity_apply_time_events(*, publicity: Publicity, actor: Actor | None = None) -> int:
    """The end of the publicity, when due and not paused (idempotent: recomputed from the stored state)."""
    actor = actor or Actor.system()
    publicity = _lock_publicity(publicity)
    snap = _snap(publicity)
    applied = 0
    for event in lifecycle.due_events(snap, clock.now()):
        snap = lifecycle.apply(snap, event)
        applied += 1
    _store_snap(publicity, snap)
    if applied:
        tender = publicity.lot.tender
        notify(entities=_managers(tender), tender=tender, kind="publicity_ended", title=f"{publicity.title}：公示期满，可以确定中标人", body=f"/lots/{publicity.lot_id}/award/")
        audit_record(actor=actor, action="award.publicity_ended", obj=publicity, data={"end": publicity.end_at.isoformat(), "paused_seconds": publicity.paused_seconds})
    return applied


# --------------------------------------------------------------------------- award (条例 55)


@transaction.atomic
def award_decide(*, actor: Actor, acting_entity: Entity | None, lot: Lot, rank: int = 1, reason: str = "", note: str = "") -> Award:
    """定标: rank 1 for state-funded projects unless 条例 55 applies (E142); W143 is stored on the award."""
    tender = lot.tender
    ensure_not_suspended(tender)
    require_manager(tender, acting_entity)
    lot = Lot.objects.select_for_update().get(pk=lot.pk)
    if Award.objects.filter(lot=lot).exists():
        raise RuleViolation("E007", detail_zh="已定标", detail_en="the winner is already decided")
    publicity = current_publicity(lot)
    if publicity is None:
        raise RuleViolation("E076", detail_zh="尚未公示中标候选人", detail_en="the candidates have not been published")
    publicity = _lock_publicity(publicity)
    snap = _snap(publicity)
    code = lifecycle.may_award(snap)
    if code:
        raise RuleViolation(code, detail_zh=f"公示期至{_local(publicity.end_at)}", detail_en=f"the publicity runs until {_local(publicity.end_at)}")
    winner = publicity.candidates.filter(rank=rank).select_related("entity", "bid").first()
    if winner is None:
        raise RuleViolation("E001", detail_zh="无此排名的中标候选人", detail_en="no candidate of that rank", field="rank")
    reason = reason if rank != 1 else ""
    note = _text(note, "note", 5000, required=False)
    raise_all(rules.check_award(state_funded=tender.state_funded, rank=rank, higher_ranks_passed=list(range(1, rank)), reason=reason))
    if rank != 1 and reason and reason not in rules.PASS_REASONS:
        raise RuleViolation("E001", field="reason")
    now = clock.now()
    cal = default_calendar()
    ends = rules.validity_end(cal, tender.bid_deadline, tender.bid_validity_days)
    warning = rules.validity_warning(cal, now, ends)
    report_due = rules.deadline(cal, now, rules.REPORT_WITHIN_DAYS)
    award = Award.objects.create(
        lot=lot, publicity=publicity, winner=winner, pass_reason=reason, pass_note=note, decided_at=now, decided_by_id=actor.user_id,
        validity_ends_at=ends, validity_warning=warning is not None, report_due=report_due, next_check=report_due,
    )
    audit_record(actor=actor, action="award.decided", obj=award, data={"lot": lot.code, "rank": rank, "winner": winner.entity.credit_code, "reason": reason, "w143": warning is not None}, checkpoint=True)
    publish_on_commit("award.decided", {"lot": lot.code, "award": award.pk})
    return award


# --------------------------------------------------------------------------- notices and the result (招标投标法 45; 电子办法 36)


def _notice_pdf(n: Notice) -> bytes:
    c = n.content
    if n.kind == Notice.Kind.AWARD:
        body = [
            f"{c['bidder']}：",
            f"你方于{c['bid_time']}所递交的{c['tender']}（{c['lot']}）投标文件已被我方接受，被确定为中标人。",
            f"中标价：{c['price']}元。工期：{c['duration']}日历天。工程质量：{c['quality']}。项目负责人：{c['project_manager']}。",
            f"请你方在接到本通知书之日起30日内（{c['contract_due']}前）通过本交易平台与我方签订书面合同，并按照招标文件的规定提交履约保证金。",
        ]
        title = "中标通知书"
    else:
        body = [
            f"{c['bidder']}：",
            f"我方已接受{c['winner']}于{c['winner_bid_time']}所递交的{c['tender']}（{c['lot']}）投标文件，并确定其为中标人，中标价{c['winner_price']}元。",
            "感谢你单位对我们工作的大力支持！你单位的投标保证金将在书面合同签订后5日内连同银行同期存款利息退还。",
        ]
        title = "中标结果通知书"
    body += [f"招标人：{c['tenderer']}", f"发出时间：{c['sent_at']}（经{c['platform']}以数据电文形式发出）"]
    return pdf.render(pdf.Document(title=title, subtitle=f"编号 {n.number}", paragraphs=body, footer=f"{n.number} · {c['tender_code']} · {c['lot_code']}"))


@transaction.atomic
def award_notify(*, actor: Actor, acting_entity: Entity | None, award: Award, recipients: list[int] | None = None) -> list[Notice]:
    """Send the award notice to the winner and a result notice to every other bidder, then publish the result
    announcement (513).  ``recipients`` (bid ids) defaults to every bidder; leaving anyone out is E144."""
    lot = award.lot
    tender = lot.tender
    ensure_not_suspended(tender)
    require_manager(tender, acting_entity)
    award = Award.objects.select_for_update().get(pk=award.pk)
    if award.notices_sent_at is not None:
        raise RuleViolation("E007", detail_zh="通知书已发出", detail_en="the notices were already sent")
    bids = list(bidders_of(lot))
    chosen = {b.pk for b in bids} if recipients is None else set(recipients)
    missing = [b for b in bids if b.pk not in chosen]
    if missing:
        raise RuleViolation("E144", detail_zh="未通知：" + "、".join(b.bidder.name for b in missing), detail_en="not notified: " + ", ".join(b.bidder.name for b in missing), field="recipients", params={"missing": [b.bidder.credit_code for b in missing]})
    unknown = chosen - {b.pk for b in bids}
    if unknown:
        raise RuleViolation("E001", detail_zh="收件人不是本标段投标人", detail_en="a recipient is not a bidder of this lot", field="recipients")
    now = clock.now()
    cal = default_calendar()
    contract_due = rules.deadline(cal, now, rules.CONTRACT_WITHIN_DAYS)
    w = award.winner
    base = {
        "tender": tender.name, "tender_code": tender.code, "lot": lot.name, "lot_code": lot.code, "tenderer": tender.tenderer.name,
        "winner": w.entity.name, "winner_code": w.entity.credit_code, "winner_price": records.amount(w.price),
        "winner_bid_time": _local(w.bid.submitted_at), "sent_at": _local(now), "platform": _platform_title(),
    }
    notices = []
    for i, bid in enumerate(bids, start=1):
        kind = Notice.Kind.AWARD if bid.pk == w.bid_id else Notice.Kind.RESULT
        content = {**base, "kind": kind, "bidder": bid.bidder.name, "bidder_code": bid.bidder.credit_code, "bid_time": _local(bid.submitted_at)}
        if kind == Notice.Kind.AWARD:
            content.update({"price": records.amount(w.price), "duration": str(w.duration_days or lot.duration_days or ""), "quality": w.quality, "project_manager": w.project_manager, "contract_due": _local(contract_due)})
        number = f"{lot.code}-{'ZB' if kind == Notice.Kind.AWARD else 'JG'}{i:02d}"
        n = Notice(award=award, kind=kind, bid=bid, entity=bid.bidder, number=number, content=content, sent_at=now)
        data = _notice_pdf(n)
        n.pdf, n.sha256 = data, hashlib.sha256(data).hexdigest()
        n.signature = _sign({"type": "etender.notice.v1", "number": number, "kind": kind, "lot": lot.code, "bidder": bid.bidder.credit_code, "sha256": n.sha256, "sent_at": now.isoformat()})
        n.save()
        notices.append(n)
        title = f"{tender.name}（{lot.name}）{'中标通知书' if kind == Notice.Kind.AWARD else '中标结果通知书'}"
        notify(entities=[bid.bidder], tender=tender, kind=f"notice_{kind}", title=title, body=f"/notices/{n.pk}/pdf/")
        _archive_platform_item(actor=actor, tender=tender, kind=ArchiveItem.Kind.NOTICE, ref=f"notice-{n.pk}", title=f"{title} {bid.bidder.name}", content=data)
    award.notices_sent_at = now
    award.contract_due = contract_due
    award.result_published_at = now
    award.next_check = min(contract_due, award.report_due)
    award.save(update_fields=["notices_sent_at", "contract_due", "result_published_at", "next_check"])
    report = reports.report_for_lot(lot)
    experts = list(report.expert_names) if report is not None else []
    record = records.result_record(award, published_by=actor.user_id, expert_names=experts)
    disclose(dataset="513", record=record)
    result_pdf = pdf.render(pdf.Document(title="中标结果公告", subtitle=record["NOTICE_NAME"], paragraphs=record["NOTICE_CONTENT"].split("\n") + [f"发布时间：{_local(now)}"]))
    _archive_platform_item(actor=actor, tender=tender, kind=ArchiveItem.Kind.RESULT, ref=f"result-{award.pk}", title=record["NOTICE_NAME"], content=result_pdf)
    audit_record(actor=actor, action="award.notified", obj=award, data={"notices": [n.number for n in notices], "contract_due": contract_due.isoformat()}, checkpoint=True)
    publish_on_commit("award.result_published", {"lot": lot.code, "award": award.pk})
    if report is not None:
        transaction.on_commit(lambda: reveal_draw_for(award_id=award.pk))
    return notices


def reveal_draw_for(*, award_id: int) -> bool:
    """Ask the hub to reveal the draw seed (EVAL's client); retried by the chronograph until it succeeds."""
    award = Award.objects.select_related("lot").get(pk=award_id)
    if award.draw_revealed_at is not None or award.result_published_at is None:
        return False
    report = reports.report_for_lot(award.lot)
    revealed = False
    if report is not None:
        try:
            revealed = reports.reveal_draw(report)
        except Exception as exc:  # the hub may be away: the chronograph tries again
            log.warning("reveal of the draw of %s failed: %r", award.lot.code, exc)
            return False
    # Done, or nothing to reveal (no evaluation committee on this platform, or no draw client).
    Award.objects.filter(pk=award.pk).update(draw_revealed_at=clock.now())
    return revealed


@transaction.atomic
def notice_read(*, actor: Actor, entity: Entity | None, notice: Notice) -> Notice:
    if entity is None or entity.pk != notice.entity_id:
        return notice
    if notice.read_at is None:
        notice.read_at = clock.now()
        notice.save(update_fields=["read_at"])
        audit_record(actor=actor, action="award.notice_read", obj=notice.award, data={"notice": notice.number})
    return notice


def _platform_title() -> str:
    from django.conf import settings

    return settings.ETENDER_TITLE


# --------------------------------------------------------------------------- contract (招标投标法 46; 条例 57–58)


def contract_document(c: Contract) -> dict[str, Any]:
    """The canonical contract both parties sign (its SHA-256 is what each signature covers)."""
    award = c.award
    return {
        "type": "etender.contract.v1", "code": c.code, "name": c.name, "tender": award.lot.tender.code, "lot": award.lot.code,
        "tenderer": award.lot.tender.tenderer.credit_code, "bidder": award.winner.entity.credit_code,
        "price": str(c.price), "duration_days": c.duration_days, "quality": c.quality, "scope": c.scope,
        "performance_security": str(c.performance_security), "other_terms": c.other_terms,
    }


def contract_pdf(c: Contract) -> bytes:
    award = c.award
    lot = award.lot
    tender = lot.tender
    sig = []
    if c.tenderer_signed_at:
        sig.append(f"发包人（招标人）：{tender.tenderer.name}  电子签名时间 {_local(c.tenderer_signed_at)}  签名 {c.tenderer_signature[:24]}…")
    if c.bidder_signed_at:
        sig.append(f"承包人（中标人）：{award.winner.entity.name}  电子签名时间 {_local(c.bidder_signed_at)}  签名 {c.bidder_signature[:24]}…")
    return pdf.render(pdf.Document(
        title=c.name, subtitle=f"合同编号 {c.code}",
        paragraphs=[f"发包人：{tender.tenderer.name}（{tender.tenderer.credit_code}）", f"承包人：{award.winner.entity.name}（{award.winner.entity.credit_code}）",
                    f"一、合同标的（范围）：{c.scope}", f"二、合同价款：{records.amount(c.price)}元", f"三、履行期限：{c.duration_days}日历天", f"四、质量标准：{c.quality}",
                    f"五、履约保证金：{records.amount(c.performance_security) or '0'}元", *( [f"六、其他约定：{c.other_terms}"] if c.other_terms else [])],
        after=sig + [f"合同内容 SHA-256：{c.content_sha256}"], footer=f"{c.code} · {lot.code}",
    ))


@transaction.atomic
def contract_create(*, actor: Actor, acting_entity: Entity | None, award: Award, data: dict[str, Any]) -> Contract:
    """The tenderer drafts the contract; key terms must match the tender and the winning bid (E145), the
    performance security may not exceed 10% of the price (E147)."""
    lot = award.lot
    tender = lot.tender
    ensure_not_suspended(tender)
    require_manager(tender, acting_entity)
    award = Award.objects.select_for_update().get(pk=award.pk)
    if award.notices_sent_at is None:
        raise RuleViolation("E007", detail_zh="请先发出中标通知书", detail_en="send the award notice first")
    existing = Contract.objects.filter(award=award).first()
    if existing is not None and existing.status == Contract.Status.SIGNED:
        raise RuleViolation("E007", detail_zh="合同已签订", detail_en="the contract is already signed")
    w = award.winner
    problems: list[RuleViolation] = []
    try:
        price = _money(data.get("price", w.price), "price")
        security = _money(data.get("performance_security") or 0, "performance_security")
        duration = int(data.get("duration_days") or 0)
        if duration <= 0 or duration > 9999:
            raise RuleViolation("E001", detail_zh="履行期限应为1–9999日", detail_en="duration must be 1–9999 days", field="duration_days")
        quality = _text(data.get("quality"), "quality", 200)
        scope = _text(data.get("scope"), "scope", 20_000)
        name = _text(data.get("name") or f"{tender.name}（{lot.name}）合同", "name", 600)
        other = _text(data.get("other_terms"), "other_terms", 20_000, required=False)
    except (TypeError, ValueError):
        raise RuleViolation("E001", detail_zh="履行期限应为整数", detail_en="duration must be a whole number", field="duration_days") from None
    form = w.bid.form or {}
    bid_terms = rules.Terms(price=w.price, duration_days=w.duration_days or _int(form.get("duration_days")), quality=w.quality or str(form.get("quality") or ""), scope="")
    tender_terms = rules.Terms(price=lot.estimated_price, duration_days=lot.duration_days, quality="", scope=lot.content)
    problems += rules.check_contract_terms(contract=rules.Terms(price=price, duration_days=duration, quality=quality, scope=scope), bid=bid_terms, tender=tender_terms)
    problems += rules.check_performance_security(amount=security, contract_price=price)
    raise_all(problems)
    now = clock.now()
    c = existing or Contract(award=award, code=f"HT-{lot.code}", created_at=now)
    c.name, c.price, c.duration_days, c.quality, c.scope, c.performance_security, c.other_terms = name, price, duration, quality, scope, security, other
    c.tenderer_signed_at = c.bidder_signed_at = None
    c.tenderer_signer = c.bidder_signer = None
    c.tenderer_signature = c.bidder_signature = ""
    c.content_sha256 = digest(contract_document(c))
    c.save()
    notify(entities=[w.entity], tender=tender, kind="contract_draft", title=f"{name}：请在线签署（{_local(award.contract_due)}前）", body=f"/lots/{lot.pk}/award/")
    audit_record(actor=actor, action="award.contract_drafted", obj=award, data={"contract": c.code, "sha256": c.content_sha256})
    return c


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


@transaction.atomic
def contract_sign(*, actor: Actor, acting_entity: Entity | None, contract: Contract, late_reason: str = "") -> Contract:
    """A party signs electronically (the platform attests user, time and content hash with its key).
    After the 30 days (E145) a signature needs a stated reason and is flagged.  When both have signed,
    the contract is published (512), archived, and the bid-security refunds start their 5 days."""
    award = contract.award
    lot = award.lot
    tender = lot.tender
    ensure_not_suspended(tender)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.status == Contract.Status.SIGNED:
        raise RuleViolation("E007", detail_zh="合同已签订", detail_en="the contract is already signed")
    if acting_entity is None:
        raise RuleViolation("E026")
    if can_manage(tender, acting_entity):
        side = "tenderer"
    elif acting_entity.pk == award.winner.entity_id:
        side = "bidder"
    else:
        raise RuleViolation("E006", detail_zh="仅合同双方可签署", detail_en="only the parties may sign")
    if getattr(contract, f"{side}_signed_at") is not None:
        raise RuleViolation("E007", detail_zh="您已签署", detail_en="you have already signed")
    if digest(contract_document(contract)) != contract.content_sha256:
        raise RuleViolation("E150", detail_zh="合同内容与签署时的哈希不符", detail_en="the contract no longer matches its hash")
    now = clock.now()
    late_reason = _text(late_reason, "late_reason", 2000, required=False)
    late = award.contract_due is not None and now >= award.contract_due
    if late and not late_reason:
        raise RuleViolation("E145", detail_zh=f"应自中标通知书发出之日起30日内（{_local(award.contract_due)}前）签订；逾期须说明理由", detail_en=f"the contract was due within 30 days of the award notice (before {_local(award.contract_due)}); state the reason for the delay", field="late_reason")
    doc = {"type": "etender.contract-signature.v1", "contract": contract.code, "sha256": contract.content_sha256, "side": side, "entity": acting_entity.credit_code, "user": actor.username, "signed_at": now.isoformat()}
    setattr(contract, f"{side}_signed_at", now)
    setattr(contract, f"{side}_signer_id", actor.user_id)
    setattr(contract, f"{side}_signature", _sign(doc))
    if late:
        contract.late, contract.late_reason = True, (contract.late_reason + "\n" + late_reason).strip()
    audit_record(actor=actor, action="award.contract_signed", obj=award, data={"contract": contract.code, "side": side, "sha256": contract.content_sha256, "late": late})
    if contract.tenderer_signed_at and contract.bidder_signed_at:
        contract.status = Contract.Status.SIGNED
        contract.signed_at = now
        contract.save()
        _contract_concluded(actor=actor, contract=contract)
    else:
        contract.save()
        other = award.winner.entity if side == "tenderer" else tender.tenderer
        notify(entities=[other], tender=tender, kind="contract_signed_one", title=f"{contract.name}：对方已签署，请您签署", body=f"/lots/{lot.pk}/award/")
    return contract


def _contract_concluded(*, actor: Actor, contract: Contract) -> None:
    award = contract.award
    lot = award.lot
    tender = lot.tender
    due = rules.deadline(default_calendar(), contract.signed_at, rules.REFUND_WITHIN_DAYS)
    for bid in bidders_of(lot):
        Refund.objects.get_or_create(bid=bid, defaults={"award": award, "entity": bid.bidder, "amount": lot.bid_security, "due": due})
    disclose(dataset="512", record=records.contract_record(contract))
    _archive_platform_item(actor=actor, tender=tender, kind=ArchiveItem.Kind.CONTRACT, ref=f"contract-{contract.pk}", title=contract.name, content=contract_pdf(contract))
    award.next_check = min(d for d in (due, award.report_due) if d is not None)
    award.save(update_fields=["next_check"])
    notify(entities=Entity.objects.filter(pk__in=bidders_of(lot).values("bidder_id")), tender=tender, kind="contract_concluded", title=f"{contract.name}已签订；投标保证金将于{_local(due)}前退还")
    audit_record(actor=actor, action="award.contract_concluded", obj=award, data={"contract": contract.code, "refunds_due": due.isoformat()}, checkpoint=True)
    publish_on_commit("award.contract_signed", {"lot": lot.code, "contract": contract.code})


# --------------------------------------------------------------------------- refunds (条例 57)


@transaction.atomic
def refund_record(*, actor: Actor, acting_entity: Entity | None, refund: Refund, refunded_amount: Any, interest: Any, bank_reference: str = "", refunded_at: datetime | None = None) -> Refund:
    """Record a refund of bid security with its bank interest; a refund after the 5 days is recorded and
    flagged E146 (it is still owed: refusing to record it would help nobody)."""
    tender = refund.award.lot.tender
    ensure_not_suspended(tender)
    require_manager(tender, acting_entity)
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    if refund.refunded_at is not None:
        raise RuleViolation("E007", detail_zh="已退还", detail_en="already refunded")
    amount = _money(refunded_amount, "refunded_amount")
    interest = _money(interest, "interest")
    if amount < refund.amount:
        raise RuleViolation("E001", detail_zh=f"应退还全部投标保证金{refund.amount}元", detail_en=f"the whole bid security of {refund.amount} must be refunded", field="refunded_amount")
    now = clock.now()
    at = refunded_at or now
    if at.tzinfo is None:
        at = at.replace(tzinfo=TZ)
    if at > now:
        raise RuleViolation("E009", detail_zh="退还时间不能晚于现在", detail_en="the refund time cannot be in the future", field="refunded_at")
    refund.refunded_at, refund.refunded_amount, refund.interest = at, amount, interest
    refund.bank_reference = _text(bank_reference, "bank_reference", 100, required=False)
    refund.save(update_fields=["refunded_at", "refunded_amount", "interest", "bank_reference"])
    notify(entities=[refund.entity], tender=tender, kind="refund", title=f"{tender.name}：投标保证金{amount}元及利息{interest}元已退还")
    audit_record(actor=actor, action="award.security_refunded", obj=refund.award, data={"bid": refund.bid_id, "amount": str(amount), "interest": str(interest), "late": refund.late})
    return refund


# --------------------------------------------------------------------------- written report (招标投标法 47)


def report_content(award: Award) -> dict[str, Any]:
    lot = award.lot
    tender = lot.tender
    p = award.publicity
    contract = Contract.objects.filter(award=award).first()
    return {
        "tender": {"code": tender.code, "name": tender.name, "tenderer": tender.tenderer.name, "agency": tender.agency.name if tender.agency else "", "supervise_dept": tender.supervise_dept_name},
        "lot": {"code": lot.code, "name": lot.name, "estimated_price": str(lot.estimated_price), "bids": bidders_of(lot).count()},
        "publicity": {"start": p.start_at.isoformat(), "end": p.end_at.isoformat(), "late": p.late, "late_reason": p.late_reason, "report_received": p.report_received_at.isoformat(),
                      "objections": [{"raised_by": o.raised_by.name, "raised_at": o.raised_at.isoformat(), "answered_at": o.answered_at.isoformat() if o.answered_at else None, "late": o.late} for o in p.objections.all()]},
        "candidates": [{"rank": c.rank, "name": c.entity.name, "code": c.entity.credit_code, "price": str(c.price), "project_manager": c.project_manager, "pm_id_number": c.pm_id_number} for c in p.candidates.order_by("rank")],
        "award": {"winner": award.winner.entity.name, "rank": award.winner.rank, "price": str(award.winner.price), "decided_at": award.decided_at.isoformat(), "pass_reason": award.pass_reason, "pass_note": award.pass_note, "w143": award.validity_warning},
        "notices": [{"number": n.number, "kind": n.kind, "to": n.entity.name, "sent_at": n.sent_at.isoformat()} for n in award.notices.all()],
        "contract": {"code": contract.code, "price": str(contract.price), "signed_at": contract.signed_at.isoformat() if contract.signed_at else None} if contract else None,
        "flags": list(award.flags),
    }


def _report_pdf(award: Award, content: dict[str, Any], sent_at: datetime) -> bytes:
    t, lot, a = content["tender"], content["lot"], content["award"]
    table = [["排名", "中标候选人", "投标报价（元）", "项目负责人"]] + [[str(c["rank"]), c["name"], c["price"], c["project_manager"]] for c in content["candidates"]]
    paras = [
        f"{t['supervise_dept']}：",
        f"依据《中华人民共和国招标投标法》第四十七条，现将{t['name']}（{lot['name']}，标段编号{lot['code']}）招标投标情况报告如下。",
        f"招标人：{t['tenderer']}；招标代理机构：{t['agency'] or '无（自行招标）'}；估算价{lot['estimated_price']}元；投标人{lot['bids']}家。",
        f"中标候选人公示：{content['publicity']['start'][:16]} 至 {content['publicity']['end'][:16]}；收到异议{len(content['publicity']['objections'])}件。",
        f"确定中标人：{a['winner']}（排名第{a['rank']}），中标价{a['price']}元，定标时间{a['decided_at'][:16]}。" + (f"未确定排名第一的理由：{a['pass_note'] or a['pass_reason']}。" if a["pass_reason"] else ""),
    ]
    if content["contract"]:
        paras.append(f"合同：{content['contract']['code']}，价款{content['contract']['price']}元，签订时间{(content['contract']['signed_at'] or '')[:16]}。")
    if content["flags"]:
        paras.append("平台记录的超期事项：" + "、".join(content["flags"]))
    return pdf.render(pdf.Document(title="招标投标情况书面报告", subtitle=f"{t['code']} · {lot['code']}", paragraphs=paras, table=table, after=[f"报告人：{t['tenderer']}    报送时间：{_local(sent_at)}"]))


@transaction.atomic
def report_submit(*, actor: Actor, acting_entity: Entity | None, award: Award, late_reason: str = "") -> SupervisorReport:
    """Send the written report to the supervising department (E148: within 15 days of deciding the winner;
    later only with a stated reason, flagged)."""
    tender = award.lot.tender
    ensure_not_suspended(tender)
    require_manager(tender, acting_entity)
    award = Award.objects.select_for_update().get(pk=award.pk)
    if SupervisorReport.objects.filter(award=award).exists():
        raise RuleViolation("E007", detail_zh="书面报告已报送", detail_en="the written report was already sent")
    now = clock.now()
    late_reason = _text(late_reason, "late_reason", 2000, required=False)
    late = now >= award.report_due
    if late and not late_reason:
        raise RuleViolation("E148", detail_zh=f"应自确定中标人之日起15日内（{_local(award.report_due)}前）报送；逾期须说明理由", detail_en=f"the report was due within 15 days of deciding the winner (before {_local(award.report_due)}); state the reason for the delay", field="late_reason")
    content = report_content(award)
    data = _report_pdf(award, content, now)
    sha = hashlib.sha256(data).hexdigest()
    r = SupervisorReport.objects.create(award=award, department=tender.supervise_dept_name, content=content, pdf=data, sha256=sha, signature=_sign({"type": "etender.supervisor-report.v1", "lot": award.lot.code, "sha256": sha, "sent_at": now.isoformat()}), sent_at=now, sent_by_id=actor.user_id, late=late, late_reason=late_reason)
    _archive_platform_item(actor=actor, tender=tender, kind=ArchiveItem.Kind.SUPERVISOR_REPORT, ref=f"supervisor-report-{r.pk}", title=f"{tender.name}（{award.lot.name}）招标投标情况书面报告", content=data)
    audit_record(actor=actor, action="award.report_sent", obj=award, data={"sha256": sha, "late": late, "department": tender.supervise_dept_name}, checkpoint=True)
    publish_on_commit("award.report_sent", {"lot": award.lot.code, "department": tender.supervise_dept_name, "sha256": sha})
    return r


# --------------------------------------------------------------------------- overdue steps (chronograph)


def award_due_flags(award: Award, now: datetime) -> tuple[list[str], datetime | None]:
    """(codes of overdue steps, next instant to look again) — pure over the stored award."""
    flags: list[str] = []
    upcoming: list[datetime] = []

    def check(code: str, due: datetime) -> None:
        if now >= due:
            flags.append(code)
        else:
            upcoming.append(due)

    contract = Contract.objects.filter(award=award).first()
    if award.contract_due is not None and (contract is None or contract.status != Contract.Status.SIGNED):
        check("E145", award.contract_due)
    if not SupervisorReport.objects.filter(award=award).exists():
        check("E148", award.report_due)
    for r in Refund.objects.filter(award=award, refunded_at__isnull=True):
        check("E146", r.due)
    return sorted(set(flags)), min(upcoming, default=None)


@transaction.atomic
def award_apply_time_events(*, award: Award, actor: Actor | None = None) -> int:
    """Flag overdue steps once each (E145 contract, E146 refunds, E148 report) and tell those concerned."""
    actor = actor or Actor.system()
    award = Award.objects.select_for_update().get(pk=award.pk)
    now = clock.now()
    flags, upcoming = award_due_flags(award, now)
    new = [f for f in flags if f not in award.flags]
    tender = award.lot.tender
    messages = {"E145": "合同未在中标通知书发出之日起30日内签订", "E146": "投标保证金未在合同签订后5日内退还", "E148": "未在确定中标人之日起15日内报送书面报告"}
    for code in new:
        notify(entities=_managers(tender), tender=tender, kind=f"overdue_{code}", title=f"{tender.name}（{award.lot.name}）：{code} {messages[code]}")
    if "E146" in new:
        late_entities = Entity.objects.filter(pk__in=Refund.objects.filter(award=award, refunded_at__isnull=True, due__lte=now).values("entity_id"))
        notify(entities=late_entities, tender=tender, kind="overdue_E146", title=f"{tender.name}：您的投标保证金退还已超期，已记录")
        Refund.objects.filter(award=award, refunded_at__isnull=True, due__lte=now, overdue_flagged_at__isnull=True).update(overdue_flagged_at=now)
    if new:
        award.flags = sorted(set(award.flags) | set(new))
        audit_record(actor=actor, action="award.overdue_flagged", obj=award, data={"codes": new})
    award.next_check = upcoming
    award.save(update_fields=["flags", "next_check"])
    return len(new)


@transaction.atomic
def objection_flag_overdue(*, objection: Objection, actor: Actor | None = None) -> bool:
    actor = actor or Actor.system()
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != Objection.Status.PENDING or objection.overdue_flagged_at is not None or clock.now() < objection.answer_due:
        return False
    objection.overdue_flagged_at = clock.now()
    objection.save(update_fields=["overdue_flagged_at"])
    tender = objection.publicity.lot.tender
    notify(entities=_managers(tender), tender=tender, kind="objection_overdue", title=f"{objection.publicity.title}：异议答复已超过3日期限，定标仍暂停")
    notify(entities=[objection.raised_by], tender=tender, kind="objection_overdue", title=f"{objection.publicity.title}：招标人未在3日内答复您的异议，您可以向行政监督部门投诉")
    audit_record(actor=actor, action="award.objection_overdue", obj=objection.publicity, data={"objection": objection.pk})
    return True


def lot_opened(lot: Lot) -> bool:
    return lot.status == LotStatus.OPENED
