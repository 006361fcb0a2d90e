"""The award API over HTTP (Django test client, token-less session auth), coded errors in the body."""

from __future__ import annotations

import pytest
from django.test import Client

from etender.kernel import clock
from etender.trading import testing
from etender.trading.award import chronograph, services
from etender.trading.award.models import Publicity

from .conftest import candidate_details, report_of

pytestmark = pytest.mark.django_db


def login(party) -> Client:
    c = Client()
    assert c.login(username=party.actor.username, password=testing.PASSWORD)
    return c


def test_api_flow_and_coded_errors(lot, tenderer, bidders, frozen_clock):
    t = login(tenderer)
    r = t.post(f"/api/lots/{lot.pk}/publicity", {"candidates": candidate_details()}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "E078"
    services.publicity_publish(actor=tenderer.actor, acting_entity=tenderer.entity, lot=lot, candidates=candidate_details(), report=report_of(lot, clock.now()))
    p = Publicity.objects.get(lot=lot)
    public = Client().get(f"/api/publicities/{p.pk}").json()
    assert public["candidates"][0]["project_manager"] == "项目经理1" and "pm_id_number" not in public["candidates"][0]
    loser = login(bidders[3])
    r = loser.post(f"/api/publicities/{p.pk}/objections", {"content": "评分有误"}, content_type="application/json")
    assert r.status_code == 201
    r = t.post(f"/api/lots/{lot.pk}/award", {"rank": 1}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "E075"
    r = t.post(f"/api/award-objections/{r.json() and p.objections.get().pk}/answer", {"answer": "评分无误"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "answered"
    assert loser.get(f"/api/lots/{lot.pk}/award").json()["objections"][0]["answer"] == "评分无误"
    frozen_clock.set(Publicity.objects.get(pk=p.pk).end_at)
    chronograph.tick()
    r = t.post(f"/api/lots/{lot.pk}/award", {"rank": 2}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "E142"
    award = t.post(f"/api/lots/{lot.pk}/award", {"rank": 1}, content_type="application/json").json()
    r = t.post(f"/api/awards/{award['id']}/notices", {"recipients": []}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "E144"
    notices = t.post(f"/api/awards/{award['id']}/notices", {}, content_type="application/json").json()
    assert len(notices) == 4
    mine = [n for n in notices if n["to"] == bidders[3].entity.name][0]
    assert loser.get(mine["pdf_url"]).content[:5] == b"%PDF-"
    other = [n for n in notices if n["to"] != bidders[3].entity.name][0]
    assert loser.get(other["pdf_url"]).json()["code"] == "E006"
    r = t.post(f"/api/awards/{award['id']}/contract", {"price": "1", "duration_days": 300, "quality": "合格", "scope": lot.content}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "E145"
    archive = t.get(f"/api/tenders/{lot.tender_id}/archive").json()
    assert archive and all(i["verified"] for i in archive)
    assert loser.get(f"/api/tenders/{lot.tender_id}/archive").status_code == 403
