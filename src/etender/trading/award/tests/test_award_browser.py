"""Chinese UI in Chromium: candidate publicity → objection and answer → award → notices → contract signed by both."""

from __future__ import annotations

import os

import pytest

from etender.kernel import clock
from etender.trading import testing
from etender.trading.award import chronograph, services
from etender.trading.award.models import Contract, Publicity
from etender.trading.tests.browser_helpers import Browsers, shot, sign_in, submit

from .conftest import candidate_details, report_of

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_publicity_award_notice_contract_in_chinese(live_server, lot, tenderer, bidders, frozen_clock, chromium_path):
    services.publicity_publish(actor=tenderer.actor, acting_entity=tenderer.entity, lot=lot, candidates=candidate_details(), report=report_of(lot, clock.now()))
    p = Publicity.objects.get(lot=lot)
    winner = next(b for b in bidders if b.entity.pk == p.candidates.get(rank=1).entity_id)
    loser = bidders[3]
    b = Browsers(chromium_path, live_server.url)
    try:
        _, lp = b.person("loser")
        sign_in(lp, loser.actor.username, testing.PASSWORD, f"/lots/{lot.pk}/award/")
        assert "中标候选人公示" in lp.content() and "项目经理1" in lp.content() and "33010619800101" not in lp.content()
        shot(lp, "award-1-publicity")
        lp.fill("#objection-form textarea[name=content]", "第一中标候选人业绩证明存疑")
        submit(lp, "#objection-form button[type=submit]")
        assert "暂停" in lp.inner_text("#publicity-status")

        _, tp = b.person("tenderer")
        sign_in(tp, tenderer.actor.username, testing.PASSWORD, f"/lots/{lot.pk}/award/")
        assert "E076" in tp.content() or "E075" in tp.content()
        tp.fill("#publicity textarea[name=answer]", "经核查，业绩证明真实有效。")
        submit(tp, "#publicity form button[type=submit]")
        lp.reload()
        assert "经核查，业绩证明真实有效。" in lp.inner_text("#publicity")
        frozen_clock.set(Publicity.objects.get(pk=p.pk).end_at)
        chronograph.tick()
        tp.reload()
        submit(tp, "#decide")
        assert winner.entity.name in tp.inner_text("#winner")
        shot(tp, "award-2-decided")
        submit(tp, "#send-notices")
        assert tp.locator("#notices li").count() == 4
        submit(tp, "#draft-contract")
        submit(tp, "#sign-contract")
        shot(tp, "award-3-notices-contract")

        _, wp = b.person("winner")
        sign_in(wp, winner.actor.username, testing.PASSWORD, f"/lots/{lot.pk}/award/")
        assert "中标通知书" in wp.inner_text("#notices")
        submit(wp, "#sign-contract")
        assert "双方已签署" in wp.inner_text("#contract-status")
        shot(wp, "award-4-contract-signed")
        assert Contract.objects.get(award__lot=lot).status == "signed"
        assert not b.problems.page_errors and not b.problems.server_errors
    finally:
        b.close()
