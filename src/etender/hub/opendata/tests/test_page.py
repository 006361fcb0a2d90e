"""The /open-data/ page: Chinese first, complete English, linked from the home page, driven in Chromium."""

from __future__ import annotations

import json
import os
import re

import pytest

from etender.hub.opendata.testing import ORDER, process

from .conftest import PREFIX, send

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_page_in_chinese_and_english(client, platform, settings):
    tender = process(1, platform=platform.code)
    send(platform, [e for no in ORDER for e in tender[no]])
    zh = text(client.get("/open-data/"))
    assert '<html lang="zh-hans">' in zh
    for s in ("开放数据", "下载", "公开哪些数据", "不公开的数据", "许可与使用条件", "如何校验", "已公开 1 个招标项目", "本平台运营机构尚未声明许可协议", "libcoveocds package.json", "招标项目", "开标记录"):
        assert s in zh, s
    assert f"{PREFIX}-&lt;招标项目编号&gt;" in zh and 'id="placeholder-prefix"' not in zh
    en = text(client.get("/open-data/", HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="en">' in en
    for s in ("Open data", "Downloads", "What is published", "What is never published", "Licence and terms", "How to validate", "1 tender project is published", "Tender project", "Bid opening record"):
        assert s in en, s
    assert not any(s in en for s in ("下载", "公开哪些数据", "如何校验", "许可与使用条件", "开标记录")), "Chinese left in the English page"
    settings.ETENDER_OCID_PREFIX = None
    settings.ETENDER_OCDS_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
    page = text(client.get("/open-data/"))
    assert 'id="placeholder-prefix"' in page and "ocds-xxxxxx-" in page and 'id="licence-url"' in page
    assert client.get("/api/ocds/release-package").json()["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_every_link_of_the_page_works_and_the_home_page_links_it(client, platform):
    tender = process(1, platform=platform.code)
    send(platform, [e for no in ORDER for e in tender[no]])
    assert 'href="/open-data/"' in text(client.get("/"))
    page = text(client.get("/open-data/"))
    for link in set(re.findall(r'href="(http://testserver[^"#]*|/[^"#]*)"', page)):
        if "/static/" in link:
            continue
        r = client.get(link.replace("http://testserver", ""))
        assert r.status_code == 200, link


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_open_data_page_in_the_browser(live_server, chromium_path, settings):
    """A visitor finds the open data from the home page, reads it in Chinese and English and opens the release package."""
    from playwright.sync_api import sync_playwright

    from etender.hub.opendata.testing import SignedPlatform
    from etender.kernel.audit.actors import Actor

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    sender = SignedPlatform(3)
    sender.register(Actor.system("test"))
    tender = process(7, platform=sender.code, lots=2)
    sender.send(Actor.system("test"), [e for no in ORDER for e in tender[no]])
    tp = tender["501"][0]["record"]["TENDER_PROJECT_CODE"]

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=chromium_path, args=["--no-sandbox", "--headless=new", "--disable-gpu", "--no-first-run"])
    errors: list[str] = []
    try:
        context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("response", lambda r: errors.append(f"{r.url} -> {r.status}") if r.status >= 500 else None)
        page.goto("/")
        page.click("a[href='/open-data/']")
        page.wait_for_url("**/open-data/")
        assert page.locator("h1#open-data").inner_text() == "开放数据"
        assert "已公开 1 个招标项目" in page.locator("#main").inner_text()
        with page.expect_navigation():
            page.click("form.lang button[value=en]")
        assert page.locator("h1#open-data").inner_text() == "Open data"
        with page.expect_navigation():
            page.click("#link-package")
        package = json.loads(page.locator("body").inner_text())
        assert package["version"] == "1.1" and {r["ocid"] for r in package["releases"]} == {f"{PREFIX}-{tp}"}
        assert len(package["releases"]) == 1 + 1 + 2 + 1 + 1 + 1 + 6 + 6 + 1 + 2 + 2  # 500 501 502×2 503 504 506 507×6 510×6 511 513×2 512×2
        assert errors == []
    finally:
        from django.db import connections

        connections.close_all()
        browser.close()
        pw.stop()
