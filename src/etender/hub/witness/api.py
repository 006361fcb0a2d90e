"""The witness over HTTP: c2sp.org/tlog-witness add-checkpoint, the witness key, witnessed logs and alerts (docs/witness.md)."""

from __future__ import annotations

import base64
from datetime import datetime

from django.http import HttpResponse
from ninja import Router, Schema

from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation
from etender.kernel.tlog_witness import SIZE_CONTENT_TYPE
from etender.kernel.web.api import ErrorOut

from . import keys, selectors, services
from .models import WitnessAlert, WitnessedLog

router = Router(tags=["witness"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
ADD_ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut, 422: ErrorOut}  # 409 is text/x.tlog.size

ADD_CHECKPOINT_OPENAPI = {
    "requestBody": {
        "required": True,
        "content": {
            "text/plain": {
                "schema": {"type": "string"},
                "example": "old 3\n<base64 hash>\n…\n\nplatform-a.example/audit/v1\n6\n<base64 root>\n\n— platform-a.example/audit/v1 <base64 signature>\n",
            }
        },
    },
    "responses": {
        "200": {"description": "The witness's cosignature line(s) (c2sp.org/tlog-cosignature)", "content": {"text/plain": {"schema": {"type": "string"}}}},
        "409": {
            "description": "E033: the old size is not the witness's, or the tree size was witnessed with another root (fork, alert raised). Body: the witness's tree size and a newline.",
            "content": {SIZE_CONTENT_TYPE: {"schema": {"type": "string"}}},
        },
    },
}


@router.post(
    "/witness/v1/add-checkpoint",
    auth=None,
    response=ADD_ERRORS,
    summary="tlog-witness add-checkpoint: cosign a platform's checkpoint that extends the witnessed one",
    openapi_extra=ADD_CHECKPOINT_OPENAPI,
)
def add_checkpoint(request):
    try:
        result = services.checkpoint_add(actor=Actor.from_request(request), body=request.body)
    except RuleViolation as exc:
        if exc.code != "E033":
            raise
        response = HttpResponse(f"{exc.params['size']}\n", status=409, content_type=SIZE_CONTENT_TYPE)
        response["X-Etender-Error"] = exc.code
        if "alert" in exc.params:
            response["X-Etender-Alert"] = str(exc.params["alert"])
        return response
    return HttpResponse(result.lines, content_type="text/plain; charset=utf-8")


class KeyOut(Schema):
    name: str
    verifier_key: str
    key_id: str
    public_key: str
    signature_type: str


@router.get("/witness/v1/key", response=KeyOut, auth=None, summary="The witness's verifier key (cosignature/v1, Ed25519)")
def key(request):
    signer = keys.witness_signer()
    verifier = signer.verifier()
    return {
        "name": signer.name,
        "verifier_key": verifier.verifier_key(),
        "key_id": signer.key_id.hex(),
        "public_key": base64.b64encode(signer.public_raw).decode("ascii"),
        "signature_type": "cosignature/v1 (Ed25519, 0x04)",
    }


class LogOut(Schema):
    origin: str
    platform_code: str
    platform_name: str
    log_verifier_key: str
    size: int
    root: str
    note: str
    cosignature: str
    cosigned_at: datetime | None
    enrolled_at: datetime


def log_out(log: WitnessedLog) -> dict:
    return {
        "origin": log.origin,
        "platform_code": log.platform.code,
        "platform_name": log.platform.name,
        "log_verifier_key": services.log_verifier(log.platform, log.origin).verifier_key(),
        "size": log.size,
        "root": log.root,
        "note": log.note,
        "cosignature": log.cosignature,
        "cosigned_at": log.cosigned_at,
        "enrolled_at": log.enrolled_at,
    }


@router.get("/witness/v1/logs", response=list[LogOut], auth=None, summary="Witnessed logs with the latest cosigned checkpoint of each")
def logs(request):
    return [log_out(log) for log in selectors.logs_public()]


class CosignedOut(Schema):
    size: int
    root: str
    note: str
    timestamp: int
    cosigned_at: datetime


@router.get("/witness/v1/checkpoints", response={200: list[CosignedOut], **ERRORS}, auth=None, summary="Checkpoints of one log cosigned by this witness, by size (after `after`)")
def checkpoints(request, origin: str, after: int = -1, limit: int = 100):
    log = selectors.log_by_origin(origin)
    if log is None:
        raise RuleViolation("E005", detail_zh=origin, detail_en=origin, field="origin")
    return list(selectors.checkpoints_of(log, after=after, limit=max(1, min(limit, 1000))))


class AlertOut(Schema):
    id: int
    kind: str
    origin: str
    platform_code: str
    platform_name: str
    witnessed_size: int
    witnessed_root: str
    witnessed_note: str
    submitted_size: int
    submitted_root: str
    submitted_note: str
    old_size: int
    proof: list[str]
    implied_old_root: str
    log_verifier_key: str
    witness_verifier_key: str
    detected_at: datetime
    last_seen_at: datetime
    occurrences: int


def alert_out(alert: WitnessAlert) -> dict:
    return {
        "id": alert.pk,
        "kind": alert.kind,
        "origin": alert.origin,
        "platform_code": alert.platform.code,
        "platform_name": alert.platform.name,
        "witnessed_size": alert.witnessed_size,
        "witnessed_root": alert.witnessed_root,
        "witnessed_note": alert.witnessed_note,
        "submitted_size": alert.submitted_size,
        "submitted_root": alert.submitted_root,
        "submitted_note": alert.submitted_note,
        "old_size": alert.old_size,
        "proof": alert.proof,
        "implied_old_root": alert.implied_old_root,
        "log_verifier_key": alert.log_verifier_key,
        "witness_verifier_key": keys.verifier_key(),
        "detected_at": alert.detected_at,
        "last_seen_at": alert.last_seen_at,
        "occurrences": alert.occurrences,
    }


@router.get("/witness/v1/alerts", response={200: list[AlertOut], **ERRORS}, auth=None, summary="Alerts (forks and rewritten histories) with their evidence, oldest first after id `after`")
def alerts(request, after: int = 0, limit: int = 100):
    return [alert_out(a) for a in selectors.alerts_public(after=max(0, after), limit=max(1, min(limit, 1000)))]


@router.get("/witness/v1/alerts/{alert_id}", response={200: AlertOut, **ERRORS}, auth=None, summary="One alert with its evidence")
def alert(request, alert_id: int):
    found = selectors.alert(alert_id)
    if found is None:
        raise RuleViolation("E005")
    return alert_out(found)
