"""The witness: cosigns a platform's checkpoint only if it extends the one cosigned before (c2sp.org/tlog-witness).

``checkpoint_add`` is the whole of ``add-checkpoint``.  Checks, in the order
of the spec: syntax (E030, 400), known log (E031, 404), the log's signature
(E032, 403), the old size against the witness's (E033, 409, with the
witness's size), the consistency proof (E034, 422).  Two validly signed
checkpoints of one log that cannot both be true are a fork: the submission
is refused and a :class:`WitnessAlert` with both notes and the proof is
stored and published (``witness.alert_raised``) — committed even though the
submission is refused.  Check and update run under one lock, so two
concurrent submissions can never roll the witnessed size back.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.db import connection, transaction

from etender.kernel import checkpoint as notes
from etender.kernel import clock, merkle
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.errors import RuleViolation
from etender.kernel.events import publish_on_commit
from etender.kernel.tlog_witness import AddCheckpoint, RequestError, parse_request
from etender.hub.exchange.models import Platform

from .keys import witness_signer
from .models import WitnessAlert, WitnessedCheckpoint, WitnessedLog

WITNESS_LOCK = 0x77_69_74_6E  # "witn": serialises check-and-update of every log (PostgreSQL)


@dataclass(frozen=True)
class Cosigned:
    """The answer of a successful add-checkpoint: the witness's signature line(s)."""

    lines: str
    size: int


def log_verifier(platform: Platform, origin: str) -> notes.NoteVerifier:
    """The log's key as registered at the hub: the platform's Ed25519 key, named by the log's origin."""
    return notes.NoteVerifier(origin, base64.b64decode(platform.public_key))


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [WITNESS_LOCK])


def _opens(note: str, verifier: notes.NoteVerifier) -> bool | None:
    """True if the note carries a valid signature of ``verifier``; False if a line of that key is invalid; None if there is none."""
    try:
        notes.verify_note(note, [verifier])
    except notes.InvalidSignatureError:
        return False
    except notes.NoteError:
        return None
    return True


def _identify(req: AddCheckpoint, actor: Actor) -> WitnessedLog:
    """The witnessed log of the checkpoint's origin, after checking the log's signature (E031, E032).

    An origin seen for the first time is bound to the one active platform
    without a log whose registered key signed it (trust on first use, like
    tlog-witness's configured log keys; ``manage.py witness_enrol`` binds
    an origin in advance).
    """
    origin = req.checkpoint.origin
    log = WitnessedLog.objects.select_related("platform").filter(origin=origin).first()
    if log is not None:
        if log.platform.status != Platform.Status.ACTIVE:
            raise RuleViolation("E031", detail_zh="该日志所属平台未启用", detail_en="the log's platform is not active", field="checkpoint")
        try:
            verifier = log_verifier(log.platform, origin)
        except (ValueError, notes.NoteError):
            raise RuleViolation("E032", field="checkpoint") from None
        if not _opens(req.note, verifier):
            raise RuleViolation("E032", detail_zh=f"日志 {origin} 的签名无效", detail_en=f"no valid signature of {origin}", field="checkpoint")
        return log
    invalid = False
    for platform in Platform.objects.filter(status=Platform.Status.ACTIVE, witnessed_log__isnull=True).order_by("pk"):
        try:
            verifier = log_verifier(platform, origin)
        except (ValueError, notes.NoteError):
            continue
        result = _opens(req.note, verifier)
        if result:
            return log_enrol(actor=actor, platform=platform, origin=origin)
        invalid = invalid or result is False
    if invalid:  # a line claims a registered platform's key, but its signature is wrong
        raise RuleViolation("E032", detail_zh=f"日志 {origin} 的签名无效", detail_en=f"no valid signature of {origin}", field="checkpoint")
    raise RuleViolation("E031", detail_zh=origin, detail_en=origin, field="checkpoint")


@transaction.atomic
def log_enrol(*, actor: Actor, platform: Platform, origin: str) -> WitnessedLog:
    """Bind a log origin to a platform (one log per platform); its checkpoints are then verified with the platform's key."""
    try:
        notes.NoteVerifier(origin, base64.b64decode(platform.public_key))
        notes.Checkpoint(origin=origin, size=0, root=merkle.EMPTY_ROOT)
    except (ValueError, notes.NoteError):
        raise RuleViolation("E001", detail_zh="日志来源名称无效", detail_en="invalid log origin", field="origin") from None
    if WitnessedLog.objects.filter(origin=origin).exists():
        raise RuleViolation("E011", detail_zh=origin, detail_en=origin, field="origin")
    if WitnessedLog.objects.filter(platform=platform).exists():
        raise RuleViolation("E011", detail_zh="该平台已登记日志", detail_en="this platform already has a witnessed log", field="platform")
    log = WitnessedLog.objects.create(origin=origin, platform=platform, enrolled_at=clock.now())
    audit_record(actor=actor, action="witness.log_enrolled", obj=log, data={"origin": origin, "platform": platform.code})
    return log


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _alert(*, actor: Actor, log: WitnessedLog, kind: str, witnessed: WitnessedCheckpoint, req: AddCheckpoint, implied_old_root: bytes = b"") -> WitnessAlert:
    """Store (or count again) the evidence of a fork; published once, when first seen."""
    cp = req.checkpoint
    now = clock.now()
    alert, created = WitnessAlert.objects.get_or_create(
        log=log,
        kind=kind,
        submitted_size=cp.size,
        submitted_root=cp.root.hex(),
        defaults={
            "platform": log.platform,
            "origin": log.origin,
            "witnessed_size": witnessed.size,
            "witnessed_root": witnessed.root,
            "witnessed_note": witnessed.note,
            "submitted_note": req.note,
            "old_size": req.old_size,
            "proof": [_b64(p) for p in req.proof],
            "implied_old_root": implied_old_root.hex(),
            "log_verifier_key": log_verifier(log.platform, log.origin).verifier_key(),
            "detected_at": now,
            "last_seen_at": now,
        },
    )
    if not created:
        WitnessAlert.objects.filter(pk=alert.pk).update(occurrences=alert.occurrences + 1, last_seen_at=now)
        return alert
    audit_record(
        actor=actor,
        action="witness.alert_raised",
        obj=alert,
        data={"kind": kind, "origin": log.origin, "platform": log.platform.code, "witnessed": [witnessed.size, witnessed.root], "submitted": [cp.size, cp.root.hex()]},
        checkpoint=True,
    )
    publish_on_commit(
        "witness.alert_raised",
        {"id": alert.pk, "kind": kind, "origin": log.origin, "platform": log.platform.code, "witnessed_size": witnessed.size, "submitted_size": cp.size},
    )
    return alert


def _refused(log: WitnessedLog, code: str) -> None:
    WitnessedLog.objects.filter(pk=log.pk).update(last_refusal_code=code, last_refusal_at=clock.now())


def _latest(log: WitnessedLog) -> WitnessedCheckpoint | None:
    return WitnessedCheckpoint.objects.filter(log=log, size=log.size).first() if log.root else None


def _add(*, actor: Actor, req: AddCheckpoint) -> Cosigned | RuleViolation:
    """Check and update under the lock; a refusal is returned (not raised) so that alerts commit."""
    _lock()
    log = _identify(req, actor)
    cp = req.checkpoint
    same_size = WitnessedCheckpoint.objects.filter(log=log, size=cp.size).first()
    if same_size is not None and same_size.root != cp.root.hex():
        alert = _alert(actor=actor, log=log, kind=WitnessAlert.Kind.FORK, witnessed=same_size, req=req)
        return RuleViolation(
            "E033",
            detail_zh=f"树大小 {cp.size} 已见证不同的根哈希（分叉），已告警",
            detail_en=f"a different root was witnessed for tree size {cp.size} (fork); alert raised",
            field="checkpoint",
            params={"size": log.size, "alert": alert.pk},
        )
    if req.old_size != log.size:
        return RuleViolation("E033", detail_zh=f"见证方记录的树大小为 {log.size}", detail_en=f"the witness holds tree size {log.size}", field="old", params={"size": log.size})
    latest = _latest(log)
    if same_size is not None:  # the checkpoint the witness holds, again: the same answer
        return Cosigned(lines=same_size.cosignature, size=same_size.size)
    if cp.size == req.old_size:  # size 0 (nothing cosigned yet): only the empty tree is consistent
        if cp.root != merkle.EMPTY_ROOT:
            return RuleViolation("E033", detail_zh="空树的根哈希不正确", detail_en="wrong root for the empty tree", field="checkpoint", params={"size": log.size})
    elif latest is not None:
        old_root = bytes.fromhex(latest.root)
        if not merkle.verify_consistency(req.old_size, cp.size, old_root, cp.root, list(req.proof)):
            roots = merkle.consistency_roots(req.old_size, cp.size, list(req.proof))
            params: dict = {"size": log.size}
            if roots is not None and roots[1] == cp.root and roots[0] != old_root:
                # The proof rebuilds the root the log signed, from another old root: the log's signature
                # commits to a history in which tree size old_size had a different root.
                params["alert"] = _alert(actor=actor, log=log, kind=WitnessAlert.Kind.INCONSISTENT, witnessed=latest, req=req, implied_old_root=roots[0]).pk
            else:
                _refused(log, "E034")
            return RuleViolation("E034", detail_zh=f"从树大小 {req.old_size} 到 {cp.size}", detail_en=f"from tree size {req.old_size} to {cp.size}", field="proof", params=params)
    now = clock.now()
    timestamp = int(now.timestamp())
    signer = witness_signer()
    line = signer.signature_line(req.text, timestamp)
    cosigned = signer.cosign(req.note, timestamp)  # the same line (Ed25519 is deterministic), replacing an earlier one of ours
    WitnessedCheckpoint.objects.create(log=log, size=cp.size, root=cp.root.hex(), note=cosigned, cosignature=line, timestamp=timestamp, cosigned_at=now)
    WitnessedLog.objects.filter(pk=log.pk).update(size=cp.size, root=cp.root.hex(), note=cosigned, cosignature=line, cosigned_at=now)
    audit_record(actor=actor, action="witness.cosigned", obj=log, data={"origin": log.origin, "size": cp.size, "root": cp.root.hex(), "timestamp": timestamp})
    return Cosigned(lines=line, size=cp.size)


def checkpoint_add(*, actor: Actor, body: bytes) -> Cosigned:
    """tlog-witness add-checkpoint: the cosignature line(s), or a RuleViolation (E030–E034) after the evidence is stored."""
    try:
        req = parse_request(body)
    except RequestError as exc:
        raise RuleViolation("E030", detail_zh=str(exc), detail_en=str(exc)) from None
    with transaction.atomic():
        outcome = _add(actor=actor, req=req)
    if isinstance(outcome, RuleViolation):
        raise outcome
    return outcome
