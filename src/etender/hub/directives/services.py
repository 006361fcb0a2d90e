"""Writes of the instruction relay: receive an instruction, serve it, take the platform's reports.

Trust: an instruction is taken only from a registered, active supervision
platform (its Ed25519 signature over the canonical instruction), only for a tender
whose 501 record the hub holds within that platform's jurisdiction
(``Platform.region_code``); it is addressed to the trading platform the record
comes from and countersigned by the hub (``platform_signer``) over an envelope
naming that platform, so a trading platform accepts only what the hub relayed to
it.  Reports (acknowledged, executed) are taken only from the addressed platform.
Everything is idempotent by the instruction id: a retry gets the same answer,
other content under a used id is refused (E053).
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.db import transaction

from etender.hub.exchange.models import Platform, Record
from etender.hub.exchange.selectors import region_prefix
from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.canonical import digest
from etender.kernel.errors import RuleViolation
from etender.kernel.events import publish_on_commit
from etender.kernel.platform_requests import request_platform, verify_document, verify_request
from etender.kernel.signing import platform_signer

from .models import Directive, Mailbox, StatusEvent

KINDS = ("suspend", "resume", "correct", "terminate", "inform")
REPORT_KINDS = ("acknowledged", "executed")
ID_RE = re.compile(r"^[0-9a-f]{32}$")


def hub_code() -> str:
    return getattr(settings, "ETENDER_HUB_CODE", "")


def active_platform(code: str, kind: str) -> Platform:
    platform = Platform.objects.filter(code=str(code or ""), status=Platform.Status.ACTIVE).first()
    if platform is None:
        raise RuleViolation("E015")
    if platform.kind != kind:
        if kind == Platform.Kind.SUPERVISION:
            raise RuleViolation("E059")
        raise RuleViolation("E006", detail_zh="仅交易平台可以调用", detail_en="only trading platforms may call this")
    return platform


def signed_caller(request, kind: str) -> Platform:
    """The platform of a signed request (headers X-Etender-Platform/Timestamp/Signature), of the given kind."""
    platform = active_platform(request_platform(request), kind)
    verify_request(request, public_key=platform.public_key)
    return platform


def _next_seq(platform: Platform) -> int:
    Mailbox.objects.get_or_create(platform=platform)
    box = Mailbox.objects.select_for_update().get(platform=platform)
    box.last_seq += 1
    box.save(update_fields=["last_seq"])
    return box.last_seq


def _event(directive: Directive, kind: str, *, at=None, report=None, signature: str = "", d: str = "") -> StatusEvent:
    ev = StatusEvent.objects.filter(directive=directive, kind=kind).first()
    if ev is not None:
        return ev
    ev = StatusEvent.objects.create(directive=directive, supervision=directive.supervision, seq=_next_seq(directive.supervision), kind=kind, at=at or clock.now(), report=report, report_signature=signature, digest=d)
    publish_on_commit("directive.status", {"instruction": directive.instruction_id, "kind": kind})
    return ev


def _text(doc: dict[str, Any], key: str, max_len: int, *, required: bool = False) -> str:
    value = doc.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str) or len(value) > max_len or (required and not value.strip()):
        raise RuleViolation("E001", detail_zh=f"指令字段 {key} 无效", detail_en=f"instruction field {key} is not valid", field=key)
    return value


@transaction.atomic
def directive_receive(*, actor: Actor, instruction: dict[str, Any], signature: str) -> tuple[Directive, bool]:
    """Take a supervision platform's signed instruction and address it; returns (directive, duplicate)."""
    if not isinstance(instruction, dict):
        raise RuleViolation("E001", field="instruction")
    supervision = active_platform(instruction.get("supervision", ""), Platform.Kind.SUPERVISION)
    if not verify_document(public_key=supervision.public_key, document=instruction, signature=signature):
        raise RuleViolation("E013", detail_zh="监督指令签名无效", detail_en="the instruction signature is not valid")
    iid = _text(instruction, "id", 32, required=True)
    if not ID_RE.match(iid):
        raise RuleViolation("E001", detail_zh="指令编号应为32位十六进制", detail_en="the instruction id is 32 hex digits", field="id")
    kind = _text(instruction, "kind", 12, required=True)
    if kind not in KINDS:
        raise RuleViolation("E001", detail_zh=f"未知的指令类型 {kind}", detail_en=f"unknown instruction kind {kind}", field="kind")
    tender_code = _text(instruction, "tender_code", 20, required=True)
    d = digest(instruction)
    existing = Directive.objects.select_for_update().filter(instruction_id=iid).first()
    if existing is not None:
        if existing.digest != d or existing.supervision_id != supervision.pk:
            raise RuleViolation("E053")
        return existing, True
    record = Record.objects.filter(dataset="501", key=tender_code, deleted=False).first()
    if record is None:
        raise RuleViolation("E052", params={"tender_code": tender_code})
    if supervision.region_code and not record.region_code.startswith(region_prefix(supervision.region_code)):
        raise RuleViolation("E051", detail_zh=f"项目所在行政区域 {record.region_code}", detail_en=f"the tender's region is {record.region_code}")
    target = Platform.objects.filter(code=record.origin_code or record.platform.code, kind=Platform.Kind.TRADING).first()
    if target is None or target.status != Platform.Status.ACTIVE:
        raise RuleViolation("E052", detail_zh="来源交易平台未启用", detail_en="the originating trading platform is not active")
    now = clock.now()
    envelope = {
        "type": "etender-supervisory-instruction",
        "version": 1,
        "hub": hub_code(),
        "target": target.code,
        "relayed_at": now.isoformat(),
        "instruction": instruction,
        "supervision_signature": signature,
    }
    directive = Directive.objects.create(
        instruction_id=iid,
        supervision=supervision,
        target=target,
        kind=kind,
        tender_code=tender_code,
        tender_name=str(record.data.get("TENDER_PROJECT_NAME", ""))[:600],
        document=instruction,
        supervision_signature=signature,
        digest=d,
        envelope=envelope,
        hub_signature=platform_signer().sign(envelope),
        inbox_seq=_next_seq(target),
        received_at=now,
    )
    _event(directive, StatusEvent.Kind.RELAYED, at=now)
    audit_record(actor=actor, action="directive.relayed", obj=directive, data={"instruction": iid, "kind": kind, "tender": tender_code, "from": supervision.code, "to": target.code, "digest": d})
    return directive, False


@transaction.atomic
def directives_mark_delivered(*, actor: Actor, directives: list[Directive]) -> int:
    """The inbox served these to their platform: the first serving is the delivery (hub → platform)."""
    n = 0
    now = clock.now()
    for d in Directive.objects.select_for_update().filter(pk__in=[x.pk for x in directives], delivered_at__isnull=True):
        d.delivered_at = now
        d.save(update_fields=["delivered_at"])
        _event(d, StatusEvent.Kind.DELIVERED, at=now)
        audit_record(actor=actor, action="directive.delivered", obj=d, data={"instruction": d.instruction_id, "to": d.target.code})
        n += 1
    return n


@transaction.atomic
def report_receive(*, actor: Actor, report: dict[str, Any], signature: str) -> tuple[StatusEvent, bool]:
    """The addressed trading platform acknowledges or reports the execution; returns (event, duplicate)."""
    if not isinstance(report, dict):
        raise RuleViolation("E001", field="report")
    platform = active_platform(report.get("platform", ""), Platform.Kind.TRADING)
    if not verify_document(public_key=platform.public_key, document=report, signature=signature):
        raise RuleViolation("E013", detail_zh="报告签名无效", detail_en="the report signature is not valid")
    kind = _text(report, "kind", 12, required=True)
    if kind not in REPORT_KINDS:
        raise RuleViolation("E001", detail_zh=f"未知的报告类型 {kind}", detail_en=f"unknown report kind {kind}", field="kind")
    directive = Directive.objects.select_for_update().filter(instruction_id=str(report.get("instruction", ""))).first()
    if directive is None:
        raise RuleViolation("E005", field="instruction")
    if directive.target_id != platform.pk:
        raise RuleViolation("E055")
    d = digest(report)
    existing = StatusEvent.objects.filter(directive=directive, kind=kind).first()
    if existing is not None:
        if existing.digest != d:
            raise RuleViolation("E053", detail_zh="该指令的此项报告已收到，内容不同", detail_en="a different report of this kind was received already")
        return existing, True
    now = clock.now()
    if directive.delivered_at is None:  # a report proves the delivery even if the serving's mark was lost
        directive.delivered_at = now
        _event(directive, StatusEvent.Kind.DELIVERED, at=now)
    if kind == StatusEvent.Kind.EXECUTED and directive.acknowledged_at is None:
        raise RuleViolation("E007", detail_zh="请先确认收到指令", detail_en="acknowledge the instruction first")
    ev = _event(directive, kind, at=now, report=report, signature=signature, d=d)
    if kind == StatusEvent.Kind.ACKNOWLEDGED:
        directive.acknowledged_at = now
    else:
        directive.executed_at = now
    directive.save(update_fields=["delivered_at", "acknowledged_at", "executed_at"])
    audit_record(actor=actor, action=f"directive.{kind}", obj=directive, data={"instruction": directive.instruction_id, "by": platform.code, "digest": d})
    return ev, False
