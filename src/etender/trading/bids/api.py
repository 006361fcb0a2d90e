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
from etender.kernel.web.api import AUTH, ErrorOut
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
