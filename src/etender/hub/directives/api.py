"""Relay of supervisory instructions (电子招标投标办法 52): supervision → hub → trading platform, and back.

Signed platform requests (headers ``X-Etender-Platform``, ``X-Etender-Timestamp``,
``X-Etender-Signature`` as in the exchange API, with ``X-Etender-Content-SHA256`` for bodies;
``etender.kernel.platform_requests``).  Instructions and reports are additionally
signed documents (Ed25519 over their RFC 8785 canonical JSON), kept as evidence.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Query, Router, Schema
from pydantic import Field

from etender.hub.exchange.models import Platform
from etender.kernel.audit.actors import Actor
from etender.kernel.signing import platform_signer
from etender.kernel.web.api import ErrorOut

from . import selectors, services

router = Router(tags=["directives"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class SignedDocIn(Schema):
    signature: str = Field(max_length=200, description="base64 Ed25519 over the RFC 8785 canonical JSON of the document, by the sender's registered key")


class InstructionIn(SignedDocIn):
    instruction: dict[str, Any] = Field(description="{id (32 hex), supervision (credit code), department {code,name}, kind (suspend|resume|correct|terminate|inform), tender_code, lot_code, reason, correction, questions[], issued_at, ack_due_at, execute_due_at, complaint_id, issued_by}")


class RelayedOut(Schema):
    instruction_id: str
    duplicate: bool
    target: str = Field(description="credit code of the trading platform the instruction is addressed to")
    target_name: str
    tender_name: str
    received_at: datetime


@router.post("/directives/v1/instructions", response={201: RelayedOut, 200: RelayedOut, **ERRORS}, auth=None, summary="A supervision platform sends a signed instruction; idempotent by its id")
def instruction_post(request, payload: InstructionIn):
    directive, duplicate = services.directive_receive(actor=Actor.from_request(request), instruction=payload.instruction, signature=payload.signature)
    body = {"instruction_id": directive.instruction_id, "duplicate": duplicate, "target": directive.target.code, "target_name": directive.target.name, "tender_name": directive.tender_name, "received_at": directive.received_at}
    return (200 if duplicate else 201), body


class InboxItem(Schema):
    seq: int
    instruction_id: str
    envelope: dict[str, Any] = Field(description="{type, version, hub, target, relayed_at, instruction, supervision_signature}")
    hub_signature: str = Field(description="base64 Ed25519 by the hub's key (GET /api/directives/v1/key) over the canonical envelope")


class InboxOut(Schema):
    items: list[InboxItem]
    next: int


@router.get("/directives/v1/inbox", response={200: InboxOut, **ERRORS}, auth=None, summary="A trading platform's instructions after its cursor (signed request; `wait` long-polls ≤ 30 s)")
def inbox(request, after: int = Query(0, ge=0, le=2**62), limit: int = Query(100, ge=1, le=500), wait: float = Query(0.0, ge=0, le=30)):
    platform = services.signed_caller(request, Platform.Kind.TRADING)
    rows, nxt = selectors.inbox_page(platform=platform, after=after, limit=limit, wait=wait)
    services.directives_mark_delivered(actor=Actor.from_request(request), directives=rows)
    return {"items": [selectors.inbox_item(d) for d in rows], "next": nxt}


class ReportIn(SignedDocIn):
    report: dict[str, Any] = Field(description="{instruction, platform, kind (acknowledged|executed), at, text, outcome, attachments [{name, sha256, size, content (base64)}]}")


class ReportOut(Schema):
    instruction_id: str
    kind: str
    duplicate: bool


@router.post("/directives/v1/reports", response={201: ReportOut, 200: ReportOut, **ERRORS}, auth=None, summary="The addressed trading platform acknowledges or reports the execution; idempotent")
def report_post(request, payload: ReportIn):
    event, duplicate = services.report_receive(actor=Actor.from_request(request), report=payload.report, signature=payload.signature)
    return (200 if duplicate else 201), {"instruction_id": event.directive.instruction_id, "kind": event.kind, "duplicate": duplicate}


class StatusItem(Schema):
    seq: int
    instruction_id: str
    kind: str = Field(description="relayed | delivered | acknowledged | executed")
    at: datetime
    target: str
    target_name: str
    tender_name: str
    report: dict[str, Any] | None
    report_signature: str


class StatusOut(Schema):
    items: list[StatusItem]
    next: int


@router.get("/directives/v1/status", response={200: StatusOut, **ERRORS}, auth=None, summary="A supervision platform's status events after its cursor (signed request; `wait` long-polls ≤ 30 s)")
def status(request, after: int = Query(0, ge=0, le=2**62), limit: int = Query(100, ge=1, le=500), wait: float = Query(0.0, ge=0, le=30)):
    platform = services.signed_caller(request, Platform.Kind.SUPERVISION)
    items, nxt = selectors.status_page(platform=platform, after=after, limit=limit, wait=wait)
    return {"items": items, "next": nxt}


class KeyOut(Schema):
    hub: str
    alg: str
    key_id: str
    public_key: str


@router.get("/directives/v1/key", response=KeyOut, auth=None, summary="The key the hub countersigns relayed instructions with")
def key(request):
    return {"hub": services.hub_code(), **platform_signer().public_info()}
