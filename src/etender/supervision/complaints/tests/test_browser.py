"""Chromium: an interested party lodges a complaint, the regulator accepts and decides it, the decision appears
on the hub's portal (screenshots in test-artifacts/)."""

from __future__ import annotations

import json
import urllib.parse
from pathlib import Path

import pytest
from django.test import override_settings

from etender.kernel.exchange import record_key
from etender.kernel.exchange.examples import EXAMPLES
from etender.supervision.monitor.tests.live import SUPERVISION_CODE, TradingPlatform, http, start_hub, wait_for

from .. import outbox
from .conftest import PASSWORD, TENDER, beijing

ARTIFACTS = Path(__file__).resolve().parents[5] / "test-artifacts"


@pytest.mark.browser
def test_complaint_from_lodging_to_the_hub_portal(transactional_db, tmp_path, live_server, chromium_path, clock, tender, bidder, regulator):
    from playwright.sync_api import sync_playwright

    hub = start_hub(tmp_path)
    try:
        TradingPlatform(hub).send([{"dataset": ds, "key": record_key(ds, EXAMPLES[ds]), "op": "upsert", "record": EXAMPLES[ds], "occurred_at": "2026-01-05T09:00:00+08:00"} for ds in ("500", "501", "502")])
        clock.set(beijing(2026, 9, 24, 9))
        evidence = tmp_path / "证据-评分标准.pdf"
        evidence.write_bytes(b"%PDF-1.4 scoring criteria screenshot")
        ARTIFACTS.mkdir(exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path, args=["--no-sandbox", "--headless", "--disable-gpu"])
            ctx = browser.new_context(locale="zh-CN")
            page = ctx.new_page()

            def sign_in(user):
                ctx.clear_cookies()
                page.goto(live_server.url + "/accounts/login/?next=/complaints/")
                page.fill("input[name=username]", user.username)
                page.fill("input[name=password]", PASSWORD)
                with page.expect_navigation():
                    page.click("form[action='/accounts/login/'] [type=submit]")

            sign_in(bidder)
            page.wait_for_load_state()
            assert page.locator("#lodge-link").count() == 1, page.url + page.inner_text("body")[:1500]
            page.click("#lodge-link")
            page.fill("#id_tender_code", TENDER)
            page.select_option("#id_matter", "other")
            page.fill("#id_known_on", "2026-09-22")
            page.fill("#id_request_text", "请求责令招标人修改评分标准")
            page.fill("#id_grounds", "《招标投标法实施条例》第三十二条：不得以特定行业的业绩作为加分条件")
            page.fill("#id_facts", "招标文件第三章评分标准对市政行业业绩加分。")
            page.set_input_files("#id_evidence", str(evidence))
            page.fill("#id_complainant_phone", "13800138002")
            page.fill("#id_complainant_email", "legal@yuhang.example")
            page.fill("#id_complainant_name", "杭州余航市政工程有限公司")
            page.screenshot(path=str(ARTIFACTS / "complaint-lodge.png"), full_page=True)
            page.click("#complaint-submit")
            page.wait_for_selector("#complaint-status")
            number = page.locator("h1 .mono").inner_text()
            assert "已提交" in page.inner_text("#complaint-status")

            sign_in(regulator)
            page.wait_for_selector(f"tr[data-number='{number}']")
            assert "2026-09-30" in page.inner_text(f"tr[data-number='{number}']")
            page.screenshot(path=str(ARTIFACTS / "complaint-dashboard.png"), full_page=True)
            page.click(f"tr[data-number='{number}'] a")
            page.click("#accept-btn")
            page.wait_for_selector("#decide-form")
            page.select_option("#id_outcome", "upheld")
            page.fill("#id_handle_result", "投诉成立，责令招标人修改招标文件第三章评分标准后重新招标。")
            page.fill("#id_handle_basis", "《招标投标法实施条例》第二十三条、第三十二条")
            page.click("#decide-btn")
            page.wait_for_selector("#decision")
            page.screenshot(path=str(ARTIFACTS / "complaint-decided.png"), full_page=True)

            def deliver():  # what the worker's periodic pass does (in a thread: Playwright's loop runs in this one)
                from django.db import connection

                with override_settings(ETENDER_HUB_URL=hub.url, ETENDER_PLATFORM_CODE=SUPERVISION_CODE):
                    try:
                        return outbox.deliver()
                    finally:
                        connection.close()

            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(1) as pool:
                assert pool.submit(deliver).result() == 1
            found = wait_for(lambda: json.loads(http(hub.url + "/api/portal/search?" + urllib.parse.urlencode({"type": "complaint"}))[1])["items"], what="the decision on the portal")
            page.goto(hub.url + found[0]["url"])
            text = page.inner_text("body")
            assert "投诉处理决定" in text and "责令招标人修改招标文件" in text
            assert "13800138002" not in text and "legal@yuhang.example" not in text
            page.screenshot(path=str(ARTIFACTS / "complaint-hub-portal.png"), full_page=True)
            browser.close()
    finally:
        hub.close()
