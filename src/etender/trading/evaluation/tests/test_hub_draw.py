"""The committee's experts drawn by the real hub (its own process and database): commitment, platform nonce,
confirmations, a replacement, the reveal, and the public proof that ``etender verify-draw`` recomputes."""

from __future__ import annotations

import json
import secrets
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from etender.kernel import clock, draw
from etender.kernel.errors import RuleViolation
from etender.kernel.livetest import LiveService
from etender.kernel.signing import platform_signer
from etender.trading.evaluation import hub_client, services
from etender.trading.evaluation import testing as ev
from etender.trading.evaluation.models import CommitteeStatus, Seat

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hub(tmp_path, settings):
    h = LiveService("hub", tmp_path, name="hub-experts")
    h.start()
    status, body = h.post("/api/exchange/v1/platforms", {"code": settings.ETENDER_PLATFORM_CODE, "name": "之江电子招标投标交易平台", "kind": "trading", "public_key": platform_signer().public_info()["public_key"]})
    assert status == 201, body
    h.manage("platform_status", settings.ETENDER_PLATFORM_CODE, "active")
    h.manage("seed_experts_demo")
    settings.ETENDER_HUB_URL = h.url
    yield h
    h.close()


def committee_for(tenderer, lot, code: str, count: int, reps=()):
    return services.committee_create(actor=tenderer.actor, entity=tenderer.entity, lot=lot, specialties=[{"code": code, "count": count}], representatives=[u.username for u in reps], evaluation_start=clock.now() + timedelta(hours=2), evaluation_place="杭州市公共资源交易中心（在线评标室）", duration_hours=4, method="comprehensive")


def test_draw_through_the_hub(hub, tenderer, lot, frozen_clock):
    frozen_clock.set(datetime.now(UTC))  # the hub runs on the real clock: the evaluation must lie ahead of it
    rep = ev.representative(tenderer)
    committee = committee_for(tenderer, lot, "A01", 4, reps=[rep])
    committee = services.draw_request(actor=tenderer.actor, entity=tenderer.entity, committee=committee)
    assert committee.status == CommitteeStatus.COMMITTED and len(committee.draw_commitment) == 64
    assert not committee.seats.filter(kind=Seat.Kind.EXPERT).exists()  # nothing drawn before the commitment is shown
    committee = services.draw_execute(actor=tenderer.actor, entity=tenderer.entity, committee=committee)
    experts = list(committee.seats.filter(kind=Seat.Kind.EXPERT).order_by("position"))
    assert len(experts) == 4 and all(s.specialty.startswith("A01") and s.name and s.expert_ref for s in experts)
    assert committee.seats.get(kind=Seat.Kind.REPRESENTATIVE).position == 5
    # E130: a made draw is never made again with another nonce.
    with pytest.raises(RuleViolation) as exc:
        hub_client.draw_execute(committee.draw_id, secrets.token_hex(32))
    assert exc.value.code == "E130"

    # Experts sign in here (their hub accounts carry the expert ref): three confirm, one declines and is replaced.
    users = ev.expert_users(5, prefix="hubexp")
    for user, seat in zip(users, experts):
        services.expert_link(actor=ev.actor_of(user), user=user, expert_ref=seat.expert_ref, name=seat.name)
    for user in users[:3]:
        services.seat_confirm(actor=ev.actor_of(user), user=user, committee=committee, confirmed=True)
    services.seat_confirm(actor=ev.actor_of(users[3]), user=users[3], committee=committee, confirmed=False, reason="当天出差")
    committee = services.draw_refresh(actor=tenderer.actor, committee=committee)
    statuses = {s.expert_ref: s.status for s in committee.seats.filter(kind=Seat.Kind.EXPERT)}
    assert list(statuses.values()).count(Seat.Status.CONFIRMED) == 3 and statuses[experts[3].expert_ref] == Seat.Status.DECLINED
    new = services.seat_replace(actor=tenderer.actor, entity=tenderer.entity, committee=committee, seat=experts[3], reason="专家因出差不能参加")
    assert new.expert_ref not in statuses and new.specialty.startswith("A01")
    old = Seat.objects.get(pk=experts[3].pk)
    assert old.status == Seat.Status.REPLACED and old.replaced_by_id == new.pk

    proof = json.loads(urllib.request.urlopen(f"{hub.url}/api/experts/v1/draws/{committee.draw_id}/proof").read())
    assert proof["commitment"] == committee.draw_commitment and proof["platform_nonce"] == committee.draw_platform_nonce
    published = json.dumps(proof, ensure_ascii=False)
    assert proof["seed"] is None and not any(s.name in published or s.expert_ref in published for s in experts)  # E133
    hub_client.reveal_draw(committee)
    committee.refresh_from_db()
    assert committee.revealed_at is not None
    proof = json.loads(urllib.request.urlopen(f"{hub.url}/api/experts/v1/draws/{committee.draw_id}/proof").read())
    report = draw.verify(proof)
    assert report.ok and not report.pending, report.problems
    assert draw.verify({**proof, "seed": secrets.token_hex(32)}).ok is False


def test_too_few_candidates_refused_by_the_hub(hub, tenderer, lot, frozen_clock):
    frozen_clock.set(datetime.now(UTC))
    committee = committee_for(tenderer, lot, "C0601", 5)  # the demo pool has 2 such experts
    with pytest.raises(RuleViolation) as exc:
        services.draw_request(actor=tenderer.actor, entity=tenderer.entity, committee=committee)
    assert exc.value.code == "E060"
    committee.refresh_from_db()
    assert committee.status == CommitteeStatus.DRAFT and not committee.draw_id
