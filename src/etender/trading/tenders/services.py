"""Writes for projects, tenders, documents, clarifications and objections.

Every function is transactional, records its audit entry (电子办法 49) and
publishes its domain event after commit.  Rules raise coded
:class:`RuleViolation` errors; callers (API and views) only translate them.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import F

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.calendar import TZ, default_calendar
from etender.kernel.canonical import digest
from etender.kernel.codes import (
    FUND_SOURCES,
    INDUSTRIES,
    CodeError,
    make_project_code,
    make_section_code,
    make_tender_project_code,
    make_unified_deal_code,
    validate_classification,
)
from etender.kernel.errors import RuleViolation, raise_all
from etender.kernel.events import publish_on_commit
from etender.trading.accounts.models import Entity
from etender.trading.accounts.services import check_region
from etender.trading.outbox import services as outbox
from etender.trading.procedures import base as procedures
from etender.trading.procedures import rules

from .guards import ensure_not_suspended
from .models import (
    Announcement,
    Clarification,
    Counter,
    DocumentDownload,
    Lot,
    LotStatus,
    Notification,
    Objection,
    Project,
    Tender,
    TenderDocument,
    TenderStatus,
)

MAX_DOCUMENT_BYTES = 200 * 1024 * 1024


# --------------------------------------------------------------------------- helpers


def next_serial(name: str) -> int:
    """Next value of a named counter; the row lock serialises concurrent callers."""
    counter, _ = Counter.objects.get_or_create(name=name)
    Counter.objects.filter(pk=counter.pk).update(value=F("value") + 1)
    return Counter.objects.select_for_update().get(pk=counter.pk).value


def project_serial(n: int) -> int:
    """The 6-digit serial of a project code within this platform's block of the region's serial space.

    Several trading platforms number projects in the same region and year; the
    hub assigns each a block (``ETENDER_CODE_BLOCK`` 1–9: serials b00001–b99999),
    so their codes can never collide.  Block 0 (default) is a region's only platform.
    """
    block = int(getattr(settings, "ETENDER_CODE_BLOCK", 0) or 0)
    if block == 0:
        return n
    if n > 99_999:
        raise RuleViolation("E007", detail_zh="本平台本年度该地区项目编号已用尽", detail_en="this platform's project numbers for the region and year are used up")
    return block * 100_000 + n


def platform_code() -> str:
    return settings.ETENDER_PLATFORM_CODE


def local_day(dt: datetime):
    return dt.astimezone(TZ).date()


def lock_tender(tender: Tender) -> Tender:
    """Reload the tender under a row lock: deadline decisions are made while holding it."""
    return Tender.objects.select_for_update().get(pk=tender.pk)


def can_manage(tender: Tender, entity: Entity | None) -> bool:
    return entity is not None and entity.pk in (tender.tenderer_id, tender.agency_id)


def require_manager(tender: Tender, entity: Entity | None) -> None:
    if not can_manage(tender, entity):
        raise RuleViolation("E006", detail_zh="仅招标人或其代理机构可操作", detail_en="only the tenderer or its agency may do this")


def _decimal(value: Any, field: str, *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise RuleViolation("E001", detail_zh="必须填写", detail_en="required", field=field)
        return None
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise RuleViolation("E001", detail_zh="应为数字", detail_en="must be a number", field=field) from None
    if not d.is_finite() or d < 0 or d >= Decimal("1e16"):
        raise RuleViolation("E001", detail_zh="数值超出范围", detail_en="number out of range", field=field)
    return d.quantize(Decimal("0.01"))


def _aware(value: datetime | None, field: str) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=TZ)
    if not (2000 <= value.year <= 2100):
        raise RuleViolation("E009", detail_zh="年份超出范围", detail_en="year out of range", field=field)
    return value


def _text(data: dict[str, Any], key: str, max_len: int, *, required: bool = True, label: str | None = None) -> str:
    value = str(data.get(key) or "").strip()
    if required and not value:
        raise RuleViolation("E001", detail_zh="必须填写", detail_en="required", field=label or key)
    if len(value) > max_len:
        raise RuleViolation("E001", detail_zh=f"不得超过{max_len}字", detail_en=f"at most {max_len} characters", field=label or key)
    return value


def notify(*, entities, tender: Tender | None, kind: str, title: str, body: str = "") -> int:
    now = clock.now()
    rows = [Notification(entity=e, tender=tender, kind=kind, title=title, body=body, created_at=now) for e in entities]
    Notification.objects.bulk_create(rows)
    return len(rows)


def document_text(doc: TenderDocument) -> str:
    """Text of a document for the restrictive-clause scan (txt, md, html, docx)."""
    name = doc.name.lower()
    try:
        with doc.file.open("rb") as fh:
            raw = fh.read(20 * 1024 * 1024)
    except OSError:
        return ""
    if name.endswith((".txt", ".md", ".html", ".htm", ".csv")):
        return raw.decode("utf-8", errors="ignore")
    if name.endswith(".docx"):
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                xml = z.read("word/document.xml").decode("utf-8", errors="ignore")
        except (zipfile.BadZipFile, KeyError):
            return ""
        return re.sub(r"<[^>]+>", "", xml.replace("</w:p>", "\n"))
    return ""


def announcement_title(name: str) -> str:
    return f"{name}公告" if name.endswith("招标") else f"{name}招标公告"


# --------------------------------------------------------------------------- projects and tenders


PROJECT_FIELDS = {
    "name": 600,
    "address": 200,
    "legal_person": 200,
    "fund_source": 1000,
    "project_scale": 1000,
    "contact_name": 100,
    "contact_info": 100,
    "approval_name": 500,
}
PROJECT_OPTIONAL = {"invest_project_code": 24, "contribution_scale": 1000, "approval_number": 100, "approval_authority": 200}


@transaction.atomic
def project_create(*, actor: Actor, owner: Entity, data: dict[str, Any]) -> Project:
    """项目 (data set 500); the national 17-character project code is assigned here."""
    if not owner.is_tenderer:
        raise RuleViolation("E006", detail_zh="仅招标人可登记项目", detail_en="only tenderers register projects")
    problems: list[RuleViolation] = []
    values: dict[str, Any] = {}
    for key, n in PROJECT_FIELDS.items():
        try:
            values[key] = _text(data, key, n)
        except RuleViolation as v:
            problems.append(v)
    for key, n in PROJECT_OPTIONAL.items():
        try:
            values[key] = _text(data, key, n, required=False)
        except RuleViolation as v:
            problems.append(v)
    if values.get("fund_source") in FUND_SOURCES:  # a code from the form: store the national (Chinese) wording
        values["fund_source"] = FUND_SOURCES[values["fund_source"]][0]
    region = str(data.get("region_code") or "")
    try:
        check_region(region)
    except RuleViolation as v:
        problems.append(v)
    industry = str(data.get("industry") or "")
    if industry not in INDUSTRIES:
        problems.append(RuleViolation("E010", detail_zh="行业分类代码无效", detail_en="unknown industry code", field="industry"))
    inv = values.get("invest_project_code", "")
    if inv and len(inv) != 24:
        problems.append(RuleViolation("E010", detail_zh="投资项目统一代码应为24位", detail_en="the investment project code has 24 characters", field="invest_project_code"))
    raise_all(problems)
    now = clock.now()
    year = local_day(now).year
    serial = project_serial(next_serial(f"project:{region}:{year}"))
    project = Project.objects.create(
        code=make_project_code(region, year, serial),
        region_code=region,
        industry=industry,
        relate_code="1" if inv else "0",
        owner=owner,
        created_at=now,
        **values,
    )
    audit_record(actor=actor, action="project.created", obj=project, data={"code": project.code})
    publish_on_commit("project.created", {"project": project.code})
    return project


TENDER_FIELDS = {"name": 600, "content": 100_000, "supervise_dept_name": 200, "approve_dept_name": 200, "report_duty": 100}
LOT_FIELDS = {"name": 500, "content": 100_000, "qualification": 100_000}


@dataclass
class LotInput:
    name: str
    content: str
    classification: str
    estimated_price: Decimal
    qualification: str
    bid_security: Decimal
    max_price: Decimal | None
    min_price: Decimal | None
    duration_days: int | None
    region_code: str


def _lot_inputs(lots: list[dict[str, Any]], default_region: str) -> tuple[list[LotInput], list[RuleViolation]]:
    out, problems = [], []
    if not lots:
        problems.append(RuleViolation("E001", detail_zh="至少需要一个标段", detail_en="at least one lot is required", field="lots"))
    if len(lots) > 50:
        problems.append(RuleViolation("E001", detail_zh="标段不得超过50个", detail_en="at most 50 lots", field="lots"))
    for i, raw in enumerate(lots[:50], start=1):
        try:
            texts = {k: _text(raw, k, n, label=f"lots.{i}.{k}") for k, n in LOT_FIELDS.items()}
            classification = str(raw.get("classification") or "")
            try:
                validate_classification(classification)
            except CodeError as exc:
                raise RuleViolation("E010", detail_zh=exc.message_zh, detail_en=exc.message_en, field=f"lots.{i}.classification") from None
            region = str(raw.get("region_code") or default_region)
            check_region(region, f"lots.{i}.region_code")
            duration = raw.get("duration_days")
            if duration in ("", None):
                duration = None
            else:
                try:
                    duration = int(duration)
                except (TypeError, ValueError):
                    raise RuleViolation("E001", detail_zh="工期应为整数", detail_en="duration must be a whole number", field=f"lots.{i}.duration_days") from None
                if not 0 < duration < 100_000:
                    raise RuleViolation("E001", detail_zh="工期超出范围", detail_en="duration out of range", field=f"lots.{i}.duration_days")
            estimated = _decimal(raw.get("estimated_price"), f"lots.{i}.estimated_price")
            if estimated is not None and estimated <= 0:
                raise RuleViolation("E001", detail_zh="估算价须大于0", detail_en="the estimate must be positive", field=f"lots.{i}.estimated_price")
            out.append(
                LotInput(
                    name=texts["name"],
                    content=texts["content"],
                    qualification=texts["qualification"],
                    classification=classification,
                    estimated_price=estimated,  # type: ignore[arg-type]
                    bid_security=_decimal(raw.get("bid_security") or 0, f"lots.{i}.bid_security"),  # type: ignore[arg-type]
                    max_price=_decimal(raw.get("max_price"), f"lots.{i}.max_price", required=False),
                    min_price=_decimal(raw.get("min_price"), f"lots.{i}.min_price", required=False),
                    duration_days=duration,
                    region_code=region,
                )
            )
        except RuleViolation as v:
            problems.append(v)
    return out, problems


def _plan_of(*, is_to_law: bool, times: dict[str, datetime | None], validity: int | None, lots: list[LotInput], preconditions: list[str], texts: dict[str, str]) -> rules.TenderPlan:
    return rules.TenderPlan(
        is_to_law=is_to_law,
        doc_get_start=times.get("doc_get_start"),
        doc_get_end=times.get("doc_get_end"),
        bid_deadline=times.get("bid_deadline"),
        bid_open_time=times.get("bid_open_time"),
        bid_validity_days=validity,
        lots=[
            rules.LotPlan(
                number=i,
                classification=lot.classification,
                estimated_price=lot.estimated_price,
                bid_security=lot.bid_security,
                max_price=lot.max_price,
                min_price=lot.min_price,
            )
            for i, lot in enumerate(lots, start=1)
        ],
        download_preconditions=preconditions,
        texts=texts,
    )


@transaction.atomic
def tender_create(
    *,
    actor: Actor,
    project: Project,
    acting_entity: Entity,
    data: dict[str, Any],
    lots: list[dict[str, Any]],
) -> Tender:
    """Create a tender project (501) with its lots (502) and announcement draft (503).

    The rules that can be checked before publication are checked here too,
    so that the tenderer sees every problem while the draft is edited.
    ``data`` may hold ``download_preconditions`` and lots ``min_price``: both
    are refused (E116, E114) and never stored.
    """
    if project.owner_id != acting_entity.pk:
        raise RuleViolation("E006", detail_zh="仅项目业主（招标人）可以发起招标；委托代理机构请填写其信用代码", detail_en="only the project owner (tenderer) starts a tender; name a commissioned agency by its credit code")
    problems: list[RuleViolation] = []
    values: dict[str, Any] = {}
    for key, n in TENDER_FIELDS.items():
        try:
            values[key] = _text(data, key, n)
        except RuleViolation as v:
            problems.append(v)
    procedure_key = str(data.get("procedure") or "open")
    try:
        procedure = procedures.get(procedure_key)
    except RuleViolation as v:
        problems.append(v)
        procedure = None
    times: dict[str, datetime | None] = {}
    for key in ("doc_get_start", "doc_get_end", "bid_deadline", "bid_open_time"):
        value = data.get(key)
        if value is not None and not isinstance(value, datetime):
            problems.append(RuleViolation("E009", field=key))
            value = None
        try:
            times[key] = _aware(value, key)
        except RuleViolation as v:
            problems.append(v)
    if times.get("bid_open_time") is None:
        times["bid_open_time"] = times.get("bid_deadline")
    validity = data.get("bid_validity_days")
    try:
        validity = int(validity) if validity not in (None, "") else None
        if validity is not None and not 0 < validity <= 3650:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(RuleViolation("E001", detail_zh="投标有效期应为1至3650日", detail_en="bid validity must be 1–3650 days", field="bid_validity_days"))
        validity = None
    decrypt_minutes = data.get("decrypt_minutes") or 60
    try:
        decrypt_minutes = int(decrypt_minutes)
        if not 10 <= decrypt_minutes <= 24 * 60:
            raise ValueError
    except (TypeError, ValueError):
        problems.append(RuleViolation("E001", detail_zh="解密时限应为10至1440分钟", detail_en="the decryption window must be 10–1440 minutes", field="decrypt_minutes"))
        decrypt_minutes = 60
    agency = None
    if data.get("agency_code"):
        agency = Entity.objects.filter(credit_code=str(data["agency_code"]).upper(), is_agency=True).first()
        if agency is None:
            problems.append(RuleViolation("E005", detail_zh="代理机构未在本平台注册", detail_en="the agency is not registered on this platform", field="agency_code"))
    lot_inputs, lot_problems = _lot_inputs(list(lots or []), project.region_code)
    problems += lot_problems
    preconditions = [str(p) for p in (data.get("download_preconditions") or [])]
    if procedure is not None and not lot_problems:
        plan = _plan_of(
            is_to_law=bool(data.get("is_to_law", True)),
            times=times,
            validity=validity,
            lots=lot_inputs,
            preconditions=preconditions,
            texts={"content": values.get("content", ""), "announcement_content": str(data.get("announcement_content") or ""), **{f"lots.{i}.qualification": lot.qualification for i, lot in enumerate(lot_inputs, 1)}},
        )
        problems += procedure.publication_checks(plan, default_calendar())
    raise_all(problems)

    now = clock.now()
    tender_no = next_serial(f"tender:{project.code}")
    tender = Tender.objects.create(
        project=project,
        code=make_tender_project_code(project.code, tender_no),
        self_code=_text(data, "self_code", 200, required=False),
        tender_type=lot_inputs[0].classification[:3],
        region_code=project.region_code,
        is_to_law=bool(data.get("is_to_law", True)),
        state_funded=bool(data.get("state_funded", True)),
        tenderer=project.owner,
        agency=agency,
        procedure=procedure_key,
        organize_form="2" if agency else "1",
        supervise_dept_code=_text(data, "supervise_dept_code", 18, required=False),
        approve_dept_code=_text(data, "approve_dept_code", 18, required=False),
        doc_get_start=times["doc_get_start"],
        doc_get_end=times["doc_get_end"],
        bid_deadline=times["bid_deadline"],
        bid_open_time=times["bid_open_time"],
        bid_validity_days=validity,
        decrypt_minutes=decrypt_minutes,
        consortium_allowed=bool(data.get("consortium_allowed", False)),
        doc_get_method=_text(data, "doc_get_method", 500, required=False) or "在本平台免费下载，无需报名",
        bid_submit_method=_text(data, "bid_submit_method", 500, required=False) or "使用 etender bid seal 离线加密后在本平台递交",
        evaluation_method=_text(data, "evaluation_method", 200, required=False) or "综合评估法",
        created_by_id=actor.user_id,
        created_at=now,
        **values,
    )
    for i, lot in enumerate(lot_inputs, start=1):
        day = local_day(now)
        Lot.objects.create(
            tender=tender,
            number=i,
            code=make_section_code(tender.code, i),
            unified_deal_code=make_unified_deal_code(platform_code(), day, next_serial(f"deal:{day:%Y%m%d}")),
            name=lot.name,
            content=lot.content,
            classification=lot.classification,
            estimated_price=lot.estimated_price,
            qualification=lot.qualification,
            bid_security=lot.bid_security,
            max_price=lot.max_price,
            duration_days=lot.duration_days,
            region_code=lot.region_code,
            trade_place_code=project.region_code,
            created_at=now,
        )
    Announcement.objects.create(
        tender=tender,
        title=_text(data, "announcement_title", 600, required=False) or announcement_title(tender.name),
        content=str(data.get("announcement_content") or tender.content),
        media=str(data.get("media") or ""),
    )
    audit_record(actor=actor, action="tender.created", obj=tender, data={"code": tender.code, "lots": len(lot_inputs)})
    publish_on_commit("tender.created", {"tender": tender.code})
    return tender


def tender_plan(tender: Tender, *, with_documents: bool = True) -> rules.TenderPlan:
    texts = {"content": tender.content}
    if hasattr(tender, "announcement"):
        texts["announcement_content"] = tender.announcement.content
    for lot in tender.lots.all():
        texts[f"lots.{lot.number}.qualification"] = lot.qualification
    if with_documents:
        for doc in tender.documents.filter(clarification__isnull=True):
            texts[f"document:{doc.name}"] = document_text(doc)
    return rules.TenderPlan(
        is_to_law=tender.is_to_law,
        doc_get_start=tender.doc_get_start,
        doc_get_end=tender.doc_get_end,
        bid_deadline=tender.bid_deadline,
        bid_open_time=tender.bid_open_time,
        bid_validity_days=tender.bid_validity_days,
        lots=[
            rules.LotPlan(number=lot.number, classification=lot.classification, estimated_price=lot.estimated_price, bid_security=lot.bid_security, max_price=lot.max_price)
            for lot in tender.lots.all()
        ],
        texts=texts,
    )


@transaction.atomic
def document_upload(*, actor: Actor, acting_entity: Entity, tender: Tender, name: str, file: File, clarification: Clarification | None = None) -> TenderDocument:
    """Attach a file to the tender documents; its SHA-256 is recorded (电子办法 40)."""
    require_manager(tender, acting_entity)
    tender = lock_tender(tender)
    ensure_not_suspended(tender)
    if tender.status != TenderStatus.DRAFT and clarification is None:
        raise RuleViolation("E007", detail_zh="招标文件发布后只能通过澄清修改", detail_en="after publication documents change only through a clarification")
    size = file.size or 0
    if size > MAX_DOCUMENT_BYTES:
        raise RuleViolation("E004", detail_zh=f"不得超过{MAX_DOCUMENT_BYTES // 1024 // 1024} MB", detail_en=f"at most {MAX_DOCUMENT_BYTES // 1024 // 1024} MB", field="file")
    if size == 0:
        raise RuleViolation("E001", detail_zh="文件为空", detail_en="the file is empty", field="file")
    name = (name or getattr(file, "name", "") or "").replace("/", "_").replace("\\", "_").strip(" .")[-200:] or "document"
    h = hashlib.sha256()
    for chunk in file.chunks():
        h.update(chunk)
    file.seek(0)
    doc = TenderDocument(tender=tender, clarification=clarification, name=name, sha256=h.hexdigest(), size=size, uploaded_at=clock.now())
    doc.file.save(name, file, save=False)
    doc.save()
    audit_record(actor=actor, action="tender.document_uploaded", obj=tender, data={"document": doc.pk, "name": name, "sha256": doc.sha256, "size": size})
    return doc


@transaction.atomic
def tender_publish(*, actor: Actor, acting_entity: Entity, tender: Tender) -> Tender:
    """Publish the announcement: every rule that applies before bidding is checked first."""
    require_manager(tender, acting_entity)
    tender = lock_tender(tender)
    ensure_not_suspended(tender)
    if tender.status != TenderStatus.DRAFT:
        raise RuleViolation("E007", detail_zh="已发布", detail_en="already published")
    now = clock.now()
    procedure = procedures.get(tender.procedure)
    plan = tender_plan(tender)
    problems = procedure.publication_checks(plan, default_calendar())
    if tender.bid_deadline and tender.bid_deadline <= now:
        problems.append(RuleViolation("E009", detail_zh="投标截止时间已过", detail_en="the bid deadline is in the past", field="bid_deadline"))
    if not tender.documents.filter(clarification__isnull=True).exists():
        problems.append(RuleViolation("E001", detail_zh="请先上传招标文件", detail_en="upload the tender documents first", field="documents"))
    missing = [c.name for c in tender.custodians.filter(key_registered_at__isnull=True)]
    if missing:
        problems.append(RuleViolation("E007", detail_zh="开标保管人尚未登记密钥：" + "、".join(missing), detail_en="custodians without a registered key: " + ", ".join(missing), field="custodians"))
    raise_all(problems)
    if tender.doc_get_start and tender.doc_get_start < now:
        # Documents cannot have been available before they were published.
        problems = procedure.publication_checks(rules.TenderPlan(**{**plan.__dict__, "doc_get_start": now}), default_calendar())
        raise_all([RuleViolation(v.code, detail_zh=f"{v.detail_zh}（文件发出时间按发布时间{now.astimezone(TZ):%Y-%m-%d %H:%M}计）", detail_en=f"{v.detail_en} (documents are issued from publication, {now.astimezone(TZ):%Y-%m-%d %H:%M})", field=v.field, params=v.params) for v in problems])
        tender.doc_get_start = now
    ann = tender.announcement
    ann.published_at = now
    ann.content_sha256 = digest({"title": ann.title, "content": ann.content, "tender": tender.code, "deadline": tender.bid_deadline.isoformat()})
    ann.save(update_fields=["published_at", "content_sha256"])
    tender.status = TenderStatus.TENDERING
    tender.published_at = now
    tender.next_check = tender.bid_deadline
    tender.save(update_fields=["status", "published_at", "next_check", "doc_get_start"])
    tender.lots.update(status=LotStatus.TENDERING)
    if tender.custodians.exists():
        audit_record(
            actor=actor,
            action="tender.custodian_keys_published",
            obj=tender,
            data={"suite": tender.suite, "threshold": tender.threshold, "keys": [{"index": c.index, "name": c.name, "key_id": c.key_id, "public_key": c.public_key} for c in tender.custodians.order_by("index")]},
            checkpoint=True,
        )
    outbox.disclose_tender_published(tender=tender, published_by=actor.user_id)
    audit_record(actor=actor, action="tender.published", obj=tender, data={"announcement_sha256": ann.content_sha256, "deadline": tender.bid_deadline.isoformat()}, checkpoint=True)
    publish_on_commit("tender.published", {"tender": tender.code})
    return tender


@transaction.atomic
def document_download(*, actor: Actor, entity: Entity | None, document: TenderDocument) -> TenderDocument:
    """Any registered entity downloads at once: no 报名, approval or fee (电子办法 20, E116)."""
    tender = document.tender
    if entity is None:
        raise RuleViolation("E008", detail_zh="请先免费注册并登录", detail_en="register (free) and sign in first")
    if not can_manage(tender, entity):
        if tender.status == TenderStatus.DRAFT:
            raise RuleViolation("E005")
        if tender.doc_get_start and clock.now() < tender.doc_get_start:
            raise RuleViolation("E007", detail_zh="招标文件尚未开始发出", detail_en="the documents are not available yet")
    DocumentDownload.objects.create(document=document, tender=tender, entity=entity, user_id=actor.user_id, downloaded_at=clock.now(), ip=actor.ip)
    audit_record(actor=actor, action="tender.document_downloaded", obj=tender, data={"document": document.pk, "sha256": document.sha256})
    return document


@transaction.atomic
def clarification_publish(
    *,
    actor: Actor,
    acting_entity: Entity,
    tender: Tender,
    title: str,
    content: str,
    affects_preparation: bool = True,
    new_deadline: datetime | None = None,
    files: list[tuple[str, File]] | None = None,
) -> Clarification:
    """Publish a clarification or amendment (条例 21, E104).

    With fewer than 15 days left, a clarification that may affect bid
    preparation moves the deadline (and the opening with it) to the earliest
    lawful time, or to ``new_deadline`` if the tenderer chose a later one.
    Everybody who downloaded the documents is notified.
    """
    require_manager(tender, acting_entity)
    tender = lock_tender(tender)
    ensure_not_suspended(tender)
    now = clock.now()
    if tender.status != TenderStatus.TENDERING or now >= tender.bid_deadline:
        raise RuleViolation("E007", detail_zh="只能在投标截止前澄清", detail_en="clarifications are possible only before the deadline")
    title = _text({"title": title}, "title", 600)
    content = _text({"content": content}, "content", 100_000)
    problems = rules.scan_restrictive({"content": content})
    new_deadline = _aware(new_deadline, "new_deadline")
    deadline, more = rules.check_clarification(published_at=now, deadline=tender.bid_deadline, new_deadline=new_deadline, affects_preparation=affects_preparation, cal=default_calendar())
    raise_all(problems + more)
    number = tender.clarifications.count() + 1
    clar = Clarification.objects.create(
        tender=tender,
        number=number,
        title=title,
        content=content,
        affects_preparation=affects_preparation,
        published_at=now,
        old_deadline=tender.bid_deadline,
        new_deadline=deadline,
        published_by_id=actor.user_id,
    )
    for name, f in files or []:
        document_upload(actor=actor, acting_entity=acting_entity, tender=tender, name=name, file=f, clarification=clar)
    if deadline != tender.bid_deadline:
        tender.bid_deadline = deadline
        tender.bid_open_time = deadline
        tender.next_check = deadline
        tender.save(update_fields=["bid_deadline", "bid_open_time", "next_check"])
    from etender.trading.bids.models import Bid

    outbox.disclose_clarification(clarification=clar)
    recipients = set(DocumentDownload.objects.filter(tender=tender).values_list("entity_id", flat=True))
    recipients |= set(Bid.objects.filter(lot__tender=tender).values_list("bidder_id", flat=True))
    extended = f"，投标截止时间顺延至{deadline.astimezone(TZ):%Y-%m-%d %H:%M}" if clar.extended else ""
    notify(entities=Entity.objects.filter(pk__in=recipients), tender=tender, kind="clarification", title=f"{tender.name}：{title}{extended}", body=content[:2000])
    audit_record(
        actor=actor,
        action="tender.clarified",
        obj=tender,
        data={"number": number, "old_deadline": clar.old_deadline.isoformat(), "new_deadline": deadline.isoformat(), "notified": len(recipients)},
    )
    publish_on_commit("tender.clarified", {"tender": tender.code, "number": number, "deadline": deadline.isoformat()})
    return clar


@transaction.atomic
def objection_raise(*, actor: Actor, entity: Entity, tender: Tender, content: str) -> Objection:
    """异议 to the documents (条例 22): ≥ 10 days before the deadline; pauses the tendering."""
    tender = lock_tender(tender)
    ensure_not_suspended(tender)
    now = clock.now()
    if tender.status != TenderStatus.TENDERING or now >= tender.bid_deadline:
        raise RuleViolation("E007", detail_zh="只能在投标截止前提出", detail_en="possible only before the deadline")
    content = _text({"content": content}, "content", 20_000)
    raise_all(rules.check_objection_timing(raised_at=now, deadline=tender.bid_deadline, cal=default_calendar()))
    obj = Objection.objects.create(tender=tender, raised_by=entity, content=content, raised_at=now, deadline_at_raise=tender.bid_deadline)
    managers = [e for e in (tender.tenderer, tender.agency) if e is not None]
    due = default_calendar().period_last_day(now, rules.ANSWER_OBJECTION_DAYS)
    notify(entities=managers, tender=tender, kind="objection", title=f"{tender.name}：收到异议，请于{due:%Y-%m-%d}前答复", body=content[:2000])
    audit_record(actor=actor, action="tender.objection_raised", obj=tender, data={"objection": obj.pk})
    publish_on_commit("tender.objection_raised", {"tender": tender.code})
    return obj


@transaction.atomic
def objection_answer(*, actor: Actor, acting_entity: Entity, objection: Objection, answer: str) -> Objection:
    """Answer an objection; the tendering resumes.

    If the deadline passed while the tendering was paused, the time that was
    left when the objection came in is given back from the answer on.
    """
    tender = objection.tender
    require_manager(tender, acting_entity)
    tender = lock_tender(tender)
    ensure_not_suspended(tender)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != Objection.Status.PENDING:
        raise RuleViolation("E007", detail_zh="已答复", detail_en="already answered")
    now = clock.now()
    objection.answer = _text({"answer": answer}, "answer", 20_000)
    objection.answered_at = now
    objection.status = Objection.Status.ANSWERED
    objection.save(update_fields=["answer", "answered_at", "status"])
    if tender.status == TenderStatus.TENDERING and not tender.objections.filter(status=Objection.Status.PENDING).exists():
        if tender.bid_deadline <= now:
            remaining = max(objection.deadline_at_raise - objection.raised_at, timedelta(days=rules.MIN_OBJECTION_DAYS))
            tender.bid_deadline = tender.bid_open_time = now + remaining
        tender.next_check = tender.bid_deadline
        tender.save(update_fields=["bid_deadline", "bid_open_time", "next_check"])
    notify(entities=[objection.raised_by], tender=tender, kind="objection_answer", title=f"{tender.name}：异议已答复", body=objection.answer[:2000])
    if tender.bid_deadline != objection.deadline_at_raise:
        from etender.trading.bids.models import Bid

        others = set(DocumentDownload.objects.filter(tender=tender).values_list("entity_id", flat=True)) | set(Bid.objects.filter(lot__tender=tender).values_list("bidder_id", flat=True))
        notify(entities=Entity.objects.filter(pk__in=others), tender=tender, kind="deadline_moved", title=f"{tender.name}：因异议处理，投标截止时间调整为{tender.bid_deadline.astimezone(TZ):%Y-%m-%d %H:%M}")
    audit_record(actor=actor, action="tender.objection_answered", obj=tender, data={"objection": objection.pk, "deadline": tender.bid_deadline.isoformat()})
    publish_on_commit("tender.objection_answered", {"tender": tender.code})
    return objection


@transaction.atomic
def lot_retender(*, actor: Actor, acting_entity: Entity, lot: Lot) -> Tender:
    """A lot that failed (fewer than 3 bids, E125) is tendered again as a new draft."""
    tender = lot.tender
    require_manager(tender, acting_entity)
    ensure_not_suspended(lock_tender(tender))
    if lot.status != LotStatus.FAILED:
        raise RuleViolation("E007", detail_zh="仅流标的标段可以重新招标", detail_en="only a failed lot can be re-tendered")
    if Lot.objects.filter(tender__retender_of=tender, name=lot.name, tender__status=TenderStatus.DRAFT).exists():
        raise RuleViolation("E007", detail_zh="已存在重新招标草稿", detail_en="a re-tender draft exists already")
    now = clock.now()
    new = Tender.objects.get(pk=tender.pk)
    new.pk = None
    new.code = make_tender_project_code(tender.project.code, next_serial(f"tender:{tender.project.code}"))
    new.status = TenderStatus.DRAFT
    new.created_at = now
    new.published_at = None
    new.next_check = None
    new.doc_get_start = new.doc_get_end = new.bid_deadline = new.bid_open_time = None
    new.created_by_id = actor.user_id
    new.retender_of = tender
    new.save()
    day = local_day(now)
    Lot.objects.create(
        tender=new,
        number=1,
        code=make_section_code(new.code, 1),
        unified_deal_code=make_unified_deal_code(platform_code(), day, next_serial(f"deal:{day:%Y%m%d}")),
        name=lot.name,
        content=lot.content,
        classification=lot.classification,
        estimated_price=lot.estimated_price,
        qualification=lot.qualification,
        bid_security=lot.bid_security,
        max_price=lot.max_price,
        duration_days=lot.duration_days,
        region_code=lot.region_code,
        trade_place_code=lot.trade_place_code,
        tender_count=lot.tender_count + 1,
        created_at=now,
    )
    Announcement.objects.create(tender=new, title=announcement_title(f"{new.name}（第{lot.tender_count + 1}次）"), content=tender.announcement.content)
    audit_record(actor=actor, action="tender.retendered", obj=new, data={"from_lot": lot.code})
    return new


@transaction.atomic
def tender_schedule(*, actor: Actor, acting_entity: Entity, tender: Tender, data: dict[str, Any]) -> Tender:
    """Set the periods of a draft (used for re-tenders and by the edit form)."""
    require_manager(tender, acting_entity)
    tender = lock_tender(tender)
    ensure_not_suspended(tender)
    if tender.status != TenderStatus.DRAFT:
        raise RuleViolation("E007", detail_zh="只能修改草稿", detail_en="only drafts can be edited")
    for key in ("doc_get_start", "doc_get_end", "bid_deadline"):
        value = data.get(key)
        if not isinstance(value, datetime):
            raise RuleViolation("E009", field=key)
        setattr(tender, key, _aware(value, key))
    tender.bid_open_time = _aware(data.get("bid_open_time"), "bid_open_time") or tender.bid_deadline
    if data.get("bid_validity_days"):
        tender.bid_validity_days = int(data["bid_validity_days"])
    raise_all(procedures.get(tender.procedure).publication_checks(tender_plan(tender, with_documents=False), default_calendar()))
    tender.save()
    audit_record(actor=actor, action="tender.scheduled", obj=tender, data={"deadline": tender.bid_deadline.isoformat()})
    return tender


# --------------------------------------------------------------------------- opening custodians (double envelope)

MAX_CUSTODIANS = 7


@transaction.atomic
def custodians_assign(*, actor: Actor, acting_entity: Entity, tender: Tender, suite: str, threshold: int, custodians: list[dict[str, Any]]) -> list:
    """Name the tender's opening custodians (draft only): t-of-n, each a platform user who will hold a key.

    At least two custodians must act together (t ≥ 2), so no single party —
    the operator included — can open a bid; t < n keeps one absent
    custodian from blocking the opening.
    """
    from django.contrib.auth import get_user_model

    from etender.kernel.suites import SUITES

    from .models import Custodian

    require_manager(tender, acting_entity)
    tender = lock_tender(tender)
    ensure_not_suspended(tender)
    if tender.status != TenderStatus.DRAFT:
        raise RuleViolation("E007", detail_zh="开标保管人须在发布前确定", detail_en="custodians are set before publication")
    if suite not in SUITES:
        raise RuleViolation("E001", detail_zh=f"未知的密码套件 {suite}", detail_en=f"unknown cipher suite {suite}", field="suite")
    n = len(custodians)
    if not 2 <= n <= MAX_CUSTODIANS or not 2 <= int(threshold) <= n:
        raise RuleViolation("E001", detail_zh=f"保管人应为2至{MAX_CUSTODIANS}名，开启门限应为2至保管人数", detail_en=f"2–{MAX_CUSTODIANS} custodians and a threshold from 2 to their number", field="threshold")
    if n > 2 and int(threshold) >= n:
        raise RuleViolation("E001", detail_zh="门限应小于保管人数，以免一人缺席即无法开标", detail_en="the threshold must be below the number of custodians so one absence cannot block the opening", field="threshold")
    User = get_user_model()
    managers = {tender.tenderer_id, tender.agency_id} - {None}
    rows = []
    seen = set()
    organisations = set()
    for i, c in enumerate(custodians, start=1):
        role = str(c.get("role") or "")
        if role not in Custodian.Role.values:
            raise RuleViolation("E001", detail_zh=f"第{i}名保管人角色无效", detail_en=f"custodian {i}: unknown role", field=f"custodians.{i}.role")
        user = User.objects.filter(username=str(c.get("username") or ""), is_active=True).first()
        if user is None:
            raise RuleViolation("E005", detail_zh=f"第{i}名保管人用户不存在", detail_en=f"custodian {i}: no such user", field=f"custodians.{i}.username")
        if user.pk in seen:
            raise RuleViolation("E001", detail_zh="同一用户不得担任两名保管人", detail_en="one person cannot be two custodians", field=f"custodians.{i}.username")
        seen.add(user.pk)
        membership = getattr(user, "membership", None)
        entity_id = membership.entity_id if membership else None
        fits = {
            "tenderer": entity_id in managers,
            "operator": user.is_staff,
            "independent": not user.is_staff and entity_id not in managers,
            "supervision": not user.is_staff and entity_id not in managers,
        }[role]
        if not fits:
            raise RuleViolation("E001", detail_zh=f"第{i}名保管人不符合其角色（招标人负责人须为招标人或代理机构人员，运营方须为平台工作人员，独立方和监督方须与二者无关）", detail_en=f"custodian {i} does not fit the role (tenderer: its own or its agency's staff; operator: platform staff; independent/supervision: neither)", field=f"custodians.{i}.username")
        organisation = "operator" if user.is_staff else (f"entity:{entity_id}" if entity_id else f"user:{user.pk}")
        if organisation in organisations:
            raise RuleViolation("E001", detail_zh="保管人须来自不同的单位，以免一方单独开启", detail_en="custodians must come from different organisations, so no one party can open alone", field=f"custodians.{i}.username")
        organisations.add(organisation)
        rows.append(Custodian(tender=tender, index=i, role=role, name=_text(c, "name", 200, required=False) or f"{Custodian.Role(role).label} {user.get_full_name() or user.username}", user=user))
    Custodian.objects.filter(tender=tender).delete()
    Custodian.objects.bulk_create(rows)
    tender.suite = suite
    tender.threshold = int(threshold)
    tender.save(update_fields=["suite", "threshold"])
    audit_record(actor=actor, action="tender.custodians_assigned", obj=tender, data={"suite": suite, "threshold": tender.threshold, "custodians": [{"index": r.index, "role": r.role, "user": r.user.username} for r in rows]})
    return rows


@transaction.atomic
def custodian_key_register(*, actor: Actor, custodian, public_key: str):
    """A custodian registers the public half of the per-tender key it made on its own side."""
    import base64 as b64mod

    from etender.kernel import envelope
    from etender.kernel.suites import get_suite

    from .models import Custodian

    custodian = Custodian.objects.select_for_update().select_related("tender").get(pk=custodian.pk)
    if custodian.user_id != actor.user_id:
        raise RuleViolation("E006", detail_zh="只能登记本人的保管密钥", detail_en="only the custodian registers its key")
    ensure_not_suspended(custodian.tender)
    if custodian.tender.status != TenderStatus.DRAFT:
        raise RuleViolation("E007", detail_zh="招标公告发布后不得更换保管密钥", detail_en="keys cannot change after publication")
    suite = get_suite(custodian.tender.suite)
    try:
        raw = b64mod.b64decode(public_key, validate=True)
        if len(raw) != suite.public_key_size:
            raise ValueError("wrong public key length")
        suite.wrap(bytes(16), raw, b"etender key check")  # refuses points off the curve
    except Exception as exc:  # any failure of the key check is the key's fault
        raise RuleViolation("E012", detail_zh=f"公钥无效：{exc}", detail_en=f"invalid public key: {exc}", field="public_key") from None
    kid = envelope.key_id(raw, custodian.tender.suite)
    if Custodian.objects.filter(tender=custodian.tender, key_id=kid).exclude(pk=custodian.pk).exists():
        raise RuleViolation("E011", detail_zh="该密钥已由本项目另一名保管人登记", detail_en="another custodian of this tender registered this key", field="public_key")
    custodian.public_key = b64mod.b64encode(raw).decode()
    custodian.key_id = kid
    custodian.key_registered_at = clock.now()
    custodian.save(update_fields=["public_key", "key_id", "key_registered_at"])
    audit_record(actor=actor, action="tender.custodian_key_registered", obj=custodian.tender, data={"index": custodian.index, "key_id": custodian.key_id})
    return custodian


def custodian_keys(tender: Tender) -> list:
    """The tender's custodian keys as the envelope format needs them."""
    import base64 as b64mod

    from etender.kernel import envelope

    return [envelope.CustodianKey(index=c.index, name=c.name, public=b64mod.b64decode(c.public_key), key_id=c.key_id) for c in tender.custodians.order_by("index")]
