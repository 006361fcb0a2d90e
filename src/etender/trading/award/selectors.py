"""Reads of the award stage, with who may see what.

The publicity, the result and the contract's key terms are public (条例 54; 电子办法 35, 41).  Objections
and their answers are seen by the tenderer side and the objector; a notice by the tenderer side and its
addressee; refunds by the tenderer side and the bidder concerned.  ID numbers are never shown here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from etender.kernel import clock
from etender.kernel.errors import RuleViolation
from etender.kernel.signing import verify
from etender.trading.tenders.models import Lot, Tender
from etender.trading.tenders.services import can_manage

from . import lifecycle, rules
from .models import ArchiveItem, Award, Contract, Notice, Objection, Publicity, Refund, SupervisorReport
from .services import _snap, current_publicity


@dataclass
class Stage:
    lot: Lot
    manager: bool
    publicity: Publicity | None = None
    candidates: list = field(default_factory=list)
    objections: list = field(default_factory=list)
    paused: bool = False
    award: Award | None = None
    notices: list = field(default_factory=list)
    contract: Contract | None = None
    refunds: list = field(default_factory=list)
    report: SupervisorReport | None = None
    flags: list[RuleViolation] = field(default_factory=list)
    may_object: bool = False
    may_award: bool = False
    award_block: str | None = None
    my_side: str = ""

    @property
    def step(self) -> str:
        if self.contract is not None and self.contract.status == Contract.Status.SIGNED:
            return "contract"
        if self.award is not None:
            return "notified" if self.award.notices_sent_at else "awarded"
        if self.publicity is not None:
            return "publicity"
        return "report"


def stage(lot: Lot, *, entity=None) -> Stage:
    tender = lot.tender
    manager = can_manage(tender, entity)
    s = Stage(lot=lot, manager=manager)
    p = current_publicity(lot)
    if p is None:
        return s
    s.publicity = p
    s.candidates = list(p.candidates.select_related("entity").order_by("rank"))
    objections = p.objections.select_related("raised_by").order_by("raised_at")
    if not manager:
        objections = objections.filter(raised_by=entity) if entity is not None else objections.none()
    s.objections = list(objections)
    snap = _snap(p)
    s.paused = snap.paused
    now = clock.now()
    s.may_object = entity is not None and not manager and lifecycle.in_publicity(snap, now)
    s.award_block = lifecycle.may_award(snap)
    award = Award.objects.filter(lot=lot).select_related("winner__entity").first()
    s.may_award = manager and award is None and s.award_block is None
    if award is None:
        return s
    s.award = award
    notices = award.notices.select_related("entity").order_by("kind", "id")
    s.notices = list(notices if manager else notices.filter(entity=entity) if entity is not None else notices.none())
    s.contract = Contract.objects.filter(award=award).first()
    if s.contract is not None and entity is not None:
        s.my_side = "tenderer" if manager else ("bidder" if entity.pk == award.winner.entity_id else "")
    refunds = Refund.objects.filter(award=award).select_related("entity")
    s.refunds = list(refunds if manager else refunds.filter(entity=entity) if entity is not None else refunds.none())
    s.report = SupervisorReport.objects.filter(award=award).first() if manager else None
    s.flags = violations(award) if manager else []
    return s


def violations(award: Award) -> list[RuleViolation]:
    """The award's coded warnings and overdue flags, for display (W143, E141, E144–E148)."""
    out: list[RuleViolation] = []
    if award.validity_warning and award.validity_ends_at is not None:
        from etender.kernel.calendar import default_calendar

        w = rules.validity_warning(default_calendar(), award.decided_at, award.validity_ends_at)
        if w is not None:
            out.append(w)
    if award.publicity.late:
        out.append(RuleViolation("E141", detail_zh=f"逾期公示，理由：{award.publicity.late_reason}", detail_en=f"published late: {award.publicity.late_reason}"))
    for code in award.flags:
        out.append(RuleViolation(code, detail_zh="已超期，已记录", detail_en="overdue, recorded"))
    for r in Refund.objects.filter(award=award, refunded_at__isnull=False).select_related("entity"):
        if r.late:
            out.append(RuleViolation("E146", detail_zh=f"{r.entity.name}的投标保证金逾期退还", detail_en=f"security of {r.entity.name} refunded late"))
    return out


def publicity_get(pk: int) -> Publicity:
    p = Publicity.objects.select_related("lot__tender").filter(pk=pk).first()
    if p is None:
        raise RuleViolation("E005")
    return p


def objection_visible(objection: Objection, entity) -> bool:
    return entity is not None and (objection.raised_by_id == entity.pk or can_manage(objection.publicity.lot.tender, entity))


def notice_get(pk: int, *, entity, is_staff: bool = False) -> Notice:
    n = Notice.objects.select_related("award__lot__tender", "entity").filter(pk=pk).first()
    if n is None:
        raise RuleViolation("E005")
    if not (is_staff or (entity is not None and (entity.pk == n.entity_id or can_manage(n.award.lot.tender, entity)))):
        raise RuleViolation("E006", detail_zh="仅收件人和招标人可查看", detail_en="only the addressee and the tenderer may read it")
    return n


def verify_item(item: ArchiveItem) -> bool:
    content = bytes(item.content)
    return hashlib.sha256(content).hexdigest() == item.sha256 == item.signed_document.get("sha256") and verify(item.signed_document, item.signature, item.signature_key)


def archive(tender: Tender) -> list[dict[str, Any]]:
    return [{"item": i, "verified": verify_item(i)} for i in ArchiveItem.objects.filter(tender=tender).defer("content").order_by("archived_at", "id")]


def may_see_archive(tender: Tender, *, entity, is_staff: bool) -> bool:
    return is_staff or can_manage(tender, entity)
