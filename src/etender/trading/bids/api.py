from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation
from etender.kernel.web.api import AUTH, AUTH_OPTIONAL, ErrorOut
from etender.trading.accounts.api import require_entity
from etender.trading.accounts.selectors import entity_of
from etender.trading.tenders.models import Lot

from . import selectors, services
from .models import Bid, BidEnvelope

router = Router(tags=["bids"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut}


class ReceiptOut(Schema):
    envelope_id: int
    bid_id: int
    status: str
    committed: bool
    receipt: dict[str, Any] | None
    signature: str


def receipt_out(env: BidEnvelope) -> dict[str, Any]:
    return {
        "envelope_id": env.pk,
        "bid_id": env.bid_id,
        "status": env.bid.status,
        "committed": env.committed_at is not None,
        "receipt": env.receipt,
        "signature": env.receipt_signature,
    }


def _members(raw: str) -> list[str]:
    return [m for m in (raw or "").replace("，", ",").replace(" ", ",").split(",") if m]


@router.post("/lots/{lot_id}/envelopes", response={201: ReceiptOut, **ERRORS}, auth=AUTH, summary="Upload a sealed envelope (not yet a bid until committed)")
def envelope_upload(request, lot_id: int, file: File[UploadedFile], consortium_members: Form[str] = "", joint_agreement: Form[bool] = False):
    entity = require_entity(request)
    lot = get_object_or_404(Lot, pk=lot_id)
    env = services.bid_upload(actor=Actor.from_request(request), entity=entity, lot=lot, file=file, consortium_members=_members(consortium_members), joint_agreement=joint_agreement)
    return 201, receipt_out(env)


@router.post("/envelopes/{envelope_id}/commit", response={200: ReceiptOut, **ERRORS}, auth=AUTH, summary="Commit an uploaded envelope as the bid; returns the signed receipt")
def envelope_commit(request, envelope_id: int):
    entity = require_entity(request)
    env = services.bid_commit(actor=Actor.from_request(request), entity=entity, envelope_id=envelope_id)
    return receipt_out(env)


@router.post("/lots/{lot_id}/bids", response={201: ReceiptOut, **ERRORS}, auth=AUTH, summary="Upload and commit a sealed bid in one call")
def bid_submit(request, lot_id: int, file: File[UploadedFile], consortium_members: Form[str] = "", joint_agreement: Form[bool] = False):
    entity = require_entity(request)
    lot = get_object_or_404(Lot, pk=lot_id)
    env = services.bid_submit(actor=Actor.from_request(request), entity=entity, lot=lot, file=file, consortium_members=_members(consortium_members), joint_agreement=joint_agreement)
    return 201, receipt_out(env)


class WithdrawIn(Schema):
    accept_forfeit: bool = False


class BidOut(Schema):
    id: int
    lot: str
    status: str
    submitted_at: datetime | None
    withdrawn_at: datetime | None
    price: Decimal | None
    failure: str
    security_forfeitable: bool


def bid_out(bid: Bid) -> dict[str, Any]:
    return {"id": bid.pk, "lot": bid.lot.code, "status": bid.status, "submitted_at": bid.submitted_at, "withdrawn_at": bid.withdrawn_at, "price": bid.price, "failure": bid.failure, "security_forfeitable": bid.security_forfeitable}


@router.post("/bids/{bid_id}/withdraw", response={200: BidOut, **ERRORS}, auth=AUTH, summary="Withdraw before the deadline, or revoke after it (E123)")
def bid_withdraw(request, bid_id: int, payload: WithdrawIn):
    entity = require_entity(request)
    bid = get_object_or_404(Bid, pk=bid_id)
    return bid_out(services.bid_withdraw(actor=Actor.from_request(request), entity=entity, bid=bid, accept_forfeit=payload.accept_forfeit))


class DecryptIn(Schema):
    dek: str = Field(max_length=200, description="the data key printed by `etender bid unwrap` (hex or base64)")


@router.post("/bids/{bid_id}/decrypt", response={200: BidOut, **ERRORS}, auth=AUTH, summary="Decrypt online at the opening (E122 before the deadline)")
def bid_decrypt(request, bid_id: int, payload: DecryptIn):
    entity = require_entity(request)
    bid = get_object_or_404(Bid, pk=bid_id)
    return bid_out(services.bid_decrypt(actor=Actor.from_request(request), entity=entity, bid=bid, dek=payload.dek))


@router.get("/bids/mine", response={200: list[BidOut], **ERRORS}, auth=AUTH)
def my_bids(request):
    return [bid_out(b) for b in selectors.bids_of_entity(require_entity(request))]


class OpeningRowOut(Schema):
    bidder: str
    status: str
    submitted_at: datetime | None
    price: Decimal | None


class OpeningOut(Schema):
    lot: str
    status: str
    opening_started_at: datetime | None
    opening_ends_at: datetime | None
    bids: list[OpeningRowOut]


@router.get("/lots/{lot_id}/opening", response={200: OpeningOut, **ERRORS}, auth=AUTH, summary="The live opening, for the lot's bidders and the tenderer")
def opening(request, lot_id: int):
    lot = get_object_or_404(Lot, pk=lot_id)
    entity = entity_of(request.user)
    bids = selectors.opening_bids(lot=lot, viewer=entity, is_staff=request.user.is_staff)
    return {
        "lot": lot.code,
        "status": lot.status,
        "opening_started_at": lot.opening_started_at,
        "opening_ends_at": lot.opening_ends_at,
        "bids": [{"bidder": b.bidder.name, "status": b.status, "submitted_at": b.submitted_at, "price": b.price} for b in bids],
    }


class RecordOut(Schema):
    document: dict[str, Any]
    sha256: str
    signature: str
    platform_key_id: str


@router.get("/lots/{lot_id}/opening-record", response={200: RecordOut, **ERRORS}, auth=None, summary="The published opening record (data set 506), signed by the platform")
def opening_record(request, lot_id: int):
    lot = get_object_or_404(Lot, pk=lot_id)
    record = selectors.opening_record_of(lot)
    if record is None:
        raise RuleViolation("E128")
    from etender.kernel.signing import platform_signer

    return {"document": services.opening_record_document(record), "sha256": record.content_sha256, "signature": record.signature, "platform_key_id": platform_signer().key_id}


# --------------------------------------------------------------------------- custodians


class CustodianIn(Schema):
    role: str = Field(max_length=12, description="tenderer, operator, independent or supervision")
    username: str = Field(max_length=150)
    name: str = Field("", max_length=200)


class CustodiansIn(Schema):
    suite: str = Field("intl", max_length=8, description="intl or gm")
    threshold: int = Field(2, ge=2, le=7)
    custodians: list[CustodianIn] = Field(min_length=2, max_length=7)


class CustodianOut(Schema):
    id: int
    index: int
    role: str
    name: str
    key_id: str
    public_key: str
    private_key: str | None = None


class CustodianSetOut(Schema):
    tender: str
    suite: str
    threshold: int
    custodians: list[CustodianOut]


def custodian_set(tender) -> dict[str, Any]:
    return {
        "tender": tender.code,
        "suite": tender.suite,
        "threshold": tender.threshold,
        "custodians": [
            {"id": c.pk, "index": c.index, "role": c.role, "name": c.name, "key_id": c.key_id, "public_key": c.public_key, "private_key": c.private_key or None}
            for c in tender.custodians.order_by("index")
        ],
    }


@router.post("/tenders/{tender_id}/custodians", response={200: CustodianSetOut, **ERRORS}, auth=AUTH, summary="Name the opening custodians of a draft (t-of-n)")
def custodians_assign(request, tender_id: int, payload: CustodiansIn):
    from etender.trading.tenders import services as tender_services
    from etender.trading.tenders.models import Tender

    entity = require_entity(request)
    tender = get_object_or_404(Tender, pk=tender_id)
    tender_services.custodians_assign(actor=Actor.from_request(request), acting_entity=entity, tender=tender, suite=payload.suite, threshold=payload.threshold, custodians=[c.dict() for c in payload.custodians])
    return custodian_set(tender)


@router.get("/tenders/{tender_id}/custodians", response={200: CustodianSetOut, **ERRORS}, auth=AUTH_OPTIONAL, summary="The custodian set and its public keys (to seal a double envelope)")
def custodians_get(request, tender_id: int):
    from etender.trading.tenders import selectors as tender_selectors

    entity = entity_of(request.user)
    tender = tender_selectors.tender_get(pk=tender_id, entity=entity, is_staff=request.user.is_staff)
    return custodian_set(tender)


class PublicKeyIn(Schema):
    public_key: str = Field(max_length=200, description="base64 raw public key of the tender's suite (etender custodian keygen)")


@router.post("/custodians/{custodian_id}/key", response={200: CustodianOut, **ERRORS}, auth=AUTH, summary="A custodian registers its per-tender public key")
def custodian_key(request, custodian_id: int, payload: PublicKeyIn):
    from etender.trading.tenders import services as tender_services
    from etender.trading.tenders.models import Custodian

    c = tender_services.custodian_key_register(actor=Actor.from_request(request), custodian=get_object_or_404(Custodian, pk=custodian_id), public_key=payload.public_key)
    return {"id": c.pk, "index": c.index, "role": c.role, "name": c.name, "key_id": c.key_id, "public_key": c.public_key}


class HeaderOut(Schema):
    bid_id: int
    bidder: str
    envelope_sha256: str
    header: dict[str, Any]


@router.get("/lots/{lot_id}/envelope-headers", response={200: list[HeaderOut], **ERRORS}, auth=AUTH, summary="Envelope headers of the lot's bids, for custodians after the deadline")
def envelope_headers(request, lot_id: int):
    lot = get_object_or_404(Lot, pk=lot_id)
    if not lot.tender.custodians.filter(user_id=request.user.pk).exists():
        raise RuleViolation("E006", detail_zh="您不是本项目的开标保管人", detail_en="you are not a custodian of this tender")
    if lot.opening_started_at is None:  # the lifecycle decides, not the clock (an objection may pause the deadline)
        raise RuleViolation("E122")
    rows = []
    for bid in Bid.objects.filter(lot=lot, status="submitted").select_related("bidder"):
        env = bid.current
        rows.append({"bid_id": bid.pk, "bidder": bid.bidder.credit_code, "envelope_sha256": env.sha256, "header": env.header})
    return rows


class SharesIn(Schema):
    shares: dict[int, str] = Field(description="bid id -> base64 of the 16-byte share this custodian decrypted locally")


class ReleaseOut(Schema):
    stored: int
    opened: int


@router.post("/lots/{lot_id}/shares", response={200: ReleaseOut, **ERRORS}, auth=AUTH, summary="A custodian releases its decrypted shares (after the deadline, E122)")
def shares_release(request, lot_id: int, payload: SharesIn):
    lot = get_object_or_404(Lot, pk=lot_id)
    return services.custodian_release(actor=Actor.from_request(request), lot=lot, shares=payload.shares)


class PrivateKeyIn(Schema):
    private_key: str = Field(max_length=200)


@router.post("/tenders/{tender_id}/custodian-key", response={200: ReleaseOut, **ERRORS}, auth=AUTH, summary="After the opening a custodian publishes its per-tender private key")
def custodian_publish(request, tender_id: int, payload: PrivateKeyIn):
    from etender.trading.tenders.models import Tender

    tender = get_object_or_404(Tender, pk=tender_id)
    services.custodian_publish_key(actor=Actor.from_request(request), tender=tender, private_key=payload.private_key)
    return {"stored": 1, "opened": 0}


@router.get("/lots/{lot_id}/opening-evidence", response={200: dict[str, Any], **ERRORS}, auth=None, summary="Everything needed to re-check the opening offline (etender verify-opening)")
def opening_evidence(request, lot_id: int):
    lot = get_object_or_404(Lot, pk=lot_id)
    if selectors.opening_record_of(lot) is None:
        raise RuleViolation("E128")
    return services.opening_evidence(lot)


class MyCustodianshipOut(Schema):
    id: int
    tender_id: int
    tender: str
    tender_name: str
    tender_status: str
    suite: str
    index: int
    name: str
    key_id: str
    lots: list[dict[str, Any]]


@router.get("/custodians/mine", response={200: list[MyCustodianshipOut], **ERRORS}, auth=AUTH, summary="The tenders where I am an opening custodian")
def my_custodianships(request):
    from etender.trading.tenders.models import Custodian

    rows = []
    for c in Custodian.objects.filter(user_id=request.user.pk).select_related("tender").order_by("-tender__created_at"):
        t = c.tender
        rows.append({"id": c.pk, "tender_id": t.pk, "tender": t.code, "tender_name": t.name, "tender_status": t.status, "suite": t.suite, "index": c.index, "name": c.name, "key_id": c.key_id, "lots": [{"id": lot.pk, "code": lot.code, "status": lot.status} for lot in t.lots.all()]})
    return rows
