"""The disclosure portal in Debian Chromium: two platforms send tenders over HTTP, the public searches them in
Chinese, filters with htmx, opens a record (source platform and exchange time, 电子办法 49) and reads it in English.

Screenshots go to ``test-artifacts/browser/portal-*.png`` at the repository root.
"""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from .factory import Platform, Tender

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ARTIFACTS = Path(__file__).resolve().parents[5] / "test-artifacts" / "browser"
ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


def post_batch(base: str, platform: Platform, envelopes) -> dict:
    body = json.dumps(platform.batch(envelopes), ensure_ascii=False).encode()
    req = urllib.request.Request(base + "/api/exchange/v1/batches", data=body, method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        assert r.status == 200
        return json.loads(r.read())


def search_page(base: str, q: str) -> str:
    with urllib.request.urlopen(base + "/search/?q=" + urllib.parse.quote(q), timeout=30) as r:
        return r.read().decode()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_search_and_read_a_record_in_chromium(live_server, frozen_clock, chromium_path):
    base = live_server.url
    a = Platform(1, "之江电子招标投标交易平台").register()
    b = Platform(2, "甬江电子招标投标交易平台").register()
    west = Tender(1, "西湖区紫金港路综合提升改造工程", content="本次招标范围为紫金港路（余杭塘路—文一西路）道路拓宽、排水管网改造、人行道铺装及绿化提升。")
    east = Tender(2, "鄞州区福明路道路综合整治工程", region="330212", platform_code=b.code, content="福明路道路白改黑、雨污分流改造及交通设施完善，全长约2.4公里。", sent="20260302100000")
    other = Tender(3, "萧山区瓜沥镇中心小学新建工程", region="330109", industry="E47", classify="A01", content="新建教学楼、综合楼及风雨操场。", sent="20260301150000")

    # Trading platforms A and B send their tenders over the real exchange API; each is searchable as soon as
    # the batch is answered (the index is written in the ingestion transaction).
    for platform, tender, word in ((a, west, "紫金港路"), (b, east, "福明路"), (a, other, "瓜沥")):
        assert tender.name not in search_page(base, word)
        post_batch(base, platform, tender.envelopes("500", "501", "502", "503"))
        assert tender.name in search_page(base, word)
    post_batch(base, a, west.envelopes("504", "506", "507", "511", "513"))

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=ARGS)
        try:
            context = browser.new_context(base_url=base, locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 900})
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
            page.on("response", lambda r: problems.append(f"{r.url} -> {r.status}") if r.status >= 500 else None)

            # Home: the latest announcements of both platforms, newest first.
            page.goto("/")
            latest = page.locator("#latest-announcements li")
            expect(latest).to_have_count(3)
            assert "鄞州区福明路道路综合整治工程施工招标公告" in latest.nth(0).inner_text()
            assert "甬江电子招标投标交易平台" in latest.nth(0).inner_text()
            page.screenshot(path=str(ARTIFACTS / "portal-1-home-zh.png"), full_page=True)

            # Search in Chinese from the home page.
            page.fill("#home-q", "道路")
            with page.expect_navigation():
                page.press("#home-q", "Enter")
            assert "/search/?q=" in page.url
            expect(page.locator("#result-summary")).to_contain_text("共")
            titles = page.locator("#result-list h2 a")
            found = titles.all_inner_texts()
            assert "西湖区紫金港路综合提升改造工程施工招标公告" in found and "鄞州区福明路道路综合整治工程施工招标公告" in found
            assert not any("瓜沥" in t for t in found)
            assert found.index("鄞州区福明路道路综合整治工程施工招标公告") < found.index("西湖区紫金港路综合提升改造工程施工招标公告")  # 道路 in the title ranks first
            expect(page.locator("#result-list mark").first).to_have_text("道路")
            page.screenshot(path=str(ARTIFACTS / "portal-2-search-zh.png"), full_page=True)

            # Filters update the results in place (htmx) and the address.
            page.select_option("#f-type", "announcement")
            expect(page.locator("#result-list > li")).to_have_count(2)
            page.select_option("#f-region", "330100")
            expect(page.locator("#result-list > li")).to_have_count(1)
            expect(page.locator("#result-list h2 a")).to_have_text("西湖区紫金港路综合提升改造工程施工招标公告")
            assert "region=330100" in page.url and "type=announcement" in page.url
            page.screenshot(path=str(ARTIFACTS / "portal-3-filtered-zh.png"), full_page=True)

            # A bad date gives a coded message, not an error page.
            page.goto("/search/?q=道路&from=2026-02-30")
            expect(page.locator("#search-error")).to_contain_text("E040")

            # The record: source platform and exchange time, public fields with Chinese labels, related records.
            page.goto("/search/?q=紫金港路&type=announcement")
            with page.expect_navigation():
                page.locator("#result-list h2 a").first.click()
            expect(page.locator("#record-title")).to_contain_text("西湖区紫金港路综合提升改造工程施工招标公告")
            expect(page.locator("#source-platform")).to_contain_text("之江电子招标投标交易平台")
            expect(page.locator("#exchanged-at")).to_contain_text("2026-03-02 09:00:00")
            expect(page.locator("#fields [data-field=NOTICE_NAME] th")).to_have_text("公告标题")
            expect(page.locator("#fields [data-field=NOTICE_SEND_TIME] td")).to_have_text("2026-03-02 09:00")
            assert page.locator("#fields [data-field=BULLETIN_DUTY]").count() == 0  # a person: not published
            kinds = page.locator("#related .kind").all_inner_texts()
            assert kinds == ["项目", "招标项目", "标段（包）", "澄清与修改", "开标记录", "投标人（开标）", "中标候选人公示", "中标结果公告"], kinds
            page.screenshot(path=str(ARTIFACTS / "portal-4-record-zh.png"), full_page=True)

            # Follow the tender to its award result, then read it in English.
            with page.expect_navigation():
                page.locator("#related a", has_text="中标结果公告").click()
            expect(page.locator("#record-title")).to_contain_text("中标结果公告")
            expect(page.locator("#fields [data-field=WIN_BIDDER_NAME] td")).to_have_text("浙江通衢建设有限公司")
            assert page.locator("#fields [data-field=PROJECT_LEAD_ID]").count() == 0  # an ID number: never published
            with page.expect_navigation():
                page.locator("button[lang=en]").click()
            assert page.locator("html").get_attribute("lang") == "en"
            expect(page.locator("#source")).to_contain_text("Source platform")
            expect(page.locator("#fields [data-field=WIN_BIDDER_NAME] th")).to_have_text("Win bidder name")
            page.screenshot(path=str(ARTIFACTS / "portal-5-record-en.png"), full_page=True)

            page.goto("/platforms/")
            expect(page.locator("#platforms tbody tr")).to_have_count(2)
            page.screenshot(path=str(ARTIFACTS / "portal-6-platforms-en.png"), full_page=True)
            context.close()
        finally:
            browser.close()
    assert not problems, problems
