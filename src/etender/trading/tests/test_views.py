"""The web UI shows the same codes and Chinese messages as the API, and the pages render in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from etender.kernel.calendar import TZ
from etender.trading import chronograph, testing

pytestmark = pytest.mark.django_db


def signed_in(party, lang="zh-hans") -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    assert c.login(username=party.user.username, password=testing.PASSWORD)
    return c


def local(dt):
    return dt.astimezone(TZ).strftime("%Y-%m-%dT%H:%M")


def test_tender_form_shows_rule_codes_in_chinese(tenderer, frozen_clock):
    c = signed_in(tenderer)
    r = c.post("/projects/new/", {**testing.PROJECT_DATA, "fund_source": "1"}, follow=True)
    assert r.status_code == 200
    project = tenderer.entity.projects.get()
    d = testing.tender_data(frozen_clock.now())
    form = {k: (local(v) if hasattr(v, "astimezone") else v) for k, v in d.items()}
    form.update({"decrypt_minutes": 60, "evaluation_method": "综合评估法", "is_to_law": "on", "state_funded": "on", "lots-TOTAL_FORMS": 1, "lots-INITIAL_FORMS": 0, "lots-MIN_NUM_FORMS": 1, "lots-MAX_NUM_FORMS": 50})
    lot = testing.lot_data(1, bid_security="300000")
    form.update({f"lots-0-{k}": v for k, v in lot.items()})
    form["bid_deadline"] = local(frozen_clock.now() + timedelta(days=10))
    r = c.post(f"/projects/{project.pk}/tenders/new/", form)
    html = r.content.decode()
    assert r.status_code == 200
    assert "E112 投标保证金超过估算价2%" in html
    assert "E101 投标截止距招标文件开始发出不足20日" in html
    assert project.tenders.count() == 0


def test_bid_form_refuses_unsealed_files_e120(tender, bidders):
    lot = tender.lots.get(number=1)
    c = signed_in(bidders[0])
    r = c.post(f"/lots/{lot.pk}/bid/", {"file": testing.upload(b"plain text bid", "bid.pdf")})
    assert "E120 投标文件未按规定加密，拒收" in r.content.decode()
    c_en = signed_in(bidders[0], "en")
    r = c_en.post(f"/lots/{lot.pk}/bid/", {"file": testing.upload(b"plain text bid", "bid.pdf")})
    assert "E120 The bid is not sealed" in r.content.decode()


def test_bid_page_flow_and_e121(tender, bidders, frozen_clock):
    lot = tender.lots.get(number=1)
    c = signed_in(bidders[0])
    data, _ = testing.seal_bid(bidders[0], lot)
    r = c.post(f"/lots/{lot.pk}/bid/", {"file": testing.upload(data)}, follow=True)
    assert 'id="receipt"' in r.content.decode()
    frozen_clock.set(tender.bid_deadline + timedelta(seconds=1))
    data2, _ = testing.seal_bid(bidders[1], lot)
    r = signed_in(bidders[1]).post(f"/lots/{lot.pk}/bid/", {"file": testing.upload(data2)})
    assert r.status_code == 200
    assert "submit-bid" not in r.content.decode()  # the form is gone after the deadline


def test_downloaders_page_is_refused_to_bidders_e117(tender, bidders, tenderer):
    r = signed_in(bidders[0]).get(f"/tenders/{tender.pk}/downloaders/")
    assert r.status_code == 403 and "E117" in r.content.decode()
    assert signed_in(tenderer).get(f"/tenders/{tender.pk}/downloaders/").status_code == 200


@pytest.mark.parametrize("lang,text", [("zh-hans", "招标公告"), ("en", "Tender announcements")])
def test_public_pages_in_both_languages(tender, lang, text):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    r = c.get("/")
    assert r.status_code == 200 and text in r.content.decode()
    r = c.get(f"/tenders/{tender.pk}/")
    assert r.status_code == 200 and tender.name in r.content.decode()
    assert c.get("/tenders/999999/").status_code == 404
    for path in ("/login/", "/register/", "/healthz", "/api/openapi.json"):
        assert c.get(path).status_code == 200, path


def test_opening_pages(tender, bidders, tenderer, frozen_clock):
    lot = tender.lots.get(number=1)
    deks = []
    for party in bidders[:3]:
        data, dek = testing.seal_bid(party, lot)
        signed_in(party).post(f"/lots/{lot.pk}/bid/", {"file": testing.upload(data)})
        deks.append((party, dek))
    outsider = bidders[3]
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    assert signed_in(outsider).get(f"/lots/{lot.pk}/opening/").status_code == 403
    assert signed_in(tenderer).get(f"/lots/{lot.pk}/opening/live/").status_code == 200
    import base64

    for party, dek in deks:
        r = signed_in(party).post(f"/lots/{lot.pk}/opening/", {"dek": base64.b64encode(dek).decode()}, follow=True)
        assert r.status_code == 200
    r = Client().get(f"/lots/{lot.pk}/record/")
    assert r.status_code == 200 and 'id="record-table"' in r.content.decode()
    assert "11,000,000.00" in r.content.decode()


def test_custodians_assigned_through_the_draft_page(tenderer, frozen_clock):
    from etender.trading.tenders.models import Custodian

    tender = testing.published_tender(tenderer, lots=1, publish=False)
    users = testing.custodian_users(tenderer, ("tenderer", "operator", "independent"), prefix="ui-cust")
    c = signed_in(tenderer)
    form = {"suite": "gm", "threshold": 2}
    for i, (role, u) in enumerate(zip(("tenderer", "operator", "independent"), users), start=1):
        form[f"role_{i}"] = role
        form[f"username_{i}"] = u.username
    r = c.post(f"/tenders/{tender.pk}/custodians/", form, follow=True)
    assert r.status_code == 200
    assert Custodian.objects.filter(tender=tender).count() == 3
    tender.refresh_from_db()
    assert tender.suite == "gm" and tender.threshold == 2
    r = c.post(f"/tenders/{tender.pk}/publish/", follow=True)
    assert "E007" in r.content.decode()  # keys are missing
    cust = Client()
    assert cust.login(username=users[0].username, password=testing.PASSWORD)
    page = cust.get("/custodian/").content.decode()
    assert tender.code in page
