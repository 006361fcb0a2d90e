"""Status of the public service platform, and the disclosure portal's API (search, records)."""

from __future__ import annotations

from datetime import datetime
from importlib import metadata

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from ninja import Field, Query, Router, Schema

from etender.kernel.web.api import ErrorOut

from . import disclosure, query, selectors

router = Router(tags=["status"])


def _version() -> str:
    try:
        return metadata.version("etender")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "unknown"


class StatusOut(Schema):
    service: str
    instance: str
    version: str


@router.get("/status", response=StatusOut, auth=None, summary="Which service and version answers")
def status(request):
    return {"service": settings.ETENDER_SERVICE, "instance": settings.ETENDER_INSTANCE, "version": _version()}


# --------------------------------------------------------------------------- disclosure portal

portal_router = Router(tags=["portal"])
ERRORS = {404: ErrorOut, 410: ErrorOut, 422: ErrorOut}


class SearchQuery(Schema):
    q: str = Field("", description="search words (Chinese is segmented with jieba; every word must match); at most 100 characters")
    type: str = Field("", description="announcement, clarification, opening, publicity, result, contract, tender; also project, section, bidder, candidate. Default: the first seven")
    region: str = Field("", description="GB/T 2260 division code; 330000 = the province, 330100 = a city and its counties")
    industry: str = Field("", description="GB/T 4754 industry code of the project (e.g. E48), or its section letter")
    category: str = Field("", description="classification of the tender project or section (A works, A08 construction, B goods, C services …)")
    platform: str = Field("", description="credit code of the source trading platform")
    from_: str = Field("", alias="from", description="published on or after this day (YYYY-MM-DD, Beijing time)")
    to: str = Field("", description="published on or before this day (YYYY-MM-DD, Beijing time)")
    page: str = Field("1", description="page number, from 1; only the first 10,000 results can be paged to")
    size: str = Field("20", description="results per page, 1–100")
    sort: str = Field("relevance", description="relevance (every word in the title first, then newest) or newest")


class PlatformRef(Schema):
    code: str
    name: str


class RecordSummary(Schema):
    id: int
    type: str
    type_label: str
    dataset: str
    title: str
    tender_project_name: str
    tender_project_code: str
    region_code: str
    region_name: str
    industry_code: str
    category: str
    source_platform: PlatformRef = Field(description="the trading platform the record comes from (电子办法 49)")
    exchanged_by: PlatformRef = Field(description="the platform that sent it to this hub (the same, or a lower-level hub)")
    published_at: datetime
    exchanged_at: datetime = Field(description="when this hub received the current version")
    version: int
    url: str = Field(description="the record's page on the portal")


class SearchOut(Schema):
    q: str
    words: list[str] = Field(description="the words searched for, as segmented")
    total: int
    total_is_lower_bound: bool = Field(description="true when more than 10,000 records match; total is then 10,000")
    page: int
    size: int
    pages: int
    items: list[RecordSummary]


class FieldOut(Schema):
    name: str = Field(description="national field name")
    label: str = Field(description="label in the request's language")
    label_zh: str
    value: str
    display: str = Field(description="value as shown on the portal (times, code-table labels, region names)")


class VersionOut(Schema):
    version: int
    op: str
    exchanged_at: datetime


class RecordOut(RecordSummary):
    first_exchanged_at: datetime
    fields: list[FieldOut] = Field(description="the public fields only (kernel.exchange.public_view)")
    versions: list[VersionOut]
    related: list[RecordSummary] = Field(description="other published records of the same tender project, in procedural order")


def _summary(e) -> dict:
    kind = disclosure.BY_SLUG.get(e.kind)
    return {
        "id": e.pk,
        "type": e.kind,
        "type_label": str(kind.label) if kind else e.kind,
        "dataset": e.dataset,
        "title": e.title,
        "tender_project_name": e.project_name,
        "tender_project_code": e.tender_project_code,
        "region_code": e.region_code,
        "region_name": disclosure.region_name(e.region_code),
        "industry_code": e.industry_code,
        "category": e.category,
        "source_platform": {"code": e.source_code, "name": e.source_name},
        "exchanged_by": {"code": e.platform.code, "name": e.platform.name},
        "published_at": e.published_at,
        "exchanged_at": e.exchanged_at,
        "version": e.version,
        "url": reverse("portal-record", args=[e.pk]),
    }


@portal_router.get("/portal/search", response={200: SearchOut, **ERRORS}, auth=None, summary="Search the published records (no sign-in)")
def portal_search(request, filters: Query[SearchQuery]):
    """Full-text search in Chinese with filters and paging; the same results as the portal's /search/ page.

    Bad parameters answer 422 with E040 (filter), E041 (query too long) or E042 (page beyond the first 10,000 results).
    """
    raw = filters.dict()
    raw["from"] = raw.pop("from_", "")
    params = query.parse(raw)
    page = selectors.search(params)
    return {
        "q": params.q,
        "words": list(params.tokens),
        "total": page.total,
        "total_is_lower_bound": page.total_is_lower_bound,
        "page": params.page,
        "size": params.size,
        "pages": page.pages,
        "items": [_summary(e) for e in page.items],
    }


@portal_router.get("/portal/records/{record_id}", response={200: RecordOut, **ERRORS}, auth=None, summary="One published record with its public fields, versions and related records")
def portal_record(request, record_id: str):
    """404 E005 for an unknown or not yet published record, 410 E043 for one withdrawn by its platform."""
    e = selectors.entry(record_id)
    lang = get_language() or "zh-hans"
    return {
        **_summary(e),
        "first_exchanged_at": e.first_exchanged_at,
        "fields": disclosure.public_fields(e.dataset, e.data, lang),
        "versions": [{"version": v.version, "op": v.op, "exchanged_at": v.exchanged_at} for v in selectors.versions(e)],
        "related": [_summary(r) for r in selectors.related(e)],
    }


router.add_router("", portal_router)
