"""Writes of the evaluation: committee, draw, members, online evaluation, report (招标投标法 37–40; 条例 45–53).

Every write service checks ``ensure_not_suspended`` first (E050), records its audit entry in the same transaction
and, for the hub's draw, calls the signed hub API (``hub_client``) inside the transaction so that a refusal leaves
nothing behind.  Rule codes: E129 composition, E130 random draw, E133 names (selectors), W134 time, E135 replaced
member, E136 否决投标, W137 abnormally low price, E138 clarification limits, W139 fewer than 3 valid bids,
E140 candidates and signatures; generic E070–E074 (docs/evaluation.md).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.canonical import canonical
from etender.kernel.errors import RuleViolation, raise_all
from etender.kernel.events import publish_on_commit
from etender.kernel.signing import platform_signer
from etender.trading.accounts.models import Entity, Membership
from etender.trading.bids.models import Bid
from etender.trading.tenders.guards import ensure_not_suspended
from etender.trading.tenders.models import Lot, LotStatus, Notification
from etender.trading.tenders.services import require_manager

from . import hub_client, methods, selectors
from .models import BidClarification, BidReview, Candidate, Committee, CommitteeStatus, EvaluationReport, ExpertLink, ReportSignature, ScoreSheet, Seat

User = get_user_model()

#: 条例 51: the seven cases in which the committee must reject a bid (E136).
REJECTION_ITEMS: dict[int, tuple[str, str]] = {
    1: ("投标文件未经投标单位盖章和单位负责人签字", "not sealed by the bidder nor signed by its responsible person"),
    2: ("投标联合体没有提交共同投标协议", "a consortium without a joint bidding agreement"),
    3: ("投标人不符合国家或者招标文件规定的资格条件", "the bidder does not meet the qualification conditions"),
    4: ("同一投标人提交两个以上不同的投标文件或者投标报价（招标文件要求提交备选投标的除外）", "two or more different bids or prices from one bidder (unless alternatives are allowed)"),
    5: ("投标报价低于成本或者高于招标文件设定的最高投标限价", "price below cost or above the maximum price"),
    6: ("投标文件没有对招标文件的实质性要求和条件作出响应", "not substantively responsive"),
    7: ("投标人有串通投标、弄虚作假、行贿等违法行为", "collusion, fraud, bribery or other unlawful conduct"),
}
SPECIALTY = re.compile(r"^[A-Z0-9]{1,20}$")
CLARIFICATION_HOURS = 2


# --------------------------------------------------------------------------- composition (E129)


def composition_violations(*, experts: int, representatives: int) -> list[RuleViolation]:
    """招标投标法 37: at least 5 members, an odd number, experts at least two thirds (E129)."""
    total = experts + representatives
    problems = []
    if total < 5:
        problems.append(RuleViolation("E129", detail_zh=f"成员{total}人，须为5人以上", detail_en=f"{total} members: at least 5 required", field="specialties"))
    if total % 2 == 0:
        problems.append(RuleViolation("E129", detail_zh=f"成员{total}人，须为单数", detail_en=f"{total} members: the number must be odd", field="specialties"))
    if experts * 3 < total * 2:
        problems.append(RuleViolation("E129", detail_zh=f"专家{experts}人，不得少于成员总数的三分之二", detail_en=f"{experts} experts: at least two thirds of the members required", field="specialties"))
    return problems


def _clean_specialties(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise RuleViolation("E001", detail_zh="须列明各专业的专家人数", detail_en="list the number of experts per specialty", field="specialties")
    out: dict[str, int] = {}
    known = {str(s.get("code")) for s in hub_client.specialties() if isinstance(s, dict)} if hub_client.available() else set()
    for item in raw:
        code = str((item or {}).get("code", "")).strip().upper()
        try:
            count = int((item or {}).get("count"))
        except (TypeError, ValueError):
            count = 0
        if not SPECIALTY.match(code) or count < 1 or count > 50:
            raise RuleViolation("E001", detail_zh=f"专业代码或人数无效：{code or '（空）'}", detail_en=f"invalid specialty code or count: {code or '(empty)'}", field="specialties")
        if known and code not in known:
            raise RuleViolation("E001", detail_zh=f"专家库无此专业：{code}", detail_en=f"the pool has no specialty {code}", field="specialties")
        out[code] = out.get(code, 0) + count
    return [{"code": c, "count": n} for c, n in out.items()]


def _pseudonym(position: int) -> str:
    return f"评委{chr(64 + position)}" if position <= 26 else f"评委{position}"


def _lock(committee: Committee) -> Committee:
    c = Committee.objects.select_for_update().select_related("lot__tender").get(pk=committee.pk)
    ensure_not_suspended(c.lot.tender)
    return c


def _representatives(tender, usernames: list[str]) -> list[Any]:
    users = []
    allowed = {tender.tenderer_id, tender.agency_id} - {None}
    for name in usernames:
        m = Membership.objects.select_related("user").filter(user__username=name, entity_id__in=allowed, user__is_active=True).first()
        if m is None:
            raise RuleViolation("E006", detail_zh=f"{name} 不是招标人（或其代理机构）的工作人员", detail_en=f"{name} is not a staff member of the tenderer or its agency", field="representatives")
        users.append(m.user)
    if len({u.pk for u in users}) != len(users):
        raise RuleViolation("E001", detail_zh="代表重复", detail_en="a representative is listed twice", field="representatives")
    return users


@transaction.atomic
def committee_create(
    *,
    actor: Actor,
    entity: Entity | None,
    lot: Lot,
    specialties: list[dict[str, Any]],
    representatives: list[str],
    evaluation_start: datetime,
    evaluation_place: str,
    duration_hours: int,
    method: str,
    method_config: dict[str, Any] | None = None,
    draw_mode: str = Committee.DrawMode.RANDOM,
    special_reason: str = "",
) -> Committee:
    """The tenderer (or agency) sets the committee of an opened lot: experts per specialty, its representatives, time and place."""
    lot = Lot.objects.select_for_update().select_related("tender").get(pk=lot.pk)
    ensure_not_suspended(lot.tender)
    require_manager(lot.tender, entity)
    if lot.status != LotStatus.OPENED:
        raise RuleViolation("E007", detail_zh="标段开标完成后方可组建评标委员会", detail_en="the committee is formed once the lot is opened")
    if Committee.objects.filter(lot=lot).exists():
        raise RuleViolation("E007", detail_zh="该标段已组建评标委员会", detail_en="this lot already has a committee")
    problems: list[RuleViolation] = []
    try:
        specs = _clean_specialties(specialties)
    except RuleViolation as v:
        problems.append(v)
        specs = []
    try:
        reps = _representatives(lot.tender, representatives or [])
    except RuleViolation as v:
        problems.append(v)
        reps = []
    if evaluation_start is None or evaluation_start.tzinfo is None:
        problems.append(RuleViolation("E009", detail_zh="评标开始时间无效", detail_en="invalid evaluation start", field="evaluation_start"))
    if not (evaluation_place or "").strip():
        problems.append(RuleViolation("E001", detail_zh="必须填写评标地点", detail_en="the place is required", field="evaluation_place"))
    if not isinstance(duration_hours, int) or not 1 <= duration_hours <= 240:
        problems.append(RuleViolation("E001", detail_zh="评标时长须为1至240小时", detail_en="the duration must be 1 to 240 hours", field="duration_hours"))
    if draw_mode not in Committee.DrawMode.values:
        problems.append(RuleViolation("E001", detail_zh="抽取方式无效", detail_en="invalid way of choosing experts", field="draw_mode"))
    elif draw_mode == Committee.DrawMode.SPECIAL and len((special_reason or "").strip()) < 10:
        problems.append(RuleViolation("E130", detail_zh="直接确定专家仅限技术复杂、专业性强或者国家有特殊要求的项目（条例47），须说明理由", detail_en="direct appointment only for special projects (条例 47): state the reason", field="special_reason"))
    try:
        config = methods.get(method).clean_config(method_config)
    except RuleViolation as v:
        problems.append(v)
        config = {}
    if specs:
        problems.extend(composition_violations(experts=sum(s["count"] for s in specs), representatives=len(reps)))
    raise_all(problems)
    committee = Committee.objects.create(
        lot=lot,
        specialties=specs,
        evaluation_start=evaluation_start,
        evaluation_place=evaluation_place.strip(),
        duration_hours=duration_hours,
        method=method,
        method_config=config,
        draw_mode=draw_mode,
        special_reason=(special_reason or "").strip(),
        created_by_id=actor.user_id,
        created_at=clock.now(),
    )
    experts = sum(s["count"] for s in specs)
    for i, user in enumerate(reps, start=experts + 1):
        Seat.objects.create(committee=committee, kind=Seat.Kind.REPRESENTATIVE, position=i, pseudonym=_pseudonym(i), user=user, name=(user.get_full_name() or user.username)[:50], employer=lot.tender.tenderer.name[:200], status=Seat.Status.CONFIRMED)
    audit_record(actor=actor, action="committee.created", obj=committee, data={"lot": lot.code, "specialties": specs, "representatives": len(reps), "method": method, "draw_mode": draw_mode})
    return committee


# --------------------------------------------------------------------------- the hub's draw (E130)


def _avoid(lot: Lot) -> dict[str, Any]:
    tender = lot.tender
    parties = [tender.tenderer] + ([tender.agency] if tender.agency_id else [])
    bidders = [b.bidder for b in Bid.objects.filter(lot=lot, submitted_at__isnull=False).select_related("bidder")]
    codes, names = [], []
    for e in parties + bidders:
        if e.credit_code not in codes:
            codes.append(e.credit_code)
            names.append(e.name)
    return {"entity_codes": codes, "entity_names": names, "supervise_dept_code": tender.supervise_dept_code, "supervise_dept_name": tender.supervise_dept_name}


@transaction.atomic
def draw_request(*, actor: Actor, entity: Entity | None, committee: Committee) -> Committee:
    """Ask the hub for a draw: it commits to its seed (the commitment is shown before anything is drawn)."""
    committee = _lock(committee)
    require_manager(committee.lot.tender, entity)
    if committee.draw_mode != Committee.DrawMode.RANDOM:
        raise RuleViolation("E007", detail_zh="该委员会为直接确定专家", detail_en="this committee's experts are appointed directly")
    if committee.status != CommitteeStatus.DRAFT:
        raise RuleViolation("E007", detail_zh="已申请抽取", detail_en="a draw was already requested")
    lot, tender = committee.lot, committee.lot.tender
    answer = hub_client.draw_create(
        {
            "tender_code": tender.code,
            "lot_code": lot.code,
            "unified_deal_code": lot.unified_deal_code,
            "tender_name": tender.name,
            "lot_name": lot.name,
            "region_code": lot.region_code,
            "evaluation_start": committee.evaluation_start.isoformat(),
            "evaluation_place": committee.evaluation_place,
            "duration_hours": committee.duration_hours,
            "specialties": committee.specialties,
            "avoid": _avoid(lot),
        }
    )
    counts = answer.get("candidate_count") or {}
    short = [s["code"] for s in committee.specialties if int(counts.get(s["code"], 0)) < s["count"]]
    if short:
        raise RuleViolation("E130", detail_zh=f"可抽取专家不足：{'、'.join(short)}", detail_en=f"not enough eligible experts: {', '.join(short)}")
    if not re.fullmatch(r"[0-9a-f]{64}", str(answer.get("commitment", ""))):
        raise RuleViolation("E074", detail_zh="公共服务平台未返回有效的种子承诺", detail_en="the hub returned no valid seed commitment")
    committee.draw_id = str(answer["id"])[:64]
    committee.draw_commitment = answer["commitment"]
    committee.draw_candidates_digest = str(answer.get("candidates_digest", ""))[:64]
    committee.draw_candidate_count = counts
    committee.draw_proof_url = str(answer.get("proof_url", ""))[:500]
    committee.status = CommitteeStatus.COMMITTED
    committee.save()
    audit_record(actor=actor, action="committee.draw_committed", obj=committee, data={"draw": committee.draw_id, "commitment": committee.draw_commitment, "candidates_digest": committee.draw_candidates_digest, "counts": counts}, checkpoint=True)
    return committee


_STATUS = {"notified": Seat.Status.NOTIFIED, "confirmed": Seat.Status.CONFIRMED, "declined": Seat.Status.DECLINED, "replaced": Seat.Status.REPLACED}


def _sync_members(committee: Committee, members: list[dict[str, Any]]) -> list[Seat]:
    """Bring the expert seats in line with the hub's member list; returns seats created now."""
    created = []
    by_ref = {s.expert_ref: s for s in committee.seats.filter(kind=Seat.Kind.EXPERT)}
    for m in sorted(members, key=lambda m: int(m.get("position", 0))):
        ref = str(m.get("ref", ""))[:64]
        if not ref:
            continue
        status = _STATUS.get(str(m.get("status")), Seat.Status.NOTIFIED)
        seat = by_ref.get(ref)
        if seat is None:
            if status == Seat.Status.REPLACED:
                continue
            position = (committee.seats.filter(position__lt=1000).order_by("-position").values_list("position", flat=True).first() or 0) + 1
            link = ExpertLink.objects.filter(expert_ref=ref).first()
            seat = Seat.objects.create(committee=committee, kind=Seat.Kind.EXPERT, position=position, pseudonym=_pseudonym(position), expert_ref=ref, user=link.user if link else None, name=str(m.get("name", ""))[:50], specialty=str(m.get("specialty", ""))[:20], employer=str(m.get("employer", ""))[:200], mobile=str(m.get("mobile", ""))[:30], status=status)
            by_ref[ref] = seat
            created.append(seat)
        elif seat.status != status and seat.status != Seat.Status.REPLACED:
            seat.status = status
            seat.save(update_fields=["status"])
    return created


def _renumber_representatives(committee: Committee) -> None:
    """Representatives sit after the experts."""
    top = committee.seats.filter(kind=Seat.Kind.EXPERT).order_by("-position").values_list("position", flat=True).first() or 0
    for i, seat in enumerate(committee.seats.filter(kind=Seat.Kind.REPRESENTATIVE).order_by("position", "id"), start=top + 1):
        if seat.position != i:
            seat.position, seat.pseudonym = i, _pseudonym(i)
            seat.save(update_fields=["position", "pseudonym"])


@transaction.atomic
def draw_execute(*, actor: Actor, entity: Entity | None, committee: Committee) -> Committee:
    """Execute the committed draw with a fresh random platform nonce (32 bytes): neither side alone fixes the result."""
    committee = _lock(committee)
    require_manager(committee.lot.tender, entity)
    if committee.status != CommitteeStatus.COMMITTED:
        raise RuleViolation("E007", detail_zh="须先申请抽取并取得种子承诺", detail_en="request the draw (and its commitment) first")
    nonce = secrets.token_hex(32)
    answer = hub_client.draw_execute(committee.draw_id, nonce)
    members = answer.get("members") or []
    # Seats of representatives move behind the drawn experts.
    committee.seats.filter(kind=Seat.Kind.REPRESENTATIVE).update(position=1000 + committee.seats.count())
    _sync_members(committee, [m for m in members if m.get("status") != "replaced"])
    _renumber_representatives(committee)
    drawn = committee.seats.filter(kind=Seat.Kind.EXPERT)
    for spec in committee.specialties:  # an expert of a narrower code (A0101 under A01) serves the broader one
        if drawn.filter(specialty__startswith=spec["code"]).count() != spec["count"]:
            raise RuleViolation("E130", detail_zh=f"抽取结果与申请不符（专业{spec['code']}）", detail_en=f"the draw does not match the request (specialty {spec['code']})")
    committee.draw_platform_nonce = nonce
    committee.status = CommitteeStatus.DRAWN
    committee.drawn_at = clock.now()
    committee.save()
    audit_record(actor=actor, action="committee.drawn", obj=committee, data={"draw": committee.draw_id, "platform_nonce": nonce, "members": [s.pseudonym for s in drawn]}, checkpoint=True)
    publish_on_commit("committee.drawn", {"lot": committee.lot.code})
    return committee


@transaction.atomic
def draw_refresh(*, actor: Actor, committee: Committee) -> Committee:
    """Poll the hub for the members' confirmations (GET /draws/{id})."""
    committee = _lock(committee)
    if not committee.draw_id or committee.status not in (CommitteeStatus.DRAWN, CommitteeStatus.EVALUATING):
        return committee
    answer = hub_client.draw_get(committee.draw_id)
    before = {s.pk: s.status for s in committee.seats.all()}
    _sync_members(committee, answer.get("members") or [])
    committee.polled_at = clock.now()
    committee.save(update_fields=["polled_at"])
    changed = {s.pseudonym: s.status for s in committee.seats.all() if before.get(s.pk) != s.status}
    if changed:
        audit_record(actor=actor, action="committee.confirmations", obj=committee, data={"changed": changed})
    return committee


def poll_draws(*, every_seconds: int = 30) -> int:
    """Periodic: refresh committees still waiting for confirmations (at most every ``every_seconds`` each)."""
    if not hub_client.available():
        return 0
    due = clock.now() - timedelta(seconds=every_seconds)
    n = 0
    for c in Committee.objects.filter(status=CommitteeStatus.DRAWN, draw_mode=Committee.DrawMode.RANDOM).exclude(polled_at__gt=due)[:20]:
        if c.seats.filter(kind=Seat.Kind.EXPERT, status=Seat.Status.NOTIFIED).exists():
            try:
                draw_refresh(actor=Actor.system("evaluation"), committee=c)
                n += 1
            except RuleViolation:
                Committee.objects.filter(pk=c.pk).update(polled_at=clock.now())
    return n


@transaction.atomic
def seats_appoint(*, actor: Actor, entity: Entity | None, committee: Committee, experts: list[dict[str, str]]) -> Committee:
    """Direct appointment of experts, only for a special project (条例 47); otherwise experts are drawn (E130)."""
    committee = _lock(committee)
    require_manager(committee.lot.tender, entity)
    if committee.draw_mode != Committee.DrawMode.SPECIAL:
        raise RuleViolation("E130", detail_zh="评标专家须从专家库随机抽取，不得直接指定", detail_en="experts are drawn at random from the pool, not designated")
    if committee.status != CommitteeStatus.DRAFT:
        raise RuleViolation("E007")
    wanted = {s["code"]: s["count"] for s in committee.specialties}
    got: dict[str, int] = {}
    links = []
    for item in experts:
        link = ExpertLink.objects.select_related("user").filter(user__username=str(item.get("username", ""))).first()
        code = str(item.get("specialty", "")).upper()
        if link is None:
            raise RuleViolation("E001", detail_zh=f"{item.get('username')} 不是专家账号", detail_en=f"{item.get('username')} is not an expert account", field="experts")
        if code not in wanted:
            raise RuleViolation("E001", detail_zh=f"专业 {code} 不在组成方案中", detail_en=f"specialty {code} is not in the composition", field="experts")
        got[code] = got.get(code, 0) + 1
        links.append((link, code))
    if got != wanted or len({link.pk for link, _ in links}) != len(links):
        raise RuleViolation("E129", detail_zh="专家人数与组成方案不符", detail_en="the experts do not match the composition", field="experts")
    committee.seats.filter(kind=Seat.Kind.REPRESENTATIVE).update(position=1000 + committee.seats.count())
    for i, (link, code) in enumerate(links, start=1):
        Seat.objects.create(committee=committee, kind=Seat.Kind.EXPERT, position=i, pseudonym=_pseudonym(i), expert_ref=link.expert_ref, user=link.user, name=link.name, specialty=code, status=Seat.Status.NOTIFIED)
    _renumber_representatives(committee)
    committee.status = CommitteeStatus.DRAWN
    committee.drawn_at = clock.now()
    committee.save()
    audit_record(actor=actor, action="committee.appointed", obj=committee, data={"reason": committee.special_reason, "experts": len(links)}, checkpoint=True)
    return committee


def _active_seat(committee: Committee, user) -> Seat:
    seat = selectors.seat_of(committee, user)
    if seat is None:
        if user.is_authenticated and committee.seats.filter(status=Seat.Status.REPLACED).filter(user=user).exists() or _replaced_ref(committee, user):
            raise RuleViolation("E135", detail_zh="您已被更换，评审结论无效", detail_en="you were replaced: your conclusions are void")
        raise RuleViolation("E006", detail_zh="仅评标委员会成员可操作", detail_en="committee members only")
    return seat


def _replaced_ref(committee: Committee, user) -> bool:
    link = selectors.expert_link_of(user)
    return link is not None and committee.seats.filter(expert_ref=link.expert_ref, status=Seat.Status.REPLACED).exists()


@transaction.atomic
def seat_confirm(*, actor: Actor, user, committee: Committee, confirmed: bool, reason: str = "") -> Seat:
    """An expert confirms (or declines) through this platform; the hub is told for drawn members."""
    committee = _lock(committee)
    link = selectors.expert_link_of(user)
    seat = committee.seats.filter(kind=Seat.Kind.EXPERT, expert_ref=link.expert_ref).exclude(status=Seat.Status.REPLACED).first() if link else None
    if seat is None:
        raise RuleViolation("E006", detail_zh="您不是该委员会的专家", detail_en="you are not an expert of this committee")
    if committee.status not in (CommitteeStatus.DRAWN,):
        raise RuleViolation("E007")
    if not confirmed and not (reason or "").strip():
        raise RuleViolation("E001", detail_zh="须说明不能参加的理由", detail_en="give the reason", field="reason")
    if committee.draw_id:
        answer = hub_client.member_confirm(committee.draw_id, seat.expert_ref, confirmed, reason)
        _sync_members(committee, answer.get("members") or [])
        seat.refresh_from_db()
    else:
        seat.status = Seat.Status.CONFIRMED if confirmed else Seat.Status.DECLINED
        seat.save(update_fields=["status"])
    if seat.user_id is None and link:
        seat.user = link.user
        seat.save(update_fields=["user"])
    audit_record(actor=actor, action="committee.member_confirmed" if confirmed else "committee.member_declined", obj=committee, data={"seat": seat.pseudonym, "reason": reason})
    return seat


@transaction.atomic
def seat_replace(*, actor: Actor, entity: Entity | None, committee: Committee, seat: Seat, reason: str, new_username: str = "") -> Seat:
    """Replace a member who declined, is absent or must be avoided (条例 48): experts by a new random draw of the hub.

    The replaced member's conclusions are void (E135): their score sheet and report signature no longer count and
    an unsubmitted report must be prepared again.
    """
    committee = _lock(committee)
    require_manager(committee.lot.tender, entity)
    seat = Seat.objects.select_for_update().get(pk=seat.pk, committee=committee)
    if committee.status in (CommitteeStatus.DRAFT, CommitteeStatus.COMMITTED, CommitteeStatus.REPORTED):
        raise RuleViolation("E007")
    if seat.status == Seat.Status.REPLACED:
        raise RuleViolation("E007", detail_zh="该成员已被更换", detail_en="already replaced")
    if not (reason or "").strip():
        raise RuleViolation("E001", detail_zh="须说明更换理由", detail_en="give the reason", field="reason")
    new: Seat | None = None
    if seat.kind == Seat.Kind.EXPERT and committee.draw_id:
        answer = hub_client.replacement(committee.draw_id, seat.expert_ref, reason)
        members = answer.get("members") or []
        created = _sync_members(committee, [m for m in members if str(m.get("ref")) != seat.expert_ref])
        successor = next((str(m.get("ref")) for m in members if m.get("replaces") == seat.expert_ref), None)
        new = next((s for s in created if s.expert_ref == successor), None) or next((s for s in created if s.specialty == seat.specialty), created[0] if created else None)
        if new is None:
            raise RuleViolation("E130", detail_zh="公共服务平台未抽取替补专家", detail_en="the hub drew no replacement")
    else:
        if seat.kind == Seat.Kind.EXPERT:
            if committee.draw_mode != Committee.DrawMode.SPECIAL:
                raise RuleViolation("E130", detail_zh="替补专家同样须随机抽取", detail_en="replacements are drawn at random too")
            link = ExpertLink.objects.select_related("user").filter(user__username=new_username).first()
            if link is None or committee.seats.filter(expert_ref=link.expert_ref).exists():
                raise RuleViolation("E001", detail_zh="须指定另一名专家账号", detail_en="name another expert account", field="new_username")
            user, name, ref = link.user, link.name, link.expert_ref
        else:
            user = _representatives(committee.lot.tender, [new_username])[0]
            if committee.seats.filter(user=user).exclude(pk=seat.pk).exists():
                raise RuleViolation("E001", detail_zh="该人员已在委员会中", detail_en="already a member", field="new_username")
            name, ref = (user.get_full_name() or user.username)[:50], ""
        position = (committee.seats.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        new = Seat.objects.create(committee=committee, kind=seat.kind, position=position, pseudonym=_pseudonym(position), expert_ref=ref, user=user, name=name, specialty=seat.specialty, employer=seat.employer if seat.kind == Seat.Kind.REPRESENTATIVE else "", status=Seat.Status.CONFIRMED if seat.kind == Seat.Kind.REPRESENTATIVE else Seat.Status.NOTIFIED)
    seat.status, seat.replaced_by, seat.replaced_at, seat.replacement_reason = Seat.Status.REPLACED, new, clock.now(), reason.strip()
    was_chair = seat.is_chair
    seat.is_chair = False
    seat.save(update_fields=["status", "replaced_by", "replaced_at", "replacement_reason", "is_chair"])
    ScoreSheet.objects.filter(seat=seat).update(void=True)
    report = EvaluationReport.objects.filter(committee=committee, submitted_at__isnull=True).first()
    if report is not None:
        report.delete()
    audit_record(actor=actor, action="committee.member_replaced", obj=committee, data={"seat": seat.pseudonym, "replacement": new.pseudonym, "reason": reason, "was_chair": was_chair, "conclusions_void": "E135"})
    return new


@transaction.atomic
def chair_set(*, actor: Actor, user, entity: Entity | None, committee: Committee, seat: Seat) -> Seat:
    """The chair (评标组长), elected by the members or appointed by the tenderer among them."""
    committee = _lock(committee)
    if selectors.seat_of(committee, user) is None and not selectors.is_manager(committee, entity):
        raise RuleViolation("E006")
    seat = Seat.objects.get(pk=seat.pk, committee=committee)
    if not seat.active or committee.status == CommitteeStatus.REPORTED:
        raise RuleViolation("E007")
    committee.seats.exclude(pk=seat.pk).update(is_chair=False)
    seat.is_chair = True
    seat.save(update_fields=["is_chair"])
    audit_record(actor=actor, action="committee.chair_set", obj=committee, data={"seat": seat.pseudonym})
    return seat


@transaction.atomic
def seat_check_in(*, actor: Actor, user, committee: Committee) -> Seat:
    """A member checks in at the evaluation (EXPERT_CHECK_IN_TIME of data set 508)."""
    committee = _lock(committee)
    seat = _active_seat(committee, user)
    if seat.status != Seat.Status.CONFIRMED:
        raise RuleViolation("E007", detail_zh="须先确认参加评标", detail_en="confirm your participation first")
    if clock.now() < committee.evaluation_start - timedelta(hours=1):
        raise RuleViolation("E007", detail_zh="评标开始前1小时内方可签到", detail_en="check-in opens one hour before the evaluation")
    if seat.user_id is None:
        seat.user = user
    if seat.checked_in_at is None:
        seat.checked_in_at = clock.now()
    seat.save(update_fields=["user", "checked_in_at"])
    audit_record(actor=actor, action="evaluation.checked_in", obj=committee, data={"seat": seat.pseudonym})
    return seat


def readiness(committee: Committee) -> list[str]:
    """What keeps the evaluation from starting (E070), in Chinese."""
    problems = []
    seats = list(committee.active_seats())
    experts = [s for s in seats if s.kind == Seat.Kind.EXPERT]
    if len(experts) != committee.expert_count:
        problems.append(f"专家{len(experts)}/{committee.expert_count}人")
    for s in seats:
        if s.status != Seat.Status.CONFIRMED:
            problems.append(f"{s.pseudonym}未确认")
        elif s.checked_in_at is None:
            problems.append(f"{s.pseudonym}未签到")
    if not any(s.is_chair for s in seats):
        problems.append("未产生评标委员会组长")
    return problems


def _notify(entity_id: int, committee: Committee, kind: str, title: str, body: str = "") -> None:
    Notification.objects.create(entity_id=entity_id, tender=committee.lot.tender, kind=kind, title=title, body=body, created_at=clock.now())


@transaction.atomic
def evaluation_begin(*, actor: Actor, user, entity: Entity | None, committee: Committee) -> Committee:
    """Start the evaluation once every member confirmed and checked in and a chair is chosen (E070).

    Flags abnormally low prices against the benchmark (W137) and sends each such bidder a written clarification
    request through the platform.
    """
    committee = _lock(committee)
    seat = selectors.seat_of(committee, user)
    if not ((seat and seat.is_chair) or selectors.is_manager(committee, entity)):
        raise RuleViolation("E006", detail_zh="由评标委员会组长或招标人宣布开始", detail_en="the chair or the tenderer starts the evaluation")
    if committee.status != CommitteeStatus.DRAWN:
        raise RuleViolation("E007")
    problems = readiness(committee)
    if problems:
        raise RuleViolation("E070", detail_zh="；".join(problems), detail_en="; ".join(problems))
    now = clock.now()
    committee.status, committee.started_at, committee.ends_at = CommitteeStatus.EVALUATING, now, now + timedelta(hours=committee.duration_hours)
    committee.save()
    method = methods.get(committee.method)
    bids = selectors.opened_bids(committee.lot)
    bench = method.benchmark([b.price for b in bids], committee.method_config)
    flagged = []
    for b in bids:
        low = method.abnormally_low(b.price, bench, committee.method_config)
        BidReview.objects.create(committee=committee, bid=b, abnormally_low=low)
        if low:
            flagged.append(b)
            BidClarification.objects.create(committee=committee, bid=b, kind=BidClarification.Kind.LOW_PRICE, question=f"你单位投标报价{b.price}元明显低于其他投标报价（基准价{bench}元），可能低于成本（W137）。请在规定时间内书面说明报价构成并提交相关证明材料。", asked_at=now, due_at=now + timedelta(hours=CLARIFICATION_HOURS))
            _notify(b.bidder_id, committee, "evaluation.clarification", f"评标委员会要求澄清：{committee.lot.name}")
    audit_record(actor=actor, action="evaluation.started", obj=committee, data={"benchmark": str(bench), "abnormally_low": [b.bidder.credit_code for b in flagged], "valid_bids": len(bids)}, checkpoint=True)
    return committee


def _require_evaluating(committee: Committee) -> None:
    if committee.status != CommitteeStatus.EVALUATING:
        raise RuleViolation("E007", detail_zh="评标未在进行中", detail_en="the evaluation is not in progress")


def _require_chair(committee: Committee, user) -> Seat:
    seat = _active_seat(committee, user)
    if not seat.is_chair:
        raise RuleViolation("E006", detail_zh="由评标委员会组长记录委员会的决定", detail_en="the chair records the committee's decisions")
    return seat


# --------------------------------------------------------------------------- rejections, clarifications (E136, W137, E138)


@transaction.atomic
def bid_reject(*, actor: Actor, user, committee: Committee, bid: Bid, item: int | None, reason: str) -> BidReview:
    """否决投标 (条例 51): one of its seven cases and the reasons in writing (E136)."""
    committee = _lock(committee)
    _require_evaluating(committee)
    chair = _require_chair(committee, user)
    review = BidReview.objects.select_for_update().filter(committee=committee, bid=bid).first()
    if review is None:
        raise RuleViolation("E005")
    if review.rejected:
        raise RuleViolation("E007", detail_zh="该投标已被否决", detail_en="already rejected")
    if item not in REJECTION_ITEMS or not (reason or "").strip():
        raise RuleViolation("E136", detail_zh="须载明条例第51条所列情形（第1至7项）及理由", detail_en="state one of the seven cases of 条例 51 (items 1–7) and the reasons", field="item" if item not in REJECTION_ITEMS else "reason")
    if item == 5 and review.abnormally_low and review.low_explanation_accepted is None and bid.price <= (bid.lot.max_price or bid.price):
        raise RuleViolation("E071", detail_zh="W137 报价可能低于成本：须先要求投标人书面说明并由评标委员会认定，不得直接否决", detail_en="W137 possibly below cost: ask for a written explanation and decide on it first; never reject directly", field="item")
    review.rejected, review.rejection_item, review.rejection_reason, review.rejected_at, review.rejected_by = True, item, reason.strip(), clock.now(), chair
    review.save()
    audit_record(actor=actor, action="evaluation.bid_rejected", obj=committee, data={"bid": bid.pk, "bidder": bid.bidder.credit_code, "code": "E136", "item": item, "reason": reason.strip()})
    return review


@transaction.atomic
def clarification_ask(*, actor: Actor, user, committee: Committee, bid: Bid, question: str, hours: int = CLARIFICATION_HOURS) -> BidClarification:
    """A written question to a bidder about obvious errors or unclear wording (条例 52): never solicited by the bidder."""
    committee = _lock(committee)
    _require_evaluating(committee)
    _require_chair(committee, user)
    if not committee.reviews.filter(bid=bid, rejected=False).exists():
        raise RuleViolation("E007", detail_zh="仅可向有效投标的投标人要求澄清", detail_en="only bidders of valid bids are asked")
    if not (question or "").strip():
        raise RuleViolation("E001", detail_zh="必须填写澄清问题", detail_en="the question is required", field="question")
    now = clock.now()
    c = BidClarification.objects.create(committee=committee, bid=bid, kind=BidClarification.Kind.OBVIOUS_ERROR, question=question.strip(), asked_at=now, due_at=now + timedelta(hours=max(1, min(int(hours), 72))))
    _notify(bid.bidder_id, committee, "evaluation.clarification", f"评标委员会要求澄清：{committee.lot.name}")
    audit_record(actor=actor, action="evaluation.clarification_asked", obj=committee, data={"bid": bid.pk, "clarification": c.pk})
    return c


@transaction.atomic
def clarification_answer(
    *,
    actor: Actor,
    entity: Entity | None,
    clarification: BidClarification,
    answer: str,
    new_price: Decimal | None = None,
    new_duration_days: int | None = None,
    new_quality: str | None = None,
    files: list[Any] | None = None,
) -> BidClarification:
    """The bidder answers in writing on the platform.  It may explain, not amend (E138): the price, the duration and the
    quality stay as bid, and no document may be added — except the evidence of the cost of a low price (W137)."""
    clarification = BidClarification.objects.select_for_update().select_related("bid__lot__tender", "committee").get(pk=clarification.pk)
    ensure_not_suspended(clarification.bid.lot.tender)
    bid = clarification.bid
    if entity is None or bid.bidder_id != entity.pk:
        raise RuleViolation("E006", detail_zh="仅被要求澄清的投标人可答复", detail_en="only the bidder asked may answer")
    if clarification.answered_at is not None:
        raise RuleViolation("E007", detail_zh="已答复", detail_en="already answered")
    if clock.now() > clarification.due_at or clarification.committee.status != CommitteeStatus.EVALUATING:
        raise RuleViolation("E007", detail_zh="已过答复期限", detail_en="the time to answer has passed")
    problems = []
    if new_price is not None and Decimal(str(new_price)) != bid.price:
        problems.append(RuleViolation("E138", detail_zh=f"澄清不得改变投标报价（投标报价{bid.price}元）", detail_en=f"a clarification cannot change the price ({bid.price} bid)", field="new_price"))
    if new_duration_days is not None and str(new_duration_days) != str(bid.form.get("duration_days")):
        problems.append(RuleViolation("E138", detail_zh="澄清不得改变工期", detail_en="a clarification cannot change the duration", field="new_duration_days"))
    if new_quality not in (None, "") and new_quality != bid.form.get("quality"):
        problems.append(RuleViolation("E138", detail_zh="澄清不得改变质量承诺", detail_en="a clarification cannot change the quality commitment", field="new_quality"))
    if files and clarification.kind != BidClarification.Kind.LOW_PRICE:
        problems.append(RuleViolation("E138", detail_zh="澄清不得补充新的投标文件", detail_en="a clarification cannot add documents to the bid", field="files"))
    if not (answer or "").strip():
        problems.append(RuleViolation("E001", detail_zh="必须书面答复", detail_en="a written answer is required", field="answer"))
    raise_all(problems)
    stored = []
    if files:
        from django.core.files.storage import default_storage

        for f in files:
            h = hashlib.sha256()
            for chunk in f.chunks():
                h.update(chunk)
            f.seek(0)
            name = default_storage.save(f"clarifications/{clarification.pk}/{h.hexdigest()[:16]}-{f.name}", f)
            stored.append({"name": f.name, "sha256": h.hexdigest(), "path": name})
    clarification.answer, clarification.answer_files, clarification.answered_at, clarification.answered_by_id = answer.strip(), stored, clock.now(), actor.user_id
    clarification.save()
    audit_record(actor=actor, action="evaluation.clarification_answered", obj=clarification.committee, data={"clarification": clarification.pk, "files": [{"name": s["name"], "sha256": s["sha256"]} for s in stored]})
    return clarification


@transaction.atomic
def low_price_decide(*, actor: Actor, user, committee: Committee, bid: Bid, accepted: bool, reason: str) -> BidReview:
    """The committee's finding on a low-price explanation: justified, or below cost → rejected under 条例 51(5)."""
    committee = _lock(committee)
    _require_evaluating(committee)
    _require_chair(committee, user)
    review = BidReview.objects.select_for_update().get(committee=committee, bid=bid)
    if not review.abnormally_low or review.low_explanation_accepted is not None or review.rejected:
        raise RuleViolation("E007")
    pending = committee.clarifications.filter(bid=bid, kind=BidClarification.Kind.LOW_PRICE, answered_at__isnull=True, due_at__gt=clock.now()).exists()
    if pending:
        raise RuleViolation("E071", detail_zh="投标人的书面说明尚未提交且未过期限", detail_en="the bidder's written explanation is neither in nor overdue")
    if not (reason or "").strip():
        raise RuleViolation("E001", detail_zh="须说明认定理由", detail_en="give the reasons", field="reason")
    review.low_explanation_accepted = accepted
    review.save(update_fields=["low_explanation_accepted"])
    audit_record(actor=actor, action="evaluation.low_price_decided", obj=committee, data={"bid": bid.pk, "accepted": accepted, "reason": reason.strip(), "code": "W137"})
    if not accepted:
        review.rejected, review.rejection_item, review.rejection_reason, review.rejected_at = True, 5, f"投标人不能合理说明报价（W137）：{reason.strip()}", clock.now()
        review.rejected_by = selectors.seat_of(committee, user)
        review.save()
        audit_record(actor=actor, action="evaluation.bid_rejected", obj=committee, data={"bid": bid.pk, "bidder": bid.bidder.credit_code, "code": "E136", "item": 5, "reason": review.rejection_reason})
    return review


# --------------------------------------------------------------------------- time (W134), few bids (W139)


@transaction.atomic
def time_insufficient_set(*, actor: Actor, user, committee: Committee, insufficient: bool) -> list[RuleViolation]:
    """A member says the time is (not) sufficient; more than a third → the time is extended (条例 48, W134)."""
    committee = _lock(committee)
    _require_evaluating(committee)
    seat = _active_seat(committee, user)
    seat.time_insufficient = insufficient
    seat.save(update_fields=["time_insufficient"])
    active = list(committee.active_seats())
    n = sum(1 for s in active if s.time_insufficient)
    audit_record(actor=actor, action="evaluation.time_opinion", obj=committee, data={"seat": seat.pseudonym, "insufficient": insufficient})
    if n * 3 > len(active):
        committee.ends_at = max(committee.ends_at or clock.now(), clock.now()) + timedelta(hours=committee.duration_hours)
        committee.extensions += 1
        committee.save(update_fields=["ends_at", "extensions"])
        committee.seats.update(time_insufficient=False)
        audit_record(actor=actor, action="evaluation.extended", obj=committee, data={"code": "W134", "members": n, "of": len(active), "ends_at": committee.ends_at.isoformat()})
        return [RuleViolation("W134", detail_zh=f"{n}/{len(active)}名成员认为时间不够，评标时间延长至{committee.ends_at:%Y-%m-%d %H:%M}", detail_en=f"{n} of {len(active)} members find the time insufficient: extended", params={"ends_at": committee.ends_at.isoformat()})]
    return []


def warnings(committee: Committee) -> list[RuleViolation]:
    """Open W-codes of the evaluation (shown on the pages and in the API)."""
    out = []
    if committee.status == CommitteeStatus.EVALUATING:
        for r in committee.reviews.filter(abnormally_low=True, low_explanation_accepted__isnull=True, rejected=False).select_related("bid__bidder"):
            out.append(RuleViolation("W137", detail_zh=f"{r.bid.bidder.name}（{r.bid.price}元）", detail_en=f"{r.bid.bidder.name} ({r.bid.price})", params={"bid": r.bid_id}))
        valid = len(selectors.valid_bids(committee))
        if valid < 3:
            out.append(RuleViolation("W139", detail_zh=f"有效投标{valid}个" + ("，委员会已决定" if committee.few_bids_decision else "，须由评标委员会决定是否继续"), detail_en=f"{valid} valid bids", params={"valid": valid, "decided": bool(committee.few_bids_decision)}))
    if committee.extensions:
        out.append(RuleViolation("W134", detail_zh=f"评标时间已延长{committee.extensions}次", detail_en=f"extended {committee.extensions} time(s)"))
    return out


@transaction.atomic
def few_bids_decide(*, actor: Actor, user, committee: Committee, decision: str, reason: str) -> Committee:
    """Fewer than 3 valid bids (W139): the committee decides to go on or reject all, with its reasons in the report."""
    committee = _lock(committee)
    _require_evaluating(committee)
    _require_chair(committee, user)
    valid = len(selectors.valid_bids(committee))
    if valid >= 3:
        raise RuleViolation("E007", detail_zh="有效投标不少于3个", detail_en="there are at least 3 valid bids")
    if decision not in (Committee.Decision.CONTINUE, Committee.Decision.REJECT_ALL):
        raise RuleViolation("E001", detail_zh="须选择继续评标或否决全部投标", detail_en="continue or reject all", field="decision")
    if decision == Committee.Decision.CONTINUE and valid == 0:
        raise RuleViolation("E007", detail_zh="没有有效投标", detail_en="no valid bid")
    if len((reason or "").strip()) < 4:
        raise RuleViolation("E001", detail_zh="须载明理由（写入评标报告）", detail_en="give the reasons (they go into the report)", field="reason")
    committee.few_bids_decision, committee.few_bids_reason = decision, reason.strip()
    committee.save(update_fields=["few_bids_decision", "few_bids_reason"])
    audit_record(actor=actor, action="evaluation.few_bids_decided", obj=committee, data={"code": "W139", "valid": valid, "decision": decision, "reason": reason.strip()})
    return committee


def _open_matters(committee: Committee) -> list[str]:
    matters = []
    if committee.clarifications.filter(answered_at__isnull=True, due_at__gt=clock.now()).exists():
        matters.append("有澄清尚在答复期内")
    if committee.reviews.filter(abnormally_low=True, low_explanation_accepted__isnull=True, rejected=False).exists():
        matters.append("W137 报价可能低于成本，委员会尚未认定")
    if len(selectors.valid_bids(committee)) < 3 and not committee.few_bids_decision:
        matters.append("W139 有效投标不足3个，委员会尚未决定")
    return matters


# --------------------------------------------------------------------------- independent scoring and signatures


def _sheet_bids(committee: Committee) -> list[Bid]:
    return selectors.valid_bids(committee)


@transaction.atomic
def sheet_save(*, actor: Actor, user, committee: Committee, scores: dict[str, dict[str, Any]]) -> ScoreSheet:
    """A member's own scores (nobody sees them before the member signs); scores within the method's maxima (E072)."""
    committee = _lock(committee)
    _require_evaluating(committee)
    seat = _active_seat(committee, user)
    sheet = ScoreSheet.objects.select_for_update().filter(seat=seat).first()
    if sheet is not None and sheet.signed_at is not None:
        raise RuleViolation("E073")
    method = methods.get(committee.method)
    valid = {str(b.pk) for b in _sheet_bids(committee)}
    rejected = set(str(i) for i in committee.reviews.filter(rejected=True).values_list("bid_id", flat=True))
    clean = dict(sheet.scores) if sheet else {}
    for bid_id, entry in (scores or {}).items():
        key = str(bid_id)
        if key in rejected:
            raise RuleViolation("E136", detail_zh="已否决的投标不再评分", detail_en="a rejected bid is not scored", field=f"scores.{key}")
        if key not in valid:
            raise RuleViolation("E001", detail_zh=f"不是本标段的有效投标：{key}", detail_en=f"not a valid bid of this lot: {key}", field="scores")
        try:
            clean[key] = method.check_entry(entry or {}, committee.method_config)
        except RuleViolation as v:
            v.field = f"scores.{key}.{v.field}" if v.field else f"scores.{key}"
            raise
    if sheet is None:
        sheet = ScoreSheet.objects.create(seat=seat, committee=committee, scores=clean, updated_at=clock.now())
    else:
        sheet.scores, sheet.updated_at = clean, clock.now()
        sheet.save(update_fields=["scores", "updated_at"])
    audit_record(actor=actor, action="evaluation.sheet_saved", obj=committee, data={"seat": seat.pseudonym, "bids": sorted(clean)})
    return sheet


def _sign(document: dict[str, Any]) -> str:
    return platform_signer().sign(document)


@transaction.atomic
def sheet_sign(*, actor: Actor, user, committee: Committee) -> ScoreSheet:
    """Sign the score sheet: the platform's Ed25519 signature over its canonical JSON, logged as a leaf of the
    operation log (电子办法 40; docs/evaluation.md "Signatures")."""
    committee = _lock(committee)
    _require_evaluating(committee)
    seat = _active_seat(committee, user)
    sheet = ScoreSheet.objects.select_for_update().filter(seat=seat).first()
    if sheet is not None and sheet.signed_at is not None:
        raise RuleViolation("E073")
    matters = _open_matters(committee)
    if matters:
        raise RuleViolation("E071", detail_zh="；".join(matters), detail_en="; ".join(matters))
    bids = _sheet_bids(committee)
    missing = [b.bidder.name for b in bids if sheet is None or str(b.pk) not in sheet.scores]
    if missing:
        raise RuleViolation("E001", detail_zh=f"尚未评分：{'、'.join(missing)}", detail_en=f"not scored yet: {', '.join(missing)}", field="scores")
    now = clock.now()
    scores = {str(b.pk): sheet.scores[str(b.pk)] for b in bids}
    document = {
        "type": "etender.evaluation.scoresheet.v1",
        "tender": committee.lot.tender.code,
        "lot": committee.lot.code,
        "member": seat.pseudonym,
        "expert_ref": seat.expert_ref,
        "method": committee.method,
        "config": committee.method_config,
        "bids": {str(b.pk): {"bidder": b.bidder.credit_code, "price": str(b.price)} for b in bids},
        "scores": scores,
        "signed_at": now.isoformat(),
    }
    signature = _sign(document)
    entry = audit_record(actor=actor, action="evaluation.sheet_signed", obj=committee, data={"seat": seat.pseudonym, "sha256": hashlib.sha256(canonical(document)).hexdigest(), "signature": signature})
    sheet.scores, sheet.document, sheet.signature, sheet.signed_at, sheet.audit_index = scores, document, signature, now, entry.seq
    sheet.save()
    return sheet


# --------------------------------------------------------------------------- report (E140)


def _report_document(committee: Committee, ranked: list[methods.Ranked], failed: bool, bench) -> dict[str, Any]:
    lot, tender = committee.lot, committee.lot.tender
    method = methods.get(committee.method)
    reviews = selectors.reviews(committee)
    ranked_ids = {r.bid_id: r for r in ranked}
    bids = []
    for b in selectors.opened_bids(lot):
        r = reviews.get(b.pk)
        if r and r.rejected:
            conclusion = f"否决（条例第51条第{r.rejection_item}项）：{r.rejection_reason}"
        elif b.pk in ranked_ids:
            conclusion = ranked_ids[b.pk].summary
        elif failed:
            conclusion = "全部投标被否决"
        else:
            conclusion = "未通过评审（未获多数评委认定实质性响应）" if committee.method == "lowest_price" else "有效投标"
        bids.append({"bid": b.pk, "bidder": b.bidder.name, "bidder_code": b.bidder.credit_code, "price": str(b.price), "conclusion": conclusion})
    members = [{"seat": s.pk, "name": s.name, "pseudonym": s.pseudonym, "kind": s.kind, "kind_zh": "评标专家" if s.kind == Seat.Kind.EXPERT else "招标人代表", "specialty": s.specialty, "is_chair": s.is_chair} for s in committee.active_seats()]
    candidates = [] if failed else [{"rank": i, "bid": r.bid_id, "bidder": next(b["bidder"] for b in bids if b["bid"] == r.bid_id), "price": str(r.price), "score": str(r.score) if r.score is not None else None, "summary": r.summary} for i, r in enumerate(ranked[: committee.method_config.get("candidates", 3)], 1)]
    return {
        "type": "etender.evaluation.report.v1",
        "title": f"{tender.name}{lot.name}评标报告",
        "tender_code": tender.code,
        "tender_name": tender.name,
        "lot_code": lot.code,
        "lot_name": lot.name,
        "method": committee.method,
        "method_name": method.name_zh,
        "config": committee.method_config,
        "place": committee.evaluation_place,
        "started_at": committee.started_at.isoformat() if committee.started_at else "",
        "ended_at": clock.now().isoformat(),
        "benchmark": str(bench) if bench is not None else None,
        "members": members,
        "bids": bids,
        "clarifications": [{"bidder": c.bid.bidder.name, "question": c.question, "answer": c.answer} for c in committee.clarifications.select_related("bid__bidder")],
        "few_bids_decision": committee.few_bids_decision,
        "few_bids_reason": committee.few_bids_reason,
        "failed": failed,
        "candidates": candidates,
        "sheets": {s.seat.pseudonym: s.signature for s in committee.sheets.filter(void=False).select_related("seat")},
    }


@transaction.atomic
def report_prepare(*, actor: Actor, user, committee: Committee) -> EvaluationReport:
    """The chair compiles the report from the signed sheets: ranking by the method, at most 3 candidates (E140)."""
    committee = _lock(committee)
    _require_evaluating(committee)
    _require_chair(committee, user)
    matters = _open_matters(committee)
    if matters:
        raise RuleViolation("E071", detail_zh="；".join(matters), detail_en="; ".join(matters))
    active = list(committee.active_seats())
    sheets = {s.seat_id: s for s in committee.sheets.filter(void=False, signed_at__isnull=False)}
    unsigned = [s.pseudonym for s in active if s.pk not in sheets]
    if unsigned:
        raise RuleViolation("E140", detail_zh=f"评分表未签字：{'、'.join(unsigned)}", detail_en=f"score sheets not signed: {', '.join(unsigned)}")
    method = methods.get(committee.method)
    bids = selectors.valid_bids(committee)
    infos = [methods.BidInfo(b.pk, b.bidder.credit_code, b.price) for b in bids]
    failed = committee.few_bids_decision == Committee.Decision.REJECT_ALL or not bids
    ranked = [] if failed else method.rank(bids=infos, sheets=[sheets[s.pk].scores for s in active], config=committee.method_config)
    failed = failed or not ranked
    bench = method.benchmark([b.price for b in bids], committee.method_config)
    if len(ranked[: committee.method_config.get("candidates", 3)]) > 3:
        raise RuleViolation("E140")
    EvaluationReport.objects.filter(committee=committee, submitted_at__isnull=True).delete()
    doc = _report_document(committee, ranked, failed, bench)
    report = EvaluationReport.objects.create(committee=committee, created_at=clock.now(), content=doc, content_sha256=hashlib.sha256(canonical(doc)).hexdigest(), failed=failed)
    by_bid = {b.pk: b for b in bids}
    for c in doc["candidates"]:
        bid = by_bid[c["bid"]]
        Candidate.objects.create(report=report, rank=c["rank"], bid=bid, entity=bid.bidder, price=bid.price, score=Decimal(c["score"]) if c["score"] else None, summary=c["summary"])
    committee.benchmark_price = bench
    committee.save(update_fields=["benchmark_price"])
    audit_record(actor=actor, action="evaluation.report_prepared", obj=committee, data={"sha256": report.content_sha256, "candidates": [c["bidder"] for c in doc["candidates"]], "failed": failed})
    return report


@transaction.atomic
def report_sign(*, actor: Actor, user, committee: Committee, agrees: bool = True, dissent: str = "") -> ReportSignature:
    """Every member signs the report; a member who disagrees states the dissent in writing (条例 53)."""
    committee = _lock(committee)
    _require_evaluating(committee)
    seat = _active_seat(committee, user)
    report = EvaluationReport.objects.filter(committee=committee, submitted_at__isnull=True).first()
    if report is None:
        raise RuleViolation("E007", detail_zh="评标报告尚未生成", detail_en="the report is not prepared yet")
    if ReportSignature.objects.filter(report=report, seat=seat).exists():
        raise RuleViolation("E073", detail_zh="您已签署评标报告", detail_en="you have signed the report")
    if not agrees and not (dissent or "").strip():
        raise RuleViolation("E140", detail_zh="对评标结果有不同意见的，须以书面形式说明不同意见和理由", detail_en="a member who disagrees states the dissent and reasons in writing", field="dissent")
    now = clock.now()
    document = {"type": "etender.evaluation.report-signature.v1", "report_sha256": report.content_sha256, "lot": committee.lot.code, "member": seat.pseudonym, "expert_ref": seat.expert_ref, "agrees": agrees, "dissent": (dissent or "").strip(), "signed_at": now.isoformat()}
    signature = _sign(document)
    entry = audit_record(actor=actor, action="evaluation.report_signed", obj=committee, data={"seat": seat.pseudonym, "agrees": agrees, "sha256": report.content_sha256, "signature": signature})
    return ReportSignature.objects.create(report=report, seat=seat, agrees=agrees, dissent=(dissent or "").strip(), signed_at=now, signature=signature, audit_index=entry.seq)


@transaction.atomic
def report_submit(*, actor: Actor, user, entity: Entity | None, committee: Committee) -> EvaluationReport:
    """Submit the signed report to the tenderer: 508 for every member and 509 go to the hub (508 embargoed until award)."""
    from etender.trading.outbox.services import disclose

    from . import records

    committee = _lock(committee)
    _require_evaluating(committee)
    seat = selectors.seat_of(committee, user)
    if not (seat and seat.is_chair):
        raise RuleViolation("E006", detail_zh="由评标委员会组长提交评标报告", detail_en="the chair submits the report")
    report = EvaluationReport.objects.select_for_update().filter(committee=committee, submitted_at__isnull=True).first()
    if report is None:
        raise RuleViolation("E007", detail_zh="评标报告尚未生成", detail_en="the report is not prepared yet")
    if hashlib.sha256(canonical(report.content)).hexdigest() != report.content_sha256:
        raise RuleViolation("E140", detail_zh="报告内容与签署内容不一致", detail_en="the report differs from what was signed")
    if report.candidate_set.count() > 3:
        raise RuleViolation("E140", detail_zh=f"中标候选人{report.candidate_set.count()}个", detail_en=f"{report.candidate_set.count()} candidates")
    signed = set(report.signatures.values_list("seat_id", flat=True))
    unsigned = [s.pseudonym for s in committee.active_seats() if s.pk not in signed]
    if unsigned:
        raise RuleViolation("E140", detail_zh=f"未签字：{'、'.join(unsigned)}", detail_en=f"not signed: {', '.join(unsigned)}")
    now = clock.now()
    report.submitted_at = now
    report.platform_signature = _sign({"type": "etender.evaluation.report-submitted.v1", "report_sha256": report.content_sha256, "signatures": sorted(report.signatures.values_list("signature", flat=True)), "submitted_at": now.isoformat()})
    report.save(update_fields=["submitted_at", "platform_signature"])
    committee.status = CommitteeStatus.REPORTED
    committee.save(update_fields=["status"])
    for s in committee.active_seats():
        disclose(dataset="508", record=records.expert_record(committee, s))
    disclose(dataset="509", record=records.report_record(report))
    audit_record(actor=actor, action="evaluation.report_submitted", obj=committee, data={"sha256": report.content_sha256, "failed": report.failed, "candidates": list(report.candidate_set.values_list("entity__credit_code", flat=True))}, checkpoint=True)
    Notification.objects.bulk_create(Notification(entity_id=e, tender=committee.lot.tender, kind="evaluation.report", title=f"评标报告已提交：{committee.lot.name}", created_at=now) for e in {committee.lot.tender.tenderer_id, committee.lot.tender.agency_id} - {None})
    publish_on_commit("evaluation.report_submitted", {"lot": committee.lot.code, "report": report.pk})
    return report


@transaction.atomic
def committee_mark_revealed(*, committee: Committee) -> Committee:
    """Names become public (the result is published; called through ``hub_client.reveal_draw`` by AWARD)."""
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    if committee.revealed_at is None:
        committee.revealed_at = clock.now()
        committee.save(update_fields=["revealed_at"])
        audit_record(actor=Actor.system("award"), action="committee.revealed", obj=committee, data={"draw": committee.draw_id})
    return committee


@transaction.atomic
def expert_rate(*, actor: Actor, entity: Entity | None, committee: Committee, seat: Seat, score: int, comment: str = "") -> None:
    """The tenderer rates an expert after the evaluation (hub item 7)."""
    committee = _lock(committee)
    require_manager(committee.lot.tender, entity)
    if committee.status != CommitteeStatus.REPORTED or seat.committee_id != committee.pk or seat.kind != Seat.Kind.EXPERT:
        raise RuleViolation("E007")
    if not isinstance(score, int) or not 0 <= score <= 100:
        raise RuleViolation("E001", detail_zh="评分须为0至100的整数", detail_en="the score is an integer 0–100", field="score")
    if committee.draw_id:
        hub_client.performance(committee.draw_id, seat.expert_ref, score, comment)
    audit_record(actor=actor, action="committee.expert_rated", obj=committee, data={"seat": seat.pseudonym, "score": score})


# --------------------------------------------------------------------------- expert accounts


@transaction.atomic
def expert_link(*, actor: Actor, user, expert_ref: str, name: str) -> ExpertLink:
    """Link a local user to an expert of the hub's pool (from the ``etender_expert`` claim, or by the operator)."""
    ref = str(expert_ref or "").strip()[:64]
    if not ref:
        raise RuleViolation("E001", detail_zh="专家编号为空", detail_en="empty expert reference", field="expert_ref")
    other = ExpertLink.objects.select_for_update().filter(expert_ref=ref).exclude(user=user).first()
    if other is not None:
        raise RuleViolation("E011", detail_zh="该专家已关联其他账号", detail_en="this expert is linked to another account", field="expert_ref")
    link, created = ExpertLink.objects.update_or_create(user=user, defaults={"expert_ref": ref, "name": str(name or "")[:50] or user.get_username(), "linked_at": clock.now()})
    Seat.objects.filter(expert_ref=ref, user__isnull=True).update(user=user)
    if created:
        audit_record(actor=actor, action="expert.linked", obj=link, data={"expert_ref": ref})
    return link
