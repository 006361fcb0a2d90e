"""The expert draw API for trading platforms (signed platform requests) and the public proof (docs/experts.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from ninja import Router, Schema
from pydantic import Field

from etender.kernel.audit.actors import Actor
from etender.kernel.signing import platform_signer
from etender.kernel.web.api import ErrorOut

from . import selectors, services, specialties

router = Router(tags=["experts"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
PREFIX = "/experts/v1"
SIGNED = (
    " Signed platform request: headers X-Etender-Platform, X-Etender-Timestamp, X-Etender-Signature (Ed25519 over the canonical JSON of "
    "{method, path, timestamp} — plus content_sha256 when X-Etender-Content-SHA256 is sent; see etender.kernel.platform_requests)."
)


class SpecialtyIn(Schema):
    code: str = Field(max_length=7, description="specialty code; experts of this code or any code below it qualify")
    count: int = Field(ge=1, le=services.MAX_PER_SPECIALTY)


class AvoidIn(Schema):
    entity_codes: list[str] = Field(default_factory=list, max_length=500, description="USCC of the tenderer, the agency and every bidder")
    entity_names: list[str] = Field(default_factory=list, max_length=500)
    supervise_dept_code: str = Field("", max_length=18)
    supervise_dept_name: str = Field("", max_length=200)


class DrawIn(Schema):
    tender_code: str = Field(max_length=40)
    lot_code: str = Field(max_length=40)
    unified_deal_code: str = Field("", max_length=40)
    tender_name: str = Field("", max_length=300)
    lot_name: str = Field("", max_length=500)
    region_code: str = Field("", max_length=6)
    evaluation_start: datetime
    evaluation_place: str = Field("", max_length=300)
    duration_hours: int = Field(ge=1, le=336)
    specialties: list[SpecialtyIn] = Field(min_length=1, max_length=20)
    avoid: AvoidIn = Field(default_factory=AvoidIn)


class CommittedOut(Schema):
    id: str
    status: str
    commitment: str
    candidates_digest: str
    candidate_count: dict[str, int]
    proof_url: str
    proof_json_url: str


class MemberOut(Schema):
    ref: str
    name: str
    specialty: str
    employer: str
    mobile: str
    status: str
    position: int
    candidate: str = Field(description="the member's pseudonymous id in the public proof")
    replaces: str | None = Field(None, description="ref of the member this one replaced")
    reason: str = ""
    responded_at: datetime | None = None


class DrawOut(Schema):
    id: str
    status: str
    tender_code: str
    lot_code: str
    commitment: str
    candidates_digest: str
    candidate_count: dict[str, int]
    proof_url: str
    members: list[MemberOut]


class NonceIn(Schema):
    platform_nonce: str = Field(max_length=64, description="32 random bytes from the trading platform, hex")


class ConfirmIn(Schema):
    confirmed: bool
    reason: str = Field("", max_length=300)


class ReplaceIn(Schema):
    ref: str = Field(max_length=20)
    reason: str = Field(max_length=300)


class PerformanceIn(Schema):
    ref: str = Field(max_length=20)
    score: int = Field(ge=0, le=100)
    comment: str = Field("", max_length=1000)


class PerformanceOut(Schema):
    ref: str
    score: int
    comment: str
    recorded_at: datetime


class SpecialtyOut(Schema):
    code: str
    name_zh: str
    name_en: str
    parent: str | None
    level: int


class SpecialtiesOut(Schema):
    items: list[SpecialtyOut]


def _urls(request, draw) -> tuple[str, str]:
    return (request.build_absolute_uri(reverse("experts_proof", args=[draw.id])), request.build_absolute_uri(f"/api{PREFIX}/draws/{draw.id}/proof"))


def _platform_draw(request, draw_id: str):
    platform = selectors.calling_platform(request)
    draw = selectors.draw_get(draw_id)
    if draw.platform_id != platform.pk:
        from etender.kernel.errors import RuleViolation

        raise RuleViolation("E067")
    return platform, draw


def _answer(request, platform, draw) -> dict[str, Any]:
    services.access_record(actor=Actor.from_request(request), what="draw members (platform)", draw=draw, platform=platform.code)
    return selectors.draw_dict(selectors.draw_get(draw.id), proof_url=_urls(request, draw)[0])


@router.get(PREFIX + "/specialties", response=SpecialtiesOut, auth=None, summary="The specialty code table (评标专家专业分类)")
def specialty_table(request):
    return {"items": [{"code": s.code, "name_zh": s.zh, "name_en": s.en, "parent": s.parent, "level": s.level} for s in specialties.table().values()]}


@router.post(PREFIX + "/draws", response={201: CommittedOut, **ERRORS}, auth=None, summary="Commit a draw: fix the candidate list and publish the seed commitment", description=SIGNED)
def draw_create(request, payload: DrawIn):
    platform = selectors.calling_platform(request)
    draw = services.draw_create(
        actor=Actor.from_request(request), platform=platform, tender_code=payload.tender_code, lot_code=payload.lot_code, evaluation_start=payload.evaluation_start,
        duration_hours=payload.duration_hours, specialties_wanted=[s.dict() for s in payload.specialties], avoid=payload.avoid.dict(), unified_deal_code=payload.unified_deal_code,
        tender_name=payload.tender_name, lot_name=payload.lot_name, region_code=payload.region_code, evaluation_place=payload.evaluation_place,
    )
    page, js = _urls(request, draw)
    return 201, {"id": draw.id, "status": draw.status, "commitment": draw.commitment, "candidates_digest": draw.candidates_digest,
                 "candidate_count": {s: len(ids) for s, ids in draw.candidates.items()}, "proof_url": page, "proof_json_url": js}


@router.post(PREFIX + "/draws/{draw_id}/execute", response={200: DrawOut, **ERRORS}, auth=None, summary="Draw with the platform's nonce", description=SIGNED)
def draw_execute(request, draw_id: str, payload: NonceIn):
    platform, draw = _platform_draw(request, draw_id)
    draw = services.draw_execute(actor=Actor.from_request(request), platform=platform, draw=draw, platform_nonce=payload.platform_nonce)
    return _answer(request, platform, draw)


@router.get(PREFIX + "/draws/{draw_id}", response={200: DrawOut, **ERRORS}, auth=None, summary="The draw with its members' current status (requesting platform only)", description=SIGNED)
def draw_get(request, draw_id: str):
    platform, draw = _platform_draw(request, draw_id)
    return _answer(request, platform, draw)


@router.post(PREFIX + "/draws/{draw_id}/members/{ref}/confirm", response={200: DrawOut, **ERRORS}, auth=None, summary="Record a member's confirmation or refusal", description=SIGNED)
def member_confirm(request, draw_id: str, ref: str, payload: ConfirmIn):
    platform, draw = _platform_draw(request, draw_id)
    member = draw.members.exclude(status="replaced").select_related("expert").get(expert__ref=ref)
    services.member_respond(actor=Actor.from_request(request), member=member, confirmed=payload.confirmed, reason=payload.reason)
    return _answer(request, platform, draw)


@router.post(PREFIX + "/draws/{draw_id}/replacements", response={200: DrawOut, **ERRORS}, auth=None, summary="Replace a member with the next eligible candidate of the committed order", description=SIGNED)
def draw_replace(request, draw_id: str, payload: ReplaceIn):
    platform, draw = _platform_draw(request, draw_id)
    services.draw_replace(actor=Actor.from_request(request), platform=platform, draw=draw, ref=payload.ref, reason=payload.reason)
    return _answer(request, platform, draw)


@router.post(PREFIX + "/draws/{draw_id}/reveal", response={200: DrawOut, **ERRORS}, auth=None, summary="Reveal the seed once the award result is published", description=SIGNED)
def draw_reveal(request, draw_id: str):
    platform, draw = _platform_draw(request, draw_id)
    services.draw_reveal(actor=Actor.from_request(request), platform=platform, draw=draw)
    return _answer(request, platform, draw)


@router.post(PREFIX + "/draws/{draw_id}/performance", response={200: PerformanceOut, **ERRORS}, auth=None, summary="The tenderer's evaluation of a member's work", description=SIGNED)
def performance(request, draw_id: str, payload: PerformanceIn):
    platform, draw = _platform_draw(request, draw_id)
    perf = services.performance_record(actor=Actor.from_request(request), platform=platform, draw=draw, ref=payload.ref, score=payload.score, comment=payload.comment)
    return {"ref": payload.ref, "score": perf.score, "comment": perf.comment, "recorded_at": perf.recorded_at}


def signed_proof(draw) -> dict[str, Any]:
    """The proof with the hub's Ed25519 signature over its canonical JSON (key at /api/platform/keys)."""
    body = selectors.proof(draw)
    signer = platform_signer()
    return {**body, "hub_signature": signer.sign(body), "hub_key": signer.public_info()["public_key"]}


@router.get(PREFIX + "/draws/{draw_id}/proof", response={200: dict[str, Any], **ERRORS}, auth=None, summary="Public proof of a draw (recompute it with `etender verify-draw`)")
def draw_proof(request, draw_id: str):
    return signed_proof(selectors.draw_get(draw_id))


class CommitteeMemberOut(Schema):
    name: str
    specialty: str
    specialty_name: str


@router.get(PREFIX + "/draws/{draw_id}/committee", response={200: list[CommitteeMemberOut], **ERRORS}, auth=None, summary="The committee's names: public only after the result (E133 before)")
def committee(request, draw_id: str):
    return selectors.committee_public(selectors.draw_get(draw_id))
