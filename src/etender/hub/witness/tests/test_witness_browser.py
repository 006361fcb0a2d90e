"""The witness page in Debian Chromium: witnessed logs and an alert, in Chinese and in English."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from etender.hub.witness.tests.test_witness import PlatformLog

ARTIFACTS = Path(__file__).resolve().parents[5] / "test-artifacts" / "browser"
ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def post(url: str, body: bytes) -> int:
    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "text/plain"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.mark.django_db(transaction=True)
def test_witness_page_in_chromium(live_server, chromium_path):
    add = f"{live_server.url}/api/witness/v1/add-checkpoint"
    a, b = PlatformLog(11), PlatformLog(12)
    a.register()
    b.register()
    a.grow(6)
    assert post(add, a.body(0)) == 200
    a.grow(5)
    assert post(add, a.body(6)) == 200
    assert post(add, b.grow(3).body(0)) == 200
    fork = a.copy(9, "-rewritten").grow(2, "-rewritten")
    assert post(add, fork.body(11)) == 409  # refused, alert raised

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=ARGS)
        try:
            for locale, lang, shot in (("zh-CN", "zh-hans", "witness-zh.png"), ("en-GB", "en", "witness-en.png")):
                context = browser.new_context(locale=locale, timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
                context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
                page = context.new_page()
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                page.on("response", lambda r: errors.append(f"{r.url} -> {r.status}") if r.status >= 500 else None)
                page.goto(f"{live_server.url}/witness/")
                assert page.locator("html").get_attribute("lang") == lang
                rows = page.locator("#logs + table tbody tr")
                assert rows.count() == 2
                alert = page.locator("[role=alert]")
                assert alert.is_visible()
                first = page.locator("table").first.locator("tbody tr").first
                if lang == "zh-hans":
                    assert page.locator("h1").inner_text() == "日志见证"
                    assert "1 条告警" in alert.inner_text()
                    assert "同一树大小的两个不同根哈希（分叉）" in first.inner_text() and "交易平台11" in first.inner_text()
                else:
                    assert page.locator("h1").inner_text() == "Log witness"
                    assert "1 alert:" in alert.inner_text()
                    assert "two different roots for one tree size" in first.inner_text()
                page.locator("details summary").first.click()
                assert "— " + a.origin in page.locator("details pre").first.inner_text()
                page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
                with page.expect_response(lambda r: "/api/witness/v1/alerts/" in r.url) as resp:
                    first.locator("a").click()
                assert resp.value.status == 200 and resp.value.json()["kind"] == "fork"
                context.close()
        finally:
            browser.close()
    assert not errors, errors
