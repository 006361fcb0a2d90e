"""The operation log over HTTP: checkpoints and proofs are public; the entries themselves are for staff."""

from __future__ import annotations

from datetime import datetime

from django.http import StreamingHttpResponse
from ninja import Router, Schema

from etender.kernel.errors import RuleViolation
from etender.kernel.web.api import AUTH, ErrorOut

from . import log
from .models import AuditEntry, Checkpoint, WitnessState

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class CosignatureOut(Schema):
    witness: str
    key_id: str
    timestamp: int


class CheckpointOut(Schema):
    size: int
    root: str
    note: str
    reason: str
    origin: str
    verifier_key: str
    cosignatures: list[CosignatureOut] = []


class InclusionOut(Schema):
    index: int
    size: int
    leaf_hash: str
    proof: list[str]


class ConsistencyOut(Schema):
    old_size: int
    new_size: int
    proof: list[str]


def checkpoint_out(cp: Checkpoint) -> dict:
    """The note carries the log's signature and every witness cosignature received so far (docs/witness.md)."""
    cosigs = list(cp.cosignatures.all())
    return {
        "size": cp.size,
        "root": cp.root,
        "note": cp.note + "".join(c.line for c in cosigs),
        "reason": cp.reason,
        "origin": log.origin(),
        "verifier_key": log.verifier_key(),
        "cosignatures": [{"witness": c.witness, "key_id": c.key_id, "timestamp": c.timestamp} for c in cosigs],
    }


class WitnessStateOut(Schema):
    url: str
    verifier_key: str
    size: int
    attempts: int
    next_attempt_at: datetime | None
    last_error: str
    last_success_at: datetime | None


def _check_size(size: int) -> int:
    n = log.size()
    if size < 1 or size > n:
        raise RuleViolation("E001", detail_zh=f"树大小须在1至{n}之间", detail_en=f"tree size must be 1..{n}", field="size")
    return size


def latest(request):
    cp = Checkpoint.objects.prefetch_related("cosignatures").order_by("-size").first()
    if cp is None:
        raise RuleViolation("E005", detail_zh="尚无检查点", detail_en="no checkpoint yet")
    return checkpoint_out(cp)


def checkpoints(request, after: int = -1, limit: int = 100):
    limit = max(1, min(limit, 1000))
    return [checkpoint_out(cp) for cp in Checkpoint.objects.prefetch_related("cosignatures").filter(size__gt=after).order_by("size")[:limit]]


def inclusion(request, index: int, size: int):
    _check_size(size)
    if not 0 <= index < size:
        raise RuleViolation("E001", detail_zh="叶子序号超出范围", detail_en="index out of range", field="index")
    leaf = AuditEntry.objects.filter(seq=index).values_list("leaf_hash", flat=True).first()
    return {"index": index, "size": size, "leaf_hash": leaf, "proof": [p.hex() for p in log.inclusion(index, size)]}


def consistency(request, old: int, new: int):
    _check_size(new)
    if not 1 <= old <= new:
        raise RuleViolation("E001", detail_zh="旧树大小无效", detail_en="invalid old size", field="old")
    return {"old_size": old, "new_size": new, "proof": [p.hex() for p in log.consistency(old, new)]}


def witnesses(request):
    return list(WitnessState.objects.order_by("url"))


def export(request):
    if not request.user.is_staff:
        raise RuleViolation("E006", detail_zh="仅平台工作人员和监督人员可导出日志", detail_en="staff only")
    return StreamingHttpResponse((line + "\n" for line in log.export_lines()), content_type="application/x-ndjson; charset=utf-8")


def log_router() -> Router:
    """A fresh router per API (ninja attaches a router to one API only)."""
    router = Router(tags=["log"])
    router.get("/log/checkpoint", response={200: CheckpointOut, **ERRORS}, auth=None, summary="The latest signed checkpoint (C2SP note)")(latest)
    router.get("/log/checkpoints", response={200: list[CheckpointOut], **ERRORS}, auth=None, summary="Checkpoints with size greater than `after`")(checkpoints)
    router.get("/log/proof/inclusion", response={200: InclusionOut, **ERRORS}, auth=None, summary="RFC 6962 inclusion proof of leaf `index` in the tree of `size` leaves")(inclusion)
    router.get("/log/proof/consistency", response={200: ConsistencyOut, **ERRORS}, auth=None, summary="RFC 6962 consistency proof between two tree sizes")(consistency)
    router.get("/log/witnesses", response={200: list[WitnessStateOut], **ERRORS}, auth=None, summary="The witnesses this log submits its checkpoints to, and how far each has cosigned")(witnesses)
    router.get("/log/export", auth=AUTH, response={200: None, **ERRORS}, summary="The whole log as JSON lines for `etender verify-log` (staff)")(export)
    return router
