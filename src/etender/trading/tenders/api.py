from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from etender.kernel.audit.actors import Actor
from etender.kernel.web.api import AUTH, AUTH_OPTIONAL, ErrorOut
from etender.trading.accounts.api import require_entity
from etender.trading.accounts.selectors import entity_of

from . import selectors, services
from .models import Lot, Objection, Project, TenderDocument

router = Router(tags=["tenders"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut}


class ProjectIn(Schema):
    name: str = Field(max_length=600)
    region_code: str = Field(max_length=6)
    industry: str = Field(max_length=3)
    address: str = Field(max_length=200)
    legal_person: str = Field(max_length=200)
    fund_source: str = Field(max_length=1000)
    project_scale: str = Field(max_length=1000)
    contact_name: str = Field(max_length=100)
    contact_info: str = Field(max_length=100)
    approval_name: str = Field(max_length=500)
    approval_number: str = Field("", max_length=100)
    approval_authority: str = Field("", max_length=200)
    invest_project_code: str = Field("", max_length=24)
    contribution_scale: str = Field("", max_length=1000)


class ProjectOut(Schema):
    id: int
    code: str
    name: str


@router.post("/projects", response={201: ProjectOut, **ERRORS}, auth=AUTH, summary="Register a project (data set 500)")
def project_create(request, payload: ProjectIn):
    project = services.project_create(actor=Actor.from_request(request), owner=require_entity(request), data=payload.dict())
    return 201, project


class LotIn(Schema):
    name: str = Field(max_length=500)
    content: str = Field(max_length=100_000)
    classification: str = Field(max_length=30, description="标段分类代码, e.g. A08 工程施工")
    estimated_price: Decimal = Field(gt=0, lt=Decimal("1e16"))
    qualification: str = Field(max_length=100_000)
    bid_security: Decimal = Field(Decimal(0), ge=0, lt=Decimal("1e16"))
    max_price: Decimal | None = Field(None, gt=0, lt=Decimal("1e16"))
    min_price: Decimal | None = Field(None, description="always refused: 条例 27 forbids a minimum bid price (E114)")
    duration_days: int | None = Field(None, gt=0, lt=100_000)
    region_code: str = Field("", max_length=6)


class TenderIn(Schema):
    project_id: int
    name: str = Field(max_length=600)
    content: str = Field(max_length=100_000)
    procedure: str = Field("open", max_length=30)
    is_to_law: bool = True
    state_funded: bool = True
    agency_code: str = Field("", max_length=18)
    supervise_dept_name: str = Field(max_length=200)
    supervise_dept_code: str = Field("", max_length=18)
    approve_dept_name: str = Field(max_length=200)
    approve_dept_code: str = Field("", max_length=18)
    report_duty: str = Field(max_length=100)
    self_code: str = Field("", max_length=200)
    doc_get_start: datetime
    doc_get_end: datetime
    bid_deadline: datetime
    bid_open_time: datetime | None = None
    bid_validity_days: int | None = Field(None, ge=0, le=3650)
    decrypt_minutes: int = Field(60, ge=10, le=1440)
    consortium_allowed: bool = False
    evaluation_method: str = Field("", max_length=200)
    announcement_title: str = Field("", max_length=600)
    announcement_content: str = Field("", max_length=100_000)
    download_preconditions: list[str] = Field(default_factory=list, description="always refused when non-empty (E116)", max_length=10)
    lots: list[LotIn] = Field(min_length=1, max_length=50)


class LotOut(Schema):
    id: int
    number: int
    code: str
    unified_deal_code: str
    name: str
    classification: str
    estimated_price: Decimal
    bid_security: Decimal
    max_price: Decimal | None
    status: str


class DocumentOut(Schema):
    id: int
    name: str
    sha256: str
    size: int
    uploaded_at: datetime


class ClarificationOut(Schema):
    number: int
    title: str
    content: str
    published_at: datetime
    old_deadline: datetime
    new_deadline: datetime
    extended: bool


class TenderOut(Schema):
    id: int
    code: str
    name: str
    status: str
    procedure: str
    tenderer: str
    tenderer_code: str
    agency: str | None
    doc_get_start: datetime | None
    doc_get_end: datetime | None
    bid_deadline: datetime | None
    bid_open_time: datetime | None
    bid_validity_days: int | None
    published_at: datetime | None
    paused: bool
    announcement_title: str
    announcement_sha256: str
    lots: list[LotOut]
    documents: list[DocumentOut]
    clarifications: list[ClarificationOut]
    warnings: list[dict[str, Any]] = Field(default_factory=list, description="coded warnings, e.g. W010 (holiday schedule of a year not loaded)")


def tender_out(tender) -> dict[str, Any]:
    return {
        "id": tender.pk,
        "code": tender.code,
        "name": tender.name,
        "status": tender.status,
        "procedure": tender.procedure,
        "tenderer": tender.tenderer.name,
        "tenderer_code": tender.tenderer.credit_code,
        "agency": tender.agency.name if tender.agency else None,
        "doc_get_start": tender.doc_get_start,
        "doc_get_end": tender.doc_get_end,
        "bid_deadline": tender.bid_deadline,
        "bid_open_time": tender.bid_open_time,
        "bid_validity_days": tender.bid_validity_days,
        "published_at": tender.published_at,
        "paused": selectors.paused(tender),
        "announcement_title": tender.announcement.title,
        "announcement_sha256": tender.announcement.content_sha256,
        "lots": list(tender.lots.all()),
        "documents": list(tender.documents.filter(clarification__isnull=True)),
        "clarifications": [{**{f: getattr(c, f) for f in ("number", "title", "content", "published_at", "old_deadline", "new_deadline")}, "extended": c.extended} for c in tender.clarifications.all()],
        "warnings": [w.as_dict() for w in selectors.calendar_warnings(tender)],
    }


@router.post("/tenders", response={201: TenderOut, **ERRORS}, auth=AUTH, summary="Create a tender project with its lots (data sets 501–503)")
def tender_create(request, payload: TenderIn):
    entity = require_entity(request)
    project = get_object_or_404(Project, pk=payload.project_id)
    data = payload.dict(exclude={"project_id", "lots"})
    lots = [lot.dict() for lot in payload.lots]
    tender = services.tender_create(actor=Actor.from_request(request), project=project, acting_entity=entity, data=data, lots=lots)
    return 201, tender_out(tender)


class TenderSummary(Schema):
    id: int
    code: str
    name: str
    status: str
    tenderer: str
    bid_deadline: datetime | None
    published_at: datetime | None


@router.get("/tenders", response=list[TenderSummary], auth=None, summary="Published tenders")
def tender_list(request, q: str = "", status: str = "", limit: int = 50, offset: int = 0):
    limit = max(1, min(limit, 200))
    offset = max(0, offset)
    rows = selectors.tender_list_public(q=q[:100], status=status[:20])[offset : offset + limit]
    return [{"id": t.pk, "code": t.code, "name": t.name, "status": t.status, "tenderer": t.tenderer.name, "bid_deadline": t.bid_deadline, "published_at": t.published_at} for t in rows]


def _viewer(request):
    user = request.user
    return entity_of(user), bool(getattr(user, "is_staff", False))


@router.get("/tenders/{tender_id}", response={200: TenderOut, **ERRORS}, auth=AUTH_OPTIONAL)
def tender_detail(request, tender_id: int):
    entity, staff = _viewer(request)
    return tender_out(selectors.tender_get(pk=tender_id, entity=entity, is_staff=staff))


@router.post("/tenders/{tender_id}/documents", response={201: DocumentOut, **ERRORS}, auth=AUTH, summary="Upload a tender document (multipart)")
def document_upload(request, tender_id: int, file: File[UploadedFile]):
    entity = require_entity(request)
    tender = selectors.tender_get(pk=tender_id, entity=entity)
    doc = services.document_upload(actor=Actor.from_request(request), acting_entity=entity, tender=tender, name=file.name or "document", file=file)
    return 201, doc


@router.post("/tenders/{tender_id}/publish", response={200: TenderOut, **ERRORS}, auth=AUTH, summary="Publish the announcement")
def tender_publish(request, tender_id: int):
    entity = require_entity(request)
    tender = selectors.tender_get(pk=tender_id, entity=entity)
    return tender_out(services.tender_publish(actor=Actor.from_request(request), acting_entity=entity, tender=tender))


@router.get("/tenders/{tender_id}/documents/{document_id}", auth=AUTH, response={200: None, **ERRORS}, summary="Download a tender document (any registered entity, no preconditions)")
def document_download(request, tender_id: int, document_id: int):
    entity = entity_of(request.user)
    doc = get_object_or_404(TenderDocument, pk=document_id, tender_id=tender_id)
    services.document_download(actor=Actor.from_request(request), entity=entity, document=doc)
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.name)


class DownloaderOut(Schema):
    entity: str
    credit_code: str
    document: str
    downloaded_at: datetime


@router.get("/tenders/{tender_id}/downloaders", response={200: list[DownloaderOut], **ERRORS}, auth=AUTH, summary="Who downloaded (tenderer/agency only before the deadline, E117)")
def downloader_list(request, tender_id: int):
    entity, staff = _viewer(request)
    tender = selectors.tender_get(pk=tender_id, entity=entity, is_staff=staff)
    return [{"entity": d.entity.name, "credit_code": d.entity.credit_code, "document": d.document.name, "downloaded_at": d.downloaded_at} for d in selectors.downloaders(tender=tender, viewer=entity)]


class ClarificationIn(Schema):
    title: str = Field(max_length=600)
    content: str = Field(max_length=100_000)
    affects_preparation: bool = True
    new_deadline: datetime | None = None


@router.post("/tenders/{tender_id}/clarifications", response={201: ClarificationOut, **ERRORS}, auth=AUTH, summary="Publish a clarification or amendment (E104)")
def clarification_publish(request, tender_id: int, payload: ClarificationIn):
    entity = require_entity(request)
    tender = selectors.tender_get(pk=tender_id, entity=entity)
    c = services.clarification_publish(actor=Actor.from_request(request), acting_entity=entity, tender=tender, **payload.dict())
    return 201, {**{f: getattr(c, f) for f in ("number", "title", "content", "published_at", "old_deadline", "new_deadline")}, "extended": c.extended}


class ObjectionIn(Schema):
    content: str = Field(max_length=20_000)


class ObjectionOut(Schema):
    id: int
    status: str
    content: str
    raised_at: datetime
    answer: str
    answered_at: datetime | None


@router.post("/tenders/{tender_id}/objections", response={201: ObjectionOut, **ERRORS}, auth=AUTH, summary="Raise an objection to the tender documents (E106)")
def objection_raise(request, tender_id: int, payload: ObjectionIn):
    entity = require_entity(request)
    tender = selectors.tender_get(pk=tender_id, entity=entity)
    return 201, services.objection_raise(actor=Actor.from_request(request), entity=entity, tender=tender, content=payload.content)


class AnswerIn(Schema):
    answer: str = Field(max_length=20_000)


@router.post("/objections/{objection_id}/answer", response={200: ObjectionOut, **ERRORS}, auth=AUTH, summary="Answer an objection; the tendering resumes")
def objection_answer(request, objection_id: int, payload: AnswerIn):
    entity = require_entity(request)
    objection = get_object_or_404(Objection, pk=objection_id)
    return services.objection_answer(actor=Actor.from_request(request), acting_entity=entity, objection=objection, answer=payload.answer)


@router.post("/lots/{lot_id}/retender", response={201: TenderOut, **ERRORS}, auth=AUTH, summary="Tender a failed lot again")
def lot_retender(request, lot_id: int):
    entity = require_entity(request)
    lot = get_object_or_404(Lot, pk=lot_id)
    return 201, tender_out(services.lot_retender(actor=Actor.from_request(request), acting_entity=entity, lot=lot))


class ScheduleIn(Schema):
    doc_get_start: datetime
    doc_get_end: datetime
    bid_deadline: datetime
    bid_validity_days: int | None = Field(None, ge=1, le=3650)


@router.post("/tenders/{tender_id}/schedule", response={200: TenderOut, **ERRORS}, auth=AUTH, summary="Set the periods of a draft")
def tender_schedule(request, tender_id: int, payload: ScheduleIn):
    entity = require_entity(request)
    tender = selectors.tender_get(pk=tender_id, entity=entity)
    return tender_out(services.tender_schedule(actor=Actor.from_request(request), acting_entity=entity, tender=tender, data=payload.dict()))


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    created_at: datetime
    tender_id: int | None


@router.get("/notifications", response={200: list[NotificationOut], **ERRORS}, auth=AUTH)
def notifications(request, limit: int = 50):
    return list(selectors.notifications_for(require_entity(request))[: max(1, min(limit, 200))])

