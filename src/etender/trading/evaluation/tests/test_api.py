"""The evaluation through the HTTP API: coded errors, confidentiality, the whole room."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from etender.kernel import clock
from etender.kernel.web.models import ApiToken
from etender.trading.evaluation.models import Seat

pytestmark = pytest.mark.django_db


def client(user) -> Client:
    _, key = ApiToken.issue(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def payload(experts: list, reps: list, **kw) -> dict:
    return {
        "specialties": [{"code": "A08", "count": len(experts)}],
        "representatives": [u.username for u in reps],
        "evaluation_start": (clock.now() + timedelta(minutes=30)).isoformat(),
        "evaluation_place": "杭州市公共资源交易中心（在线评标室）",
        "duration_hours": 4,
        "method": "comprehensive",
        "draw_mode": "special",
        "special_reason": "技术复杂、专业性强的特殊项目，经批准直接确定评标专家（条例第47条）",
        **kw,
    }


def test_committee_and_room_through_the_api(tenderer, lot, members, bidders):
    experts, reps = members
    t = client(tenderer.user)
    r = t.post(f"/api/lots/{lot.pk}/committee", payload(experts[:3], reps), content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "E129"  # 3 experts + 1 = 4 members
    r = t.post(f"/api/lots/{lot.pk}/committee", {**payload(experts, reps), "duration_hours": "x"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "E001"
    r = t.post(f"/api/lots/{lot.pk}/committee", payload(experts, reps), content_type="application/json")
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    r = t.post(f"/api/committees/{cid}/appoint", {"experts": [{"username": u.username, "specialty": "A08"} for u in experts]}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "drawn"
    b = client(bidders[0].user)
    r = b.get(f"/api/committees/{cid}/members")
    assert r.status_code == 403 and r.json()["code"] == "E133"
    assert {m["name"] for m in t.get(f"/api/committees/{cid}/members").json()} >= {"张建国"}
    e = [client(u) for u in experts]
    for c in e:
        assert c.post(f"/api/committees/{cid}/confirm", {"confirmed": True}, content_type="application/json").status_code == 200
    r = e[0].post(f"/api/committees/{cid}/begin")
    assert r.status_code == 403  # nobody is chair yet and e[0] is not the tenderer
    r = t.post(f"/api/committees/{cid}/begin")
    assert r.status_code == 409 and r.json()["code"] == "E070"
    for u, c in zip(experts + reps, e + [client(reps[0])]):
        assert c.post(f"/api/committees/{cid}/check-in").status_code == 200
    chair = Seat.objects.get(committee_id=cid, position=1)
    assert e[1].post(f"/api/committees/{cid}/chair", {"seat_id": chair.pk}, content_type="application/json").status_code == 200
    r = e[0].post(f"/api/committees/{cid}/begin")
    assert r.status_code == 200 and [w["code"] for w in r.json()["warnings"]] == ["W137"]
    rows = e[1].get(f"/api/committees/{cid}/bids").json()
    assert len(rows) == 4 and sum(1 for x in rows if x["abnormally_low"]) == 1
    assert b.get(f"/api/committees/{cid}/bids").json()["code"] == "E006"
    low = next(x for x in rows if x["abnormally_low"])
    r = e[0].post(f"/api/committees/{cid}/bids/{low['id']}/reject", {"item": 5, "reason": "低于成本"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "E071"
    r = e[0].post(f"/api/committees/{cid}/bids/{low['id']}/reject", {"reason": "低于成本"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "E136"
    lb = client(next(p for p in bidders if p.entity.credit_code == low["bidder_code"]).user)
    mine = lb.get("/api/clarifications/mine").json()
    assert len(mine) == 1
    r = lb.post(f"/api/clarifications/{mine[0]['id']}/answer", {"answer": "降价", "new_price": "8000000.00"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "E138"
    assert lb.post(f"/api/clarifications/{mine[0]['id']}/answer", {"answer": "成本构成说明见附表。"}, content_type="application/json").status_code == 200
    assert e[0].post(f"/api/committees/{cid}/bids/{low['id']}/low-price", {"accepted": True, "reason": "说明合理"}, content_type="application/json").status_code == 200
    r = e[1].put(f"/api/committees/{cid}/sheet", {"scores": {str(rows[0]["id"]): {"technical": "45", "commercial": "10"}}}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "E072"
    everyone = e + [client(reps[0])]
    for c in everyone:
        r = c.put(f"/api/committees/{cid}/sheet", {"scores": {str(x["id"]): {"technical": "32", "commercial": "16"} for x in rows}}, content_type="application/json")
        assert r.status_code == 200
        assert len(c.get(f"/api/committees/{cid}/sheets").json()) == 1  # only one's own before signing
        assert c.post(f"/api/committees/{cid}/sheet/sign").status_code == 200
    assert len(everyone[-1].get(f"/api/committees/{cid}/sheets").json()) == 5
    r = e[0].post(f"/api/committees/{cid}/report")
    assert r.status_code == 200 and len(r.json()["content"]["candidates"]) == 3
    for c in everyone:
        assert c.post(f"/api/committees/{cid}/report/sign", {"agrees": True}, content_type="application/json").status_code == 200
    r = e[0].post(f"/api/committees/{cid}/report/submit")
    assert r.status_code == 200 and r.json()["submitted_at"]
    r = t.get(f"/api/committees/{cid}/report.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert b.get(f"/api/committees/{cid}/report.pdf").status_code == 403


def test_methods_listed():
    keys = {m["key"] for m in Client().get("/api/evaluation/methods").json()}
    assert {"comprehensive", "lowest_price"} <= keys
