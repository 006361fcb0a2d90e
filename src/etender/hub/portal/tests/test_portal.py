from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_home_in_chinese_by_default(client):
    page = text(client.get("/"))
    assert '<html lang="zh-hans">' in page
    for s in ("招标投标公共服务平台", "不开展交易。", "免费服务。", "已注册的交易平台", "信息公开查询", "最新招标公告", "评标专家资源共享", "信用信息", "尚未开放", "/api/docs", "/healthz"):
        assert s in page, s


def test_home_in_english(client):
    client.cookies["django_language"] = "en"
    page = text(client.get("/"))
    assert '<html lang="en">' in page
    for s in ("Tendering public service platform", "No trading.", "Free of charge.", "Registered trading platforms", "Disclosure search", "Latest tender announcements", "Expert pool", "Not available yet", "API documentation"):
        assert s in page, s
    assert "不开展交易" not in page
    assert "Information exchange." in text(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))


def test_every_link_on_the_home_page_works(client):
    """Sections that exist are linked (search, lists, platforms); those that do not yet are described, not linked."""
    page = text(client.get("/"))
    links = set(re.findall(r'href="(/[^"#]*)"', page))
    assert {"/", "/search/", "/announcements/", "/results/", "/platforms/", "/api/docs", "/api/openapi.json", "/api/status", "/healthz"} <= links
    for link in links:
        if link.startswith("/static/"):
            continue
        assert client.get(link).status_code == 200, link


def test_status(client):
    r = client.get("/api/status")
    assert r.status_code == 200
    body = r.json()
    assert body["service"] == "hub" and re.fullmatch(r"\d+\.\d+.*|unknown", body["version"])


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["service"] == "hub" and r.json()["database"] == "ok"


def test_openapi(client):
    spec = json.loads(client.get("/api/openapi.json").content)
    assert "/api/status" in spec["paths"]
    assert spec["info"]["title"] == "etender public service platform API"


def test_login_page_and_sign_in(client):
    get_user_model().objects.create_user("operator", password="Test-pass-2026")
    assert "查阅公开信息无需登录" in text(client.get("/accounts/login/"))
    assert "Public information needs no account." in text(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en"))
    r = client.post("/accounts/login/", {"username": "operator", "password": "Test-pass-2026"})
    assert r.status_code == 302 and r["Location"] == "/"


def test_seed_demo_is_idempotent():
    for _ in range(2):
        call_command("seed_demo", stdout=StringIO())
    assert get_user_model().objects.get(username="admin").is_superuser
