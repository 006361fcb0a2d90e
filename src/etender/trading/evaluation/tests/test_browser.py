"""Five experts evaluate a lot with four opened bids in the Chinese UI (Debian Chromium).

The tenderer sets the committee in the browser; the experts are appointed directly (the 条例 47 path) because
this test runs without a hub — the hub draw is exercised against a real hub in ``test_hub_draw.py``.
"""

from __future__ import annotations

import os

import pytest

from etender.trading import testing
from etender.trading.evaluation import testing as ev
from etender.trading.evaluation.models import Committee
from etender.trading.outbox.models import OutboxEntry
from etender.trading.tests.browser_helpers import Browsers, shot, sign_in, submit

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the test's own ORM calls while Playwright's loop runs (as trading/tests)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_five_experts_evaluate_four_bids(live_server, frozen_clock, chromium_path):
    tenderer = testing.make_party("杭州市西湖区城市建设发展中心", ["tenderer"])
    bidders = [testing.make_party(n, ["bidder"], with_key=True) for n in ev.BIDDER_NAMES]
    lot = ev.opened_lot(tenderer, bidders, frozen_clock)
    experts = ev.expert_users(5)
    b = Browsers(chromium_path, live_server.url)
    try:
        # ------------------------------------------------------------------ the tenderer sets the committee
        _, tp = b.person("tenderer")
        sign_in(tp, tenderer.user.username, testing.PASSWORD, next_url=f"/tenders/{lot.tender_id}/")
        submit(tp, f"a[href='/lots/{lot.pk}/committee/']")
        assert "评标委员会" in tp.inner_text("h1")
        tp.check("input[name=draw_mode][value=special]")
        tp.fill("textarea[name=special_reason]", "技术复杂、专业性强的特殊项目，经批准直接确定评标专家（条例第47条）")
        shot(tp, "eval-01-committee-form")
        submit(tp, "#committee-create")
        assert "评标委员会的组成已确定" in tp.inner_text(".messages"), tp.inner_text("#main")
        for i, u in enumerate(experts):
            tp.locator("input[name=expert_username]").nth(i).fill(u.username)
        submit(tp, "form:has(input[value=appoint]) button[type=submit]")
        assert tp.locator("#members tbody tr").count() == 5
        assert "张建国" in tp.inner_text("#members")
        shot(tp, "eval-02-committee-members")

        # ------------------------------------------------------------------ experts confirm, check in, elect the chair
        pages = []
        for u in experts:
            _, ep = b.person(u.username)
            sign_in(ep, u.username, testing.PASSWORD, next_url="/evaluation/")
            submit(ep, "#my-seats a.btn")
            submit(ep, "#confirm")
            submit(ep, "#check-in")
            pages.append(ep)
        chair = pages[0]
        submit(chair, "#chair-set")  # the first member (评委A) is elected
        chair.reload()
        shot(chair, "eval-03-room-ready")
        submit(chair, "#begin")
        assert "评标中" in chair.inner_text("#room-status")
        assert "W137" in chair.inner_text("#main")
        shot(chair, "eval-04-room-started")

        # ------------------------------------------------------------------ the low bidder explains its price in writing
        low = bidders[3]
        _, bp = b.person("bidder")
        sign_in(bp, low.user.username, testing.PASSWORD, next_url="/evaluation/clarifications/")
        assert "W137" in bp.inner_text("#main")
        bp.fill("textarea[name=answer]", "我公司报价依据自有设备和集中采购的材料价格，成本分析表见附件。")
        shot(bp, "eval-05-clarification")
        submit(bp, "#main form button[type=submit]")
        assert "书面答复已发送" in bp.inner_text(".messages")

        chair.reload()
        chair.fill("form[id^=low-form] textarea[name=reason]", "投标人提供了材料采购合同和设备自有证明，报价构成合理。")
        submit(chair, "form[id^=low-form] button[value=low_accept]")

        # ------------------------------------------------------------------ independent scores, signed
        bids = list(lot.bids.filter(status="opened").order_by("submitted_at", "id"))
        for n, ep in enumerate(pages):
            ep.reload()

            def fill(page=ep, n=n):
                for k, bid in enumerate(bids):
                    page.fill(f"input[name=technical_{bid.pk}]", str(30 + (n + k) % 5))
                    page.fill(f"input[name=commercial_{bid.pk}]", str(14 + k))

            fill()
            if n == 1:
                ep.fill(f"input[name=technical_{bids[0].pk}]", "41")  # above the maximum: E072
                submit(ep, "#sheet-save")
                assert "E072" in ep.inner_text(".messages")
                shot(ep, "eval-06-score-error")
                fill()
            submit(ep, "#sheet-sign")
            assert ep.locator("#sheet-signed").count() == 1, ep.inner_text(".messages")
        shot(pages[4], "eval-07-sheets-signed")

        # ------------------------------------------------------------------ the report: compiled, signed by all, submitted
        submit(chair, "#report-prepare")
        assert chair.locator("#report tbody tr").count() == 3
        for n, ep in enumerate(pages):
            ep.reload()
            if n == 4:
                ep.check("input[name=agrees][value=no]")
                ep.fill("textarea[name=dissent]", "第二中标候选人的施工组织设计更优，建议调整排序。")
            submit(ep, "#report-sign")
        chair.reload()
        submit(chair, "#report-submit")
        assert chair.locator("#report-submitted").count() == 1
        shot(chair, "eval-08-report-submitted")
        with chair.expect_download() as dl:
            chair.click("#report-submitted a")
        assert open(dl.value.path(), "rb").read(4) == b"%PDF"

        tp.goto(f"/evaluation/{Committee.objects.get().pk}/report/")
        assert tp.locator("#candidates tbody tr").count() == 3
        assert "不同意" in tp.inner_text("#main") or "dissent" in tp.inner_text("#main")
        shot(tp, "eval-09-report")
        assert not b.problems.page_errors and not b.problems.server_errors, b.problems
    finally:
        b.close()
    assert OutboxEntry.objects.filter(dataset="508").count() == 5 and OutboxEntry.objects.filter(dataset="509").count() == 1
