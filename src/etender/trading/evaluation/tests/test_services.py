"""The evaluation's rules through the services (real PostgreSQL, real envelopes, real signatures)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from etender.kernel import clock
from etender.kernel.audit.models import AuditEntry
from etender.kernel.errors import RuleViolation, RuleViolations, violations_of
from etender.kernel.signing import platform_signer, verify
from etender.trading import testing
from etender.trading.evaluation import selectors, services
from etender.trading.evaluation import testing as ev
from etender.trading.evaluation.models import BidClarification, Committee, CommitteeStatus, Seat
from etender.trading.outbox.models import OutboxEntry

pytestmark = pytest.mark.django_db


def codes(exc) -> list[str]:
    return [v.code for v in violations_of(exc)]


def evaluating(tenderer, lot, members, **kw):
    experts, reps = members
    committee = ev.special_committee(tenderer, lot, experts, reps, **kw)
    return ev.ready_committee(committee, experts + reps), experts, reps


def chair_user(committee):
    return committee.seats.get(is_chair=True).user


def score_all(committee, users, technical="30", commercial="15", override=None):
    for u in users:
        scores = {}
        for b in selectors.valid_bids(committee):
            t = (override or {}).get((u.username, b.pk), technical)
            scores[str(b.pk)] = {"technical": t, "commercial": commercial} if committee.method == "comprehensive" else {"responsive": True}
        services.sheet_save(actor=ev.actor_of(u), user=u, committee=committee, scores=scores)
        services.sheet_sign(actor=ev.actor_of(u), user=u, committee=committee)


def settle_low_price(committee, accepted=True):
    chair = chair_user(committee)
    for r in committee.reviews.filter(abnormally_low=True):
        c = committee.clarifications.get(bid=r.bid)
        party_entity = r.bid.bidder
        services.clarification_answer(actor=testing.Party(party_entity, ev.actor_of(party_entity.members.first().user)).actor, entity=party_entity, clarification=c, answer="报价构成：人工、材料、机械均有市场询价依据，见附件成本分析。")
        services.low_price_decide(actor=ev.actor_of(chair), user=chair, committee=committee, bid=r.bid, accepted=accepted, reason="成本分析合理" if accepted else "不能说明材料价格来源")


# --------------------------------------------------------------------------- E129


@pytest.mark.parametrize(("experts", "reps"), [(3, 1), (4, 2), (3, 2), (2, 1)])
def test_e129_composition(tenderer, lot, experts, reps):
    reps_users = [ev.representative(tenderer, f"rep{i}") for i in range(reps)]
    with pytest.raises((RuleViolation, RuleViolations)) as exc:
        services.committee_create(actor=tenderer.actor, entity=tenderer.entity, lot=lot, specialties=[{"code": "A08", "count": experts}], representatives=[u.username for u in reps_users], evaluation_start=clock.now(), evaluation_place="在线", duration_hours=4, method="comprehensive")
    assert "E129" in codes(exc.value)
    assert not Committee.objects.exists()


def test_composition_rules_pure():
    assert services.composition_violations(experts=5, representatives=0) == []
    assert services.composition_violations(experts=5, representatives=2) == []
    assert [v.code for v in services.composition_violations(experts=4, representatives=2)] == ["E129"]  # even
    assert services.composition_violations(experts=6, representatives=3) == []  # 6 of 9 is two thirds
    assert [v.code for v in services.composition_violations(experts=4, representatives=3)] == ["E129"]  # 4 of 7 < 2/3
    assert len(services.composition_violations(experts=2, representatives=2)) == 3


def test_lot_must_be_opened(tenderer, frozen_clock):
    tender = testing.published_tender(tenderer)
    with pytest.raises(RuleViolation) as exc:
        services.committee_create(actor=tenderer.actor, entity=tenderer.entity, lot=tender.lots.first(), specialties=[{"code": "A08", "count": 5}], representatives=[], evaluation_start=clock.now(), evaluation_place="在线", duration_hours=4, method="comprehensive")
    assert exc.value.code == "E007"


def test_only_tenderer_staff_are_representatives(tenderer, lot, bidders):
    with pytest.raises((RuleViolation, RuleViolations)) as exc:
        services.committee_create(actor=tenderer.actor, entity=tenderer.entity, lot=lot, specialties=[{"code": "A08", "count": 4}], representatives=[bidders[0].user.username], evaluation_start=clock.now(), evaluation_place="在线", duration_hours=4, method="comprehensive")
    assert "E006" in codes(exc.value)
    with pytest.raises(RuleViolation) as exc:
        services.committee_create(actor=bidders[0].actor, entity=bidders[0].entity, lot=lot, specialties=[{"code": "A08", "count": 5}], representatives=[], evaluation_start=clock.now(), evaluation_place="在线", duration_hours=4, method="comprehensive")
    assert exc.value.code == "E006"


# --------------------------------------------------------------------------- E130, E074


def test_e130_experts_are_drawn_not_designated(tenderer, lot, members):
    experts, reps = members
    committee = services.committee_create(actor=tenderer.actor, entity=tenderer.entity, lot=lot, specialties=[{"code": "A08", "count": 4}], representatives=[reps[0].username], evaluation_start=clock.now(), evaluation_place="在线", duration_hours=4, method="comprehensive")
    with pytest.raises(RuleViolation) as exc:
        services.seats_appoint(actor=tenderer.actor, entity=tenderer.entity, committee=committee, experts=[{"username": u.username, "specialty": "A08"} for u in experts])
    assert exc.value.code == "E130"
    assert not committee.seats.filter(kind=Seat.Kind.EXPERT).exists()
    # Without a configured hub the draw cannot run: a coded error, nothing stored.
    with pytest.raises(RuleViolation) as exc:
        services.draw_request(actor=tenderer.actor, entity=tenderer.entity, committee=committee)
    assert exc.value.code == "E074"
    committee.refresh_from_db()
    assert committee.status == CommitteeStatus.DRAFT and committee.draw_commitment == ""


def test_e130_special_project_needs_reasons(tenderer, lot, members):
    with pytest.raises((RuleViolation, RuleViolations)) as exc:
        services.committee_create(actor=tenderer.actor, entity=tenderer.entity, lot=lot, specialties=[{"code": "A08", "count": 5}], representatives=[], evaluation_start=clock.now(), evaluation_place="在线", duration_hours=4, method="comprehensive", draw_mode="special", special_reason="")
    assert "E130" in codes(exc.value)


# --------------------------------------------------------------------------- E133


def test_e133_names_confidential_and_every_access_logged(tenderer, lot, members, bidders):
    experts, reps = members
    committee = ev.special_committee(tenderer, lot, experts, reps)
    before = AuditEntry.objects.filter(action="committee.members_viewed").count()
    with pytest.raises(RuleViolation) as exc:
        selectors.committee_members(committee, actor=bidders[0].actor, user=bidders[0].user, entity=bidders[0].entity)
    assert exc.value.code == "E133"
    rows = selectors.committee_members(committee, actor=tenderer.actor, user=tenderer.user, entity=tenderer.entity)
    assert {r["name"] for r in rows} >= {"张建国", "王代表"}
    staff = testing.custodian_user("operator-staff", staff=True)
    rows = selectors.committee_members(committee, actor=ev.actor_of(staff), user=staff, entity=None)
    assert all(r["name"].startswith("评委") and r["employer"] == "" for r in rows)
    assert AuditEntry.objects.filter(action="committee.members_viewed").count() == before + 2
    committee = services.committee_mark_revealed(committee=committee)
    assert selectors.committee_members(committee, actor=bidders[0].actor, user=bidders[0].user, entity=bidders[0].entity)[0]["name"] == "张建国"


# --------------------------------------------------------------------------- E070, W137, E138, E136


def test_e070_not_ready(tenderer, lot, members):
    experts, reps = members
    committee = ev.special_committee(tenderer, lot, experts, reps)
    with pytest.raises(RuleViolation) as exc:
        services.evaluation_begin(actor=tenderer.actor, user=tenderer.user, entity=tenderer.entity, committee=committee)
    assert exc.value.code == "E070" and "未确认" in exc.value.detail_zh


def test_w137_low_price_clarified_before_rejection(tenderer, lot, members, bidders):
    committee, experts, reps = evaluating(tenderer, lot, members)
    low = bidders[3].entity.bids.get(lot=lot)
    assert [w.code for w in services.warnings(committee)] == ["W137"]
    clar = BidClarification.objects.get(committee=committee, bid=low)
    assert clar.kind == BidClarification.Kind.LOW_PRICE and "W137" in clar.question
    assert bidders[3].entity.notifications.filter(kind="evaluation.clarification").exists()
    chair = chair_user(committee)
    with pytest.raises(RuleViolation) as exc:  # never rejected directly
        services.bid_reject(actor=ev.actor_of(chair), user=chair, committee=committee, bid=low, item=5, reason="低于成本")
    assert exc.value.code == "E071" and "W137" in exc.value.detail_zh
    with pytest.raises(RuleViolation) as exc:  # nor judged before the bidder could answer
        services.low_price_decide(actor=ev.actor_of(chair), user=chair, committee=committee, bid=low, accepted=False, reason="x")
    assert exc.value.code == "E071"
    # E138: the answer explains, it does not amend.
    with pytest.raises((RuleViolation, RuleViolations)) as exc:
        services.clarification_answer(actor=bidders[3].actor, entity=bidders[3].entity, clarification=clar, answer="我方调整报价", new_price=Decimal("9500000.00"))
    assert codes(exc.value) == ["E138"]
    with pytest.raises(RuleViolation) as exc:
        services.clarification_answer(actor=bidders[0].actor, entity=bidders[0].entity, clarification=clar, answer="不是我")
    assert exc.value.code == "E006"
    services.clarification_answer(actor=bidders[3].actor, entity=bidders[3].entity, clarification=clar, answer="报价构成说明", new_price=Decimal("8800000.00"))
    services.low_price_decide(actor=ev.actor_of(chair), user=chair, committee=committee, bid=low, accepted=False, reason="未能提供材料价格依据")
    review = committee.reviews.get(bid=low)
    assert review.rejected and review.rejection_item == 5
    assert services.warnings(committee) == []


def test_e138_no_new_documents(tenderer, lot, members, bidders):
    from django.core.files.uploadedfile import SimpleUploadedFile

    committee, experts, reps = evaluating(tenderer, lot, members)
    chair = chair_user(committee)
    bid = bidders[0].entity.bids.get(lot=lot)
    clar = services.clarification_ask(actor=ev.actor_of(chair), user=chair, committee=committee, bid=bid, question="投标函中工期大小写不一致，请澄清。")
    with pytest.raises((RuleViolation, RuleViolations)) as exc:
        services.clarification_answer(actor=bidders[0].actor, entity=bidders[0].entity, clarification=clar, answer="以大写为准", files=[SimpleUploadedFile("补充资质.pdf", b"%PDF")], new_duration_days=200)
    assert codes(exc.value) == ["E138", "E138"]
    services.clarification_answer(actor=bidders[0].actor, entity=bidders[0].entity, clarification=clar, answer="以大写为准，工期300日历天。", new_duration_days=300)
    clar.refresh_from_db()
    assert clar.answered_at is not None


def test_e136_rejection_needs_a_case_of_article_51(tenderer, lot, members, bidders):
    committee, experts, reps = evaluating(tenderer, lot, members)
    chair = chair_user(committee)
    bid = bidders[1].entity.bids.get(lot=lot)
    for item, reason in ((None, "不合格"), (8, "不合格"), (3, "")):
        with pytest.raises(RuleViolation) as exc:
            services.bid_reject(actor=ev.actor_of(chair), user=chair, committee=committee, bid=bid, item=item, reason=reason)
        assert exc.value.code == "E136"
    with pytest.raises(RuleViolation) as exc:  # members record nothing for the committee: the chair does
        services.bid_reject(actor=ev.actor_of(experts[1]), user=experts[1], committee=committee, bid=bid, item=3, reason="资质不符")
    assert exc.value.code == "E006"
    services.bid_reject(actor=ev.actor_of(chair), user=chair, committee=committee, bid=bid, item=3, reason="市政公用工程施工总承包资质为三级，不满足二级要求")
    with pytest.raises(RuleViolation) as exc:
        services.sheet_save(actor=ev.actor_of(experts[1]), user=experts[1], committee=committee, scores={str(bid.pk): {"technical": "30", "commercial": "10"}})
    assert exc.value.code == "E136"
    assert AuditEntry.objects.filter(action="evaluation.bid_rejected", data__item=3).exists()


# --------------------------------------------------------------------------- scoring: E072, E073, independence


def test_scores_in_range_independent_and_signed_once(tenderer, lot, members, bidders):
    committee, experts, reps = evaluating(tenderer, lot, members)
    u = experts[1]
    bid = bidders[0].entity.bids.get(lot=lot)
    with pytest.raises(RuleViolation) as exc:
        services.sheet_save(actor=ev.actor_of(u), user=u, committee=committee, scores={str(bid.pk): {"technical": "41", "commercial": "10"}})
    assert exc.value.code == "E072" and exc.value.field == f"scores.{bid.pk}.technical"
    services.sheet_save(actor=ev.actor_of(experts[2]), user=experts[2], committee=committee, scores={str(bid.pk): {"technical": "35", "commercial": "18"}})
    services.sheet_save(actor=ev.actor_of(u), user=u, committee=committee, scores={str(bid.pk): {"technical": "30", "commercial": "10"}})
    seat = selectors.seat_of(committee, u)
    assert [s.seat_id for s in selectors.sheets_visible(committee, seat)] == [seat.pk]  # not the others' before signing
    with pytest.raises(RuleViolation) as exc:  # W137 still open
        services.sheet_sign(actor=ev.actor_of(u), user=u, committee=committee)
    assert exc.value.code == "E071"
    settle_low_price(committee, accepted=True)
    with pytest.raises(RuleViolation) as exc:
        services.sheet_sign(actor=ev.actor_of(u), user=u, committee=committee)
    assert exc.value.code == "E001"  # not every bid scored
    score_all(committee, [u])
    sheet = selectors.sheet_of(seat)
    assert verify(sheet.document, sheet.signature, platform_signer().public_info()["public_key"])
    assert AuditEntry.objects.get(seq=sheet.audit_index).action == "evaluation.sheet_signed"
    with pytest.raises(RuleViolation) as exc:
        services.sheet_save(actor=ev.actor_of(u), user=u, committee=committee, scores={str(bid.pk): {"technical": "31", "commercial": "10"}})
    assert exc.value.code == "E073"


# --------------------------------------------------------------------------- W134, E135


def test_w134_more_than_a_third_extends(tenderer, lot, members):
    committee, experts, reps = evaluating(tenderer, lot, members)
    ends = committee.ends_at
    assert services.time_insufficient_set(actor=ev.actor_of(experts[0]), user=experts[0], committee=committee, insufficient=True) == []
    warnings = services.time_insufficient_set(actor=ev.actor_of(experts[1]), user=experts[1], committee=committee, insufficient=True)
    assert [w.code for w in warnings] == ["W134"]
    committee.refresh_from_db()
    assert committee.ends_at == ends + timedelta(hours=4) and committee.extensions == 1
    assert "W134" in [w.code for w in services.warnings(committee)]


def test_e135_replaced_member_conclusions_void(tenderer, lot, members):
    committee, experts, reps = evaluating(tenderer, lot, members)
    settle_low_price(committee)
    score_all(committee, [experts[1]])
    seat = selectors.seat_of(committee, experts[1])
    extra = ev.expert_users(1, prefix="spare")[0]
    new = services.seat_replace(actor=tenderer.actor, entity=tenderer.entity, committee=committee, seat=seat, reason="与投标人存在利害关系，应当回避", new_username=extra.username)
    seat.refresh_from_db()
    assert seat.status == Seat.Status.REPLACED and seat.replaced_by == new and seat.sheet.void
    with pytest.raises(RuleViolation) as exc:
        services.sheet_save(actor=ev.actor_of(experts[1]), user=experts[1], committee=committee, scores={})
    assert exc.value.code == "E135"
    services.seat_confirm(actor=ev.actor_of(extra), user=extra, committee=committee, confirmed=True) if False else None
    new.status = Seat.Status.CONFIRMED
    new.save()
    others = [experts[0], experts[2], experts[3], reps[0], extra]
    score_all(committee, others)
    chair = chair_user(committee)
    report = services.report_prepare(actor=ev.actor_of(chair), user=chair, committee=committee)
    assert seat.pseudonym not in report.content["sheets"] and new.pseudonym in report.content["sheets"]


# --------------------------------------------------------------------------- W139, E140, the report


def test_w139_fewer_than_three_valid_bids(tenderer, lot, members, bidders):
    committee, experts, reps = evaluating(tenderer, lot, members)
    settle_low_price(committee, accepted=False)
    chair = chair_user(committee)
    services.bid_reject(actor=ev.actor_of(chair), user=chair, committee=committee, bid=bidders[1].entity.bids.get(lot=lot), item=6, reason="工期不满足招标文件实质性要求")
    assert "W139" in [w.code for w in services.warnings(committee)]
    with pytest.raises(RuleViolation) as exc:
        services.sheet_sign(actor=ev.actor_of(chair), user=chair, committee=committee)
    assert exc.value.code == "E071" and "W139" in exc.value.detail_zh
    services.few_bids_decide(actor=ev.actor_of(chair), user=chair, committee=committee, decision="reject_all", reason="有效投标仅2个，明显缺乏竞争，否决全部投标")
    score_all(committee, experts + reps)
    report = services.report_prepare(actor=ev.actor_of(chair), user=chair, committee=committee)
    assert report.failed and report.candidate_set.count() == 0


def test_e140_at_most_three_candidates(tenderer, lot, members):
    experts, reps = members
    with pytest.raises((RuleViolation, RuleViolations)) as exc:
        ev.special_committee(tenderer, lot, experts, reps, config={"candidates": 4})
    assert "E140" in codes(exc.value)


def test_full_evaluation_report_and_exchange(tenderer, lot, members, bidders):
    committee, experts, reps = evaluating(tenderer, lot, members)
    settle_low_price(committee, accepted=True)
    everyone = experts + reps
    # Member 2 favours bidder 2; with the highest and lowest totals dropped it does not decide alone.
    b2 = bidders[1].entity.bids.get(lot=lot)
    score_all(committee, everyone, override={(experts[1].username, b2.pk): "40"})
    chair = chair_user(committee)
    with pytest.raises(RuleViolation) as exc:
        services.report_submit(actor=ev.actor_of(chair), user=chair, entity=None, committee=committee)
    assert exc.value.code == "E007"
    report = services.report_prepare(actor=ev.actor_of(chair), user=chair, committee=committee)
    assert report.candidate_set.count() == 3
    ranks = list(report.candidates)
    # Benchmark = mean of the 4 valid prices; the price closest below it scores best at equal member scores.
    assert Decimal(report.content["benchmark"]) == Decimal("10387500.00")
    assert ranks[0].entity == bidders[3].entity or ranks[0].score >= ranks[1].score
    assert [c.rank for c in ranks] == [1, 2, 3]
    for u in everyone[:-1]:
        services.report_sign(actor=ev.actor_of(u), user=u, committee=committee)
    with pytest.raises(RuleViolation) as exc:
        services.report_submit(actor=ev.actor_of(chair), user=chair, entity=None, committee=committee)
    assert exc.value.code == "E140"
    with pytest.raises(RuleViolation) as exc:
        services.report_sign(actor=ev.actor_of(reps[0]), user=reps[0], committee=committee, agrees=False)
    assert exc.value.code == "E140" and exc.value.field == "dissent"
    services.report_sign(actor=ev.actor_of(reps[0]), user=reps[0], committee=committee, agrees=False, dissent="第一中标候选人的施工组织设计深度不足，不同意其排名第一。")
    assert selectors.report_for_lot(lot) is None
    services.report_submit(actor=ev.actor_of(chair), user=chair, entity=None, committee=committee)
    report = selectors.report_for_lot(lot)
    assert report is not None and report.submitted_at and not report.failed
    assert selectors.lot_stage(lot) == "reported"
    assert report.pdf_bytes().startswith(b"%PDF")
    entries = OutboxEntry.objects.filter(dataset__in=["508", "509"]).order_by("id")
    assert [e.dataset for e in entries] == ["508"] * 5 + ["509"]
    from etender.kernel.exchange import validate_record

    assert all(validate_record(e.dataset, e.record) == [] for e in entries)
    assert "不同意" in entries.last().record["EVALUATION_CONTENT"]
    assert sum(1 for e in entries if e.record.get("IS_CHAIR_MAN") == "1") == 1


def test_lowest_evaluated_price(tenderer, lot, members, bidders):
    committee, experts, reps = evaluating(tenderer, lot, members, method="lowest_price")
    settle_low_price(committee, accepted=True)
    score_all(committee, experts + reps)
    chair = chair_user(committee)
    report = services.report_prepare(actor=ev.actor_of(chair), user=chair, committee=committee)
    assert [c.entity for c in report.candidates] == [bidders[3].entity, bidders[2].entity, bidders[1].entity]
    assert report.candidates[0].score is None


def test_suspended_tender_stops_the_evaluation(tenderer, lot, members):
    committee, experts, reps = evaluating(tenderer, lot, members)
    tender = lot.tender
    tender.suspended_at = clock.now()
    tender.save(update_fields=["suspended_at"])
    with pytest.raises(RuleViolation) as exc:
        services.time_insufficient_set(actor=ev.actor_of(experts[0]), user=experts[0], committee=committee, insufficient=True)
    assert exc.value.code == "E050"
