"""The award stage on real services and PostgreSQL: every rule code in scope (E141, E142, W143, E144–E148, E150, E075–E078)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest

from etender.kernel import clock
from etender.kernel.calendar import TZ
from etender.kernel.errors import RuleViolation, RuleViolations, violations_of
from etender.kernel.exchange import public_view, validate_record
from etender.trading.award import chronograph, pdf, selectors, services
from etender.trading.award.models import ArchiveItem, Contract, Refund
from etender.trading.outbox.models import OutboxEntry
from etender.trading.tenders.models import Tender

from .conftest import candidate_details, open_lot, report_of

pytestmark = pytest.mark.django_db


def codes(exc) -> list[str]:
    return [v.code for v in violations_of(exc.value)]


def publish(lot, tenderer, *, received=None, **kw):
    rep = report_of(lot, received or clock.now())
    return services.publicity_publish(actor=tenderer.actor, acting_entity=tenderer.entity, lot=lot, candidates=candidate_details(), report=rep, **kw)


def through_publicity(lot, tenderer, frozen_clock):
    p = publish(lot, tenderer)
    frozen_clock.set(p.end_at)
    chronograph.tick()
    return p


def party_of(bidders, entity_id):
    return next(b for b in bidders if b.entity.pk == entity_id)


def awarded(lot, tenderer, frozen_clock, **kw):
    through_publicity(lot, tenderer, frozen_clock)
    award = services.award_decide(actor=tenderer.actor, acting_entity=tenderer.entity, lot=lot, **kw)
    services.award_notify(actor=tenderer.actor, acting_entity=tenderer.entity, award=award)
    award.refresh_from_db()
    return award


def contract_data(award, lot, **over):
    return {"price": award.winner.price, "duration_days": 300, "quality": "合格", "scope": lot.content, "performance_security": "100000", **over}


def signed(award, lot, tenderer, bidders):
    c = services.contract_create(actor=tenderer.actor, acting_entity=tenderer.entity, award=award, data=contract_data(award, lot))
    services.contract_sign(actor=tenderer.actor, acting_entity=tenderer.entity, contract=c)
    w = party_of(bidders, award.winner.entity_id)
    return services.contract_sign(actor=w.actor, acting_entity=w.entity, contract=c)


# --------------------------------------------------------------------------- publicity (E141, E078)


def test_e078_no_report(lot, tenderer):
    with pytest.raises(RuleViolation) as exc:
        services.publicity_publish(actor=tenderer.actor, acting_entity=tenderer.entity, lot=lot, candidates=candidate_details())
    assert exc.value.code == "E078"


def test_publicity_lasts_three_full_days_and_publishes_510_511(lot, tenderer):
    p = publish(lot, tenderer)
    start_day = p.start_at.astimezone(TZ).date()
    # 民法典 201: the start day does not count; the end is 24:00 of the 3rd day after (moved past rest days, 203).
    assert p.end_at.astimezone(TZ).date() >= start_day + timedelta(days=4) and p.end_at.astimezone(TZ).hour == 0
    assert p.minimum_end_at == p.end_at
    sets = list(OutboxEntry.objects.filter(dataset__in=["510", "511"]).order_by("id").values_list("dataset", flat=True))
    assert sets == ["510", "510", "510", "511"]
    for e in OutboxEntry.objects.filter(dataset__in=["510", "511"]):
        assert validate_record(e.dataset, e.record) == []
    rec = OutboxEntry.objects.get(dataset="511").record
    assert rec["FIRST_BIDDER_NAME"] == p.candidates.get(rank=1).entity.name and "项目经理1" in rec["PUBLICITY_CONTENT"]
    assert "33010619800101" not in str(rec)  # ID numbers never in 510/511
    assert ArchiveItem.objects.filter(kind="publicity").count() == 1


def test_e141_publicity_shorter_than_three_days(lot, tenderer):
    with pytest.raises(RuleViolation) as exc:
        publish(lot, tenderer, end_at=clock.now() + timedelta(days=2))
    assert codes(exc) == ["E141"] and exc.value.field == "end_at"


def test_e141_published_after_three_days_of_the_report_needs_a_reason(lot, tenderer, frozen_clock):
    received = clock.now()
    limit = services.rules.publicity_deadline(services.default_calendar(), received)
    frozen_clock.set(limit - timedelta(seconds=1))
    p = publish(lot, tenderer, received=received)  # the last second of the 3rd day is still in time
    assert not p.late


def test_e141_late_publication_refused_then_flagged_with_reason(lot, tenderer, frozen_clock):
    received = clock.now()
    frozen_clock.set(services.rules.publicity_deadline(services.default_calendar(), received))
    with pytest.raises(RuleViolation) as exc:
        publish(lot, tenderer, received=received)
    assert codes(exc) == ["E141"] and exc.value.field == "late_reason"
    p = publish(lot, tenderer, received=received, late_reason="行政监督部门暂停后恢复")
    assert p.late


# --------------------------------------------------------------------------- objections (E077, E075, E076)


def test_objection_pauses_publicity_and_award_and_the_answer_gives_the_time_back(lot, tenderer, bidders, frozen_clock):
    p = publish(lot, tenderer)
    loser = bidders[3]
    frozen_clock.advance(days=1)
    o = services.objection_raise(actor=loser.actor, entity=loser.entity, publicity=p, content="第一中标候选人项目经理有在建工程")
    frozen_clock.set(p.end_at + timedelta(hours=1))
    chronograph.tick()
    p.refresh_from_db()
    assert p.status == "running"
    with pytest.raises(RuleViolation) as exc:
        services.award_decide(actor=tenderer.actor, acting_entity=tenderer.entity, lot=lot)
    assert exc.value.code == "E075"
    answered_at = clock.now()
    services.objection_answer(actor=tenderer.actor, acting_entity=tenderer.entity, objection=o, answer="经核查，该项目经理无在建工程。")
    p.refresh_from_db()
    assert p.end_at == p.minimum_end_at + (answered_at - o.raised_at)
    with pytest.raises(RuleViolation) as exc:
        services.award_decide(actor=tenderer.actor, acting_entity=tenderer.entity, lot=lot)
    assert exc.value.code == "E076"
    s = selectors.stage(lot, entity=loser.entity)
    assert s.objections[0].answer.startswith("经核查")  # shown to the objector
    assert selectors.stage(lot, entity=bidders[1].entity).objections == []  # not to others
    frozen_clock.set(p.end_at)
    assert chronograph.tick() >= 1 and chronograph.tick() == 0  # idempotent
    services.award_decide(actor=tenderer.actor, acting_entity=tenderer.entity, lot=lot)


def test_e077_objection_after_the_publicity(lot, tenderer, bidders, frozen_clock):
    p = publish(lot, tenderer)
    frozen_clock.set(p.end_at)
    with pytest.raises(RuleViolation) as exc:
        services.objection_raise(actor=bidders[3].actor, entity=bidders[3].entity, publicity=p, content="异议")
    assert exc.value.code == "E077"


def test_unanswered_objection_flagged_after_three_days(lot, tenderer, bidders, frozen_clock):
    p = publish(lot, tenderer)
    o = services.objection_raise(actor=bidders[3].actor, entity=bidders[3].entity, publicity=p, content="异议")
    frozen_clock.set(o.answer_due)
    chronograph.tick()
    o.refresh_from_db()
    assert o.overdue_flagged_at is not None
    services.objection_answer(actor=tenderer.actor, acting_entity=tenderer.entity, objection=o, answer="答复")
    o.refresh_from_db()
    assert o.late


# --------------------------------------------------------------------------- award (E142, W143)


def test_e142_state_funded_must_award_rank_one(lot, tenderer, frozen_clock):
    through_publicity(lot, tenderer, frozen_clock)
    with pytest.raises(RuleViolation) as exc:
        services.award_decide(actor=tenderer.actor, acting_entity=tenderer.entity, lot=lot, rank=2)
    assert exc.value.code == "E142"
    award = services.award_decide(actor=tenderer.actor, acting_entity=tenderer.entity, lot=lot, rank=2, reason="gave_up", note="第一名书面放弃中标")
    assert award.winner.rank == 2 and award.pass_reason == "gave_up"


def test_private_project_may_choose_another_rank(tenderer, bidders, frozen_clock):
    lot = open_lot(tenderer, bidders, frozen_clock, state_funded=False)
    through_publicity(lot, tenderer, frozen_clock)
    assert services.award_decide(actor=tenderer.actor, acting_entity=tenderer.entity, lot=lot, rank=3).winner.rank == 3


def test_w143_close_to_the_end_of_bid_validity(tenderer, bidders, frozen_clock):
    lot = open_lot(tenderer, bidders, frozen_clock, validity_days=40)
    through_publicity(lot, tenderer, frozen_clock)
    award = services.award_decide(actor=tenderer.actor, acting_entity=tenderer.entity, lot=lot)
    assert award.validity_warning and [v.code for v in selectors.violations(award)] == ["W143"]


def test_no_w143_with_enough_validity(lot, tenderer, frozen_clock):
    through_publicity(lot, tenderer, frozen_clock)
    award = services.award_decide(actor=tenderer.actor, acting_entity=tenderer.entity, lot=lot)
    assert not award.validity_warning


# --------------------------------------------------------------------------- notices (E144), result 513


def test_e144_every_bidder_is_notified(lot, tenderer, frozen_clock):
    through_publicity(lot, tenderer, frozen_clock)
    award = services.award_decide(actor=tenderer.actor, acting_entity=tenderer.entity, lot=lot)
    bids = list(services.bidders_of(lot))
    with pytest.raises(RuleViolation) as exc:
        services.award_notify(actor=tenderer.actor, acting_entity=tenderer.entity, award=award, recipients=[b.pk for b in bids[:-1]])
    assert exc.value.code == "E144" and exc.value.params["missing"] == [bids[-1].bidder.credit_code]
    notices = services.award_notify(actor=tenderer.actor, acting_entity=tenderer.entity, award=award, recipients=[b.pk for b in bids])
    kinds = sorted(n.kind for n in notices)
    assert kinds == ["award", "result", "result", "result"]
    for n in notices:
        assert bytes(n.pdf)[:5] == b"%PDF-" and pdf.page_count(bytes(n.pdf)) == 1 and hashlib.sha256(bytes(n.pdf)).hexdigest() == n.sha256


def test_result_513_is_valid_and_its_public_view_hides_the_id_number(lot, tenderer, frozen_clock):
    awarded(lot, tenderer, frozen_clock)
    rec = OutboxEntry.objects.get(dataset="513").record
    assert validate_record("513", rec) == []
    view = public_view("513", rec)
    assert view["WIN_BIDDER_NAME"] and view["BID_AMOUNT"] == "10960000" and view["PROJECT_LEAD"] == "项目经理1"
    assert "PROJECT_LEAD_ID" not in view and "33010619800101" not in str(view)
    assert "BULLETIN_DUTY" not in view  # restricted: a person's name without a duty to publish


# --------------------------------------------------------------------------- contract (E145, E147), refunds (E146), report (E148)


def test_e145_terms_must_match_tender_and_bid(lot, tenderer, frozen_clock):
    award = awarded(lot, tenderer, frozen_clock)
    with pytest.raises(RuleViolations) as exc:
        services.contract_create(actor=tenderer.actor, acting_entity=tenderer.entity, award=award, data=contract_data(award, lot, price="10000000", quality="优良", scope="另行约定"))
    fields = sorted(v.field for v in violations_of(exc.value))
    assert set(codes(exc)) == {"E145"} and fields == ["price", "quality", "scope"]
    with pytest.raises(RuleViolations) as exc:
        services.contract_create(actor=tenderer.actor, acting_entity=tenderer.entity, award=award, data=contract_data(award, lot, duration_days=400))
    assert set(codes(exc)) == {"E145"} and {v.field for v in violations_of(exc.value)} == {"duration_days"}


def test_e147_performance_security_at_most_ten_percent(lot, tenderer, frozen_clock):
    award = awarded(lot, tenderer, frozen_clock)
    cap = (award.winner.price * Decimal("0.1")).quantize(Decimal("0.01"))
    with pytest.raises(RuleViolation) as exc:
        services.contract_create(actor=tenderer.actor, acting_entity=tenderer.entity, award=award, data=contract_data(award, lot, performance_security=cap + Decimal("0.01")))
    assert codes(exc) == ["E147"]
    assert services.contract_create(actor=tenderer.actor, acting_entity=tenderer.entity, award=award, data=contract_data(award, lot, performance_security=cap)).performance_security == cap


def test_e145_signing_after_thirty_days(lot, tenderer, bidders, frozen_clock):
    award = awarded(lot, tenderer, frozen_clock)
    c = services.contract_create(actor=tenderer.actor, acting_entity=tenderer.entity, award=award, data=contract_data(award, lot))
    frozen_clock.set(award.contract_due)
    chronograph.tick()
    award.refresh_from_db()
    assert "E145" in award.flags
    with pytest.raises(RuleViolation) as exc:
        services.contract_sign(actor=tenderer.actor, acting_entity=tenderer.entity, contract=c)
    assert exc.value.code == "E145"
    c = services.contract_sign(actor=tenderer.actor, acting_entity=tenderer.entity, contract=c, late_reason="中标人延迟提交履约保证金")
    assert c.late


def test_both_parties_sign_then_512_refunds_and_e146(lot, tenderer, bidders, frozen_clock):
    award = awarded(lot, tenderer, frozen_clock)
    other = next(b for b in bidders if b.entity.pk != award.winner.entity_id)
    c = services.contract_create(actor=tenderer.actor, acting_entity=tenderer.entity, award=award, data=contract_data(award, lot))
    with pytest.raises(RuleViolation) as exc:
        services.contract_sign(actor=other.actor, acting_entity=other.entity, contract=c)
    assert exc.value.code == "E006"
    c = signed(award, lot, tenderer, bidders)
    assert c.status == Contract.Status.SIGNED and c.tenderer_signature and c.bidder_signature
    rec = OutboxEntry.objects.get(dataset="512").record
    assert validate_record("512", rec) == [] and rec["CONTRACT_PRICE"] == "10960000"
    refunds = list(Refund.objects.filter(award=award).order_by("id"))
    assert len(refunds) == 4 and all(r.amount == lot.bid_security for r in refunds)
    services.refund_record(actor=tenderer.actor, acting_entity=tenderer.entity, refund=refunds[0], refunded_amount=lot.bid_security, interest="123.45", bank_reference="B001")
    frozen_clock.set(refunds[1].due)
    chronograph.tick()
    award.refresh_from_db()
    assert "E146" in award.flags
    late = services.refund_record(actor=tenderer.actor, acting_entity=tenderer.entity, refund=refunds[1], refunded_amount=lot.bid_security, interest="130")
    assert late.late and "E146" in [v.code for v in selectors.violations(award)]
    with pytest.raises(RuleViolation) as exc:
        services.refund_record(actor=tenderer.actor, acting_entity=tenderer.entity, refund=refunds[2], refunded_amount="1", interest="0")
    assert exc.value.code == "E001"


def test_e148_written_report_within_fifteen_days(lot, tenderer, frozen_clock):
    award = awarded(lot, tenderer, frozen_clock)
    frozen_clock.set(award.report_due)
    chronograph.tick()
    award.refresh_from_db()
    assert "E148" in award.flags
    with pytest.raises(RuleViolation) as exc:
        services.report_submit(actor=tenderer.actor, acting_entity=tenderer.entity, award=award)
    assert exc.value.code == "E148"
    r = services.report_submit(actor=tenderer.actor, acting_entity=tenderer.entity, award=award, late_reason="补报")
    assert r.late and bytes(r.pdf)[:5] == b"%PDF-" and r.content["candidates"][0]["pm_id_number"]


def test_written_report_in_time(lot, tenderer, frozen_clock):
    award = awarded(lot, tenderer, frozen_clock)
    frozen_clock.set(award.report_due - timedelta(seconds=1))
    r = services.report_submit(actor=tenderer.actor, acting_entity=tenderer.entity, award=award)
    assert not r.late and r.department == lot.tender.supervise_dept_name


# --------------------------------------------------------------------------- archive (E150), suspension (E050)


def test_e150_unsigned_or_tampered_items_are_refused(lot, tenderer):
    tender = lot.tender
    with pytest.raises(RuleViolation) as exc:
        services.archive_add(actor=tenderer.actor, tender=tender, kind="contract", ref="x", title="未签名合同", content=b"contract", signed_document=None, signature="", public_key="", signer="")
    assert exc.value.code == "E150"
    signed_kw = services.platform_signed(tender=tender, kind="contract", ref="x", title="合同", content=b"contract")
    with pytest.raises(RuleViolation) as exc:
        services.archive_add(actor=tenderer.actor, tender=tender, kind="contract", ref="x", title="合同", content=b"contract changed", **signed_kw)
    assert exc.value.code == "E150"
    item = services.archive_add(actor=tenderer.actor, tender=tender, kind="contract", ref="x", title="合同", content=b"contract", **signed_kw)
    assert selectors.verify_item(item)


def test_archive_covers_the_whole_process_and_refuses_a_changed_document(lot, tenderer, bidders, frozen_clock):
    award = awarded(lot, tenderer, frozen_clock)
    signed(award, lot, tenderer, bidders)
    services.report_submit(actor=tenderer.actor, acting_entity=tenderer.entity, award=award)
    services.archive_complete(actor=tenderer.actor, tender=lot.tender)
    kinds = set(ArchiveItem.objects.filter(tender=lot.tender).values_list("kind", flat=True))
    assert kinds >= {"announcement", "document", "bid", "opening", "publicity", "notice", "result", "contract", "supervisor_report"}
    assert all(r["verified"] for r in selectors.archive(lot.tender))
    assert services.archive_complete(actor=tenderer.actor, tender=lot.tender) == []  # idempotent
    doc = lot.tender.documents.first()
    with open(doc.file.path, "ab") as f:
        f.write(b"tampered")
    ArchiveItem.objects.filter(tender=lot.tender, ref=f"document-{doc.pk}").update(ref=f"old-{doc.pk}")
    with pytest.raises(RuleViolation) as exc:
        services.archive_complete(actor=tenderer.actor, tender=lot.tender)
    assert exc.value.code == "E150"


def test_e050_suspended_tender_refuses_every_step(lot, tenderer):
    Tender.objects.filter(pk=lot.tender_id).update(suspended_at=clock.now(), suspension_ref="ZL-1")
    lot.refresh_from_db()
    with pytest.raises(RuleViolation) as exc:
        publish(lot, tenderer)
    assert exc.value.code == "E050"
