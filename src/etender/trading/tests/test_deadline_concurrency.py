"""The deadline under load, on PostgreSQL with real connections (acceptance of issue 2).

A bid committed at deadline − 1 s is accepted and one at deadline + 1 s is
refused, while 50 other bids are committed concurrently: no lost receipt,
no 5xx.
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection

from etender.kernel import clock
from etender.kernel.errors import RuleViolation
from etender.trading import testing
from etender.trading.bids import services
from etender.trading.bids.models import BidEnvelope

pytestmark = [pytest.mark.django_db(transaction=True)]


class ThreadClock(clock.Clock):
    """Each thread may pin its own "now"; the others see the shared frozen time."""

    def __init__(self, base: clock.FrozenClock):
        self.base = base
        self.local = threading.local()

    def now(self):
        return getattr(self.local, "at", None) or self.base.now()


@pytest.fixture
def crowd(frozen_clock):
    tenderer = testing.make_party("杭州市西湖区城市建设发展中心", ["tenderer"])
    tender = testing.published_tender(tenderer, lots=1)
    lot = tender.lots.get()
    parties = [testing.make_party(f"并发投标人{i:02d}有限公司", ["bidder"], with_key=True) for i in range(52)]
    sealed = [testing.seal_bid(p, lot, price=f"{10_000_000 + i}.00")[0] for i, p in enumerate(parties)]
    return tender, lot, parties, sealed


def test_service_boundary_under_50_concurrent_commits(crowd, frozen_clock):
    if connection.vendor != "postgresql":
        pytest.skip("the concurrency acceptance runs on PostgreSQL")
    tender, lot, parties, sealed = crowd
    deadline = tender.bid_deadline
    tc = ThreadClock(frozen_clock)
    rng = random.Random(7)
    # 50 others at random times within ±3 s of the deadline, plus the two probes.
    plan = [(deadline + timedelta(milliseconds=rng.randint(-3000, 3000)), parties[i], sealed[i]) for i in range(50)]
    plan.append((deadline - timedelta(seconds=1), parties[50], sealed[50]))
    plan.append((deadline + timedelta(seconds=1), parties[51], sealed[51]))
    barrier = threading.Barrier(len(plan))

    def run(item):
        at, party, data = item
        try:
            tc.local.at = at - timedelta(seconds=10)  # upload well before: only the commit is at the boundary
            env = services.bid_upload(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data))
            tc.local.at = at
            barrier.wait(timeout=60)
            env = services.bid_commit(actor=party.actor, entity=party.entity, envelope_id=env.pk)
            return at, party, "accepted", env.receipt
        except RuleViolation as exc:
            return at, party, exc.code, None
        finally:
            connection.close()

    with clock.use(tc), ThreadPoolExecutor(max_workers=len(plan)) as pool:
        results = list(pool.map(run, plan))

    for at, party, outcome, receipt in results:
        if at < deadline:
            assert outcome == "accepted", (at, outcome)
            assert receipt["bidder"] == party.entity.credit_code and receipt["received_at"] == at.isoformat()
        else:
            assert outcome == "E121", (at, outcome)
    accepted = {p.entity.pk for at, p, o, _ in results if o == "accepted"}
    committed = BidEnvelope.objects.filter(bid__lot=lot, committed_at__isnull=False)
    assert set(committed.values_list("bid__bidder_id", flat=True)) == accepted
    assert all(e.receipt and e.receipt_signature for e in committed)
    assert parties[50].entity.pk in accepted and parties[51].entity.pk not in accepted


def test_http_api_50_concurrent_bids_then_one_late(crowd, frozen_clock, live_server):
    if connection.vendor != "postgresql":
        pytest.skip("the concurrency acceptance runs on PostgreSQL")
    import httpx

    from etender.kernel.web.models import ApiToken

    tender, lot, parties, sealed = crowd
    tokens = [ApiToken.issue(user=p.user, name="bench")[1] for p in parties]
    frozen_clock.set(tender.bid_deadline - timedelta(seconds=1))
    url = f"{live_server.url}/api/lots/{lot.pk}/bids"

    def post(i):
        with httpx.Client(timeout=60) as client:
            r = client.post(url, headers={"Authorization": f"Bearer {tokens[i]}"}, files={"file": ("bid.etenv", sealed[i], "application/octet-stream")})
        connection.close()
        return r.status_code, r.json()

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(post, range(51)))
    assert [status for status, _ in results] == [201] * 51
    assert all(body["committed"] and body["receipt"]["envelope_sha256"] for _, body in results)
    assert len({body["receipt"]["sequence"] for _, body in results}) == 51

    frozen_clock.set(tender.bid_deadline + timedelta(seconds=1))
    status, body = post(51)
    assert status == 409 and body["code"] == "E121" and body["message_zh"].startswith("已过投标截止时间")
    assert BidEnvelope.objects.filter(bid__lot=lot, committed_at__isnull=False).count() == 51
