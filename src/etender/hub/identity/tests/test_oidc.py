"""The hub as OpenID Connect provider: code flow with PKCE, RS256 ID tokens with the entity claims, discovery, JWKS, userinfo."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from jwcrypto import jwk, jwt

from etender.hub.identity import services
from etender.hub.identity.models import EntityUser
from etender.kernel.audit.actors import Actor

from .conftest import ACTOR, PASSWORD

pytestmark = pytest.mark.django_db

SECRET = "rp-secret-" + "x" * 30
REDIRECT = "http://rp.example/sso/callback/"
ISSUER = "http://testserver/o"


@pytest.fixture
def client_app(db):
    return services.oidc_client_register(actor=ACTOR, client_id="trading-a", name="之江电子招标投标交易平台", redirect_uris=[REDIRECT], post_logout_redirect_uris=["http://rp.example/"], secret=SECRET)


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(64)
    return verifier, base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def start(browser: Client, *, challenge: str | None, state="st-1", nonce="n-1", client_id="trading-a"):
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT, "scope": "openid profile email entity", "state": state, "nonce": nonce}
    if challenge:
        params.update(code_challenge=challenge, code_challenge_method="S256")
    return browser.get("/o/authorize/", params)


def exchange(code: str, verifier: str, secret: str = SECRET):
    return Client().post("/o/token/", {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": "trading-a", "client_secret": secret, "code_verifier": verifier})


def signed_in(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def test_discovery_and_jwks(client_app):
    meta = Client().get("/o/.well-known/openid-configuration").json()
    assert meta["issuer"] == ISSUER
    assert meta["authorization_endpoint"] == ISSUER + "/authorize/" and meta["token_endpoint"] == ISSUER + "/token/"
    assert meta["userinfo_endpoint"] == ISSUER + "/userinfo/" and meta["end_session_endpoint"] == ISSUER + "/logout/"
    assert meta["response_types_supported"] == ["code"] and meta["code_challenge_methods_supported"] == ["S256"]
    assert {"sub", "name", "preferred_username", "entity"} <= set(meta["claims_supported"])
    assert "entity" in meta["scopes_supported"]
    keys = Client().get(meta["jwks_uri"].removeprefix("http://testserver")).json()["keys"]
    assert keys and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and "d" not in keys[0]


def test_code_flow_with_pkce_gives_an_rs256_id_token_with_the_entity(registered, client_app):
    entity, user = registered
    browser = signed_in(user)
    verifier, challenge = pkce()
    r = start(browser, challenge=challenge)
    assert r.status_code == 302, r.content[:500]
    q = parse_qs(urlparse(r["Location"]).query)
    assert r["Location"].startswith(REDIRECT) and q["state"] == ["st-1"] and q["iss"] == [ISSUER]  # first party: no consent page; RFC 9207 iss
    tokens = exchange(q["code"][0], verifier).json()
    keyset = jwk.JWKSet.from_json(Client().get("/o/.well-known/jwks.json").content)
    checked = jwt.JWT(jwt=tokens["id_token"], key=keyset, algs=["RS256"], check_claims={"iss": ISSUER, "aud": "trading-a", "exp": None, "nonce": "n-1"})
    claims = json.loads(checked.claims)
    account = EntityUser.objects.get(user=user)
    assert claims["sub"] == str(account.subject)
    assert claims["name"] == "张三" and claims["preferred_username"] == "user1" and claims["email"] == "zhang1@example.cn"
    assert claims["entity"] == {
        "uscc": entity.credit_code,
        "name": entity.name,
        "roles": ["bidder"],
        "verified": False,
        "status": "pending",
        "region_code": "330106",
        "legal_representative": "王建国",
        "address": "杭州市西湖区文三路1号",
        "email": "office1@example.cn",
        "contact": {"name": "李四", "phone": "0571-87654321", "email": "office1@example.cn"},
        "user_role": "admin",
    }
    # userinfo gives the same subject and entity
    info = Client().get("/o/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    assert info["sub"] == claims["sub"] and info["entity"]["uscc"] == entity.credit_code
    # the code works once
    assert exchange(q["code"][0], verifier).status_code == 400


def test_verification_shows_in_the_next_token(registered, client_app):
    entity, user = registered
    services.entity_set_status(actor=Actor.system("staff"), entity=entity, status="verified")
    browser = signed_in(user)
    verifier, challenge = pkce()
    code = parse_qs(urlparse(start(browser, challenge=challenge)["Location"]).query)["code"][0]
    tokens = exchange(code, verifier).json()
    claims = json.loads(jwt.JWT(jwt=tokens["id_token"], key=jwk.JWKSet.from_json(Client().get("/o/.well-known/jwks.json").content), algs=["RS256"]).claims)
    assert claims["entity"]["verified"] is True and claims["entity"]["status"] == "verified"


def test_pkce_is_required_and_checked(registered, client_app):
    _, user = registered
    browser = signed_in(user)
    r = start(browser, challenge=None)
    assert r.status_code == 302 and "error=invalid_request" in r["Location"]
    verifier, challenge = pkce()
    code = parse_qs(urlparse(start(browser, challenge=challenge)["Location"]).query)["code"][0]
    r = exchange(code, "wrong-" + verifier)
    assert r.status_code == 400 and r.json()["error"] == "invalid_grant"


def test_wrong_client_secret_is_refused(registered, client_app):
    _, user = registered
    verifier, challenge = pkce()
    code = parse_qs(urlparse(start(signed_in(user), challenge=challenge)["Location"]).query)["code"][0]
    assert exchange(code, verifier, secret="not-the-secret-" + "y" * 20).status_code == 401


def test_unregistered_redirect_uri_is_not_followed(registered, client_app):
    _, user = registered
    params = {"response_type": "code", "client_id": "trading-a", "redirect_uri": "http://evil.example/cb", "scope": "openid", "state": "s", "code_challenge": pkce()[1], "code_challenge_method": "S256"}
    r = signed_in(user).get("/o/authorize/", params)
    assert r.status_code == 400 and "Location" not in r
    assert "E023" in r.content.decode()


def test_anonymous_users_are_sent_to_the_hub_sign_in_page(client_app):
    r = start(Client(), challenge=pkce()[1])
    assert r.status_code == 302 and r["Location"].startswith("/identity/login/?next=/o/authorize/")


def test_hub_staff_and_suspended_entities_cannot_sign_in_elsewhere(registered, client_app):
    entity, user = registered
    staff = get_user_model().objects.create_user("hubstaff", password=PASSWORD, is_staff=True)
    r = start(signed_in(staff), challenge=pkce()[1])
    assert r.status_code == 403 and "E026" in r.content.decode()
    services.entity_set_status(actor=Actor.system("staff"), entity=entity, status="suspended", note="吊销营业执照")
    r = start(signed_in(user), challenge=pkce()[1])
    assert r.status_code == 403 and "E025" in r.content.decode() and "吊销营业执照" in r.content.decode()


def test_third_party_clients_ask_for_consent(registered):
    services.oidc_client_register(actor=ACTOR, client_id="other-rp", name="第三方系统", redirect_uris=[REDIRECT], secret=SECRET, skip_authorization=False)
    _, user = registered
    r = start(signed_in(user), challenge=pkce()[1], client_id="other-rp")
    html = r.content.decode()
    assert r.status_code == 200 and "第三方系统" in html and 'name="allow"' in html


def test_management_command_registers_a_client(db, tmp_path, capsys):
    secret_file = tmp_path / "secret"
    secret_file.write_text("z" * 40 + "\n")
    call_command("oidc_client", "--client-id", "supervision", "--title", "行政监督平台", "--redirect-uri", "http://127.0.0.1:8200/sso/callback/", "--secret-file", str(secret_file))
    from oauth2_provider.models import Application

    app = Application.objects.get(client_id="supervision")
    assert app.name == "行政监督平台" and app.skip_authorization and app.redirect_uris == "http://127.0.0.1:8200/sso/callback/"
    from django.contrib.auth.hashers import check_password

    assert check_password("z" * 40, app.client_secret)


def test_rp_initiated_logout_ends_the_hub_session(registered, client_app):
    _, user = registered
    browser = signed_in(user)
    verifier, challenge = pkce()
    code = parse_qs(urlparse(start(browser, challenge=challenge)["Location"]).query)["code"][0]
    id_token = exchange(code, verifier).json()["id_token"]
    r = browser.get("/o/logout/", {"id_token_hint": id_token, "client_id": "trading-a", "post_logout_redirect_uri": "http://rp.example/"})
    assert r.status_code == 302 and r["Location"] == "http://rp.example/"
    assert "_auth_user_id" not in browser.session
    # only registered addresses
    browser = signed_in(user)
    r = browser.get("/o/logout/", {"id_token_hint": id_token, "client_id": "trading-a", "post_logout_redirect_uri": "http://evil.example/"})
    assert r.status_code == 400 and "Location" not in r
