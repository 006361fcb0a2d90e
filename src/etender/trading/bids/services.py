"""Writes for sealed bids: upload, commit (receipt), withdrawal, online decryption, opening.

The deadline is decided while holding the tender's row lock, at the moment
a bid is committed (E121); clarifications that move the deadline take the
same lock, so a bid can never slip in under a deadline that was just moved
earlier or be refused under one that was just extended.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import tempfile
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from django.core.files.base import File
import logging

from django.db import DatabaseError, transaction

from etender.kernel import clock, envelope
from etender.kernel.audit.actors import Actor
from etender.kernel.audit import log
from etender.kernel.audit.services import audit_record
from etender.kernel.calendar import TZ
from etender.kernel.canonical import digest
from etender.kernel.codes import is_valid_uscc
from etender.kernel.errors import RuleViolation
from etender.kernel.events import publish_on_commit
from etender.kernel.signing import platform_signer
from etender.trading.accounts.models import Entity
from etender.trading.accounts.selectors import entity_current_key, operator_codes
from etender.trading.outbox import services as outbox
from etender.trading.procedures import base as procedures
from etender.trading.tenders.models import Lot, LotStatus, Notification, Objection, Tender, TenderStatus
from etender.trading.tenders.guards import ensure_not_suspended
from etender.trading.tenders.services import custodian_keys, lock_tender, next_serial

from .models import Bid, BidEnvelope, BidStatus, OpeningRecord, ShareRelease

MAX_ENVELOPE_BYTES = 2 * 1024 * 1024 * 1024
logger = logging.getLogger(__name__)


def _related(a: Entity, b: Entity) -> bool:
    """条例 34: same legal representative, or one controls the other (or both under one controller)."""
    if a.legal_rep_digest and a.legal_rep_digest == b.legal_rep_digest:
        return True
    if a.controller_code and a.controller_code in (b.credit_code, b.controller_code):
        return True
    return bool(b.controller_code and b.controller_code == a.credit_code)


def _check_bidder(*, lot: Lot, entity: Entity, members: list[str]) -> None:
    tender = lot.tender
    if not entity.is_bidder:
        raise RuleViolation("E006", detail_zh="请以投标人身份注册", detail_en="register as a bidder first")
    if entity.credit_code in operator_codes() or any(code in operator_codes() for code in members):
        raise RuleViolation("E119")
    if entity.pk in (tender.tenderer_id, tender.agency_id) or _related(entity, tender.tenderer):
        raise RuleViolation("E118", detail_zh="投标人与招标人存在利害关系", detail_en="the bidder has an interest in the tenderer")
    problem = procedures.get(tender.procedure).may_bid(tender, entity)
    if problem:
        raise problem
    others = Bid.objects.filter(lot=lot, status=BidStatus.SUBMITTED).exclude(bidder=entity).select_related("bidder")
    for other in others:
        if _related(entity, other.bidder):
            raise RuleViolation("E118", detail_zh="与本标段其他投标人存在控股、管理关系或法定代表人相同", detail_en="related to another bidder in this lot")
        taken = {other.bidder.credit_code, *other.consortium_members}
        if taken & {entity.credit_code, *members}:
            raise RuleViolation("E124", detail_zh="同一主体不得在同一标段以自己名义和联合体名义重复投标", detail_en="an entity may bid only once in a lot, alone or in one consortium")


def _check_consortium(tender: Tender, entity: Entity, members: list[str], joint_agreement: bool) -> list[str]:
    members = sorted({m.strip().upper() for m in members if m and m.strip()} - {entity.credit_code})
    if not members:
        return []
    if not tender.consortium_allowed:
        raise RuleViolation("E124", detail_zh="本项目不接受联合体投标", detail_en="consortium bids are not accepted", field="consortium_members")
    for code in members:
        if not is_valid_uscc(code):
            raise RuleViolation("E002", detail_zh=code, detail_en=code, field="consortium_members")
    if not joint_agreement:
        raise RuleViolation("E124", detail_zh="联合体投标须提交共同投标协议", detail_en="a consortium bid needs the joint bidding agreement", field="joint_agreement")
    return members


def _open_lot(lot: Lot) -> Lot:
    lot = Lot.objects.select_related("tender").get(pk=lot.pk)
    if lot.status != LotStatus.TENDERING or lot.tender.status != TenderStatus.TENDERING:
        if lot.tender.bid_deadline and clock.now() >= lot.tender.bid_deadline:
            raise RuleViolation("E121")
        raise RuleViolation("E007", detail_zh="该标段当前不接受投标", detail_en="this lot is not accepting bids")
    return lot


@transaction.atomic
def bid_upload(
    *,
    actor: Actor,
    entity: Entity,
    lot: Lot,
    file: File,
    consortium_members: list[str] | None = None,
    joint_agreement: bool = False,
) -> BidEnvelope:
    """Receive a sealed envelope (E120): it is stored but does not count until committed."""
    lot = _open_lot(lot)
    tender = lot.tender
    ensure_not_suspended(tender)
    if clock.now() >= tender.bid_deadline:
        raise RuleViolation("E121")
    members = _check_consortium(tender, entity, list(consortium_members or []), joint_agreement)
    _check_bidder(lot=lot, entity=entity, members=members)
    from etender.kernel.suites import get_suite

    key = entity_current_key(entity, get_suite(tender.suite).keys_id)
    if key is None:
        raise RuleViolation("E012", detail_zh="请先登记投标加密公钥（etender bid keygen）", detail_en="register your sealing public key first (etender bid keygen)", field="file")
    size = file.size or 0
    if size > MAX_ENVELOPE_BYTES:
        raise RuleViolation("E004", detail_zh="投标文件不得超过2 GB", detail_en="at most 2 GB", field="file")
    file.seek(0)
    try:
        info = envelope.inspect(file, signing_public=base64.b64decode(key.signing_public))
    except envelope.EnvelopeError as exc:
        raise RuleViolation("E120", detail_zh=_envelope_reason_zh(exc.reason), detail_en=str(exc), field="file", params={"reason": exc.reason}) from None
    header = info.header
    if header.get("tender") != tender.code or header.get("lot") != lot.code or header.get("bidder") != entity.credit_code:
        raise RuleViolation(
            "E120",
            detail_zh="信封的招标项目、标段或投标人与本次递交不一致",
            detail_en="the envelope was sealed for another tender, lot or bidder",
            field="file",
            params={"tender": header.get("tender"), "lot": header.get("lot"), "bidder": header.get("bidder")},
        )
    if not any(r.get("key_id") == key.key_id for r in header.get("recipients", []) if r.get("kind") == "bidder"):
        raise RuleViolation("E120", detail_zh="信封未使用本单位登记的公钥加密", detail_en="not sealed to your registered key", field="file")
    custodians = custodian_keys(tender)
    try:
        if custodians:
            if info.version < 2 or info.suite != get_suite(tender.suite).envelope_id:
                raise envelope.EnvelopeError(envelope.REASON_UNSUPPORTED, f"this tender needs a format 2 double envelope, suite {tender.suite}")
            envelope.check_custodians(header, custodians, tender.threshold)
        elif info.version != 1:
            raise envelope.EnvelopeError(envelope.REASON_UNSUPPORTED, "this tender has no opening custodians: use format 1")
    except envelope.EnvelopeError as exc:
        raise RuleViolation("E120", detail_zh="信封的开标保管人、门限或密码套件与招标公告不一致", detail_en=str(exc), field="file", params={"reason": exc.reason}) from None
    bid, created = Bid.objects.select_for_update().get_or_create(lot=lot, bidder=entity, defaults={"created_by_id": actor.user_id})
    if not created and bid.status not in (BidStatus.SUBMITTED, BidStatus.WITHDRAWN, BidStatus.INCOMPLETE):
        raise RuleViolation("E007")
    file.seek(0)
    # The consortium travels with the envelope and becomes the bid's only when the envelope is committed.
    env = BidEnvelope(bid=bid, sha256=info.file_sha256, size=size, header=header, signature_key_id=key.key_id, uploaded_at=clock.now(), consortium_members=members, joint_agreement=joint_agreement)
    env.file.save(f"{lot.code}-{entity.credit_code}.etenv", file, save=False)
    env.save()
    audit_record(actor=actor, action="bid.uploaded", obj=bid, data={"envelope": env.pk, "sha256": info.file_sha256, "size": size})
    return env


def _envelope_reason_zh(reason: str) -> str:
    return {
        envelope.REASON_NOT_ENVELOPE: "不是 etender 加密信封（请使用 etender bid seal 加密）",
        envelope.REASON_UNSUPPORTED: "不支持的信封版本或算法",
        envelope.REASON_BAD_SIGNATURE: "投标人签名验证失败",
        envelope.REASON_CORRUPT: "信封已损坏",
        envelope.REASON_WRONG_KEY: "密钥不匹配",
    }.get(reason, reason)


@transaction.atomic
def bid_commit(*, actor: Actor, entity: Entity, envelope_id: int) -> BidEnvelope:
    """Commit an uploaded envelope as the bid: checked against the deadline now, under the tender lock."""
    env = BidEnvelope.objects.select_related("bid__lot__tender").get(pk=envelope_id)
    bid = env.bid
    if bid.bidder_id != entity.pk:
        raise RuleViolation("E006")
    tender = lock_tender(bid.lot.tender)
    ensure_not_suspended(tender)
    now = clock.now()
    if now >= tender.bid_deadline:
        if tender.status == TenderStatus.TENDERING and pending_objections(tender):
            raise RuleViolation("E106", detail_zh="投标截止时间将在异议答复后重新确定", detail_en="the deadline will be set again once the objection is answered")
        raise RuleViolation("E121", params={"deadline": tender.bid_deadline.isoformat(), "now": now.isoformat()})
    if tender.status != TenderStatus.TENDERING:
        raise RuleViolation("E007", detail_zh="该项目当前不接受投标", detail_en="this tender is not accepting bids")
    env = BidEnvelope.objects.select_for_update().get(pk=env.pk)
    if env.committed_at is not None:
        return env
    bid = Bid.objects.select_for_update().get(pk=bid.pk)
    _check_bidder(lot=bid.lot, entity=entity, members=env.consortium_members)
    previous = list(BidEnvelope.objects.filter(bid=bid, committed_at__isnull=False, superseded=False))
    BidEnvelope.objects.filter(pk__in=[p.pk for p in previous]).update(superseded=True)
    number = next_serial(f"receipt:{bid.lot.code}")
    entry = audit_record(
        actor=actor,
        action="bid.submitted" if not previous else "bid.modified",
        obj=bid,
        data={"lot": bid.lot.code, "bidder": entity.credit_code, "envelope_sha256": env.sha256, "envelope_size": env.size, "receipt_sequence": number, "received_at": now.isoformat()},
    )
    receipt = {
        "type": "etender-bid-receipt",
        "version": 1,
        "platform": platform_signer().key_id,
        "tender": tender.code,
        "lot": bid.lot.code,
        "unified_deal_code": bid.lot.unified_deal_code,
        "bidder": entity.credit_code,
        "envelope_sha256": env.sha256,
        "envelope_size": env.size,
        "received_at": now.isoformat(),
        "deadline": tender.bid_deadline.isoformat(),
        "sequence": number,
        "replaces": [p.sha256 for p in previous],
        "log_origin": log.origin(),
        "log_index": entry.seq,
        "log_leaf_hash": entry.leaf_hash,
    }
    env.committed_at = now
    env.receipt = receipt
    env.receipt_signature = platform_signer().sign(receipt)
    env.save(update_fields=["committed_at", "receipt", "receipt_signature"])
    bid.status = BidStatus.SUBMITTED
    bid.submitted_at = now
    bid.withdrawn_at = None
    bid.consortium_members = env.consortium_members
    bid.joint_agreement = env.joint_agreement
    bid.save(update_fields=["status", "submitted_at", "withdrawn_at", "consortium_members", "joint_agreement"])
    publish_on_commit("bid.submitted", {"lot": bid.lot.code, "bid": bid.pk})
    return env


def bid_submit(*, actor: Actor, entity: Entity, lot: Lot, file: File, consortium_members: list[str] | None = None, joint_agreement: bool = False) -> BidEnvelope:
    """Upload and commit in one step (what the web form does)."""
    env = bid_upload(actor=actor, entity=entity, lot=lot, file=file, consortium_members=consortium_members, joint_agreement=joint_agreement)
    return bid_commit(actor=actor, entity=entity, envelope_id=env.pk)


@transaction.atomic
def bid_withdraw(*, actor: Actor, entity: Entity, bid: Bid, accept_forfeit: bool = False) -> Bid:
    """Withdraw before the deadline (security refunded within 5 days), or revoke after it (E123)."""
    if bid.bidder_id != entity.pk:
        raise RuleViolation("E006")
    tender = lock_tender(bid.lot.tender)
    ensure_not_suspended(tender)
    bid = Bid.objects.select_for_update().get(pk=bid.pk)
    now = clock.now()
    before_deadline = now < tender.bid_deadline
    if not before_deadline and tender.status == TenderStatus.TENDERING and pending_objections(tender):
        # The deadline was reached while an objection paused the tendering: nothing is closed yet.
        raise RuleViolation("E106", detail_zh="异议处理期间不得撤回或撤销投标", detail_en="bids cannot be withdrawn or revoked while an objection is being answered")
    if bid.status not in ((BidStatus.SUBMITTED,) if before_deadline else (BidStatus.SUBMITTED, BidStatus.OPENED)):
        raise RuleViolation("E007", detail_zh="该投标不可撤回", detail_en="this bid cannot be withdrawn")
    if before_deadline:
        bid.status = BidStatus.WITHDRAWN
        bid.withdrawn_at = now
        bid.save(update_fields=["status", "withdrawn_at"])
        BidEnvelope.objects.filter(bid=bid, committed_at__isnull=False, superseded=False).update(superseded=True)
        audit_record(actor=actor, action="bid.withdrawn", obj=bid, data={"security_refund_due": (now + timedelta(days=5)).date().isoformat()})
        publish_on_commit("bid.withdrawn", {"lot": bid.lot.code, "bid": bid.pk})
        return bid
    if not accept_forfeit:
        raise RuleViolation("E123", detail_zh="如确认撤销，请勾选知晓保证金可不予退还", detail_en="confirm that you accept the security may be kept", field="accept_forfeit")
    bid.status = BidStatus.REVOKED
    bid.withdrawn_at = now
    bid.security_forfeitable = True
    bid.failure = "投标人在投标截止后撤销投标"
    bid.save(update_fields=["status", "withdrawn_at", "security_forfeitable", "failure"])
    audit_record(actor=actor, action="bid.revoked", obj=bid, data={"security_forfeitable": True})
    publish_on_commit("bid.revoked", {"lot": bid.lot.code, "bid": bid.pk})
    return bid


def decode_dek(value: str) -> bytes:
    value = (value or "").strip()
    try:
        raw = bytes.fromhex(value) if len(value) in (32, 64) and all(c in "0123456789abcdefABCDEF" for c in value) else base64.b64decode(value, validate=True)
    except (ValueError, binascii.Error):
        raise RuleViolation("E127", detail_zh="数据密钥格式错误（应为 etender bid unwrap 输出）", detail_en="malformed data key (use the output of etender bid unwrap)", field="dek") from None
    if len(raw) not in (16, envelope.DEK_SIZE):  # 16 bytes in format 2, 32 in format 1
        raise RuleViolation("E127", detail_zh="数据密钥长度错误", detail_en="wrong data key length", field="dek")
    return raw


def _file_sha256(f: BinaryIO) -> str:
    h = hashlib.sha256()
    for block in iter(lambda: f.read(1 << 20), b""):
        h.update(block)
    return h.hexdigest()


def bid_decrypt(*, actor: Actor, entity: Entity, bid: Bid, dek: str) -> Bid:
    """Online decryption at the opening by the bidder (电子办法 30–31).

    The bidder hands over the data key it unwrapped locally.  A wrong key may
    be retried until the decryption window closes.
    """
    if bid.bidder_id != entity.pk:
        raise RuleViolation("E006")
    if not bid.lot.opening_started_at:
        if bid.lot.status != LotStatus.TENDERING:
            raise RuleViolation("E007", detail_zh="该标段未开标（已流标或取消）", detail_en="this lot is not being opened (failed or cancelled)")
        _record_refusal(actor, "bid.early_decrypt_refused", bid)
        raise RuleViolation("E122")
    return _bid_decrypt(actor=actor, bid=bid, dek=dek)


def _record_refusal(actor: Actor, action: str, obj) -> None:
    """Attempts to decrypt early are evidence (条例 41): they are logged in a transaction of their own."""
    with transaction.atomic():
        audit_record(actor=actor, action=action, obj=obj, data={})


@transaction.atomic
def _bid_decrypt(*, actor: Actor, bid: Bid, dek: str) -> Bid:
    ensure_not_suspended(lock_tender(bid.lot.tender))
    bid = Bid.objects.select_for_update().select_related("lot").get(pk=bid.pk)
    if bid.lot.status != LotStatus.OPENING or bid.status != BidStatus.SUBMITTED:
        raise RuleViolation("E007", detail_zh="当前不在该投标的解密阶段", detail_en="this bid is not awaiting decryption")
    raw = decode_dek(dek)
    if not envelope.verify_dek(bid.current.header, raw):
        audit_record(actor=actor, action="bid.decrypt_wrong_key", obj=bid, data={})
        raise RuleViolation("E127", detail_zh="数据密钥不正确，请核对后在解密时限内重试", detail_en="wrong data key; check it and retry within the decryption window", field="dek")
    return _open_with_dek(actor, bid, raw, via="bidder")


def _open_with_dek(actor: Actor, bid: Bid, raw: bytes, *, via: str) -> Bid:
    """Decrypt with a data key that matches the envelope's commitment; blame follows the evidence.

    A stored file that no longer matches the receipt is the platform's fault
    (视为撤回); content that does not decrypt or is not a valid bid, under
    the committed key, is the bidder's (视为撤销).
    """
    lot = bid.lot
    env = bid.current
    now = clock.now()
    with env.file.open("rb") as f:
        stored = _file_sha256(f)
    if stored != env.sha256:
        return _fail(actor, bid, BidStatus.DEEMED_WITHDRAWN, "platform", "存储的投标文件与回执不一致（平台原因）")
    with env.file.open("rb") as f, tempfile.TemporaryFile() as out:
        try:
            envelope.open_envelope(envelope=f, dek=raw, out=out)
        except envelope.EnvelopeError as exc:
            return _fail(actor, bid, BidStatus.REVOKED, "bidder", f"投标文件无法解密（{_envelope_reason_zh(exc.reason)}）")
        out.seek(0)
        try:
            form, names = envelope.read_bid_package(out)
        except (envelope.BidPackageError, ValueError) as exc:
            return _fail(actor, bid, BidStatus.REVOKED, "bidder", f"投标文件内容不符合格式：{exc}")
        if form.get("tender") != lot.tender.code or form.get("lot") != lot.code or form.get("bidder") != bid.bidder.credit_code:
            return _fail(actor, bid, BidStatus.REVOKED, "bidder", "开标一览表与投标项目不一致")
        try:
            price = Decimal(str(form.get("price")))
        except (InvalidOperation, ValueError):
            return _fail(actor, bid, BidStatus.REVOKED, "bidder", "投标报价无效")
        if not price.is_finite() or price <= 0 or price >= Decimal("1e16") or price != price.quantize(Decimal("0.01")):
            return _fail(actor, bid, BidStatus.REVOKED, "bidder", "投标报价超出范围或精度（须大于0、最多两位小数）")
        out.seek(0)
        bid.form = {**form, "files": names}
        bid.price = price
        bid.status = BidStatus.OPENED
        bid.opened_at = now
        bid.opened_by = via
        bid.opened_dek = base64.b64encode(raw).decode()
        bid.save(update_fields=["form", "price", "status", "opened_at", "opened_by", "opened_dek"])
        from django.core.files.storage import default_storage

        default_storage.save(f"opened-bids/{lot.code}/{bid.bidder.credit_code}.zip", File(out))
    audit_record(actor=actor, action="bid.opened", obj=bid, data={"price": str(price), "envelope_sha256": env.sha256, "via": via})
    publish_on_commit("bid.opened", {"lot": lot.code, "bid": bid.pk})
    _finish_if_decided(actor, lot)
    return bid


# --------------------------------------------------------------------------- custodians


def _custodian_of(tender: Tender, actor: Actor):
    from etender.trading.tenders.models import Custodian

    custodian = Custodian.objects.filter(tender=tender, user_id=actor.user_id).first()
    if custodian is None:
        raise RuleViolation("E006", detail_zh="您不是本项目的开标保管人", detail_en="you are not a custodian of this tender")
    return custodian


def custodian_release(*, actor: Actor, lot: Lot, shares: dict[int, str]) -> dict[str, Any]:
    """After the deadline a custodian releases the shares it decrypted locally, one per bid.

    As soon as a bid has ``threshold`` shares that reconstruct its committed
    data key, it is opened — whether or not the bidder ever shows up.
    """
    custodian = _custodian_of(lot.tender, actor)
    if not Lot.objects.filter(pk=lot.pk, opening_started_at__isnull=False).exists():
        _record_refusal(actor, "custodian.early_release_refused", lot)
        raise RuleViolation("E122")
    return _custodian_release(actor=actor, custodian=custodian, lot=lot, shares=shares)


@transaction.atomic
def _custodian_release(*, actor: Actor, custodian, lot: Lot, shares: dict[int, str]) -> dict[str, Any]:
    tender = lock_tender(lot.tender)
    ensure_not_suspended(tender)
    lot = Lot.objects.get(pk=lot.pk)
    if lot.status != LotStatus.OPENING:
        raise RuleViolation("E007", detail_zh="该标段不在开标解密阶段", detail_en="this lot is not being opened")
    stored = 0
    now = clock.now()
    for bid_id, value in shares.items():
        bid = Bid.objects.filter(pk=int(bid_id), lot=lot).first()
        if bid is None or bid.current is None:
            raise RuleViolation("E005", detail_zh=f"投标 {bid_id} 不属于本标段", detail_en=f"bid {bid_id} is not in this lot", field="shares")
        raw = decode_share(value)
        ShareRelease.objects.update_or_create(bid=bid, custodian=custodian, defaults={"share": base64.b64encode(raw).decode(), "released_at": now, "valid": None})
        stored += 1
    opened = 0
    for bid in Bid.objects.filter(lot=lot, status=BidStatus.SUBMITTED).select_for_update():
        try:
            with transaction.atomic():  # one bid's trouble never undoes the others' opening
                if _try_custodians(actor, bid, threshold=tender.threshold):
                    opened += 1
        except DatabaseError:
            logger.exception("opening bid %s through the custodians failed", bid.pk)
    audit_record(actor=actor, action="custodian.shares_released", obj=lot, data={"custodian": custodian.index, "bids": sorted(int(b) for b in shares), "opened": opened})
    return {"stored": stored, "opened": opened}


def decode_share(value: str) -> bytes:
    try:
        raw = base64.b64decode((value or "").strip(), validate=True)
    except (ValueError, binascii.Error):
        raise RuleViolation("E001", detail_zh="份额格式错误", detail_en="malformed share", field="shares") from None
    if len(raw) != 16:
        raise RuleViolation("E001", detail_zh="份额长度错误", detail_en="a share has 16 bytes", field="shares")
    return raw


def _try_custodians(actor: Actor, bid: Bid, *, threshold: int) -> bool:
    releases = list(bid.shares.select_related("custodian"))
    if len(releases) < threshold:
        return False
    header = bid.current.header
    pairs = [(r.custodian.index, base64.b64decode(r.share)) for r in releases]
    try:
        dek, bad = envelope.find_bad_shares(header, pairs)
    except envelope.EnvelopeError:
        return False
    for r in releases:
        ShareRelease.objects.filter(pk=r.pk).update(valid=r.custodian.index not in bad)
    _open_with_dek(actor, bid, dek, via="custodians")
    return True


@transaction.atomic
def custodian_publish_key(*, actor: Actor, tender: Tender, private_key: str) -> None:
    """After the opening a custodian publishes its per-tender private key: anyone can re-check the opening."""
    from etender.kernel.suites import get_suite

    tender = lock_tender(tender)
    ensure_not_suspended(tender)
    custodian = _custodian_of(tender, actor)
    if tender.status not in (TenderStatus.OPENED, TenderStatus.FAILED):
        raise RuleViolation("E122", detail_zh="开标结束前不得公开保管私钥", detail_en="the key is published only after the opening")
    suite = get_suite(tender.suite)
    try:
        raw = base64.b64decode(private_key, validate=True)
        public = suite.encryption_public(raw)
    except Exception as exc:  # a key that does not parse is refused with its reason
        raise RuleViolation("E012", detail_zh=f"私钥无效：{exc}", detail_en=f"invalid private key: {exc}", field="private_key") from None
    if base64.b64encode(public).decode() != custodian.public_key:
        raise RuleViolation("E012", detail_zh="私钥与登记的公钥不匹配", detail_en="the private key does not match the registered public key", field="private_key")
    from etender.trading.tenders.models import Custodian

    Custodian.objects.filter(pk=custodian.pk).update(private_key=base64.b64encode(raw).decode(), private_published_at=clock.now())
    audit_record(actor=actor, action="custodian.key_published", obj=tender, data={"custodian": custodian.index, "key_id": custodian.key_id})


def _close_evidence(close) -> dict[str, Any] | None:
    """The close-of-submission log entry with an inclusion proof against the latest checkpoint."""
    if close is None:
        return None
    from etender.kernel.audit.models import Checkpoint

    cp = Checkpoint.objects.filter(size__gt=close.seq).order_by("-size").first()
    return {
        "log_index": close.seq,
        "leaf": close.canonical,
        "receipts": close.data.get("receipts", []),
        "checkpoint": cp.note if cp else None,
        "proof": [p.hex() for p in log.inclusion(close.seq, cp.size)] if cp else [],
        "log_key": log.verifier_key(),
    }


def opening_evidence(lot: Lot) -> dict[str, Any]:
    """Everything needed to re-check a lot's opening offline (`etender verify-opening`)."""
    tender = lot.tender
    from etender.kernel.audit.models import AuditEntry

    close = AuditEntry.objects.filter(action="lot.opening_started", object_type="tenders.lot", object_id=str(lot.pk)).first()
    return {
        "tender": tender.code,
        "lot": lot.code,
        "submission_closed": _close_evidence(close),
        "suite": tender.suite,
        "threshold": tender.threshold,
        "custodians": [
            {"index": c.index, "name": c.name, "key_id": c.key_id, "public_key": c.public_key, "private_key": c.private_key or None}
            for c in tender.custodians.order_by("index")
        ],
        "bids": [
            {
                "bidder": b.bidder.credit_code,
                "status": b.status,
                "opened_by": b.opened_by,
                "dek": b.opened_dek or None,
                "price": str(b.price) if b.price is not None else None,
                "envelope_sha256": b.current.sha256 if b.current else None,
                "header": b.current.header if b.current else None,
                "shares": [{"index": s.custodian.index, "share": s.share, "valid": s.valid} for s in b.shares.select_related("custodian").order_by("custodian__index")],
            }
            for b in Bid.objects.filter(lot=lot, submitted_at__isnull=False).exclude(status__in=[BidStatus.WITHDRAWN, BidStatus.INCOMPLETE]).select_related("bidder").order_by("submitted_at", "id")
        ],
    }


def _fail(actor: Actor, bid: Bid, status: str, responsible: str, reason: str, *, finish: bool = True) -> Bid:
    """电子办法 31: the bidder's fault counts as revoking the bid (the security may be kept, 条例 35); otherwise as withdrawing it."""
    bid.status = status
    bid.failure = reason
    bid.security_forfeitable = responsible == "bidder"
    bid.save(update_fields=["status", "failure", "security_forfeitable"])
    audit_record(actor=actor, action="bid.decrypt_failed", obj=bid, data={"responsible": responsible, "reason": reason})
    publish_on_commit("bid.decrypt_failed", {"lot": bid.lot.code, "bid": bid.pk, "responsible": responsible})
    if finish:
        _finish_if_decided(actor, bid.lot)
    return bid


def _finish_if_decided(actor: Actor, lot: Lot) -> None:
    if not Bid.objects.filter(lot=lot, status=BidStatus.SUBMITTED).exists():
        from etender.trading.chronograph import tender_apply_time_events

        tender_apply_time_events(tender=lot.tender, actor=actor)


# --------------------------------------------------------------------------- opening (applied by the chronograph)


def submission_close(*, actor: Actor, tender: Tender, min_bids: int) -> None:
    """At the deadline: lots with enough bids start the online opening, the others fail (E125)."""
    ends = tender.bid_deadline + timedelta(minutes=tender.decrypt_minutes)
    for lot in tender.lots.filter(status=LotStatus.TENDERING):
        committed = Bid.objects.filter(lot=lot, status=BidStatus.SUBMITTED)
        # Uploads never committed keep the status INCOMPLETE: they count as withdrawn (电子办法 27).
        n = committed.count()
        if n < min_bids:
            lot.status = LotStatus.FAILED
            lot.save(update_fields=["status"])
            audit_record(actor=actor, action="lot.failed", obj=lot, data={"bids": n, "code": "E125"}, checkpoint=True)
            publish_on_commit("lot.failed", {"lot": lot.code, "bids": n})
            _notify_bidders(lot, "lot_failed", f"{lot.name}：投标人少于{min_bids}个，不予开标，招标失败")
            continue
        lot.status = LotStatus.OPENING
        lot.opening_started_at = tender.bid_deadline
        lot.opening_ends_at = ends
        lot.save(update_fields=["status", "opening_started_at", "opening_ends_at"])
        audit_record(actor=actor, action="lot.opening_started", obj=lot, data={"bids": n, "ends": ends.isoformat(), "receipts": list(BidEnvelope.objects.filter(bid__lot=lot, committed_at__isnull=False, superseded=False).order_by("receipt__sequence").values_list("sha256", flat=True))}, checkpoint=True)
        publish_on_commit("lot.opening_started", {"lot": lot.code})
        _notify_bidders(lot, "opening", f"{lot.name}：开标已开始，请于{ends.astimezone(TZ):%H:%M}前在线解密")


def _notify_bidders(lot: Lot, kind: str, title: str) -> None:
    now = clock.now()
    Notification.objects.bulk_create(
        Notification(entity_id=b, tender=lot.tender, kind=kind, title=title, created_at=now)
        for b in Bid.objects.filter(lot=lot).values_list("bidder_id", flat=True).distinct()
    )


def opening_finish(*, actor: Actor, lot: Lot) -> OpeningRecord:
    """Close the decryption window and publish the opening record (电子办法 30, 32; E128)."""
    threshold = lot.tender.threshold if lot.tender.custodians.exists() else None
    for bid in Bid.objects.filter(lot=lot, status=BidStatus.SUBMITTED):
        # 电子办法 31 applies only when both paths failed; the commitment check assigns the blame.
        if threshold is None:
            _fail(actor, bid, BidStatus.REVOKED, "bidder", "未在解密时限内完成解密（投标人原因）", finish=False)
        elif bid.shares.count() >= threshold:
            # Either a custodian released a wrong value or the bidder wrapped a wrong share; only the custodians'
            # published keys can tell (etender verify-opening), so the bidder is not blamed here.
            _fail(actor, bid, BidStatus.DEEMED_WITHDRAWN, "undetermined", "开标份额无法还原承诺的数据密钥，责任待保管人公开密钥后核验", finish=False)
        else:
            _fail(actor, bid, BidStatus.DEEMED_WITHDRAWN, "custodians", "开标保管人未在解密时限内释放足够份额（非投标人原因）", finish=False)
    rows: list[dict[str, Any]] = []
    for bid in Bid.objects.filter(lot=lot, submitted_at__isnull=False).exclude(status__in=[BidStatus.WITHDRAWN, BidStatus.INCOMPLETE]).select_related("bidder").order_by("submitted_at", "id"):
        env = bid.current
        rows.append(
            {
                "bidder": bid.bidder.name,
                "bidder_code": bid.bidder.credit_code,
                "consortium_members": bid.consortium_members,
                "submitted_at": bid.submitted_at.isoformat(),
                "envelope_sha256": env.sha256 if env else "",
                "status": bid.status,
                "price": str(bid.price) if bid.price is not None else None,
                "currency": bid.form.get("currency", "CNY") if bid.form else "CNY",
                "duration_days": bid.form.get("duration_days") if bid.form else None,
                "quality": bid.form.get("quality") if bid.form else None,
                "failure": bid.failure,
            }
        )
    now = clock.now()
    lot.status = LotStatus.OPENED
    lot.save(update_fields=["status"])
    content = {"lot": lot.code, "tender": lot.tender.code, "unified_deal_code": lot.unified_deal_code, "opened_at": lot.opening_started_at.isoformat(), "finished_at": now.isoformat(), "max_price": str(lot.max_price) if lot.max_price is not None else None, "rows": rows}
    record = OpeningRecord.objects.create(
        lot=lot,
        opened_at=lot.opening_started_at,
        finished_at=now,
        rows=rows,
        content_sha256=digest(content),
        signature=platform_signer().sign(content),
    )
    outbox.disclose_opening(lot=lot)
    audit_record(actor=actor, action="lot.opening_record_published", obj=lot, data={"sha256": record.content_sha256, "rows": len(rows)}, checkpoint=True)
    publish_on_commit("lot.opened", {"lot": lot.code, "record": record.content_sha256})
    _notify_bidders(lot, "opening_record", f"{lot.name}：开标记录已公布")
    return record


def opening_record_document(record: OpeningRecord) -> dict[str, Any]:
    lot = record.lot
    return {"lot": lot.code, "tender": lot.tender.code, "unified_deal_code": lot.unified_deal_code, "opened_at": record.opened_at.isoformat(), "finished_at": record.finished_at.isoformat(), "max_price": str(lot.max_price) if lot.max_price is not None else None, "rows": record.rows}


def pending_objections(tender: Tender) -> bool:
    return Objection.objects.filter(tender=tender, status=Objection.Status.PENDING).exists()
