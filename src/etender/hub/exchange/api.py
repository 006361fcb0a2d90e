from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Query, Router, Schema
from pydantic import Field

from etender.kernel.audit.actors import Actor
from etender.kernel.web.api import AUTH_OPTIONAL, ErrorOut

from . import selectors, services

router = Router(tags=["exchange"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class PlatformIn(Schema):
    code: str = Field(max_length=40, description="the operator's 统一社会信用代码")
    name: str = Field(max_length=200)
    kind: str = Field("trading", max_length=12)
    url: str = Field("", max_length=200)
    public_key: str = Field(max_length=200, description="base64 Ed25519 key that signs the platform's batches (GET /api/platform/keys of a trading platform)")
    region_code: str = Field("", max_length=6, description="supervision platforms: their jurisdiction (GB/T 2260)")


class PlatformOut(Schema):
    code: str
    name: str
    kind: str
    url: str
    status: str
    region_code: str
    registered_at: datetime


@router.post("/exchange/v1/platforms", response={201: PlatformOut, **ERRORS}, auth=None, summary="Ask to register a platform (activated by the hub's staff)")
def register(request, payload: PlatformIn):
    return 201, services.platform_register(actor=Actor.from_request(request), **payload.dict())


@router.get("/exchange/v1/platforms", response=list[PlatformOut], auth=None, summary="Registered, active platforms (电子办法 10)")
def platforms(request):
    return list(selectors.platforms_public())


class OriginIn(Schema):
    platform: str = Field(max_length=18, description="credit code of the trading platform the record comes from")
    name: str = Field("", max_length=200)


class RecordIn(Schema):
    dataset: str = Field(max_length=8)
    key: str = Field(max_length=200)
    op: str = Field("upsert", max_length=8)
    record: dict[str, Any]
    occurred_at: str = Field(max_length=40, description="RFC 3339 time of the change on the platform")
    origin: OriginIn | None = Field(None, description="only from a lower-level hub: the trading platform the forwarded record comes from")


class BatchIn(Schema):
    platform: str = Field(max_length=18)
    sequence: int = Field(ge=1)
    records: list[RecordIn] = Field(min_length=1, max_length=services.MAX_BATCH_RECORDS)
    signature: str = Field(max_length=200, description="base64 Ed25519 over the RFC 8785 canonical JSON of {platform, sequence, records}")


class BatchOut(Schema):
    sequence: int
    records: int
    duplicate: bool


@router.post("/exchange/v1/batches", response={200: BatchOut, **ERRORS}, auth=None, summary="Receive a signed batch; idempotent by (platform, sequence)")
def batches(request, payload: BatchIn):
    body = payload.dict(exclude_unset=True)  # the signature covers exactly what was sent
    return services.batch_ingest(actor=Actor.from_request(request), platform_code=body["platform"], sequence=body["sequence"], records=body["records"], signature=body["signature"])


class FeedItem(Schema):
    seq: int
    dataset: str
    key: str | None = Field(description="null where the key itself is not public (e.g. it names a bidder or an expert)")
    op: str
    version: int
    platform: str
    platform_name: str
    origin: str = Field(description="the trading platform the record comes from (differs from platform for records forwarded by a lower-level hub)")
    origin_name: str
    region: str
    exchanged_at: datetime
    record: dict[str, Any]


class FeedOut(Schema):
    items: list[FeedItem]
    next: int


@router.get("/exchange/v1/feed", response={200: FeedOut, **ERRORS}, auth=AUTH_OPTIONAL, summary="The change feed: strictly increasing cursor, never skips; `wait` long-polls up to 30 s")
def feed(request, after: int = Query(0, ge=0, le=2**62), limit: int = Query(100, ge=1, le=1000), wait: float = Query(0.0, ge=0, le=30, description="seconds to long-poll for the first entry (≤ 30)")):
    """Scopes: the public view for everybody; signed requests of registered platforms (headers
    ``X-Etender-Platform``, ``X-Etender-Timestamp``, ``X-Etender-Signature``: Ed25519 over the canonical
    JSON of {method, path, timestamp}; etender.kernel.platform_requests) get the full records — supervision platforms within their
    jurisdiction, hubs everywhere; the hub's own staff see everything."""
    full, region = bool(getattr(request.user, "is_staff", False)), None
    if request.headers.get("X-Etender-Platform") and not full:
        full, region = selectors.platform_scope(request)
    items, nxt = selectors.feed_page(after=max(0, after), limit=max(1, min(limit, 1000)), full=full, wait=wait, region=region)
    return {"items": items, "next": nxt}
