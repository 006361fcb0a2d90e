"""Browser: a regulator suspends a tender on the supervision platform; the trading platform shows the banner.

Real processes for the hub and the supervision platform (with its worker), this
trading platform served by ``live_server``, Debian Chromium.  Screenshots go to
test-artifacts/browser/directive-*.png.
"""

from __future__ import annotations

import os
import re

import pytest

from etender.trading import testing
from etender.trading.directives import services
from etender.trading.directives.models import Instruction
from etender.trading.tests.browser_helpers import Browsers, shot, sign_in

from .ecosystem import wait_until

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_regulator_suspends_and_the_trading_platform_shows_it(eco, parties, live_server, chromium_path):
    tender, _bidders = parties
    tenderer_user = tender.tenderer.members.first().user
    b = Browsers(chromium_path, live_server.url)
    try:
        # The regulator (省发展改革委, jurisdiction: all of Zhejiang) issues the suspension.
        _, sp = b.person("regulator")
        sp.goto(f"{eco.sup.url}/accounts/login/?next=/directives/new/%3Ftender%3D{tender.code}")
        sp.fill("#main input[name=username]", "fgw")
        sp.fill("#main input[name=password]", "Demo-2026!")
        with sp.expect_navigation():
            sp.click("#main form button[type=submit]")
        assert "/directives/new/" in sp.url, sp.url
        assert sp.input_value("#issue-form [name=tender_code]") == tender.code
        sp.select_option("#issue-form [name=kind]", "suspend")
        sp.fill("#issue-form [name=reason]", "收到投诉，投诉处理期间依据《电子招标投标办法》第五十二条暂停招标投标活动。")
        sp.fill("#issue-form [name=due_hours]", "2")
        shot(sp, "directive-1-issue-form")
        with sp.expect_navigation():
            sp.click("#issue-form button[type=submit]")
        assert re.search(r"/directives/[0-9a-f]{32}/$", sp.url), sp.url
        iid = sp.url.rstrip("/").rsplit("/", 1)[-1]
        shot(sp, "directive-2-issued")

        # The trading platform's worker reads its inbox (here: the same function, called by the test).
        wait_until(lambda: (services.poll_hub(wait=2), Instruction.objects.filter(instruction_id=iid).exists())[1], what="the instruction")

        # The tenderer sees the banner; the page's buttons are disabled.
        _, tp = b.person("tenderer")
        sign_in(tp, tenderer_user.username, testing.PASSWORD, next_url=f"/tenders/{tender.pk}/")
        banner = tp.locator("#suspension-banner")
        assert banner.is_visible()
        assert "暂停" in banner.inner_text() and "收到投诉" in banner.inner_text()
        clarify = tp.locator("main form button[type=submit]").first
        assert clarify.is_disabled()
        shot(tp, "directive-3-trading-banner")
        tp.goto("/directives/")
        assert "暂停招标投标活动" in tp.locator("#instructions").inner_text()
        shot(tp, "directive-4-trading-list")

        # Back on the supervision platform: delivered, acknowledged and executed, with the platform's report.
        def executed():
            sp.reload()
            return "已执行" in sp.locator("#directive-status").inner_text()

        wait_until(executed, what="the executed status at supervision")
        assert "已于" in sp.locator("#report").inner_text()
        shot(sp, "directive-5-tracked")
        assert not b.problems.page_errors and not b.problems.server_errors, b.problems
    finally:
        b.close()
