"""Regression tests for defects found in review."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.test import Client

from etender.kernel.audit.models import AuditEntry
from etender.kernel.errors import RuleViolation
from etender.kernel.web.models import ApiToken
from etender.trading import chronograph, testing
from etender.trading.bids import services
from etender.trading.bids.models import Bid, BidStatus
from etender.trading.tenders import selectors
from etender.trading.tenders import services as tender_services
from etender.trading.tenders.models import LotStatus

pytestmark = pytest.mark.django_db


def test_an_agency_cannot_tender_on_someone_elses_project(tenderer, frozen_clock):
    rogue = testing.make_party("无关代理公司", ["agency"])
    project = tender_services.project_create(actor=tenderer.actor, owner=tenderer.entity, data=testing.PROJECT_DATA)
    with pytest.raises(RuleViolation) as exc:
        tender_services.tender_create(actor=rogue.actor, project=project, acting_entity=rogue.entity, data=testing.tender_data(frozen_clock.now()), lots=[testing.lot_data(1)])
    assert exc.value.code == "E006"
    # The owner names its agency, which may then manage the tender.
    agency = testing.make_party("受托代理公司", ["agency"])
    tender = tender_services.tender_create(actor=tenderer.actor, project=project, acting_entity=tenderer.entity, data={**testing.tender_data(frozen_clock.now()), "agency_code": agency.entity.credit_code}, lots=[testing.lot_data(1)])
    assert tender.agency == agency.entity and tender_services.can_manage(tender, agency.entity)


def test_paused_tender_keeps_the_deadline_effects_closed(tender, bidders, frozen_clock):
    tender_services.objection_raise(actor=bidders[3].actor, entity=bidders[3].entity, tender=tender, content="评分办法不合理")
    lot = tender.lots.get(number=1)
    envs = []
    for party in bidders[:3]:
        data, _ = testing.seal_bid(party, lot)
        envs.append(services.bid_submit(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data)))
    frozen_clock.set(tender.bid_deadline + timedelta(hours=1))
    chronograph.tick()
    with pytest.raises(RuleViolation) as exc:
        selectors.downloaders(tender=tender, viewer=bidders[0].entity)
    assert exc.value.code == "E117"
    bid = Bid.objects.get(pk=envs[0].bid_id)
    with pytest.raises(RuleViolation) as exc:
        services.bid_withdraw(actor=bidders[0].actor, entity=bidders[0].entity, bid=bid, accept_forfeit=True)
    assert exc.value.code == "E106"
    bid.refresh_from_db()
    assert bid.status == BidStatus.SUBMITTED and not bid.security_forfeitable
    with pytest.raises(RuleViolation) as exc:
        services.bid_decrypt(actor=bidders[0].actor, entity=bidders[0].entity, bid=bid, dek="A" * 44)
    assert exc.value.code == "E122"
    assert AuditEntry.objects.filter(action="bid.early_decrypt_refused").exists()  # the attempt is on record


def test_an_absurd_price_does_not_block_the_others(tenderer, frozen_clock):
    tender = testing.published_tender(tenderer, lots=1, publish=False)
    pairs = testing.setup_custodians(tender, tenderer)
    tender = tender_services.tender_publish(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender)
    lot = tender.lots.get()
    parties = [testing.make_party(f"报价测试{i}公司", ["bidder"], with_key=True) for i in range(3)]
    prices = ["100000000000000000", "9000000.00", "9100000.00"]
    for party, price in zip(parties, prices):
        data, _ = testing.seal_bid(party, lot, price=price)
        services.bid_submit(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data))
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    from etender.trading.tests.test_custodians import release

    release(*pairs[1], lot)
    release(*pairs[2], lot)
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPENED
    statuses = dict(Bid.objects.filter(lot=lot).values_list("bidder_id", "status"))
    assert statuses[parties[0].entity.pk] == BidStatus.REVOKED
    assert statuses[parties[1].entity.pk] == statuses[parties[2].entity.pk] == BidStatus.OPENED


def test_one_bad_custodian_does_not_get_bidders_blamed(tenderer, frozen_clock):
    tender = testing.published_tender(tenderer, lots=1, publish=False)
    pairs = testing.setup_custodians(tender, tenderer)
    tender = tender_services.tender_publish(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender)
    lot = tender.lots.get()
    for i in range(3):
        party = testing.make_party(f"责任测试{i}公司", ["bidder"], with_key=True)
        data, _ = testing.seal_bid(party, lot)
        services.bid_submit(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data))
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    from etender.trading.tests.test_custodians import cust_actor, release

    release(*pairs[1], lot)
    c2 = pairs[2][0]
    services.custodian_release(actor=cust_actor(c2), lot=lot, shares={b.pk: base64.b64encode(bytes(16)).decode() for b in Bid.objects.filter(lot=lot)})
    lot.refresh_from_db()
    frozen_clock.set(lot.opening_ends_at)
    chronograph.tick()
    assert set(Bid.objects.filter(lot=lot).values_list("status", flat=True)) == {BidStatus.DEEMED_WITHDRAWN}
    assert not Bid.objects.filter(lot=lot, security_forfeitable=True).exists()


def test_an_uncommitted_upload_does_not_change_the_consortium(tenderer, bidders, frozen_clock):
    tender = testing.published_tender(tenderer, lots=1, data={"consortium_allowed": True})
    lot = tender.lots.get()
    leader, member = bidders[0], bidders[3]
    data, _ = testing.seal_bid(leader, lot)
    services.bid_submit(actor=leader.actor, entity=leader.entity, lot=lot, file=testing.upload(data), consortium_members=[member.entity.credit_code], joint_agreement=True)
    data, _ = testing.seal_bid(leader, lot)
    services.bid_upload(actor=leader.actor, entity=leader.entity, lot=lot, file=testing.upload(data))  # never committed
    assert Bid.objects.get(lot=lot, bidder=leader.entity).consortium_members == [member.entity.credit_code]
    data, _ = testing.seal_bid(member, lot)
    with pytest.raises(RuleViolation) as exc:
        services.bid_submit(actor=member.actor, entity=member.entity, lot=lot, file=testing.upload(data))
    assert exc.value.code == "E124"


def test_duplicate_custodian_keys_are_refused(tenderer, frozen_clock):
    tender = testing.published_tender(tenderer, lots=1, publish=False)
    pairs = testing.setup_custodians(tender, tenderer)
    c1, p1 = pairs[1]
    c2, _ = pairs[2]
    from etender.kernel.audit.actors import Actor

    with pytest.raises(RuleViolation) as exc:
        tender_services.custodian_key_register(actor=Actor(user_id=c2.user_id, username="x"), custodian=c2, public_key=base64.b64encode(p1.public).decode())
    assert exc.value.code == "E011"


def test_web_views_answer_coded_errors_not_500(tenderer, frozen_clock):
    c = Client()
    assert c.login(username=tenderer.user.username, password=testing.PASSWORD)
    r = c.post("/tenders/999999/publish/")
    assert r.status_code == 404 and "E005" in r.content.decode()
    r = c.get("/tenders/999999/downloaders/")
    assert r.status_code == 404


def test_bid_page_of_a_draft_is_not_shown_to_others(tenderer, bidders, frozen_clock):
    tender = testing.published_tender(tenderer, lots=1, publish=False)
    lot = tender.lots.get()
    c = Client()
    assert c.login(username=bidders[0].user.username, password=testing.PASSWORD)
    r = c.get(f"/lots/{lot.pk}/bid/")
    assert r.status_code == 404 and str(lot.max_price) not in r.content.decode()


def test_verify_opening_checks_the_close_against_the_signed_log(tenderer, frozen_clock):
    from etender.kernel.audit import log
    from etender.kernel.opening_check import verify_opening
    from etender.trading.tests.test_custodians import release

    tender = testing.published_tender(tenderer, lots=1, publish=False)
    pairs = testing.setup_custodians(tender, tenderer)
    tender = tender_services.tender_publish(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender)
    lot = tender.lots.get()
    for i in range(3):
        party = testing.make_party(f"证据测试{i}公司", ["bidder"], with_key=True)
        data, _ = testing.seal_bid(party, lot)
        services.bid_submit(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data))
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    release(*pairs[1], lot)
    release(*pairs[3], lot)
    evidence = services.opening_evidence(lot)
    assert verify_opening(evidence, pinned_key=log.verifier_key()).ok
    dropped = {**evidence, "bids": evidence["bids"][1:]}
    assert any("missing" in p for p in verify_opening(dropped).problems)
    forged = {**evidence, "submission_closed": {**evidence["submission_closed"], "receipts": evidence["submission_closed"]["receipts"] + ["f" * 64]}}
    assert not verify_opening(forged).ok
    assert not verify_opening(evidence, pinned_key="other+00000000+AQ" + "A" * 43).ok


def test_oversized_requests_are_refused_before_reading(settings, tender, bidders):
    settings.ETENDER_MAX_REQUEST_BYTES = 1000
    from etender.kernel.web.middleware import UploadLimitMiddleware

    lot = tender.lots.get(number=1)
    _, key = ApiToken.issue(user=bidders[0].user, name="t")
    c = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    r = c.post(f"/api/lots/{lot.pk}/bids", {"file": testing.upload(b"x" * 5000)})
    assert r.status_code == 413 and r.json()["code"] == "E004"
    assert UploadLimitMiddleware  # the middleware is installed by the shared settings


def test_custodians_must_fit_their_roles_and_come_from_different_organisations(tenderer, frozen_clock):
    tender = testing.published_tender(tenderer, lots=1, publish=False)
    own = [testing.custodian_user(f"own-{i}", entity=tenderer.entity) for i in range(3)]
    with pytest.raises(RuleViolation) as exc:  # the tenderer names only its own staff
        tender_services.custodians_assign(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender, suite="intl", threshold=2, custodians=[{"role": r, "username": u.username} for r, u in zip(("tenderer", "operator", "independent"), own)])
    assert exc.value.code == "E001"
    two_officers = [own[0], own[1]]
    with pytest.raises(RuleViolation):
        tender_services.custodians_assign(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender, suite="intl", threshold=2, custodians=[{"role": "tenderer", "username": u.username} for u in two_officers])


def test_periods_in_a_year_without_official_holidays_are_flagged(tenderer, frozen_clock):
    from datetime import UTC, datetime

    frozen_clock.set(datetime(2098, 12, 14, 1, 0, tzinfo=UTC))  # a year no holiday schedule will ever cover
    tender = testing.published_tender(tenderer, lots=1)
    assert tender.bid_deadline.year == 2099
    warnings = selectors.calendar_warnings(tender)
    assert [w.code for w in warnings] == ["W010"] and warnings[0].params["years"] == [2098, 2099]
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert c.login(username=tenderer.user.username, password=testing.PASSWORD)
    assert "W010" in c.get(f"/tenders/{tender.pk}/").content.decode()
    assert Client().get(f"/api/tenders/{tender.pk}").json()["warnings"][0]["code"] == "W010"
