"""Tender services: every rule in scope raises its code, and a refused change changes nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from etender.kernel.audit.models import AuditEntry
from etender.kernel.calendar import default_calendar
from etender.kernel.codes import validate_unified_deal_code
from etender.kernel.errors import RuleViolation, RuleViolations, violations_of
from etender.trading import chronograph, testing
from etender.trading.accounts import services as account_services
from etender.trading.bids import services as bid_services
from etender.trading.tenders import selectors, services
from etender.trading.tenders.models import LotStatus, Notification, Project, Tender, TenderStatus

pytestmark = pytest.mark.django_db


def codes_of(excinfo) -> list[str]:
    return [v.code for v in violations_of(excinfo.value)]


def create(tenderer, *, data=None, lots=None):
    from etender.kernel import clock

    project = services.project_create(actor=tenderer.actor, owner=tenderer.entity, data=testing.PROJECT_DATA)
    return services.tender_create(actor=tenderer.actor, project=project, acting_entity=tenderer.entity, data=testing.tender_data(clock.now(), **(data or {})), lots=lots or [testing.lot_data(1)])


def test_codes_follow_the_national_formats(tender):
    assert len(tender.project.code) == 17 and tender.project.code.startswith("E330106")
    assert len(tender.code) == 20 and tender.code.startswith(tender.project.code)
    for lot in tender.lots.all():
        assert len(lot.code) == 23 and lot.code.startswith(tender.code)
        validate_unified_deal_code(lot.unified_deal_code)
        assert lot.unified_deal_code.startswith("91330100MA2AAAAA0B-")


@pytest.mark.parametrize(
    "data,lot,code",
    [
        ({"bid_validity_days": None}, {}, "E111"),
        ({}, {"bid_security": Decimal("240000.01")}, "E112"),
        ({}, {"estimated_price": Decimal("90000000"), "bid_security": Decimal("800001")}, "E113"),
        ({}, {"min_price": Decimal("1000000")}, "E114"),
        ({"download_preconditions": ["投标报名"]}, {}, "E116"),
        ({"bid_open_time_shift": True}, {}, "E126"),
        ({"announcement_content": "投标人须在本市设立分支机构。"}, {}, "E110"),
    ],
)
def test_create_refuses_with_the_rule_code(tenderer, frozen_clock, data, lot, code):
    if data.pop("bid_open_time_shift", False):
        d = testing.tender_data(frozen_clock.now())
        data = {"bid_open_time": d["bid_deadline"] + timedelta(hours=2)}
    before = Tender.objects.count()
    with pytest.raises((RuleViolation, RuleViolations)) as exc:
        create(tenderer, data=data, lots=[testing.lot_data(1, **lot)])
    assert code in codes_of(exc)
    assert Tender.objects.count() == before


def test_e101_and_e102_through_the_service(tenderer, frozen_clock):
    now = frozen_clock.now()
    with pytest.raises((RuleViolation, RuleViolations)) as exc:
        create(tenderer, data={"bid_deadline": now + timedelta(days=10), "doc_get_end": now + timedelta(days=2)})
    assert set(codes_of(exc)) >= {"E101", "E102"}


def test_publish_scans_documents_for_restrictive_clauses(tenderer):
    tender = testing.published_tender(tenderer, publish=False)
    services.document_upload(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender, name="评分办法.txt", file=SimpleUploadedFile("a.txt", "业绩：在本省有类似业绩的每项加2分。".encode()))
    with pytest.raises(RuleViolation) as exc:
        services.tender_publish(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender)
    assert exc.value.code == "E110" and exc.value.params["item"] == 1
    tender.refresh_from_db()
    assert tender.status == TenderStatus.DRAFT


def test_publish_needs_documents_and_a_future_deadline(tenderer, frozen_clock):
    tender = create(tenderer)
    with pytest.raises((RuleViolation, RuleViolations)) as exc:
        services.tender_publish(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender)
    assert "E001" in codes_of(exc)


def test_only_the_tenderer_or_its_agency_manage(tender, bidders):
    with pytest.raises(RuleViolation) as exc:
        services.clarification_publish(actor=bidders[0].actor, acting_entity=bidders[0].entity, tender=tender, title="x", content="y")
    assert exc.value.code == "E006"


def test_any_registered_entity_downloads_at_once_e116(tender, frozen_clock):
    newcomer = testing.make_party("刚注册的投标人有限公司", ["bidder"])
    doc = tender.documents.first()
    services.document_download(actor=newcomer.actor, entity=newcomer.entity, document=doc)
    assert tender.downloads.filter(entity=newcomer.entity).exists()
    with pytest.raises(RuleViolation) as exc:
        services.document_download(actor=newcomer.actor, entity=None, document=doc)
    assert exc.value.code == "E008"


def test_e117_downloaders_hidden_before_deadline(tender, bidders, tenderer, frozen_clock):
    doc = tender.documents.first()
    for party in bidders[:2]:
        services.document_download(actor=party.actor, entity=party.entity, document=doc)
    assert selectors.downloaders(tender=tender, viewer=tenderer.entity).count() == 2
    with pytest.raises(RuleViolation) as exc:
        selectors.downloaders(tender=tender, viewer=bidders[0].entity)
    assert exc.value.code == "E117"
    assert selectors.downloader_count(tender=tender, viewer=None) is None
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()  # the close of submission, not the clock alone, lifts the confidentiality
    tender.refresh_from_db()
    assert selectors.downloaders(tender=tender, viewer=bidders[0].entity).count() == 2


def test_clarification_extends_deadline_and_notifies_downloaders(tender, tenderer, bidders, frozen_clock):
    doc = tender.documents.first()
    for party in bidders[:3]:
        services.document_download(actor=party.actor, entity=party.entity, document=doc)
    frozen_clock.set(tender.bid_deadline - timedelta(days=7))
    old = tender.bid_deadline
    c = services.clarification_publish(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender, title="关于工程量清单的澄清", content="第3章工程量清单第12项数量更正为1200m³。")
    tender.refresh_from_db()
    assert c.extended and tender.bid_deadline > old and tender.bid_open_time == tender.bid_deadline
    assert tender.bid_deadline.date() >= default_calendar().period_last_day(frozen_clock.now(), 15) - timedelta(days=1)
    assert Notification.objects.filter(kind="clarification", tender=tender).count() == 3
    assert tender.next_check == tender.bid_deadline


def test_e104_explicit_deadline_too_early_changes_nothing(tender, tenderer, frozen_clock):
    frozen_clock.set(tender.bid_deadline - timedelta(days=7))
    old = tender.bid_deadline
    with pytest.raises(RuleViolation) as exc:
        services.clarification_publish(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender, title="t", content="c", new_deadline=old + timedelta(days=2))
    assert exc.value.code == "E104"
    tender.refresh_from_db()
    assert tender.bid_deadline == old and tender.clarifications.count() == 0


def test_e106_late_objection_refused(tender, bidders, frozen_clock):
    frozen_clock.set(tender.bid_deadline - timedelta(days=5))
    with pytest.raises(RuleViolation) as exc:
        services.objection_raise(actor=bidders[0].actor, entity=bidders[0].entity, tender=tender, content="资格条件过高")
    assert exc.value.code == "E106"


def test_e106_pending_objection_pauses_opening_until_answered(tender, tenderer, bidders, frozen_clock):
    obj = services.objection_raise(actor=bidders[0].actor, entity=bidders[0].entity, tender=tender, content="评分标准中业绩分值设置不合理")
    assert selectors.paused(tender)
    lot = tender.lots.get(number=1)
    for party in bidders[:3]:
        data, _ = testing.seal_bid(party, lot)
        bid_services.bid_submit(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data))
    frozen_clock.set(tender.bid_deadline + timedelta(minutes=1))
    chronograph.tick()
    lot.refresh_from_db()
    assert lot.status == LotStatus.TENDERING  # the deadline event waits for the answer
    remaining = obj.deadline_at_raise - obj.raised_at
    services.objection_answer(actor=tenderer.actor, acting_entity=tenderer.entity, objection=obj, answer="已复核，评分标准符合规定。")
    tender.refresh_from_db()
    assert tender.bid_deadline == frozen_clock.now() + remaining
    assert chronograph.tick() == 0
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPENING


def test_e125_fewer_than_three_bids_fails_and_retenders(tender, tenderer, bidders, frozen_clock):
    lot = tender.lots.get(number=1)
    for party in bidders[:2]:
        data, _ = testing.seal_bid(party, lot)
        bid_services.bid_submit(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data))
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    lot.refresh_from_db()
    tender.refresh_from_db()
    assert lot.status == LotStatus.FAILED and tender.status == TenderStatus.FAILED
    entry = AuditEntry.objects.get(action="lot.failed", object_id=str(lot.pk))
    assert entry.data["code"] == "E125"
    with pytest.raises(RuleViolation) as exc:
        bid_services.bid_decrypt(actor=bidders[0].actor, entity=bidders[0].entity, bid=bidders[0].entity.bids.get(lot=lot), dek="A" * 44)
    assert exc.value.code == "E007"
    new = services.lot_retender(actor=tenderer.actor, acting_entity=tenderer.entity, lot=lot)
    assert new.status == TenderStatus.DRAFT and new.retender_of == tender and new.lots.get().tender_count == 2


def test_every_operation_is_audited_with_user_and_address_e151(tender, tenderer):
    entries = AuditEntry.objects.filter(object_id=str(tender.pk), object_type="tenders.tender").order_by("id")
    actions = list(entries.values_list("action", flat=True))
    assert actions[:3] == ["tender.created", "tender.document_uploaded", "tender.published"]
    for e in entries:
        assert e.username == tenderer.actor.username and e.ip == "127.0.0.1" and e.occurred_at is not None


def test_bad_registration_input_is_coded_and_changes_nothing(frozen_clock):
    from etender.trading.accounts.models import Entity

    base = dict(name="某公司", roles=["bidder"], legal_representative="张三", region_code="330106", contact_name="李四", contact_phone="123", username="newuser", password="Strong-Pass-2026")
    before = Entity.objects.count()
    with pytest.raises((RuleViolation, RuleViolations)) as exc:
        account_services.entity_register(actor=testing.Actor.system("t"), credit_code="91330106MA2CCCCC0X", **base)
    assert "E002" in codes_of(exc)
    with pytest.raises((RuleViolation, RuleViolations)) as exc:
        account_services.entity_register(actor=testing.Actor.system("t"), credit_code=testing.new_code(), **{**base, "region_code": "999999"})
    assert "E003" in codes_of(exc)
    with pytest.raises((RuleViolation, RuleViolations)) as exc:
        account_services.entity_register(actor=testing.Actor.system("t"), credit_code=testing.new_code(), **{**base, "roles": ["tenderer"]})
    assert {v.field for v in getattr(exc.value, "violations", [exc.value])} == {"address", "email"}  # the announcement states them
    assert Entity.objects.count() == before


def test_project_input_validation(tenderer):
    before = Project.objects.count()
    with pytest.raises((RuleViolation, RuleViolations)) as exc:
        services.project_create(actor=tenderer.actor, owner=tenderer.entity, data={**testing.PROJECT_DATA, "industry": "ZZZ", "invest_project_code": "123", "name": ""})
    assert {"E010", "E001"} <= set(codes_of(exc))
    assert Project.objects.count() == before


def test_oversized_document_e004(tenderer, monkeypatch):
    tender = testing.published_tender(tenderer, publish=False)
    monkeypatch.setattr(services, "MAX_DOCUMENT_BYTES", 10)
    with pytest.raises(RuleViolation) as exc:
        services.document_upload(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender, name="big.txt", file=SimpleUploadedFile("big.txt", b"x" * 11))
    assert exc.value.code == "E004"
