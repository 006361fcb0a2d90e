"""Open data in OCDS 1.1 (bids and lots extensions): release package, record package and bulk JSON Lines.

No authentication: only public fields are ever published (docs/open-data.md).
"""

from __future__ import annotations

import json
from typing import Any

from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from ninja import Query, Router, Schema
from pydantic import Field

from etender.kernel.errors import RuleViolation
from etender.kernel.web.api import ErrorOut

from . import packages, selectors, services

router = Router(tags=["opendata"])
ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class Publisher(Schema):
    name: str
    scheme: str | None = None
    uid: str | None = None


class Links(Schema):
    next: str = Field(description="the next page: follow it until a page has fewer releases than `limit`, then poll it later for new releases")


class ReleasePackageOut(Schema):
    uri: str
    version: str = Field(description='"1.1"')
    publishedDate: str
    publisher: Publisher
    extensions: list[str]
    publicationPolicy: str | None = None
    license: str | None = None
    releases: list[dict[str, Any]] = Field(description="OCDS 1.1.5 releases (bids and lots extensions), in exchange-feed order")
    links: Links


class RecordOut(Schema):
    ocid: str
    releases: list[dict[str, Any]] = Field(description="the releases of the contracting process, embedded, oldest first")
    compiledRelease: dict[str, Any]


class RecordPackageOut(Schema):
    uri: str
    version: str
    publishedDate: str
    publisher: Publisher
    extensions: list[str]
    publicationPolicy: str | None = None
    license: str | None = None
    packages: list[str]
    records: list[RecordOut]


_AFTER = Query(None, max_length=20, description="feed cursor: releases after this position (from `links.next`)")
_SINCE = Query(None, max_length=40, description="RFC 3339 time with offset: start at the first release exchanged at or after it (when `after` is not given)")
_OCID = Query(None, max_length=80, description="only this contracting process: `<ocid prefix>-<tender project code>`")


def _start(after: str | None, since: str | None) -> int:
    if after not in (None, ""):
        return selectors.parse_int(after, field="after", default=0, low=0, high=10**17)
    moment = selectors.parse_since(since)
    return selectors.position_since(moment) if moment is not None else 0


def _policy(request) -> str:
    return request.build_absolute_uri(reverse("opendata:index"))


@router.get(
    "/ocds/release-package",
    response={200: ReleasePackageOut, **ERRORS},
    auth=None,
    exclude_none=True,
    url_name="ocds_release_package",
    summary="OCDS release package: one page of releases in exchange-feed order (cursor paging)",
)
def release_package(request, after: str | None = _AFTER, since: str | None = _SINCE, limit: str | None = Query(None, max_length=6, description=f"releases per page, 1–{selectors.MAX_LIMIT} (default {selectors.DEFAULT_LIMIT})"), ocid: str | None = _OCID):
    start = _start(after, since)
    size = selectors.parse_int(limit, field="limit", default=selectors.DEFAULT_LIMIT, low=1, high=selectors.MAX_LIMIT)
    tp = selectors.tender_project_of(ocid) if ocid else None
    upto = services.process_index_update()
    releases, nxt = selectors.release_page(after=start, limit=size, tender_project=tp, upto=upto)
    params = {"after": nxt, "limit": size, **({"ocid": ocid} if ocid else {})}
    next_url = request.build_absolute_uri(f"{request.path}?{urlencode(params)}")
    return packages.release_package(releases, uri=request.build_absolute_uri(), policy_url=_policy(request), next_url=next_url)


@router.get(
    "/ocds/record-package",
    response={200: RecordPackageOut, **ERRORS},
    auth=None,
    exclude_none=True,
    url_name="ocds_record_package",
    summary="OCDS record package of one contracting process (tender project): releases and compiled release",
)
def record_package(request, ocid: str | None = _OCID):
    tp = selectors.tender_project_of(ocid or "")  # E036 also when missing
    services.process_index_update()
    releases = selectors.record_releases(tp)
    if not releases:
        raise RuleViolation("E037", detail_zh=ocid, detail_en=ocid, field="ocid")
    package_url = request.build_absolute_uri(f"{reverse('api:ocds_release_package')}?{urlencode({'ocid': ocid})}")
    return packages.record_package(ocid, releases, uri=request.build_absolute_uri(), policy_url=_policy(request), package_url=package_url)


@router.get(
    "/ocds/releases.jsonl",
    response={400: ErrorOut, 422: ErrorOut},
    auth=None,
    url_name="ocds_releases_jsonl",
    summary="Bulk download: every release, one JSON object per line (JSON Lines), streamed",
    openapi_extra={"responses": {"200": {"description": "One OCDS release per line, in exchange-feed order (the releases of the release package, all pages)", "content": {"application/x-ndjson": {"schema": {"type": "string"}}}}}},
)
def releases_jsonl(request, after: str | None = _AFTER, since: str | None = _SINCE, ocid: str | None = _OCID):
    start = _start(after, since)
    tp = selectors.tender_project_of(ocid) if ocid else None
    upto = services.process_index_update()
    lines = (json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in selectors.iter_releases(after=start, tender_project=tp, upto=upto))
    response = StreamingHttpResponse((line.encode() for line in lines), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="ocds-releases.jsonl"'
    return response
