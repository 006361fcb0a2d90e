"""Entity look-up for platforms: public fields for anyone, contacts only for registered platforms and hub staff."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.contrib.auth import get_user_model
from django.test import Client

from etender.hub.identity import services
from etender.kernel import clock

from .conftest import ACTOR, PASSWORD, admin_actor, registration

pytestmark = pytest.mark.django_db

SECRET = "platform-secret-" + "q" * 24


def basic(client_id: str, secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


@pytest.fixture
def entity(registered):
    ent, user = registered
    actor = admin_actor(user, ent)
    services.qualification_add(actor=actor, entity=ent, name="建筑工程施工总承包", number="D233000001", issuer="浙江省住房和城乡建设厅", level="一级")
    key = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    services.certificate_add(actor=actor, entity=ent, ca_name="浙江CA", algorithm="Ed25519", key_text=key, serial="ZJ-9", valid_until=clock.now() + timedelta(days=90))
    return ent


def test_public_look_up_without_contacts(entity):
    r = Client().get(f"/api/identity/v1/entities/{entity.credit_code}")
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == entity.name and body["verified"] is False and body["roles"] == ["bidder"]
    assert body["region_name"] == "浙江省杭州市西湖区"
    assert body["qualifications"][0]["number"] == "D233000001"
    cert = body["certificates"][0]
    assert cert["ca_name"] == "浙江CA" and cert["algorithm"] == "Ed25519" and cert["public_key"].startswith("-----BEGIN PUBLIC KEY-----")
    assert body["contacts"] is None and body.get("email") is None
    assert "0571-87654321" not in r.content.decode()


def test_registered_platforms_and_hub_staff_see_contacts(entity):
    services.oidc_client_register(actor=ACTOR, client_id="trading-a", name="之江", redirect_uris=["http://a.example/sso/callback/"], secret=SECRET)
    r = Client().get(f"/api/identity/v1/entities/{entity.credit_code}", **basic("trading-a", SECRET))
    assert r.status_code == 200 and r.json()["contacts"] == [{"name": "李四", "title": "", "phone": "0571-87654321", "email": "office1@example.cn"}]
    r = Client().get(f"/api/identity/v1/entities/{entity.credit_code}", **basic("trading-a", "wrong-secret-xxxxxxxxxxxx"))
    assert r.status_code == 200 and r.json()["contacts"] is None
    get_user_model().objects.create_user("hubstaff", password=PASSWORD, is_staff=True)
    staff = Client()
    staff.login(username="hubstaff", password=PASSWORD)
    assert staff.get(f"/api/identity/v1/entities/{entity.credit_code}").json()["contacts"]
    # an entity's own user is not a platform: no contacts of others through the API
    other = Client()
    other.login(username="user1", password=PASSWORD)
    assert other.get(f"/api/identity/v1/entities/{entity.credit_code}").json()["contacts"] is None


def test_look_up_errors_are_coded(db):
    r = Client().get("/api/identity/v1/entities/91330106MA2000001X")
    assert r.status_code == 422 and r.json()["code"] == "E002"
    from etender.kernel.codes import make_uscc

    r = Client().get(f"/api/identity/v1/entities/{make_uscc('91330106MA2999999')}")
    assert r.status_code == 404 and r.json()["code"] == "E005"


def test_search_by_name_prefix(entity):
    services.entity_register(actor=ACTOR, **registration(2, name="杭州另一家公司"))
    r = Client().get("/api/identity/v1/entities", {"name": "浙江测试"})
    assert r.status_code == 200 and r.json() == {"count": 1, "results": [{"credit_code": entity.credit_code, "name": entity.name, "roles": ["bidder"], "region_code": "330106", "region_name": "浙江省杭州市西湖区", "status": "pending", "verified": False}]}
    assert Client().get("/api/identity/v1/entities", {"name": "杭州"}).json()["count"] == 1
    for bad in ({"name": " "}, {"name": "a\x00"}, {"name": "浙江", "limit": 0}, {"name": "浙江", "limit": 51}, {}):
        r = Client().get("/api/identity/v1/entities", bad)
        assert r.status_code == 422 and r.json()["code"] == "E001", bad
