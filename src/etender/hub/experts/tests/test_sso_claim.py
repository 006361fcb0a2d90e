"""An expert's hub account signs in on a trading platform; the ID token and userinfo carry ``etender_expert``."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from jwcrypto import jwk, jwt

from etender.hub.experts import services
from etender.hub.identity import services as identity_services
from etender.hub.identity.tests.test_oidc import ISSUER, REDIRECT, SECRET, exchange, pkce, start

from .factories import ADMIN, make_expert

pytestmark = pytest.mark.django_db
PASSWORD = "Zx-2026-expert!"


@pytest.fixture
def client_app(db):
    return identity_services.oidc_client_register(actor=ADMIN, client_id="trading-a", name="之江电子招标投标交易平台", redirect_uris=[REDIRECT], post_logout_redirect_uris=["http://rp.example/"], secret=SECRET)


def test_expert_account_gets_the_expert_claim_and_may_sign_in_elsewhere(client_app):
    expert = make_expert()
    user = services.expert_issue_account(actor=ADMIN, expert=expert, username="zhuanjia1", password=PASSWORD)
    browser = Client()
    assert browser.login(username="zhuanjia1", password=PASSWORD)
    verifier, challenge = pkce()
    r = start(browser, challenge=challenge)
    assert r.status_code == 302, r.content[:300]  # not E026 although the account belongs to no market entity
    code = parse_qs(urlparse(r["Location"]).query)["code"][0]
    tokens = exchange(code, verifier).json()
    keyset = jwk.JWKSet.from_json(Client().get("/o/.well-known/jwks.json").content)
    claims = json.loads(jwt.JWT(jwt=tokens["id_token"], key=keyset, algs=["RS256"], check_claims={"iss": ISSUER, "aud": "trading-a", "exp": None}).claims)
    assert claims["etender_expert"] == {"ref": expert.ref, "name": expert.name}
    assert claims.get("entity") is None
    info = Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    assert info["etender_expert"]["ref"] == expert.ref
    assert user.expert == expert


def test_retired_experts_lose_the_claim_and_the_sign_in(client_app):
    expert = make_expert()
    services.expert_issue_account(actor=ADMIN, expert=expert, username="zhuanjia2", password=PASSWORD)
    services.expert_set_status(actor=ADMIN, expert=expert, status="retired")
    browser = Client()
    assert browser.login(username="zhuanjia2", password=PASSWORD)
    r = start(browser, challenge=pkce()[1])
    assert r.status_code == 403 and "E026" in r.content.decode()
