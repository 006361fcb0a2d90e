"""A regulator watches tenders arrive live on the dashboard and reads a witnessed timeline (Debian Chromium)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from ..models import FeedEvent
from .conftest import PASSWORD
from .feeddata import RESTRICTIVE, codes, tender_records
from .live import wait_for
from .test_live import SHORT

ARTIFACTS = Path(__file__).resolve().parents[5] / "test-artifacts" / "browser"
ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dashboard_and_timeline_live(ecosystem, users, live_server, chromium_path):
    hub, trading, worker = ecosystem
    worker.start()
    trading.send(tender_records(1))
    wait_for(lambda: FeedEvent.objects.count() == 4, what="the first tender")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=ARGS)
        try:
            context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 1000})
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("response", lambda r: errors.append(f"{r.url} -> {r.status}") if r.status >= 500 else None)
            page.goto("/accounts/login/?next=/monitor/")
            page.fill("input[name=username]", "jst")
            page.fill("input[name=password]", PASSWORD)
            page.locator("form button[type=submit], form input[type=submit]").last.click()
            expect(page.locator("h1")).to_have_text("实时监测")
            expect(page.locator("nav.nav a[aria-current=page]")).to_have_text("监测")
            expect(page.locator("#fig-tenders")).to_have_text("1")
            # a tender with a 16-day bid period and restrictive clauses reaches the hub: the open page shows it live
            trading.send(tender_records(2, notice=RESTRICTIVE, **SHORT))
            expect(page.locator("tr.alert-row[data-rule=E101]")).to_be_visible()
            expect(page.locator("tr.alert-row[data-rule=E110]")).to_have_count(2)
            expect(page.locator("#fig-tenders")).to_have_text("2")
            expect(page.locator("tr.alert-row[data-rule=E081]")).to_be_visible()  # its opening time has passed without a 506
            expect(page.locator("#fig-alerts")).to_have_text("4")
            expect(page.locator("#overdue")).to_contain_text("E081")
            page.wait_for_function("document.querySelector('#chart-stages canvas') !== null")
            page.screenshot(path=str(ARTIFACTS / "monitor-dashboard-zh.png"), full_page=True)

            # the platform's checkpoint is cosigned by the hub's witness: the timeline shows every event witnessed
            page.locator("tr.alert-row[data-rule=E101] a[href*='/monitor/tenders/']").click()
            expect(page.locator("#tender-code")).to_have_text(codes(2)[1])
            rows = page.locator("#timeline tr.event")
            expect(rows).to_have_count(3)
            expect(page.locator("#timeline tr.event[data-witnessed='0']")).to_have_count(3)
            trading.witness()
            for _ in range(60):  # the worker reads the witness every 5 s
                page.wait_for_timeout(500)
                page.reload()
                if page.locator("#timeline tr.event[data-witnessed='1']").count() == 3:
                    break
            expect(page.locator("#timeline tr.event[data-witnessed='1']")).to_have_count(3)
            assert "已见证" in rows.first.inner_text() and "招标项目" in rows.first.inner_text()
            page.screenshot(path=str(ARTIFACTS / "monitor-timeline-zh.png"), full_page=True)

            # the regulator resolves the alert with notes (E084 without)
            page.locator("tr.alert-row[data-rule=E101] a[href*='/monitor/alerts/']").click()
            page.select_option("select[name=status]", "resolved")
            page.locator("form.card button[type=submit]").click()
            expect(page.locator("#alert-error")).to_contain_text("E084")
            page.select_option("select[name=status]", "resolved")
            page.fill("textarea[name=resolution]", "已责令招标人顺延投标截止时间至法定期限以后。")
            page.fill("input[name=assignee]", "jst")
            page.locator("form.card button[type=submit]").click()
            expect(page.locator("#alert-status")).to_have_text("已办结")
            page.screenshot(path=str(ARTIFACTS / "monitor-alert-zh.png"), full_page=True)

            # English
            context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
            page.goto("/monitor/")
            expect(page.locator("h1")).to_have_text("Real-time monitoring")
            expect(page.locator("#fig-alerts")).to_have_text("3")
            page.wait_for_function("document.querySelector('#chart-alerts canvas') !== null")
            page.screenshot(path=str(ARTIFACTS / "monitor-dashboard-en.png"), full_page=True)
            context.close()
        finally:
            browser.close()
    assert not errors, errors
