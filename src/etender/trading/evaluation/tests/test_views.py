"""The pages: who may open them (E006, E133, E135) and that every stage renders in Chinese and English."""

from __future__ import annotations

import pytest
from django.test import Client

from etender.trading import testing
from etender.trading.evaluation import services
from etender.trading.evaluation import testing as ev
from etender.trading.evaluation.models import Committee

pytestmark = pytest.mark.django_db


def login(user, lang="zh-hans") -> Client:
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = lang
    return c


def test_pages_by_stage_and_viewer(tenderer, lot, members, bidders):
    experts, reps = members
    t = login(tenderer.user)
    page = t.get(f"/lots/{lot.pk}/committee/").content.decode()
    assert "确定评标委员会组成" in page and "王代表" in page
    assert "Set the committee" in login(tenderer.user, "en").get(f"/lots/{lot.pk}/committee/").content.decode()
    r = t.post(f"/lots/{lot.pk}/committee/", {"action": "create", "specialty_code": ["A08"], "specialty_count": ["2"], "evaluation_start": "2026-03-27T09:30", "evaluation_place": "在线", "duration_hours": "4", "method": "comprehensive", "draw_mode": "random"}, follow=True)
    assert "E129" in r.content.decode() and not Committee.objects.exists()
    committee = ev.special_committee(tenderer, lot, experts, reps)
    assert "张建国" in t.get(f"/lots/{lot.pk}/committee/").content.decode()
    bidder = login(bidders[0].user)
    r = bidder.get(f"/lots/{lot.pk}/committee/")
    assert r.status_code == 403 and "E133" in r.content.decode()
    assert bidder.get(f"/evaluation/{committee.pk}/room/").status_code == 403
    e = login(experts[0])
    assert "我的评标" in e.get("/evaluation/").content.decode()
    assert "确认参加" in e.get(f"/evaluation/{committee.pk}/room/").content.decode()
    staff = testing.custodian_user("op-staff", staff=True)
    page = login(staff).get(f"/lots/{lot.pk}/committee/").content.decode()
    assert "评委A" in page and "张建国" not in page  # the operator's staff see pseudonyms
    ev.ready_committee(committee, experts + reps)
    page = e.get(f"/evaluation/{committee.pk}/room/").content.decode()
    assert "W137" in page and "宁波甬城建设有限公司" in page
    spare = ev.expert_users(1, prefix="spare")[0]
    seat = committee.seats.get(user=experts[3])
    services.seat_replace(actor=tenderer.actor, entity=tenderer.entity, committee=committee, seat=seat, reason="回避", new_username=spare.username)
    r = login(experts[3]).get(f"/evaluation/{committee.pk}/room/")
    assert r.status_code == 409 and "E135" in r.content.decode()
    low = login(bidders[3].user).get("/evaluation/clarifications/").content.decode()
    assert "W137" in low and "投标报价（不得改变）" in low
    r = login(bidders[3].user).post("/evaluation/clarifications/", {"clarification": committee.clarifications.get().pk, "answer": "说明", "new_price": "1.00"}, follow=True)
    assert "E138" in r.content.decode()
