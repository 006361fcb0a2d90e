"""Double envelope on the platform: nobody can open early, yet bids always open (issue 3, both suites)."""

from __future__ import annotations

import base64
import io
import pathlib

import pytest

from etender.kernel import envelope
from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation
from etender.trading import chronograph, testing
from etender.trading.bids import services
from etender.trading.bids.models import Bid, BidStatus, OpeningRecord
from etender.trading.tenders import services as tender_services
from etender.trading.tenders.models import LotStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["intl", "gm"])
def suite(request):
    return request.param


@pytest.fixture
def setup(tenderer, frozen_clock, suite):
    tender = testing.published_tender(tenderer, lots=1, publish=False)
    pairs = testing.setup_custodians(tender, tenderer, suite=suite)
    tender = tender_services.tender_publish(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender)
    bidders = [testing.make_party(f"{suite}投标人{i}有限公司", ["bidder"], with_key=True, suite=suite) for i in range(3)]
    lot = tender.lots.get()
    deks = {}
    for i, party in enumerate(bidders):
        data, dek = testing.seal_bid(party, lot, price=f"{9_000_000 + i * 1000}.00")
        services.bid_submit(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data))
        deks[party.entity.pk] = dek
    return tender, lot, bidders, pairs, deks


def cust_actor(c):
    return Actor(user_id=c.user_id, username=c.user.username, ip="127.0.0.1")


def release(c, pair, lot):
    shares = {}
    for bid in Bid.objects.filter(lot=lot, status=BidStatus.SUBMITTED):
        index, share = envelope.decrypt_share(bid.current.header, custodian_index=c.index, custodian_private=pair.private)
        shares[bid.pk] = base64.b64encode(share).decode()
    return services.custodian_release(actor=cust_actor(c), lot=lot, shares=shares)


def test_v1_envelope_is_refused_when_the_tender_has_custodians(setup, suite):
    tender, lot, bidders, pairs, deks = setup
    other = testing.make_party("另一投标人", ["bidder"], with_key=True)
    out = io.BytesIO()
    envelope.seal(plaintext=io.BytesIO(b"x"), out=out, tender=tender.code, lot=lot.code, bidder=other.entity.credit_code, recipient_public=other.keys.encryption_public, signing_private=other.keys.signing_private)
    if suite == "intl":
        with pytest.raises(RuleViolation) as exc:
            services.bid_upload(actor=other.actor, entity=other.entity, lot=lot, file=testing.upload(out.getvalue()))
        assert exc.value.code == "E120"


def test_no_single_party_can_decrypt_before_the_deadline(setup, suite):
    """A platform administrator has the database and the files; a custodian has its own key: neither opens a bid."""
    tender, lot, bidders, pairs, deks = setup
    bid = Bid.objects.filter(lot=lot).first()
    header = bid.current.header
    # The platform holds no key: nothing in the stored header unwraps without a private key it does not have.
    for c, pair in pairs.values():
        index, share = envelope.decrypt_share(header, custodian_index=c.index, custodian_private=pair.private)
        with pytest.raises(envelope.EnvelopeError):
            envelope.combine_shares(header, [(index, share)])  # one custodian alone: t − 1 shares
    # The platform refuses early release and early decryption.
    c, pair = pairs[1]
    with pytest.raises(RuleViolation) as exc:
        release(c, pair, lot)
    assert exc.value.code == "E122"
    # No plaintext marker anywhere in the stored envelopes.
    for b in Bid.objects.filter(lot=lot):
        data = pathlib.Path(b.current.file.path).read_bytes()
        assert "施工组织设计".encode() not in data and b"9000000" not in data


def test_bidder_key_lost_custodians_open(setup, frozen_clock):
    tender, lot, bidders, pairs, deks = setup
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    c1, p1 = pairs[1]
    c3, p3 = pairs[3]
    assert release(c1, p1, lot)["opened"] == 0
    assert release(c3, p3, lot)["opened"] == 3  # custodian 2 absent: 1 and 3 suffice
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPENED
    record = OpeningRecord.objects.get(lot=lot)
    assert sorted(r["price"] for r in record.rows) == ["9000000.00", "9001000.00", "9002000.00"]
    assert set(Bid.objects.filter(lot=lot).values_list("opened_by", flat=True)) == {"custodians"}


def test_bidder_path_and_custodian_path_both_open(setup, frozen_clock):
    tender, lot, bidders, pairs, deks = setup
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    first = bidders[0]
    services.bid_decrypt(actor=first.actor, entity=first.entity, bid=first.entity.bids.get(lot=lot), dek=base64.b64encode(deks[first.entity.pk]).decode())
    for i in (2, 3):
        release(*pairs[i], lot)
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPENED
    assert dict(Bid.objects.filter(lot=lot).values_list("bidder_id", "opened_by"))[first.entity.pk] == "bidder"


def test_custodians_absent_is_not_the_bidders_fault(setup, frozen_clock):
    tender, lot, bidders, pairs, deks = setup
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    release(*pairs[1], lot)  # only one custodian shows up, the bidders do nothing
    lot.refresh_from_db()
    frozen_clock.set(lot.opening_ends_at)
    chronograph.tick()
    statuses = set(Bid.objects.filter(lot=lot).values_list("status", flat=True))
    assert statuses == {BidStatus.DEEMED_WITHDRAWN}
    assert not Bid.objects.filter(lot=lot, security_forfeitable=True).exists()


def test_a_wrong_share_is_found_and_the_others_open(setup, frozen_clock):
    tender, lot, bidders, pairs, deks = setup
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    c1, p1 = pairs[1]
    bad = {b.pk: base64.b64encode(b"\x00" * 16).decode() for b in Bid.objects.filter(lot=lot)}
    services.custodian_release(actor=cust_actor(c1), lot=lot, shares=bad)
    release(*pairs[2], lot)
    assert Bid.objects.filter(lot=lot, status=BidStatus.SUBMITTED).count() == 3  # 1 bad + 1 good do not open
    release(*pairs[3], lot)
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPENED
    from etender.trading.bids.models import ShareRelease

    assert set(ShareRelease.objects.filter(custodian=c1).values_list("valid", flat=True)) == {False}


def test_published_keys_let_anyone_recheck(setup, frozen_clock):
    tender, lot, bidders, pairs, deks = setup
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    for i in (1, 2):
        release(*pairs[i], lot)
    with pytest.raises(RuleViolation):
        services.custodian_publish_key(actor=cust_actor(pairs[3][0]), tender=tender, private_key=base64.b64encode(pairs[1][1].private).decode())
    for c, pair in pairs.values():
        services.custodian_publish_key(actor=cust_actor(c), tender=tender, private_key=base64.b64encode(pair.private).decode())
    evidence = services.opening_evidence(lot)
    from etender.kernel.opening_check import verify_opening

    report = verify_opening(evidence)
    assert report.ok, report.problems
    evidence["bids"][0]["shares"][0]["share"] = base64.b64encode(b"\x01" * 16).decode()
    assert not verify_opening(evidence).ok


def test_backdated_or_substituted_bid_is_detected(setup, frozen_clock):
    from datetime import timedelta

    from etender.trading.bids.models import BidEnvelope

    tender, lot, bidders, pairs, deks = setup
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    # An insider with database access slips in a bid "received" before the deadline.
    late = testing.make_party("迟到投标人有限公司", ["bidder"], with_key=True, suite=tender.suite)
    data, _ = testing.seal_bid(late, lot)
    bid = Bid.objects.create(lot=lot, bidder=late.entity, status=BidStatus.SUBMITTED, submitted_at=tender.bid_deadline - timedelta(minutes=5), created_by_id=late.user.pk)
    env = BidEnvelope(bid=bid, sha256="0" * 64, size=len(data), header={}, signature_key_id="x", uploaded_at=bid.submitted_at, committed_at=bid.submitted_at)
    env.file.save("late.etenv", testing.upload(data), save=False)
    env.header = __import__("etender.kernel.envelope", fromlist=["inspect"]).inspect(io.BytesIO(data)).header
    env.save()
    from etender.kernel.opening_check import verify_opening

    report = verify_opening(services.opening_evidence(lot))
    assert any("backdated" in p for p in report.problems)
