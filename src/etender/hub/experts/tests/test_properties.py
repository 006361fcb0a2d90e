"""Hypothesis over the real services: whatever the pool, the parties and the events, no drawn or replacement member
ever violates an avoidance rule, counts per specialty are honoured, and every draw is reproducible from its proof."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etender.hub.experts import selectors, services
from etender.hub.experts.models import Avoidance, Draw, Expert, Member
from etender.kernel import clock
from etender.kernel import draw as algo
from etender.kernel.errors import RuleViolation, RuleViolations

from .factories import ADMIN, EMPLOYERS, draw_payload, make_expert, make_platform

SPECS = ["A010101", "A010201", "C0201"]
WANTED = ["A01", "A0101", "C02", "A010201"]

expert_st = st.fixed_dictionaries({
    "spec": st.sampled_from(SPECS),
    "second": st.sampled_from([None, *SPECS]),
    "employer": st.integers(0, 7),
    "declared": st.sampled_from([None, 0, 1, 2, 3]),
    "punished": st.booleans(),
    "status": st.sampled_from(["active", "active", "active", "suspended"]),
    "away": st.booleans(),
})
scenario = st.fixed_dictionaries({
    "experts": st.lists(expert_st, min_size=4, max_size=18),
    "parties": st.sets(st.integers(0, 7), max_size=3),
    "wanted": st.dictionaries(st.sampled_from(WANTED), st.integers(1, 3), min_size=1, max_size=2),
    "dept": st.sampled_from([None, 4, 5]),
    "replace": st.lists(st.integers(0, 10), max_size=4),
    "later_declared": st.lists(st.integers(0, 17), max_size=3),
})


def violates(expert: Expert, draw: Draw) -> bool:
    """An independent statement of the avoidance rules (not the service's own function)."""
    start = draw.evaluation_start
    end = start + timedelta(hours=draw.duration_hours)
    avoid_codes = set(draw.avoid["entity_codes"]) | {draw.avoid["supervise_dept_code"]} - {""}
    return (
        expert.status != "active"
        or expert.work_year < 8
        or expert.title_level not in ("full_senior", "senior", "equivalent")
        or expert.company_code in avoid_codes
        or any(a.entity_code in avoid_codes for a in expert.avoidances.all())
        or any(p.effective_until is None or p.effective_until >= start.date() for p in expert.punishments.all())
        or any(u.starts_at < end and u.ends_at > start for u in expert.unavailable.all())
    )


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(s=scenario)
def test_no_committee_member_ever_violates_avoidance_and_draws_are_reproducible(s):
    Member.objects.update(replaces=None)  # hypothesis runs many examples in one test transaction
    Member.objects.all().delete()
    Draw.objects.all().delete()
    Expert.objects.all().delete()
    from etender.hub.exchange.models import Platform

    Platform.objects.filter(kind="trading").delete()
    platform, _ = make_platform()
    start = clock.now() + timedelta(days=2)
    experts = []
    for i, e in enumerate(s["experts"]):
        specs = [(e["spec"], True)] + ([(e["second"], False)] if e["second"] and e["second"] != e["spec"] else [])
        ex = make_expert(specs=specs, n=900 + i, company_code=EMPLOYERS[e["employer"]])
        if e["declared"] is not None:
            services.avoidance_add(actor=ADMIN, expert=ex, kind=Avoidance.Kind.INTEREST, entity_code=EMPLOYERS[e["declared"]])
        if e["punished"]:
            services.punishment_add(actor=ADMIN, expert=ex, decided_on=date(2025, 6, 1), authority="某局", description="违规", effective_until=None)
        if e["status"] != "active":
            services.expert_set_status(actor=ADMIN, expert=ex, status=e["status"])
        if e["away"]:
            services.unavailability_add(actor=ADMIN, expert=ex, starts_at=start + timedelta(hours=3), ends_at=start + timedelta(hours=30))
        experts.append(ex)
    p = draw_payload()
    avoid = {"entity_codes": [EMPLOYERS[i] for i in sorted(s["parties"])], "entity_names": [], "supervise_dept_code": EMPLOYERS[s["dept"]] if s["dept"] is not None else "", "supervise_dept_name": ""}
    wanted = [{"code": c, "count": n} for c, n in s["wanted"].items()]
    try:
        draw = services.draw_create(actor=ADMIN, platform=platform, tender_code=p["tender_code"], lot_code=p["lot_code"], evaluation_start=start, duration_hours=8, specialties_wanted=wanted, avoid=avoid)
    except (RuleViolation, RuleViolations) as exc:
        assert {v.code for v in (exc.violations if isinstance(exc, RuleViolations) else [exc])} == {"E060"}
        return
    draw = services.draw_execute(actor=ADMIN, platform=platform, draw=draw, platform_nonce=secrets.token_hex(32))
    # Events after the draw: new declarations and replacements.
    for i in s["later_declared"]:
        if i < len(experts):
            services.avoidance_add(actor=ADMIN, expert=experts[i], kind=Avoidance.Kind.RELATIVE, entity_code=avoid["entity_codes"][0] if avoid["entity_codes"] else EMPLOYERS[7])
    for i in s["replace"]:
        current = list(draw.members.exclude(status="replaced").order_by("seq"))
        try:
            services.draw_replace(actor=ADMIN, platform=platform, draw=draw, ref=current[i % len(current)].expert.ref, reason="不能参加")
        except RuleViolation as exc:
            assert exc.code == "E065"
    draw.refresh_from_db()
    active = list(draw.members.exclude(status="replaced").select_related("expert"))
    # Counts per specialty honoured, nobody twice.
    got: dict[str, int] = {}
    for m in active:
        got[m.specialty] = got.get(m.specialty, 0) + 1
        assert any(sp.code.startswith(m.specialty) for sp in m.expert.specialties.all())
    assert got == draw.counts  # a replacement that finds nobody (E065) changes nothing
    assert len({m.expert_id for m in draw.members.all()}) == draw.members.count()
    # Avoidance: members drawn at the draw, and every replacement (checked at its own time), never violate it.
    for m in draw.members.select_related("expert"):
        e = Expert.objects.prefetch_related("avoidances", "punishments", "unavailable").get(pk=m.expert_id)
        if m.replaces_id is None and m.status != "replaced":
            assert not violates(e, draw) or e.avoidances.filter(declared_at__gt=draw.drawn_at).exists()
        if m.replaces_id is not None:
            assert not violates(e, draw) or e.avoidances.filter(declared_at__gt=m.notified_at).exists()
    # Reproducible from the proof.
    services.draw_reveal(actor=ADMIN, platform=platform, draw=draw)
    draw.refresh_from_db()
    report = algo.verify(selectors.proof(draw))
    assert report.ok and not report.pending, report.problems
