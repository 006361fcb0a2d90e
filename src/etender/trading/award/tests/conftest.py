"""A lot opened with four real sealed bids, and the submitted report that starts the award stage."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest

from etender.trading import chronograph, testing
from etender.trading.award.reports import CandidateView, ReportView
from etender.trading.bids import services as bid_services
from etender.trading.bids.models import Bid
from etender.trading.tenders.models import LotStatus

PRICES = ["11000000.00", "10980000.00", "10960000.00", "10990000.00"]
NAMES = ["浙江之江建设集团有限公司", "杭州钱塘市政工程有限公司", "浙江西子路桥建设有限公司", "宁波甬城建设有限公司"]


@pytest.fixture
def tenderer(db, frozen_clock):
    return testing.make_party("杭州市西湖区城市建设发展中心", ["tenderer"])


@pytest.fixture
def bidders(db, frozen_clock):
    return [testing.make_party(n, ["bidder"], with_key=True) for n in NAMES]


def open_lot(tenderer, bidders, frozen_clock, *, state_funded: bool = True, validity_days: int = 90):
    tender = testing.published_tender(tenderer, lots=1, data={"bid_validity_days": validity_days})
    if not state_funded:
        tender.state_funded = False
        tender.save(update_fields=["state_funded"])
    lot = tender.lots.get()
    deks = {}
    for party, price in zip(bidders, PRICES):
        data, dek = testing.seal_bid(party, lot, price=price)
        bid_services.bid_submit(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data))
        deks[party.entity.pk] = dek
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    for party in bidders:
        bid = Bid.objects.get(lot=lot, bidder=party.entity)
        bid_services.bid_decrypt(actor=party.actor, entity=party.entity, bid=bid, dek=base64.b64encode(deks[party.entity.pk]).decode())
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPENED
    return lot


@pytest.fixture
def lot(tenderer, bidders, frozen_clock):
    return open_lot(tenderer, bidders, frozen_clock)


def report_of(lot, received_at, ranks=(2, 1, 0)) -> ReportView:
    """The submitted report's shape (interfaces.md): candidates ranked by the committee (indexes into the bids)."""
    bids = list(Bid.objects.filter(lot=lot).order_by("id"))
    cands = tuple(CandidateView(rank=r, bid=bids[i], price=bids[i].price, score=f"{95 - r * 3}.00", summary="资格审查合格，实质性响应招标文件") for r, i in enumerate(ranks, start=1))
    return ReportView(ref=f"r{lot.pk}", received_at=received_at, candidates=cands)


def candidate_details(n: int = 3) -> list[dict]:
    return [
        {"rank": r, "project_manager": f"项目经理{r}", "pm_certificates": f"一级注册建造师（市政公用工程）浙13300000000{r}", "pm_id_number": f"33010619800101{r:03d}X", "qualification": "市政公用工程施工总承包二级"}
        for r in range(1, n + 1)
    ]


def amount(value: str) -> Decimal:
    return Decimal(value)
