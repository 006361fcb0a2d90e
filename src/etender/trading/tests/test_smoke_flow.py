"""The whole path up to opening, through the services, with real envelopes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from etender.kernel.signing import platform_signer, verify
from etender.trading import chronograph, testing
from etender.trading.bids import services as bid_services
from etender.trading.bids.models import BidStatus, OpeningRecord
from etender.trading.tenders.models import LotStatus, TenderStatus

pytestmark = pytest.mark.django_db


def test_open_tender_to_opening_record(tender, bidders, frozen_clock):
    lot = tender.lots.get(number=1)
    deks = {}
    for i, party in enumerate(bidders[:3]):
        data, dek = testing.seal_bid(party, lot, price=f"{11000000 - i * 100000}.00")
        env = bid_services.bid_submit(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data))
        assert verify(env.receipt, env.receipt_signature, platform_signer().public_info()["public_key"])
        deks[party.entity.pk] = dek
    frozen_clock.set(tender.bid_deadline)
    assert chronograph.tick() >= 1
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPENING
    other = tender.lots.get(number=2)
    assert other.status == LotStatus.FAILED  # no bids (E125)
    for party in bidders[:3]:
        bid = party.entity.bids.get(lot=lot)
        bid_services.bid_decrypt(actor=party.actor, entity=party.entity, bid=bid, dek=__import__("base64").b64encode(deks[party.entity.pk]).decode())
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPENED
    record = OpeningRecord.objects.get(lot=lot)
    assert [r["price"] for r in record.rows] == ["11000000.00", "10900000.00", "10800000.00"]
    assert all(r["status"] == BidStatus.OPENED for r in record.rows)
    tender.refresh_from_db()
    assert tender.status == TenderStatus.OPENED
    frozen_clock.advance(hours=2)
    assert chronograph.tick() == 0  # idempotent


def test_deadline_passes_with_pending_window(tender, bidders, frozen_clock):
    lot = tender.lots.get(number=1)
    for party in bidders[:3]:
        data, _ = testing.seal_bid(party, lot)
        bid_services.bid_submit(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data))
    frozen_clock.set(tender.bid_deadline + timedelta(minutes=tender.decrypt_minutes + 1))
    chronograph.tick()
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPENED
    assert {r["status"] for r in OpeningRecord.objects.get(lot=lot).rows} == {BidStatus.REVOKED}
