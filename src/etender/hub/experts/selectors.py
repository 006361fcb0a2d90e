"""Reads of the expert pool and the draws, with their confidentiality rules.

- Identity and contact data: pool administrators only (``is_pool_admin``); the callers log each reading
  (``services.access_record``).
- A draw's members (names, employer, mobile): only the trading platform that asked for the draw.
- The public proof: pseudonymous candidate ids; the seed and the committee's names only after the reveal (E133).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from etender.kernel import draw as algo
from etender.kernel.errors import RuleViolation
from etender.kernel.platform_requests import request_platform, verify_request

from . import specialties
from .models import Draw, Expert, Member

ADMIN_PERMISSION = "experts.manage_pool"
ADMIN_GROUP = "expert pool administrator"


def is_pool_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(ADMIN_PERMISSION))


def calling_platform(request):
    """The registered, active trading platform that signed this request (kernel.platform_requests), or a coded refusal."""
    from etender.hub.exchange.models import Platform

    code = request_platform(request)
    platform = Platform.objects.filter(code=code, status=Platform.Status.ACTIVE, kind=Platform.Kind.TRADING).first() if code else None
    if platform is None:
        raise RuleViolation("E015")
    verify_request(request, public_key=platform.public_key)
    return platform


# --------------------------------------------------------------------------- pool


def expert_list(*, q: str = "", specialty: str = "", status: str = "", region: str = "") -> QuerySet[Expert]:
    qs = Expert.objects.all().prefetch_related("specialties")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(ref__icontains=q) | Q(company__icontains=q) | Q(id_card=q.upper()) | Q(phone=q))
    if specialty:
        qs = qs.filter(specialties__code__startswith=specialty.upper()).distinct()
    if status:
        qs = qs.filter(status=status)
    if region:
        qs = qs.filter(area__startswith=region)
    return qs.order_by("ref")


def expert_get(ref: str) -> Expert:
    return Expert.objects.prefetch_related("specialties", "avoidances", "punishments", "unavailable").get(ref=ref)


def pool_stats() -> dict[str, Any]:
    by_status = dict(Expert.objects.values_list("status").annotate(n=Count("id")))
    return {"total": sum(by_status.values()), **{s: by_status.get(s, 0) for s in Expert.Status.values}}


def expert_of(user) -> Expert | None:
    if not user or not user.is_authenticated:
        return None
    return Expert.objects.filter(user=user).first()


def performance_of(expert: Expert) -> list[Member]:
    return list(Member.objects.filter(expert=expert, performance__isnull=False).select_related("draw", "performance").order_by("-draw__evaluation_start"))


# --------------------------------------------------------------------------- draws


def draw_get(draw_id: str) -> Draw:
    return Draw.objects.get(pk=draw_id)


def draw_list() -> QuerySet[Draw]:
    return Draw.objects.select_related("platform").annotate(n_members=Count("members")).order_by("-created_at")


def member_dict(m: Member) -> dict[str, Any]:
    return {
        "ref": m.expert.ref,
        "name": m.expert.name,
        "specialty": m.specialty,
        "employer": m.expert.company,
        "mobile": m.expert.phone,
        "status": m.status,
        "position": m.position,
        "candidate": m.candidate,
        "replaces": m.replaces.expert.ref if m.replaces_id else None,
        "reason": m.reason,
        "responded_at": m.responded_at,
    }


def draw_members(draw: Draw) -> list[Member]:
    return list(draw.members.select_related("expert", "replaces__expert").order_by("seq"))


def draw_dict(draw: Draw, *, proof_url: str = "") -> dict[str, Any]:
    """The requesting platform's view (item 2/3 of the interface): with the members' names and contacts."""
    return {
        "id": draw.id,
        "status": draw.status,
        "tender_code": draw.tender_code,
        "lot_code": draw.lot_code,
        "commitment": draw.commitment,
        "candidates_digest": draw.candidates_digest,
        "candidate_count": {s: len(ids) for s, ids in draw.candidates.items()},
        "proof_url": proof_url,
        "members": [member_dict(m) for m in draw_members(draw)] if draw.status != Draw.Status.COMMITTED else [],
    }


def proof(draw: Draw) -> dict[str, Any]:
    """The public proof (item 6): enough to recompute the draw with kernel.draw.verify once the seed is revealed."""
    members = draw_members(draw) if draw.status != Draw.Status.COMMITTED else []
    initial = [m for m in members if m.replaces_id is None]
    revealed = draw.status == Draw.Status.REVEALED
    by_pk = {m.pk: m for m in members}
    return {
        "id": draw.id,
        "algorithm": algo.ALGORITHM,
        "tender_code": draw.tender_code,
        "lot_code": draw.lot_code,
        "tender_name": draw.tender_name,
        "lot_name": draw.lot_name,
        "created_at": draw.created_at.isoformat(),
        "drawn_at": draw.drawn_at.isoformat() if draw.drawn_at else None,
        "revealed_at": draw.revealed_at.isoformat() if draw.revealed_at else None,
        "status": draw.status,
        "commitment": draw.commitment,
        "candidates_digest": draw.candidates_digest,
        "candidates": draw.candidates,
        "counts": draw.counts,
        "excluded": draw.excluded,
        "platform": draw.platform.code,
        "platform_nonce": draw.platform_nonce or None,
        "seed": draw.seed if revealed else None,
        "selected": [m.candidate for m in sorted(initial, key=lambda m: m.seq)],
        "replacements": [
            {"specialty": m.specialty, "replaced": by_pk[m.replaces_id].candidate if m.replaces_id in by_pk else None, "by": m.candidate, "skipped": m.skipped}
            for m in members
            if m.replaces_id is not None
        ],
        "committee": [{"candidate": m.candidate, "name": m.expert.name, "specialty": m.specialty} for m in members if m.status == Member.Status.CONFIRMED] if revealed else None,
    }


def committee_public(draw: Draw) -> list[dict[str, str]]:
    """The committee's names for the public: only after the result is published and the seed revealed (E133)."""
    if draw.status != Draw.Status.REVEALED:
        raise RuleViolation("E133", detail_zh="中标结果公布前评标委员会成员名单保密", detail_en="the committee stays confidential until the result is published")
    return [{"name": m.expert.name, "specialty": m.specialty, "specialty_name": specialties.path_label(m.specialty)} for m in draw_members(draw) if m.status == Member.Status.CONFIRMED]


def invitations(expert: Expert) -> list[Member]:
    return list(Member.objects.filter(expert=expert).select_related("draw").order_by("-draw__evaluation_start"))


def expert_claims(user) -> dict[str, str] | None:
    """The ``etender_expert`` claim of the hub's ID token for a user linked to an active or suspended expert record."""
    expert = expert_of(user)
    if expert is None or expert.status == Expert.Status.RETIRED:
        return None
    return {"ref": expert.ref, "name": expert.name}
