"""The HTTP API: the whole path through JSON, and bad input always gets a coded error, never a 5xx."""

from __future__ import annotations

import base64
import json

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etender.kernel.web.models import ApiToken
from etender.trading import chronograph, testing
from etender.trading.tenders.models import Tender

pytestmark = pytest.mark.django_db


def client_for(party) -> Client:
    _, key = ApiToken.issue(user=party.user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def tender_payload(project_id: int, now) -> dict:
    d = testing.tender_data(now)
    lots = [testing.lot_data(1), testing.lot_data(2, classification="A05", bid_security="100000")]
    return {
        **{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in d.items()},
        "project_id": project_id,
        "lots": [{k: str(v) if not isinstance(v, int) else v for k, v in lot.items()} for lot in lots],
    }


def test_full_path_through_the_api(frozen_clock, bidders):
    anon = Client()
    code = testing.new_code()
    r = anon.post("/api/entities", {"credit_code": code, "name": "杭州市拱墅区建设中心", "roles": ["tenderer"], "legal_representative": "赵六", "region_code": "330105", "contact_name": "钱七", "contact_phone": "0571-1", "address": "杭州市拱墅区湖墅南路1号", "email": "gongshu@example.cn", "username": "gongshu", "password": "Gongshu-2026!"}, content_type="application/json")
    assert r.status_code == 201, r.content
    tenderer = testing.Party(entity=__import__("etender.trading.accounts.models", fromlist=["Entity"]).Entity.objects.get(credit_code=code), actor=None)
    c = client_for(tenderer)
    r = c.post("/api/projects", testing.PROJECT_DATA | {"region_code": "330105"}, content_type="application/json")
    assert r.status_code == 201, r.content
    project_id = r.json()["id"]
    r = c.post("/api/tenders", tender_payload(project_id, frozen_clock.now()), content_type="application/json")
    assert r.status_code == 201, r.content
    tender = r.json()
    assert len(tender["lots"]) == 2 and tender["status"] == "draft"
    assert anon.get(f"/api/tenders/{tender['id']}").json()["code"] == "E005"  # drafts are not public
    assert c.get(f"/api/tenders/{tender['id']}").json()["status"] == "draft"  # but the owner sees it with a token
    r = c.post(f"/api/tenders/{tender['id']}/publish")
    assert r.status_code == 422 and r.json()["code"] == "E001"  # documents first
    r = c.post(f"/api/tenders/{tender['id']}/documents", {"file": testing.upload("招标文件正文".encode(), "招标文件.txt")})
    assert r.status_code == 201 and len(r.json()["sha256"]) == 64
    r = c.post(f"/api/tenders/{tender['id']}/publish")
    assert r.status_code == 200 and r.json()["status"] == "tendering"
    assert any(t["id"] == tender["id"] for t in anon.get("/api/tenders").json())

    lot_id = tender["lots"][0]["id"]
    t = Tender.objects.get(pk=tender["id"])
    lot = t.lots.get(pk=lot_id)
    deks = {}
    for party in bidders[:3]:
        bc = client_for(party)
        doc_id = tender["documents"][0]["id"] if tender["documents"] else t.documents.first().pk
        assert bc.get(f"/api/tenders/{t.pk}/documents/{doc_id}").status_code == 200
        data, dek = testing.seal_bid(party, lot)
        r = bc.post(f"/api/lots/{lot_id}/envelopes", {"file": testing.upload(data)})
        assert r.status_code == 201 and r.json()["committed"] is False
        r = bc.post(f"/api/envelopes/{r.json()['envelope_id']}/commit")
        assert r.status_code == 200 and r.json()["receipt"]["lot"] == lot.code
        deks[party.entity.pk] = (bc, r.json()["bid_id"], dek)
    assert client_for(bidders[0]).get(f"/api/tenders/{t.pk}/downloaders").json()["code"] == "E117"
    assert c.get(f"/api/tenders/{t.pk}/downloaders").status_code == 200
    bc, bid_id, dek = deks[bidders[0].entity.pk]
    r = bc.post(f"/api/bids/{bid_id}/decrypt", {"dek": base64.b64encode(dek).decode()}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "E122"
    assert anon.get(f"/api/lots/{lot_id}/opening-record").json()["code"] == "E128"

    frozen_clock.set(t.bid_deadline)
    chronograph.tick()
    for bc, bid_id, dek in deks.values():
        r = bc.post(f"/api/bids/{bid_id}/decrypt", {"dek": dek.hex()}, content_type="application/json")
        assert r.status_code == 200 and r.json()["status"] == "opened", r.content
    r = anon.get(f"/api/lots/{lot_id}/opening-record")
    assert r.status_code == 200 and len(r.json()["document"]["rows"]) == 3
    key = anon.get("/api/platform/keys").json()
    from etender.kernel.signing import verify

    assert verify(r.json()["document"], r.json()["signature"], key["public_key"])


BAD_REQUESTS = [
    ("post", "/api/entities", "{not json"),
    ("post", "/api/entities", json.dumps({"credit_code": "123"})),
    ("post", "/api/entities", json.dumps({"credit_code": "91330106MA2CCCCC0X", "name": "x", "roles": ["bidder"], "legal_representative": "a", "region_code": "330106", "contact_name": "b", "contact_phone": "c", "username": "u-bad", "password": "Strong-Pass-2026"})),
    ("post", "/api/entities", json.dumps({"credit_code": "x" * 100000})),
    ("get", "/api/tenders/999999", None),
    ("get", "/api/tenders/abc", None),
    ("get", "/api/lots/999999/opening-record", None),
    ("post", "/api/projects", json.dumps({})),
    ("get", "/api/tenders?limit=-5&offset=-1", None),
]


@pytest.mark.parametrize("method,path,body", BAD_REQUESTS)
def test_bad_input_gets_a_coded_error(method, path, body, frozen_clock):
    c = Client()
    r = getattr(c, method)(path, body, content_type="application/json") if body is not None else getattr(c, method)(path)
    assert r.status_code < 500
    if r.status_code >= 400:
        payload = r.json()
        assert payload["code"][0] in "EW" and payload["message_zh"] and payload["message_en"]


def test_authenticated_bad_tender_input(tenderer, frozen_clock):
    c = client_for(tenderer)
    project = c.post("/api/projects", testing.PROJECT_DATA, content_type="application/json").json()
    payload = tender_payload(project["id"], frozen_clock.now())
    cases = [
        ({"bid_deadline": "2026-02-30T09:00:00"}, "E001"),
        ({"lots": []}, "E001"),
        ({"lots": [{**payload["lots"][0], "classification": "Z99"}]}, "E010"),
        ({"lots": [{**payload["lots"][0], "estimated_price": "-1"}]}, "E001"),
        ({"lots": [{**payload["lots"][0], "min_price": "100"}]}, "E114"),
        ({"download_preconditions": ["fee"]}, "E116"),
        ({"bid_validity_days": None}, "E111"),
    ]
    before = Tender.objects.count()
    for change, code in cases:
        r = c.post("/api/tenders", {**payload, **change}, content_type="application/json")
        assert r.status_code in (409, 422), (change, r.status_code, r.content)
        body = r.json()
        assert code in [e["code"] for e in body["errors"]] or body["code"] == code, (change, body)
    assert Tender.objects.count() == before


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30), lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=12), c, max_size=6), max_leaves=20))
def test_fuzzed_json_never_causes_a_server_error(body, frozen_clock):
    c = Client()
    for path in ("/api/entities", "/api/projects", "/api/tenders"):
        r = c.post(path, json.dumps(body), content_type="application/json")
        assert r.status_code < 500, (path, body, r.content[:300])
